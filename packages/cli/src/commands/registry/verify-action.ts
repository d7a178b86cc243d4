// The action of `modelshelf verify` (descriptor: verify.ts), loaded only when the command runs.

import type { Store, TrustPolicy, VerifyReport } from '@modelshelf/registry';
import {
  EXIT_CODES,
  InvalidArgumentError,
  mapLimit,
  type TrustReport,
  verifyVersionSignatures,
} from '@modelshelf/registry';
import type { Command } from 'commander';
import { formatSize, outputFor, withStore } from '../../kit/index.ts';
import { type TrustCommandOptions, trustPolicyFromOptions } from './trust-options.ts';

export async function verifyAction(
  ref: string | undefined,
  opts: { all?: boolean; prefix?: string } & TrustCommandOptions,
  cmd: Command,
): Promise<number> {
  if ((ref === undefined) === (opts.all !== true)) {
    throw new InvalidArgumentError(
      ref === undefined
        ? 'verify needs a reference or --all'
        : `give either ${JSON.stringify(ref)} or --all, not both`,
      'e.g. `modelshelf verify my/model@3` or `modelshelf verify --all`',
    );
  }
  const out = outputFor(cmd);
  const policy = trustPolicyFromOptions(opts);
  const reports = await withStore(cmd, async (s) =>
    withSignatures(s, ref !== undefined ? [await s.verify(ref)] : await s.verifyAll(opts.prefix), policy),
  );
  const bad = reports.filter((r) => !r.ok);
  if (out.json) out.printJson({ ok: bad.length === 0, reports });
  else printReports(cmd, reports, bad);
  return bad.length === 0 ? EXIT_CODES.ok : EXIT_CODES.integrity;
}

type SignedReport = VerifyReport & { signature?: TrustReport };

/**
 * Adds each version's signature check. A signature that fails is always a problem (something was
 * altered); under enforce, so is a version without a valid signature by a trusted key.
 */
async function withSignatures(
  store: Store,
  reports: VerifyReport[],
  policy: TrustPolicy | undefined,
): Promise<SignedReport[]> {
  return mapLimit(reports, 8, async (r) => {
    if (r.problems.some((p) => p.path === 'manifest.json')) return r;
    const signature = await verifyVersionSignatures(store, r.model, r.version, policy ?? {});
    const refused =
      signature.status === 'invalid' ||
      (policy?.requireSignature === 'enforce' && signature.status !== 'trusted');
    const problems = refused
      ? [...r.problems, ...signature.reasons.map((problem) => ({ path: 'signatures', problem }))]
      : r.problems;
    return { ...r, ok: r.ok && !refused, problems, signature };
  });
}

function printReports(cmd: Command, reports: SignedReport[], bad: SignedReport[]): void {
  const out = outputFor(cmd);
  const c = out.color;
  if (!out.quiet) {
    out.table(
      [
        { header: 'VERSION' },
        { header: 'STATUS' },
        { header: 'FILES', align: 'right' },
        { header: 'CHECKED', align: 'right' },
        { header: 'SIGNATURE' },
      ],
      reports.map((r) => [
        `${r.model}@${r.version}`,
        r.ok ? c.paint('green', 'ok') : c.paint('red', 'CORRUPT'),
        String(r.files),
        formatSize(r.bytes),
        r.signature?.status ?? '-',
      ]),
    );
  }
  // Problems go to stdout as well: they are the result, and each names the file.
  for (const r of bad)
    for (const p of r.problems) out.line(`${r.model}@${r.version}: ${p.path}: ${p.problem}`);
  if (reports.length === 0) out.note('nothing to verify');
  else
    out.note(
      bad.length === 0
        ? `${reports.length} version${reports.length === 1 ? '' : 's'} verified`
        : `${bad.length} of ${reports.length} version${reports.length === 1 ? '' : 's'} failed verification`,
    );
}
