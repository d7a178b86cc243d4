// Kepler's vocabulary and the model metadata schema, owned by @modelshelf/formats.
import { describe, expect, it } from 'vitest';
import {
  buildKeplerModelPath,
  canonicalEnergySource,
  ENERGY_SOURCES,
  FEATURE_GROUPS,
  keplerCurve,
  lenientModelMetadata,
  ModelMetadataError,
  normaliseEnergySource,
  parseKeplerModelPath,
  parseModelMetadata,
} from '../src/index.ts';

describe('Kepler vocabulary', () => {
  it('maps every alias to its source, and the sidecar rule for requests', () => {
    for (const alias of ['rapl', 'intel_rapl', 'rapl-msr', 'rapl-sysfs'])
      expect(canonicalEnergySource(alias)).toBe('rapl-sysfs');
    for (const alias of ['hmc', 'redfish', 'acpi']) expect(canonicalEnergySource(alias)).toBe('acpi');
    expect(canonicalEnergySource('gpu')).toBeUndefined();
    expect(ENERGY_SOURCES['rapl-sysfs'].components).toEqual(['package', 'core', 'uncore', 'dram']);
    expect(normaliseEnergySource(undefined)).toBe('rapl-sysfs');
    expect(normaliseEnergySource('my-rapl')).toBe('rapl-sysfs');
    expect(normaliseEnergySource('redfish')).toBe('acpi');
    expect(normaliseEnergySource('gpu')).toBe('gpu');
  });

  it('keeps every feature group sorted (Kepler column order)', () => {
    for (const features of Object.values(FEATURE_GROUPS)) expect([...features].sort()).toEqual([...features]);
  });

  it('builds and parses model paths, with and without a pipeline', () => {
    const parts = {
      energySource: 'rapl-sysfs',
      outputType: 'AbsPower' as const,
      featureGroup: 'BPFOnly',
      modelName: 'SGDRegressorTrainer_0',
    };
    expect(buildKeplerModelPath(parts)).toBe('rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0');
    expect(parseKeplerModelPath(buildKeplerModelPath({ ...parts, pipeline: 'ec2' }))).toEqual({
      ...parts,
      pipeline: 'ec2',
    });
    expect(parseKeplerModelPath('rapl-sysfs/Watts/BPFOnly/X_0')).toBeUndefined();
    expect(parseKeplerModelPath('a/b')).toBeUndefined();
  });

  it('evaluates the curves as Kepler does', () => {
    expect(keplerCurve('logarithmic', [2, 1, 3], Math.E - 1)).toBe(5);
    expect(keplerCurve('exponential', [2, 0, 3], 7, 1)).toBe(6);
    expect(keplerCurve('logistic', [10, 0, 1, 1], 0)).toBe(6);
  });
});

describe('model metadata schema', () => {
  it('accepts Kepler metadata, numbers written as strings, and keeps unknown fields', () => {
    const m = parseModelMetadata({
      model_name: 'SGDRegressorTrainer_0',
      features: ['bpf_cpu_time_ms'],
      mae: '42.5',
      node_type: 0,
      machine_spec: { processor: 'intel', cores: 8 },
      package_mae: 1,
    });
    expect(m).toMatchObject({ mae: 42.5, node_type: 0, machine_spec: { cores: 8 }, package_mae: 1 });
  });

  it('names the bad field and its value', () => {
    expect(() => parseModelMetadata({ mae: 'low' })).toThrow(ModelMetadataError);
    expect(() => parseModelMetadata({ mae: 'low' })).toThrow(/metadata "mae" "low" is invalid/);
    expect(() => parseModelMetadata({ features: 'cpu' })).toThrow(/"features" "cpu"/);
    expect(() => parseModelMetadata({ machine_spec: { cores: 'many' } })).toThrow(/machine_spec\.cores/);
  });

  it('lenient parsing drops only the fields that do not parse', () => {
    expect(lenientModelMetadata({ trainer: 'X', machine_spec: 'n/a', mae: 1 })).toEqual({
      trainer: 'X',
      mae: 1,
    });
  });
});
