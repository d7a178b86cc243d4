import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@modelshelf/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureTable, PromResults } from '../src/data/types.ts';
import { counterRates } from '../src/extract/rates.ts';
import { extractTable } from '../src/extract/table.ts';
import { PROM_2023_09, PROM_IDLE } from './helpers/fixtures.ts';

type Raw = Record<string, { metric: Record<string, string>; values: [number, string][] }[]>;
const load = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Raw;

function cell(table: FeatureTable, t: number, feature: string): number {
  const r = table.timestamps.indexOf(t);
  return table.features[r * table.featureNames.length + table.featureNames.indexOf(feature)]!;
}
const target = (table: FeatureTable, t: number, c: string) => table.targets[c]![table.timestamps.indexOf(t)]!;

describe('extraction of the 2023-09 fixture (rapl)', () => {
  let raw: Raw;
  let table: FeatureTable;
  let notes: string[];
  beforeAll(() => {
    raw = load(PROM_2023_09);
    ({ table, notes } = extractTable(raw as PromResults, 'rapl-sysfs'));
  });

  it('has one row per scrape timestamp (188) and reads bpf_cpu_time_us as bpf_cpu_time_ms', () => {
    expect(table.timestamps.length).toBe(188);
    expect(table.timestamps[0]).toBe(1695361425);
    expect(table.featureNames).toContain('bpf_cpu_time_ms');
    expect(table.featureNames).not.toContain('bpf_cpu_time_us');
    expect(notes.join('\n')).toMatch(/bpf_cpu_time_us_total read as bpf_cpu_time_ms/);
    expect(Object.keys(table.targets)).toEqual(['package', 'core', 'uncore', 'dram']);
  });

  it('package power = Σ over mode × package of Δjoules / Δt (hand-computed from the raw samples)', () => {
    // kepler_node_package_joules_total at 1695361425 → 1695361428 (3 s):
    //   dynamic/0  1992227.657 → 1992232.925   Δ  5.268
    //   dynamic/1  2201728.950 → 2201733.075   Δ  4.125
    //   idle/0    14411690.546 → 14411741.539  Δ 50.993
    //   idle/1    11818637.128 → 11818678.946  Δ 41.818     Σ 102.204 J / 3 s = 34.068 W
    expect(target(table, 1695361428, 'package')).toBeCloseTo(102.204 / 3, 9);
    // 1695361428 → 1695361431: Δ 32.444 + 21.318 + 50.993 + 41.818 = 146.573 J
    expect(target(table, 1695361431, 'package')).toBeCloseTo(146.573 / 3, 9);
    // dram at 1695361428: Δ 1.463 + 1.562 + 58.630 + 55.487 = 117.142 J
    expect(target(table, 1695361428, 'dram')).toBeCloseTo(117.142 / 3, 9);
    // core and uncore counters stay at 0 on this machine.
    expect(target(table, 1695361428, 'core')).toBe(0);
    // The first timestamp has no previous sample, so no rate.
    expect(target(table, 1695361425, 'package')).toBeNaN();
  });

  it('workload features are per-container rates summed over containers per timestamp', () => {
    for (const t of [1695361428, 1695361431, 1695361434]) {
      // By hand: every container series with samples at t-3 and t contributes (v_t − v_{t−3}) / 3.
      let expected = 0;
      for (const s of raw.kepler_container_cache_miss_total!) {
        const before = s.values.find(([ts]) => ts === t - 3);
        const at = s.values.find(([ts]) => ts === t);
        if (before && at) expected += (Number(at[1]) - Number(before[1])) / 3;
      }
      expect(cell(table, t, 'cache_miss')).toBeCloseTo(expected, 6);
    }
  });

  it('drops negative deltas (counter restarts) instead of subtracting them', () => {
    // kubelet_memory_bytes of the "prometheus" container falls 113836032 → 113688576 at 1695361977.
    const t = 1695361977;
    const falling = raw.kepler_container_kubelet_memory_bytes_total!.find(
      (s) => s.metric.container_name === 'prometheus',
    )!;
    const [before, at] = [
      falling.values.find(([ts]) => ts === t - 3)!,
      falling.values.find(([ts]) => ts === t)!,
    ];
    expect(Number(at[1])).toBeLessThan(Number(before[1]));
    let expected = 0;
    for (const s of raw.kepler_container_kubelet_memory_bytes_total!) {
      const b = s.values.find(([ts]) => ts === t - 3);
      const a = s.values.find(([ts]) => ts === t);
      if (b && a && Number(a[1]) >= Number(b[1])) expected += (Number(a[1]) - Number(b[1])) / 3;
    }
    expect(cell(table, t, 'kubelet_memory_bytes')).toBeCloseTo(expected, 6);
  });

  it('node gauges are averaged over their series (per-CPU frequency), not differenced', () => {
    const t = 1695361428;
    const values = raw.kepler_node_cpu_scaling_frequency_hertz!.map((s) =>
      Number(s.values.find(([ts]) => ts === t)![1]),
    );
    expect(cell(table, t, 'cpu_scaling_frequency_hertz')).toBeCloseTo(
      values.reduce((a, b) => a + b, 0) / values.length,
      6,
    );
    expect(cell(table, t, 'node_info')).toBe(1);
  });

  it('acpi reads platform power from the same file', () => {
    const acpi = extractTable(raw as PromResults, 'acpi').table;
    expect(Object.keys(acpi.targets)).toEqual(['platform']);
    // dynamic 5244627 → 5244627, idle 144984681 → 144985194: 513 J in 3 s.
    expect(target(acpi, 1695361428, 'platform')).toBe(171);
  });
});

describe('extraction of idle.json (rapl-sysfs and acpi, bpf_cpu_time_ms)', () => {
  it('filters energy series by source label', () => {
    const raw = load(PROM_IDLE) as PromResults;
    const rapl = extractTable(raw, 'rapl-sysfs');
    expect(rapl.table.timestamps.length).toBe(7);
    expect(Object.keys(rapl.table.targets)).toEqual(['package', 'core', 'uncore', 'dram']);
    expect(rapl.table.featureNames).toContain('bpf_cpu_time_ms');
    expect(rapl.table.featureNames).toContain('bpf_page_cache_hit');
    // package at 1702462614 (15 s): Δ 491.211 + 510.095 + 489.233 + 498.510 = 1989.049 J
    expect(target(rapl.table, 1702462614, 'package')).toBeCloseTo(1989.049 / 15, 9);
    const acpi = extractTable(raw, 'acpi');
    // platform at 1702462614: Δ of the dynamic and idle series over the first 15 s, from the raw samples
    const p = raw.kepler_node_platform_joules_total!;
    const delta = p.reduce((sum, s) => sum + Number(s.values[1]![1]) - Number(s.values[0]![1]), 0);
    expect(target(acpi.table, 1702462614, 'platform')).toBeCloseTo(delta / 15, 9);
  });

  it('names the sources present when the requested one is absent', () => {
    const only: PromResults = {
      kepler_node_package_joules_total: [
        {
          metric: { source: 'acpi', mode: 'idle' },
          values: [
            [0, '0'],
            [3, '3'],
          ],
        },
      ],
    };
    expect(() => extractTable(only, 'rapl')).toThrowError(InvalidArgumentError);
    expect(() => extractTable(only, 'rapl')).toThrow(/source rapl-sysfs/);
    try {
      extractTable(only, 'rapl');
    } catch (err) {
      expect((err as InvalidArgumentError).hint).toMatch(/source acpi/);
    }
    expect(() => extractTable(only, 'nvml')).toThrow(/unknown energy source "nvml"/);
  });
});

describe('counterRates', () => {
  it('divides by the real gap between samples and skips restarts', () => {
    const rates = counterRates({
      metric: {},
      values: [
        [100, '10'],
        [103, '16'],
        [109, '28'],
        [112, '4'],
        [115, '10'],
      ],
    });
    expect([...rates]).toEqual([
      [103, 2],
      [109, 2],
      [115, 2],
    ]);
  });
});
