#!/usr/bin/env node
// The installed `modelshelf`: the compiled program in ../dist, built by `pnpm install`
// (packages/cli/scripts/build.mjs). Where nothing was built (a production install without esbuild),
// it runs the TypeScript sources through tsx. For development: `pnpm exec tsx packages/cli/src/main.ts`.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.mjs', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
