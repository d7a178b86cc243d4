// The actions of `modelshelf show` and `modelshelf resolve` (descriptors: show.ts), loaded only when
// one of them runs.

import type { Resolution } from '@modelshelf/registry';
import type { Command } from 'commander';
import { formatSize, outputFor, relativeTime, withStore } from '../../kit/index.ts';
import { requireTrusted } from './trust-check.ts';
import { type TrustCommandOptions, trustPolicyFromOptions } from './trust-options.ts';

/** How a reference was resolved, in words: "pinned", "alias stable", "latest", "explicit version". */
function describeVia(r: Resolution, ref: string): string {
  if (r.via === 'alias') return `alias ${ref.slice(ref.indexOf('@') + 1)}`;
  return { pin: 'pinned', latest: 'latest (no pin)', version: 'explicit version' }[r.via];
}

export async function showAction(ref: string, _opts: object, cmd: Command): Promise<void> {
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
}

export async function resolveAction(ref: string, opts: TrustCommandOptions, cmd: Command): Promise<void> {
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
}
