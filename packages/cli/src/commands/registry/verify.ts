// `modelshelf verify [ref] [--all]`: re-hash stored bytes against the manifests. Exit code 4 when
// anything is wrong, with every bad file named.

import type { Store, TrustPolicy, VerifyReport } from '@modelshelf/registry';
import {
  EXIT_CODES,
  InvalidArgumentError,
  mapLimit,
  type TrustReport,
  verifyVersionSignatures,
} from '@modelshelf/registry';
import type { Command } from 'commander';
import { formatSize, outputFor, runAction, withStore } from '../../kit/index.ts';
import { addTrustOptions, type TrustCommandOptions, trustPolicyFromOptions } from './trust-options.ts';

export function registerVerify(program: Command): void {
  const verify = program
    .command('verify')
    .description('re-hash stored files against their manifests and report every corrupt or missing file')
    .argument('[ref]', 'the version to check: model, model@<version> or model@<alias>')
    .option('--all', 'check every committed version of every model')
    .option('--prefix <prefix>', 'with --all: only models whose name starts with this');
  addTrustOptions(verify).action(
    runAction(
      async (
        ref: string | undefined,
        opts: { all?: boolean; prefix?: string } & TrustCommandOptions,
        cmd: Command,
      ) => {
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
          withSignatures(
            s,
            ref !== undefined ? [await s.verify(ref)] : await s.verifyAll(opts.prefix),
            policy,
          ),
        );
        const bad = reports.filter((r) => !r.ok);
        if (out.json) out.printJson({ ok: bad.length === 0, reports });
        else printReports(cmd, reports, bad);
        return bad.length === 0 ? EXIT_CODES.ok : EXIT_CODES.integrity;
      },
    ),
  );
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
