// Push detection of unmarked Kepler weight files, and the export path Kepler itself would consume:
// a linear model written by linearModelToKeplerWeights, pushed, `modelshelf pull`ed back, decodes with
// the codec and predicts exactly what the spec's arithmetic gives.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeKeplerWeights, type LinearModelSpec, writeKeplerWeightsFile } from '@modelshelf/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_BPF, json, tempStore } from './cli.ts';

type Store = Awaited<ReturnType<typeof tempStore>>;
interface Shown {
  manifest: { formats: { name: string; files: string[] }[] };
}

let s: Store;
beforeAll(async () => {
  s = await tempStore();
}, 60_000);
afterAll(() => s.cleanup());

describe('push without --format', () => {
  it('declares kepler-weights for an unmarked weight file, with metadata.json beside it', async () => {
    const dir = join(s.root, 'unmarked');
    await mkdir(dir);
    await copyFile(join(EC2_BPF, 'SGDRegressorTrainer_0.json'), join(dir, 'weights.json'));
    await copyFile(join(EC2_BPF, 'SGDRegressorTrainer_0/metadata.json'), join(dir, 'metadata.json'));
    const r = await s.cli('push', 'node/rapl/sgd', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/detected format kepler-weights/);
    const shown = json<Shown>(await s.cli('--json', 'show', 'node/rapl/sgd'));
    expect(shown.manifest.formats).toEqual([
      { name: 'kepler-weights', files: ['weights.json', 'metadata.json'] },
    ]);
  });

  it('declares nothing for JSON that is not Kepler weights', async () => {
    const file = join(s.root, 'config.json');
    await writeFile(file, JSON.stringify({ package: { not: 'weights' } }));
    const r = await s.cli('push', 'misc/config', file);
    expect(r.code, r.stderr).toBe(0);
    expect(json<Shown>(await s.cli('--json', 'show', 'misc/config')).manifest.formats).toEqual([]);
  });
});

describe('export a linear model as a Kepler weight file', () => {
  const spec: LinearModelSpec = {
    features: ['bpf_cpu_time_ms', 'cpu_instructions'],
    scales: [95877.00000000001, 3.5e9],
    components: {
      package: { intercept: 61.25, coefficients: [212.5, 18.75] },
      core: { intercept: 0, coefficients: [0, 0] },
      uncore: { intercept: 0.5, coefficients: [0, 0] },
      dram: { intercept: 9.125, coefficients: [7.25, -0.5] },
    },
  };
  const rows = [
    { bpf_cpu_time_ms: 9587.7, cpu_instructions: 1.2e9 },
    { bpf_cpu_time_ms: 0, cpu_instructions: 0 },
    { bpf_cpu_time_ms: 123456.789, cpu_instructions: 7.7e8 },
  ];
  const line = (c: string, row: Record<string, number>) =>
    spec.features.reduce(
      (sum, f, j) => sum + spec.components[c]!.coefficients[j]! * (row[f]! / spec.scales![j]!),
      spec.components[c]!.intercept,
    );

  it('round-trips push → modelshelf pull → codec with identical predictions', async () => {
    const file = join(s.root, 'LinearRegressionTrainer_0.json');
    await writeKeplerWeightsFile(file, spec);
    expect((await s.cli('push', 'rapl-sysfs/AbsPower/Mixed/LinearRegressionTrainer_0', file)).code).toBe(0);
    const out = join(s.root, 'pulled');
    const pulled = await s.cli('pull', 'rapl-sysfs/AbsPower/Mixed/LinearRegressionTrainer_0', out);
    expect(pulled.code, pulled.stderr).toBe(0);
    const bytes = new Uint8Array(await readFile(join(out, 'LinearRegressionTrainer_0.json')));
    expect(bytes).toEqual(new Uint8Array(await readFile(file)));

    const model = decodeKeplerWeights(bytes, { path: 'LinearRegressionTrainer_0.json' });
    expect(model.features).toEqual(spec.features);
    const predicted = model.predictRows(rows.map((features) => ({ features })));
    predicted.forEach((p, r) => {
      const pkg = line('package', rows[r]!);
      const uncore = line('uncore', rows[r]!);
      expect(p.package).toBe(Math.max(pkg, uncore)); // fill-in: package ≥ core + uncore
      expect(p.dram).toBe(line('dram', rows[r]!));
      expect(p.core).toBe(Math.max(pkg, uncore) - uncore); // core 0 → package − uncore
    });
  });

  it('rejects a coefficient count that does not match the features, naming the component', async () => {
    const bad: LinearModelSpec = { ...spec, components: { package: { intercept: 1, coefficients: [1] } } };
    await expect(writeKeplerWeightsFile(join(s.root, 'bad.json'), bad)).rejects.toThrow(
      /component "package".*1 coefficients for 2 features/,
    );
  });
});
