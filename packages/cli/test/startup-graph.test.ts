// What the binary loads before it runs a command, from the bundle's own metafile (built in memory):
// `--help` must not load the registry, zod or any action module, and `ls` must not load what only
// other commands need. A structural guard for the start-up time (docs/benchmarks.md, "CLI start-up").
import { describe, expect, it } from 'vitest';
import { startupGraph } from '../scripts/build.mjs';

const isZod = (input: string) => input.includes('/zod/') || input.startsWith('lean-zod:');

describe('start-up graph', () => {
  it('--help loads commander and the descriptors only', { timeout: 120_000 }, async () => {
    const inputs = await startupGraph();
    expect(inputs).toContain('packages/cli/src/commands/registry/list.ts');
    expect(inputs.filter(isZod)).toEqual([]);
    expect(inputs.filter((i) => i.endsWith('-action.ts'))).toEqual([]);
    // The registry's two narrow modules only (errors, trust policy): not its index, store or schemas.
    expect(inputs.filter((i) => i.startsWith('packages/registry/'))).toEqual(
      expect.arrayContaining(['packages/registry/src/errors.ts']),
    );
    for (const input of inputs.filter((i) => i.startsWith('packages/registry/')))
      expect(['packages/registry/src/errors.ts', 'packages/registry/src/trust/policy.ts']).toContain(input);
    expect(inputs.filter((i) => /packages\/(formats|loader|trainer)\//.test(i))).toEqual([]);
  });

  it('ls loads its own action and the registry, not another command’s', { timeout: 120_000 }, async () => {
    const inputs = await startupGraph('packages/cli/src/commands/registry/ls-action.ts');
    expect(inputs).toContain('packages/registry/src/store.ts');
    // Opening a store needs no keys or signatures (the registry's index would load them).
    expect(inputs.filter((i) => /registry\/src\/(index|trust\/(?!policy))/.test(i))).toEqual([]);
    expect(inputs.filter((i) => i.endsWith('-action.ts'))).toEqual([
      'packages/cli/src/commands/registry/ls-action.ts',
    ]);
    expect(inputs.filter((i) => /packages\/(formats|loader|trainer)\//.test(i))).toEqual([]);
  });

  it('the estimator loads the format registry but no codec until a model needs one', {
    timeout: 120_000,
  }, async () => {
    // What `modelshelf estimator` loads before it decodes a model: its action, then the loader's
    // estimator entry. Each codec (and fflate, flatbuffers, tfjs, h5wasm behind them) loads on first use.
    const inputs = [
      ...(await startupGraph('packages/cli/src/commands/loader/estimator-action.ts')),
      ...(await startupGraph('packages/loader/src/estimator/estimator.ts')),
    ];
    expect(inputs).toContain('packages/loader/src/estimator/estimator.ts');
    expect(inputs).toContain('packages/formats/src/format-registry.ts');
    expect(inputs).toContain('packages/formats/src/kepler/power-model.ts');
    const codecs = inputs.filter(
      (i) =>
        /formats\/src\/(kepler-archive|modelshelf-json|runtime|dense)\//.test(i) ||
        /formats\/src\/(xgboost-json|tflite|tfjs-layers|keras-h5|savedmodel|hdf5-tree)\.ts$/.test(i) ||
        /formats\/src\/kepler\/(codec|zip-codec)\.ts$/.test(i),
    );
    expect(codecs).toEqual([]);
    // Nor the loader's other roles: the Kepler importer and the row predictor.
    expect(inputs.filter((i) => /loader\/src\/(kepler|predict)\//.test(i))).toEqual([]);
  });
});
