// The action of `modelshelf pull` (descriptor: pull.ts), loaded only when the command runs.
import { resolve as resolvePath } from 'node:path';
import { parseArtifactPath } from '@modelshelf/registry';
import type { Command } from 'commander';
import { outputFor, startProgress, withStore } from '../../kit/index.ts';
import { requireTrusted } from './trust-check.ts';
import { type TrustCommandOptions, trustPolicyFromOptions } from './trust-options.ts';

export async function pullAction(
  ref: string,
  dir: string,
  opts: TrustCommandOptions,
  cmd: Command,
): Promise<void> {
  const out = outputFor(cmd);
  const policy = trustPolicyFromOptions(opts);
  const { r, written } = await withStore(cmd, async (store) => {
    const r = await store.resolve(ref);
    // Under enforce an untrusted version is refused before a single byte is written.
    await requireTrusted(store, r, policy, out);
    for (const f of r.manifest.files) parseArtifactPath(f.path, dir);
    const stored = r.manifest.files.filter((f) => !f.url);
    const done = new Map<string, number>();
    const progress = await startProgress(
      out,
      `pull ${r.model}@${r.version}`,
      stored.reduce((s, f) => s + f.size, 0),
    );
    const written = await store
      .pull(r.manifest, dir, {
        onProgress: (p) => {
          done.set(p.path, p.bytes);
          progress.update([...done.values()].reduce((a, b) => a + b, 0));
        },
      })
      .finally(() => progress.stop());
    return { r, written };
  });
  const external = r.manifest.files.filter((f) => f.url).map((f) => ({ path: f.path, url: f.url }));
  if (out.json) {
    return out.printJson({
      model: r.model,
      version: r.version,
      via: r.via,
      digest: r.digest,
      dir: resolvePath(dir),
      files: written,
      external,
    });
  }
  if (out.quiet) return out.line(resolvePath(dir));
  out.line(
    `pulled ${r.model}@${r.version} (via ${r.via}) into ${resolvePath(dir)}: ${written.length} file${written.length === 1 ? '' : 's'} verified`,
  );
  for (const e of external) out.note(`not downloaded: ${e.path} is kept at ${e.url}`);
}
