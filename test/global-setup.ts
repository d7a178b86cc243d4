// Every suite that spawns `modelshelf` runs the compiled binary (packages/cli/dist), like an operator
// does after `pnpm install`. Built here, once per run, when any of its sources changed since the last
// build, so a test never exercises stale JavaScript.
import { ensureBuilt } from '../packages/cli/scripts/build.mjs';

export default async function setup(): Promise<void> {
  if (await ensureBuilt()) console.log('global setup: rebuilt packages/cli/dist (sources changed)');
}
