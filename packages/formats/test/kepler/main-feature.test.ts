// The curve-fit input column by kepler-model-server's rule (train_types.main_feature applied to the
// first FeatureGroups entry the model's features contain), for every feature group Kepler trains: the
// table of docs/kepler-compatibility.md.
import { describe, expect, it } from 'vitest';
import { sidecarFeatureGroup, sidecarMainFeatureIndex } from '../../src/kepler/main-feature.ts';

const GROUPS: Record<string, string[]> = {
  BPFOnly: ['bpf_cpu_time_ms', 'bpf_page_cache_hit'],
  BPFIRQ: ['bpf_block_irq', 'bpf_cpu_time_ms', 'bpf_net_rx_irq', 'bpf_net_tx_irq', 'bpf_page_cache_hit'],
  Basic: ['bpf_cpu_time_ms', 'bpf_page_cache_hit', 'cache_miss', 'cpu_cycles', 'cpu_instructions'],
  CounterOnly: ['cache_miss', 'cpu_cycles', 'cpu_instructions'],
  CounterIRQCombined: [
    'bpf_block_irq',
    'bpf_net_rx_irq',
    'bpf_net_tx_irq',
    'cache_miss',
    'cpu_cycles',
    'cpu_instructions',
  ],
  AcceleratorOnly: ['accelerator_intel_qat'],
};

describe('sidecarMainFeatureIndex', () => {
  it.each([
    ['BPFOnly', 'BPFOnly', 'bpf_cpu_time_ms', 'bpf_page_cache_hit'],
    ['BPFIRQ', 'BPFOnly', 'bpf_block_irq', 'bpf_cpu_time_ms'],
    ['Basic', 'CounterOnly', 'cache_miss', 'bpf_cpu_time_ms'],
    ['CounterOnly', 'CounterOnly', 'cpu_instructions', 'cache_miss'],
    ['CounterIRQCombined', 'CounterOnly', 'bpf_net_tx_irq', 'bpf_block_irq'],
    ['AcceleratorOnly', 'AcceleratorOnly', 'accelerator_intel_qat', 'accelerator_intel_qat'],
  ])('%s is read as %s: package %s, dram %s', (group, inferred, pkg, dram) => {
    const features = GROUPS[group]!;
    expect(sidecarFeatureGroup(features)).toBe(inferred);
    for (const c of ['package', 'core', 'uncore', 'platform'])
      expect(features[sidecarMainFeatureIndex(features, c)!]).toBe(pkg);
    expect(features[sidecarMainFeatureIndex(features, 'dram')!]).toBe(dram);
  });

  it('has no answer for features outside every group (the sidecar cannot load such a curve fit)', () => {
    expect(sidecarMainFeatureIndex(['kubelet_cpu_usage', 'kubelet_memory_bytes'], 'package')).toBeUndefined();
  });
});
