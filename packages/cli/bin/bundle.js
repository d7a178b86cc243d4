// A plain-JavaScript bundle of the CLI, for the long-running estimator beside Kepler on every node.
//
// On Node 20, tsx compiles TypeScript through module hooks that run on a separate hooks thread: a
// second V8 isolate that costs about 35 MB of resident memory for the whole life of the process, more
// than everything the estimator itself loads with one weight model. So `modelshelf estimator` runs this
// bundle instead: esbuild compiles the workspace's own sources (and only those) once per change into
// <tmpdir>/modelshelf-<uid>/bundle/<content hash>/, and Node loads it with no hooks at all.
//   - Third-party packages stay external, imported by the absolute path esbuild resolved for the
//     importing source file, so each one is the same file Node would load, from where pnpm put it.
//   - Every dynamic import becomes its own chunk (splitting), so what the estimator does not use
//     (trainer, tfjs, h5wasm, the AWS SDK, …) is still never loaded.
//   - import.meta.url is replaced per file by the source file's URL: paths next to a source stay right.
// Building takes a fraction of a second; any failure falls back to tsx (said once on stderr).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENTRY = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const WORKSPACE = fileURLToPath(new URL('../../', import.meta.url)); // packages/
const SKIP = Symbol('resolving');

/** Bare specifiers of packages outside the workspace → external, by the absolute path Node would load. */
const externalsPlugin = {
  name: 'modelshelf-externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === SKIP || args.path.startsWith('node:') || args.path.startsWith('@modelshelf/'))
        return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: SKIP,
      });
      if (resolved.errors.length > 0 || resolved.external) return resolved.external ? resolved : undefined;
      return { path: resolved.path, external: true };
    });
  },
};

/** The workspace's sources with import.meta.url replaced by their own file URL. */
const importMetaPlugin = {
  name: 'modelshelf-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(WORKSPACE) || args.path.includes(`${sep}node_modules${sep}`))
        return undefined;
      const text = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Builds (or finds) the bundle and returns the URL of its entry module. */
export async function bundledEntry() {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: { main: ENTRY },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // What Node itself would pick for the externals: no bundler-only "module" condition or field.
      conditions: [],
      mainFields: ['main'],
      outdir: '/bundle',
      write: false,
      logLevel: 'silent',
      plugins: [externalsPlugin, importMetaPlugin],
    });
    const hash = createHash('sha256');
    for (const f of result.outputFiles) hash.update(f.path).update(f.contents);
    const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
    const dir = join(tmpdir(), `modelshelf-${uid}`, 'bundle', hash.digest('hex').slice(0, 16));
    if (!existsSync(join(dir, 'main.js'))) {
      // Written aside and renamed into place, so a concurrent start never sees half a bundle.
      const staging = `${dir}.${process.pid}.tmp`;
      for (const f of result.outputFiles) {
        const target = join(staging, f.path.slice('/bundle/'.length));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, f.contents);
      }
      try {
        renameSync(staging, dir);
      } catch (err) {
        rmSync(staging, { recursive: true, force: true });
        if (!existsSync(join(dir, 'main.js'))) throw err;
      }
    }
    return pathToFileURL(join(dir, 'main.js')).href;
  } finally {
    await esbuild.stop();
  }
}
