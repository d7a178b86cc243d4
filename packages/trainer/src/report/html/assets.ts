// The files inlined into every report: uPlot's minified build and stylesheet (from the uplot npm
// package, so a report needs no network) and our drawing script.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Resolved through the package's own name, so the same code finds the files from the sources and from
// the CLI's compiled bundle (whose chunks live in packages/cli/dist, where uplot is not installed).
const trainerRequire = () =>
  createRequire(createRequire(import.meta.url).resolve('@modelshelf/trainer/package.json'));

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
}

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const require = trainerRequire();
  cached = {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    clientJs: readFileSync(require.resolve('@modelshelf/trainer/report/client.js'), 'utf8'),
  };
  return cached;
}
