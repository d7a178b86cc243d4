import { describe, expect, it } from 'vitest';
import { loadFeatureCsv, parseFeatureCsv } from '../src/data/csv.ts';
import { NX12_CSV } from './helpers/fixtures.ts';

describe('feature CSV (kepler-model-db nx12 preprocessed table)', () => {
  it('loads 2,202 rows, the renamed feature and the four rapl components', async () => {
    const t = await loadFeatureCsv(NX12_CSV);
    expect(t.timestamps.length).toBe(2202);
    expect(t.featureNames).toEqual(['bpf_cpu_time_ms']);
    expect(Object.keys(t.targets)).toEqual(['package', 'core', 'uncore', 'dram']);
    // First data line: 1695115663,1321.0,45.68033333371082,0.0,0.0,48.620666665335506,1,1.0
    expect(t.timestamps[0]).toBe(1695115663);
    expect(t.features[0]).toBe(1321);
    expect(t.targets.package![0]).toBe(45.68033333371082);
    expect(t.targets.dram![0]).toBe(48.620666665335506);
    for (let i = 1; i < t.timestamps.length; i++)
      expect(t.timestamps[i]!).toBeGreaterThan(t.timestamps[i - 1]!);
  });

  it('sorts rows by time and reads empty cells as missing', () => {
    const t = parseFeatureCsv('timestamp,cpu_cycles,platform_power\n6,,2\n3,10,1\n');
    expect([...t.timestamps]).toEqual([3, 6]);
    expect(t.features[0]).toBe(10);
    expect(t.features[1]).toBeNaN();
  });

  it('names the line and column of a bad value, and a missing target column', () => {
    expect(() => parseFeatureCsv('timestamp,cpu_cycles,package_power\n1,abc,2\n', 'x.csv')).toThrow(
      /x\.csv line 2, column "cpu_cycles": "abc" is not a number/,
    );
    expect(() => parseFeatureCsv('timestamp,cpu_cycles\n1,2\n', 'x.csv')).toThrow(
      /no <component>_power column/,
    );
    expect(() => parseFeatureCsv('time,cpu_cycles,package_power\n1,2,3\n', 'x.csv')).toThrow(
      /no "timestamp" column/,
    );
  });
});
