import { describe, expect, it } from 'vitest';
import { loadPromFile } from '../src/data/prom-file.ts';
import type { FeatureTable } from '../src/data/types.ts';
import { minIdleIsolate } from '../src/extract/isolate.ts';
import { extractTable } from '../src/extract/table.ts';
import { activatePipelines, MIN_ROWS } from '../src/features/activation.ts';
import { FEATURE_GROUP_NAMES, FEATURE_GROUPS, parseFeatureGroup } from '../src/features/groups.ts';
import { PROM_2023_09, PROM_IDLE } from './helpers/fixtures.ts';

const allGroups = FEATURE_GROUP_NAMES.map(parseFeatureGroup);

async function activationOf(path: string, source: string) {
  const { table, energySource } = extractTable(await loadPromFile(path), source);
  return activatePipelines(table, {
    energySource,
    featureGroups: allGroups,
    outputTypes: ['AbsPower', 'DynPower'],
  });
}

describe('pipeline activation on the real fixtures', () => {
  it('2023-09: counter, IRQ, cgroup and kubelet groups run; every group needing bpf_page_cache_hit is skipped', async () => {
    const a = await activationOf(PROM_2023_09, 'rapl');
    const active = [...new Set(a.active.map((p) => p.featureGroup))];
    expect(active).toEqual(['CounterOnly', 'CounterIRQCombined', 'CgroupOnly', 'KubeletOnly']);
    expect(a.active.every((p) => p.energySource === 'rapl-sysfs')).toBe(true);
    const messages = [...new Set(a.skipped.map((s) => s.message))];
    expect(messages).toEqual([
      'Full skipped: accelerator_intel_qat, bpf_page_cache_hit are not reported',
      'WorkloadOnly skipped: accelerator_intel_qat, bpf_page_cache_hit are not reported',
      'BPFOnly skipped: bpf_page_cache_hit is not reported',
      'Basic skipped: bpf_page_cache_hit is not reported',
      'BPFIRQ skipped: bpf_page_cache_hit is not reported',
      'AcceleratorOnly skipped: accelerator_intel_qat is not reported',
    ]);
    expect(a.skipped.length).toBe(12); // 6 groups × 2 output types
    expect(a.skipped.find((s) => s.featureGroup === 'BPFOnly')!.missing).toEqual(['bpf_page_cache_hit']);
    // 188 timestamps, the first has no rate: 187 training rows.
    expect(a.active[0]!.data.x.rows).toBe(187);
  });

  it('idle.json: everything but the accelerator groups runs, with 6 rows', async () => {
    const a = await activationOf(PROM_IDLE, 'rapl-sysfs');
    expect([...new Set(a.active.map((p) => p.featureGroup))]).toEqual([
      'CounterOnly',
      'BPFOnly',
      'CounterIRQCombined',
      'Basic',
      'BPFIRQ',
      'CgroupOnly',
      'KubeletOnly',
    ]);
    expect([...new Set(a.skipped.map((s) => s.featureGroup))]).toEqual([
      'Full',
      'WorkloadOnly',
      'AcceleratorOnly',
    ]);
    expect(a.active.every((p) => p.data.x.rows === 6)).toBe(true);
    // bpf_net_tx_irq never moves on this idle node: named, but its groups still train.
    expect(a.active.find((p) => p.featureGroup === 'BPFIRQ')!.constantFeatures).toEqual(['bpf_net_tx_irq']);
  });

  it('DynPower targets are AbsPower targets minus their minimum (min-idle isolation)', async () => {
    const a = await activationOf(PROM_2023_09, 'rapl');
    const abs = a.active.find((p) => p.featureGroup === 'CounterOnly' && p.outputType === 'AbsPower')!.data.y;
    const dyn = a.active.find((p) => p.featureGroup === 'CounterOnly' && p.outputType === 'DynPower')!.data.y;
    for (const c of ['package', 'dram']) {
      const min = Math.min(...abs[c]!);
      expect(min).toBeGreaterThan(0);
      expect(Math.min(...dyn[c]!)).toBe(0);
      for (let i = 0; i < abs[c]!.length; i++) expect(dyn[c]![i]).toBeCloseTo(abs[c]![i]! - min, 12);
    }
  });
});

function tinyTable(features: Record<string, number[]>, package_: number[]): FeatureTable {
  const names = Object.keys(features).sort();
  const rows = package_.length;
  const data = new Float64Array(rows * names.length);
  names.forEach((n, c) => {
    features[n]!.forEach((v, r) => {
      data[r * names.length + c] = v;
    });
  });
  return {
    timestamps: Float64Array.from({ length: rows }, (_, i) => i * 3),
    featureNames: names,
    features: data,
    targets: { package: Float64Array.from(package_) },
  };
}

describe('activation rules', () => {
  it('skips a group whose every feature is constant, and one with too few complete rows', () => {
    const constant = tinyTable(
      { cache_miss: [0, 0, 0, 0], cpu_cycles: [5, 5, 5, 5], cpu_instructions: [1, 1, 1, 1] },
      [1, 2, 3, 4],
    );
    const a = activatePipelines(constant, {
      energySource: 'rapl-sysfs',
      featureGroups: [parseFeatureGroup('CounterOnly')],
      outputTypes: ['AbsPower'],
    });
    expect(a.active).toEqual([]);
    expect(a.skipped[0]!.reason).toBe('constant-features');
    expect(a.skipped[0]!.message).toMatch(/^CounterOnly skipped: every feature is constant/);

    const short = tinyTable({ bpf_cpu_time_ms: [1, Number.NaN, 3, Number.NaN] }, [1, 2, 3, 4]);
    const b = activatePipelines(short, {
      energySource: 'rapl-sysfs',
      featureGroups: [parseFeatureGroup('Mine=bpf_cpu_time_ms')],
      outputTypes: ['AbsPower'],
    });
    expect(b.skipped[0]!.message).toBe(`Mine skipped: only 2 complete rows, at least ${MIN_ROWS} are needed`);
  });

  it('minIdleIsolate subtracts each column’s own minimum', () => {
    const out = minIdleIsolate({
      package: Float64Array.from([10, 7, 12]),
      dram: Float64Array.from([3, 4, 5]),
    });
    expect([...out.package!]).toEqual([3, 0, 5]);
    expect([...out.dram!]).toEqual([0, 1, 2]);
  });

  it('feature group definitions: Kepler names, ad-hoc lists, legacy spellings, typos', () => {
    expect(parseFeatureGroup('BPFOnly').features).toEqual(FEATURE_GROUPS.BPFOnly);
    expect(parseFeatureGroup('V06=bpf_cpu_time_us')).toEqual({ name: 'V06', features: ['bpf_cpu_time_ms'] });
    expect(parseFeatureGroup('Two=cpu_cycles+cache_miss').features).toEqual(['cache_miss', 'cpu_cycles']);
    expect(() => parseFeatureGroup('BPFonly')).toThrow(/unknown feature group "BPFonly"/);
    expect(() => parseFeatureGroup('Bad/Name=x')).toThrow(/invalid feature group definition/);
  });
});
