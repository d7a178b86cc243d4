// `modelshelf show <ref>` (manifest and metadata) and `modelshelf resolve <ref>` (which version).

import type { Resolution } from '@modelshelf/registry';
import type { Command } from 'commander';
import { formatSize, outputFor, relativeTime, runAction, withStore } from '../../kit/index.ts';
import {
  addTrustOptions,
  requireTrusted,
  type TrustCommandOptions,
  trustPolicyFromOptions,
} from './trust-options.ts';

const REF_HELP = 'model, model@<version> or model@<alias>';

/** How a reference was resolved, in words: "pinned", "alias stable", "latest", "explicit version". */
function describeVia(r: Resolution, ref: string): string {
  if (r.via === 'alias') return `alias ${ref.slice(ref.indexOf('@') + 1)}`;
  return { pin: 'pinned', latest: 'latest (no pin)', version: 'explicit version' }[r.via];
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('show the manifest and metadata of the version a reference resolves to')
    .argument('<ref>', REF_HELP)
    .action(
      runAction(async (ref: string, _opts: object, cmd: Command) => {
        const out = outputFor(cmd);
        const r = await withStore(cmd, (store) => store.resolve(ref));
        if (out.json)
          return out.printJson({
            model: r.model,
            version: r.version,
            via: r.via,
            digest: r.digest,
            manifest: r.manifest,
          });
        const m = r.manifest;
        const c = out.color;
        out.line(`${c.paint('bold', `${m.model}@${m.version}`)}  (resolved via ${describeVia(r, ref)})`);
        out.line(`digest   ${r.digest}`);
        out.line(
          `created  ${m.createdAt} (${relativeTime(m.createdAt)}) by ${m.creator.user}@${m.creator.host} with ${m.creator.tool}`,
        );
        if (m.formats.length > 0)
          out.line(
            `formats  ${m.formats.map((f) => `${f.name} (${f.files.length} file${f.files.length === 1 ? '' : 's'})`).join(', ')}`,
          );
        out.line('');
        out.table(
          [{ header: 'FILE' }, { header: 'SIZE', align: 'right' }, { header: 'SHA-256' }],
          m.files.map((f) => [f.url ? `${f.path} -> ${f.url}` : f.path, formatSize(f.size), f.sha256]),
        );
        const keys = Object.keys(m.metadata).sort();
        if (keys.length > 0) {
          out.line('');
          out.table(
            [{ header: 'METADATA' }, { header: 'VALUE' }],
            keys.map((k) => [k, JSON.stringify(m.metadata[k])]),
          );
        }
      }),
    );

  const resolveCommand = program
    .command('resolve')
    .description('print which version a reference designates and why (pin, alias, latest or version)')
    .argument('<ref>', REF_HELP);
  addTrustOptions(resolveCommand).action(
    runAction(async (ref: string, opts: TrustCommandOptions, cmd: Command) => {
      const out = outputFor(cmd);
      const policy = trustPolicyFromOptions(opts);
      const { r, trust } = await withStore(cmd, async (store) => {
        const r = await store.resolve(ref);
        return { r, trust: (await requireTrusted(store, r, policy, out)).report };
      });
      if (out.json)
        return out.printJson({
          model: r.model,
          version: r.version,
          via: r.via,
          digest: r.digest,
          ...(trust && { signature: { status: trust.status, signers: trust.signers } }),
        });
      if (out.quiet) return out.line(`${r.model}@${r.version}`);
      out.line(`${r.model}@${r.version}  via ${r.via}  ${r.digest}${trust ? `  ${trust.status}` : ''}`);
    }),
  );
}
