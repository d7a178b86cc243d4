#!/usr/bin/env node
// The workspace ships TypeScript sources; tsx compiles them on the fly so there is no build step.
// The estimator, which runs for weeks beside Kepler on every node, runs a bundle instead (bundle.js:
// no tsx hooks thread, about 35 MB less resident memory). MODELSHELF_BUNDLE=1 uses the bundle for any
// command, MODELSHELF_BUNDLE=0 never; a bundle that cannot be built falls back to tsx.
const mode = process.env.MODELSHELF_BUNDLE;
const bundled = mode === '1' || (mode !== '0' && process.argv.slice(2).includes('estimator'));

let entry;
if (bundled) {
  try {
    const { bundledEntry } = await import('./bundle.js');
    entry = await bundledEntry();
  } catch (err) {
    process.stderr.write(`note: running through tsx, the bundle could not be built: ${err.message}\n`);
  }
}
if (entry === undefined) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../src/main.ts';
}
await import(entry);
