// Compiles the `modelshelf` binary to JavaScript in packages/cli/dist, so the installed command does
// not compile TypeScript at every start (tsx stays for development: `pnpm exec tsx packages/cli/src/main.ts`).
//
//   node packages/cli/scripts/build.mjs             build (run by `pnpm install`, see the root package.json)
//   node packages/cli/scripts/build.mjs --if-stale  build only when a source file changed since the last build
//   node packages/cli/scripts/build.mjs --install   as run by `pnpm install`: skipped when esbuild is absent
//                                                   (`pnpm install --prod`, the Docker image), where the
//                                                   binary runs its sources through tsx instead
//
// What it produces:
// - ESM with code splitting: dist/main.mjs holds what `--help` and `ls` need; every dynamic import()
//   (the trainer, the loader's runtimes, tfjs, h5wasm, the S3 driver) becomes a chunk of its own that
//   loads only when a command reaches it.
// - The workspace packages (@modelshelf/*, TypeScript) are bundled; npm dependencies stay external,
//   imported by absolute file URL from where the package that declares them resolves them, so every
//   package keeps loading exactly the dependency versions its own package.json names (pnpm does not
//   hoist them next to packages/cli). dist/ is rebuilt on install, on the machine that runs it.
// - dist/hdf5-tree-worker.mjs: the Keras/HDF5 reader's worker, loaded by URL beside the chunk that
//   starts it, compiled with the same rules.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = resolve(CLI_DIR, '../..');
export const DIST = join(CLI_DIR, 'dist');
const INPUTS = join(DIST, 'inputs.json');

/**
 * Pure-JavaScript dependencies on the start-up path, bundled (and tree-shaken) into main.mjs: loading
 * one file is much cheaper than resolving and compiling their dozens of modules at every start.
 */
const BUNDLED = new Set(['commander', 'zod']);
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * `import { z } from 'zod'` in the bundle: only the zod functions the workspace calls, so esbuild can
 * tree-shake the rest of zod (its schemas are marked pure): the message translations (360 KB; English
 * stays the default, registered by zod's schemas themselves), z.compile, the JSON Schema converters,
 * the string formats nobody validates. Code that reaches for a name left out fails the build
 * (logOverride below): add it here.
 */
const ZOD_NAMES = [
  'array',
  'enum',
  'lazy',
  'literal',
  'looseObject',
  'number',
  'object',
  'record',
  'set',
  'strictObject',
  'string',
  'tuple',
  'union',
  'unknown',
];
const LEAN_ZOD_EXTERNAL = `export { ${ZOD_NAMES.join(', ')} } from './v4/classic/schemas.js';`;
const LEAN_ZOD_INDEX = `
  import * as z from 'lean-zod:external';
  export * from 'lean-zod:external';
  export { z, z as default };
`;
const leanZod = {
  name: 'lean-zod',
  setup(build) {
    let zodDir;
    build.onResolve({ filter: /^zod$/ }, async (args) => {
      if (args.pluginData?.external) return undefined;
      const found = await build.resolve('zod', {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: { external: true },
      });
      if (found.errors.length > 0) return { errors: found.errors };
      zodDir = dirname(found.path);
      return { path: 'index', namespace: 'lean-zod' };
    });
    build.onResolve({ filter: /^lean-zod:external$/ }, () => ({ path: 'external', namespace: 'lean-zod' }));
    build.onLoad({ filter: /.*/, namespace: 'lean-zod' }, (args) => ({
      resolveDir: zodDir,
      loader: 'js',
      contents: args.path === 'index' ? LEAN_ZOD_INDEX : LEAN_ZOD_EXTERNAL,
    }));
  },
};

/** Other bare specifiers that are not workspace packages: resolved where esbuild would, then left external. */
const externalNpm = {
  name: 'external-npm',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.external || args.path.startsWith('@modelshelf/')) return undefined;
      if (BUNDLED.has(packageName(args.path))) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const found = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { external: true },
      });
      if (found.errors.length > 0) return { errors: found.errors };
      return { path: pathToFileURL(found.path).href, external: true };
    });
  },
};

/** esbuild's options for dist/ (shared by build() and by startupGraph(), which writes nothing). */
function buildOptions() {
  return {
    absWorkingDir: REPO,
    entryPoints: {
      main: join(CLI_DIR, 'src/main.ts'),
      'hdf5-tree-worker': join(REPO, 'packages/formats/src/hdf5-tree-worker.mjs'),
    },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node's own resolution rules: no "module" condition, CommonJS `main` before `module`.
    conditions: ['node'],
    mainFields: ['main', 'module'],
    // commander is CommonJS: its require('node:events') needs a real `require` in ESM output.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // A name the lean zod leaves out (or any import that resolves to nothing) is a build error.
    logOverride: { 'import-is-undefined': 'error' },
    plugins: [leanZod, externalNpm],
  };
}

/**
 * The source files a process loads before running anything, when it starts at `main.mjs` or where it
 * reaches `fromInput` (a path relative to the repository, e.g. a command's action module or a module
 * it imports dynamically): the inputs of every chunk reached by static imports from the chunk that
 * import() loads for it (else from the chunk that holds it). Built in memory; dist/ is left alone.
 */
export async function startupGraph(fromInput) {
  const esbuild = await import('esbuild');
  const { metafile } = await esbuild.build({ ...buildOptions(), write: false });
  const outputs = metafile.outputs;
  const names = Object.keys(outputs);
  const start =
    fromInput === undefined
      ? names.find((out) => out.endsWith('/main.mjs'))
      : (names.find((out) => outputs[out].entryPoint === fromInput) ??
        names.find((out) => Object.hasOwn(outputs[out].inputs, fromInput)));
  if (!start) throw new Error(`no output chunk holds ${fromInput}`);
  const seen = new Set();
  const visit = (out) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of outputs[out].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(start);
  return [...seen].flatMap((out) =>
    Object.entries(outputs[out].inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([input]) => input),
  );
}

export async function build() {
  const esbuild = await import('esbuild');
  await rm(DIST, { recursive: true, force: true });
  const result = await esbuild.build(buildOptions());
  // The inputs of this build, to tell later whether it is stale.
  // Paths relative to the repository; virtual modules (lean-zod:…) have no file to watch.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes(':'));
  inputs.push(fileURLToPath(import.meta.url), join(CLI_DIR, 'package.json'), join(REPO, 'pnpm-lock.yaml'));
  await writeFile(INPUTS, JSON.stringify({ builtAt: Date.now(), inputs }));
  return result;
}

/** True when dist/ is missing or older than any file it was built from. */
export async function isStale() {
  let record;
  try {
    record = JSON.parse(await readFile(INPUTS, 'utf8'));
  } catch {
    return true;
  }
  for (const input of record.inputs) {
    const mtime = await stat(resolve(REPO, input)).then(
      (s) => s.mtimeMs,
      () => Number.POSITIVE_INFINITY,
    );
    if (mtime > record.builtAt) return true;
  }
  return false;
}

/** Builds unless dist/ is up to date; returns whether it built. */
export async function ensureBuilt() {
  if (!(await isStale())) return false;
  await build();
  return true;
}

async function haveEsbuild() {
  return import('esbuild').then(
    () => true,
    () => false,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--install') && !(await haveEsbuild())) {
    process.stdout.write(
      'modelshelf: esbuild is not installed, not building; the binary will run its sources\n',
    );
  } else {
    let built = true;
    if (process.argv.includes('--if-stale')) built = await ensureBuilt();
    else await build();
    if (built) process.stdout.write(`modelshelf: built ${DIST}\n`);
  }
}
