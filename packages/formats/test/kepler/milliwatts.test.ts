// Go's uint64(float64) on amd64 and arm64, and Kepler's integer fill-in, reproduced exactly.
import { describe, expect, it } from 'vitest';
import { decodeKeplerWeights } from '../../src/kepler/codec.ts';
import { fillNodeComponentsMilliwatts, goFloat64ToUint64 } from '../../src/kepler/go-uint64.ts';

const TWO64 = 1n << 64n;

describe('goFloat64ToUint64', () => {
  it('truncates toward zero in range on both architectures', () => {
    for (const arch of ['amd64', 'arm64'] as const) {
      expect(goFloat64ToUint64(174326.88, arch)).toBe(174326n);
      expect(goFloat64ToUint64(0.9999, arch)).toBe(0n);
      expect(goFloat64ToUint64(2 ** 53 + 2, arch)).toBe(2n ** 53n + 2n);
    }
  });

  it('amd64 wraps negatives like int64 → uint64 (uint64(-2.0) = 2^64 - 2, golang/go#52943)', () => {
    expect(goFloat64ToUint64(-2, 'amd64')).toBe(TWO64 - 2n);
    expect(goFloat64ToUint64(-2.99, 'amd64')).toBe(TWO64 - 2n);
    expect(goFloat64ToUint64(-0.5, 'amd64')).toBe(0n);
  });

  it('amd64 handles ≥ 2^63 by subtracting 2^63 and setting the top bit; NaN and huge give 0x8000…', () => {
    expect(goFloat64ToUint64(2 ** 63, 'amd64')).toBe(1n << 63n);
    expect(goFloat64ToUint64(2 ** 63 + 2 ** 11, 'amd64')).toBe((1n << 63n) + 2048n);
    expect(goFloat64ToUint64(Number.NaN, 'amd64')).toBe(1n << 63n);
    expect(goFloat64ToUint64(2 ** 70, 'amd64')).toBe(1n << 63n);
    expect(goFloat64ToUint64(-(2 ** 70), 'amd64')).toBe(1n << 63n);
  });

  it('arm64 saturates: negatives and NaN → 0, too large → 2^64 - 1', () => {
    expect(goFloat64ToUint64(-2, 'arm64')).toBe(0n);
    expect(goFloat64ToUint64(Number.NaN, 'arm64')).toBe(0n);
    expect(goFloat64ToUint64(2 ** 70, 'arm64')).toBe(TWO64 - 1n);
  });
});

describe('fillNodeComponentsMilliwatts', () => {
  it('raises package to core + uncore and fills core from package − uncore', () => {
    expect(fillNodeComponentsMilliwatts({ package: 100n, core: 0n, uncore: 30n, dram: 5n })).toEqual({
      package: 100n,
      core: 70n,
      uncore: 30n,
      dram: 5n,
    });
    expect(fillNodeComponentsMilliwatts({ package: 10n, core: 50n, uncore: 30n, dram: 0n }).package).toBe(
      80n,
    );
  });

  it('wraps like Go when uncore exceeds package and core is 0', () => {
    // package < 0 + uncore → package = uncore, so core = 0 (no wrap); a wrapped uncore sum shows the modular arithmetic
    expect(fillNodeComponentsMilliwatts({ package: 5n, core: 0n, uncore: 9n, dram: 0n })).toMatchObject({
      package: 9n,
      core: 0n,
    });
    const huge = TWO64 - 1n;
    expect(fillNodeComponentsMilliwatts({ package: 5n, core: huge, uncore: 3n, dram: 0n }).package).toBe(5n); // core+uncore wraps to 2
  });
});

describe('KeplerPowerModel.toKeplerMilliwatts', () => {
  const weights = (pkgBias: number, coreBias: number) =>
    JSON.stringify({
      package: { All_Weights: { Bias_Weight: pkgBias, Categorical_Variables: {}, Numerical_Variables: {} } },
      core: { All_Weights: { Bias_Weight: coreBias, Categorical_Variables: {}, Numerical_Variables: {} } },
      uncore: { All_Weights: { Bias_Weight: 0.25, Categorical_Variables: {}, Numerical_Variables: {} } },
      dram: { All_Weights: { Bias_Weight: -1.5, Categorical_Variables: {}, Numerical_Variables: {} } },
    });

  it('a negative package prediction becomes a huge uint64 on amd64 and 0 on arm64, unlike the float result', () => {
    const m = decodeKeplerWeights(weights(-2, 0));
    const input = new Float64Array(0);
    const amd = m.toKeplerMilliwatts(input, 1);
    expect(amd[0]).toBe(TWO64 - 2000n); // package: uint64(-2000)
    expect(amd[1]).toBe(TWO64 - 2000n - 250n); // core 0 → package − uncore
    expect(amd[3]).toBe(TWO64 - 1500n); // dram
    const arm = m.toKeplerMilliwatts(input, 1, { arch: 'arm64' });
    expect([...arm]).toEqual([250n, 0n, 250n, 0n]); // package raised to core + uncore, core = package − uncore = 0
    const watts = m.predict(input, 1);
    expect([...watts]).toEqual([0.25, 0, 0.25, -1.5]); // float: package raised to 0.25, core = 0.25 − 0.25
  });

  it('clampNegative (the Python sidecar) clamps before conversion and fill-in', () => {
    const m = decodeKeplerWeights(weights(-2, 0));
    expect([...m.toKeplerMilliwatts(new Float64Array(0), 1, { clampNegative: true })]).toEqual([
      250n,
      0n,
      250n,
      0n,
    ]);
    expect([...m.predictInto(new Float64Array(0), 1, new Float64Array(4), { clampNegative: true })]).toEqual([
      0.25, 0, 0.25, 0,
    ]);
  });

  it('applies coreRatio inside the conversion for idle power only: uint64(w · 1000 · ratio)', () => {
    const m = decodeKeplerWeights(weights(10.0007, 3), { modelCores: 3 });
    const idle = m.toKeplerMilliwatts(null, 1, { idle: true, cores: 1 });
    expect(idle[0]).toBe(goFloat64ToUint64((10.0007 * 1000 * 1) / 3)); // ratio 1/3 applied after ×1000
    expect(idle[0]).toBe(BigInt(Math.trunc(10.0007 * 1000 * (1 / 3))));
    expect(m.toKeplerMilliwatts(new Float64Array(0), 1, { cores: 1 })[0]).toBe(10000n);
  });
});
