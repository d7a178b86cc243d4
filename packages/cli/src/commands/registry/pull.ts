// `modelshelf pull <ref> <dir>`: download a version into a directory, verifying every byte.
// The store's pull refuses to write outside <dir> (escaping paths, planted symlinks); the command
// additionally checks every path of the manifest first, so a bad manifest writes nothing at all.
import { resolve as resolvePath } from 'node:path';
import { parseArtifactPath } from '@modelshelf/registry';
import type { Command } from 'commander';
import { outputFor, runAction, startProgress, withStore } from '../../kit/index.ts';
import {
  addTrustOptions,
  requireTrusted,
  type TrustCommandOptions,
  trustPolicyFromOptions,
} from './trust-options.ts';

export function registerPull(program: Command): void {
  const pull = program
    .command('pull')
    .description('download a version into a directory and verify every file against its digest')
    .argument('<ref>', 'model, model@<version> or model@<alias>')
    .argument('<dir>', 'target directory (created if missing); nothing is written outside it');
  addTrustOptions(pull).action(
    runAction(async (ref: string, dir: string, opts: TrustCommandOptions, cmd: Command) => {
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
    }),
  );
}
