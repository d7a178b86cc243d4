// Kepler's ratio model: dynamic power by usage share, idle power evenly, even split when usage is 0.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KEPLER_RATIO_USAGE_METRICS,
  RatioModelError,
  ratioMetricFor,
  splitPowerByRatio,
} from '../../src/kepler/ratio-model.ts';

const node = {
  package: { dynamic: 90, idle: 30 },
  core: { dynamic: 60, idle: 12 },
  uncore: { dynamic: 9, idle: 3 },
  dram: { dynamic: 20, idle: 8 },
};
const workloads = [
  { id: 'a', usage: { cpu_instructions: 3e9, cache_miss: 1e6, bpf_cpu_time_ms: 100 } },
  { id: 'b', usage: { cpu_instructions: 1e9, cache_miss: 3e6, bpf_cpu_time_ms: 300 } },
  { id: 'c', usage: { cpu_instructions: 2e9, cache_miss: 0, bpf_cpu_time_ms: 0 } },
];

describe('splitPowerByRatio', () => {
  it('uses Kepler’s default metric per component', () => {
    expect(KEPLER_RATIO_USAGE_METRICS).toMatchObject({
      package: 'cpu_instructions',
      core: 'cpu_instructions',
      dram: 'cache_miss',
      uncore: null,
    });
    const [a, b, c] = splitPowerByRatio({ node, workloads });
    expect(a!.dynamic.package).toBeCloseTo(90 * (3 / 6), 12);
    expect(b!.dynamic.core).toBeCloseTo(60 * (1 / 6), 12);
    expect(a!.dynamic.dram).toBeCloseTo(20 * (1 / 4), 12);
    expect(b!.dynamic.dram).toBeCloseTo(20 * (3 / 4), 12);
    expect(c!.dynamic.dram).toBe(0); // no cache misses, others had some
  });

  it('splits uncore dynamic power and every idle power evenly', () => {
    for (const s of splitPowerByRatio({ node, workloads })) {
      expect(s.dynamic.uncore).toBe(3);
      expect(s.idle).toEqual({ package: 10, core: 4, uncore: 1, dram: 8 / 3 });
    }
  });

  it('splits evenly when the node total of the metric is 0', () => {
    const idle = workloads.map((w) => ({ id: w.id, usage: {} }));
    for (const s of splitPowerByRatio({ node, workloads: idle })) expect(s.dynamic.package).toBe(30);
  });

  it('falls back to bpf_cpu_time_ms without hardware counters', () => {
    expect(ratioMetricFor('dram', { hardwareCounters: false })).toBe('bpf_cpu_time_ms');
    expect(ratioMetricFor('uncore', { hardwareCounters: false })).toBeNull();
    const [a, b, c] = splitPowerByRatio({ node, workloads, hardwareCounters: false });
    expect([a!.dynamic.package, b!.dynamic.package, c!.dynamic.package]).toEqual([22.5, 67.5, 0]);
  });

  it('honours a node total larger than the workloads’ sum (usage of processes not listed)', () => {
    const [a] = splitPowerByRatio({
      node: { package: node.package },
      workloads,
      nodeUsage: { cpu_instructions: 12e9 },
    });
    expect(a!.dynamic.package).toBeCloseTo(90 * (3 / 12), 12);
  });

  it('rounds each share up with kepler-ceil, as Kepler does on integer milliwatts', () => {
    const shares = splitPowerByRatio({
      node: { package: { dynamic: 1000, idle: 100 } },
      workloads,
      rounding: 'kepler-ceil',
    });
    expect(shares.map((s) => s.dynamic.package)).toEqual([500, 167, 334]);
    expect(shares.map((s) => s.idle.package)).toEqual([34, 34, 34]);
  });

  it('exact shares add up to the node power (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        (usages, dynamic, idle) => {
          const ws = usages.map((u, i) => ({ id: String(i), usage: { cpu_instructions: u } }));
          const shares = splitPowerByRatio({ node: { package: { dynamic, idle } }, workloads: ws });
          const sum = (k: 'dynamic' | 'idle') => shares.reduce((s, x) => s + x[k].package!, 0);
          expect(sum('dynamic')).toBeCloseTo(dynamic, 6);
          expect(sum('idle')).toBeCloseTo(idle, 6);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns nothing for no workloads and rejects bad numbers by name', () => {
    expect(splitPowerByRatio({ node, workloads: [] })).toEqual([]);
    expect(() =>
      splitPowerByRatio({ node, workloads: [{ id: 'x', usage: { cpu_instructions: -1 } }] }),
    ).toThrow(/workload "x": usage "cpu_instructions"/);
    expect(() => splitPowerByRatio({ node: { dram: { dynamic: Number.NaN, idle: 0 } }, workloads })).toThrow(
      RatioModelError,
    );
  });
});
