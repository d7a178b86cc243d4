// `modelshelf verify [ref] [--all]`: re-hash stored bytes against the manifests. Exit code 4 when
// anything is wrong, with every bad file named.
import type { Command } from 'commander';
import { EXIT_CODES, InvalidArgumentError } from '../../errors.ts';
import type { VerifyReport } from '../../store/verify.ts';
import { formatSize, outputFor, runAction, withStore } from '../kit/index.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('re-hash stored files against their manifests and report every corrupt or missing file')
    .argument('[ref]', 'the version to check: model, model@<version> or model@<alias>')
    .option('--all', 'check every committed version of every model')
    .option('--prefix <prefix>', 'with --all: only models whose name starts with this')
    .action(
      runAction(async (ref: string | undefined, opts: { all?: boolean; prefix?: string }, cmd: Command) => {
        if ((ref === undefined) === (opts.all !== true)) {
          throw new InvalidArgumentError(
            ref === undefined
              ? 'verify needs a reference or --all'
              : `give either ${JSON.stringify(ref)} or --all, not both`,
            'e.g. `modelshelf verify my/model@3` or `modelshelf verify --all`',
          );
        }
        const out = outputFor(cmd);
        const reports = await withStore(cmd, async (s) =>
          ref !== undefined ? [await s.verify(ref)] : s.verifyAll(opts.prefix),
        );
        const bad = reports.filter((r) => !r.ok);
        if (out.json) out.printJson({ ok: bad.length === 0, reports });
        else printReports(cmd, reports, bad);
        return bad.length === 0 ? EXIT_CODES.ok : EXIT_CODES.integrity;
      }),
    );
}

function printReports(cmd: Command, reports: VerifyReport[], bad: VerifyReport[]): void {
  const out = outputFor(cmd);
  const c = out.color;
  if (!out.quiet) {
    out.table(
      [
        { header: 'VERSION' },
        { header: 'STATUS' },
        { header: 'FILES', align: 'right' },
        { header: 'CHECKED', align: 'right' },
      ],
      reports.map((r) => [
        `${r.model}@${r.version}`,
        r.ok ? c.paint('green', 'ok') : c.paint('red', 'CORRUPT'),
        String(r.files),
        formatSize(r.bytes),
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
