import { describe, expect, it } from 'vitest';
import { type TrainedModel, train } from '../src/pipeline/train.ts';
import { LinearRegressionTrainer, SGDRegressorTrainer } from '../src/trainers/index.ts';
import { NX12_CSV, PROM_2023_09, PROM_IDLE } from './helpers/fixtures.ts';
import { failingTrainer, meanTrainer } from './helpers/mean-trainer.ts';

describe('train() on the 2023-09 fixture', () => {
  const run = () =>
    train({
      source: { kind: 'file', path: PROM_2023_09 },
      energySource: 'rapl',
      featureGroups: ['CounterOnly', 'BPFOnly'],
      trainers: [new LinearRegressionTrainer(), new SGDRegressorTrainer()],
      seed: 7,
    });

  it('is deterministic: the same data and seed give identical artifact bytes and metadata', async () => {
    const [a, b] = [await run(), await run()];
    expect(a.models.map((m) => m.name)).toEqual([
      'rapl-sysfs/AbsPower/CounterOnly/LinearRegressionTrainer_0',
      'rapl-sysfs/AbsPower/CounterOnly/SGDRegressorTrainer_0',
      'rapl-sysfs/DynPower/CounterOnly/LinearRegressionTrainer_0',
      'rapl-sysfs/DynPower/CounterOnly/SGDRegressorTrainer_0',
    ]);
    a.models.forEach((m, i) => {
      const n = b.models[i]!;
      expect(n.exported.files.map((f) => [f.path, Buffer.from(f.data).toString('hex')])).toEqual(
        m.exported.files.map((f) => [f.path, Buffer.from(f.data).toString('hex')]),
      );
      expect(n.metadata).toEqual(m.metadata);
    });
    expect(a.skipped.map((s) => s.message)).toContain('BPFOnly skipped: bpf_page_cache_hit is not reported');
  });

  it('records Kepler metadata: worst-component mae/mape, per-component errors, provenance', async () => {
    const { models } = await run();
    const m = models[0]!;
    const md = m.metadata;
    expect(md.model_name).toBe('LinearRegressionTrainer_0');
    expect(md.features).toEqual(['cache_miss', 'cpu_cycles', 'cpu_instructions']);
    expect(md.output_type).toBe('AbsPower');
    expect(md.trainer).toBe('LinearRegressionTrainer');
    expect(md.node_type).toBe(0);
    expect(md.seed).toBe(7);
    const components = ['package', 'core', 'uncore', 'dram'];
    for (const c of components) {
      expect(md[`${c}_mae`]).toBe(m.components[c]!.mae);
      expect(md[`${c}_mape`]).toBe(m.components[c]!.mape);
    }
    expect(md.mae).toBe(Math.max(...components.map((c) => md[`${c}_mae`] as number)));
    expect(md.mape).toBe(Math.max(...components.map((c) => md[`${c}_mape`] as number)));
    expect(md.core_mape).toBe(-1); // core counter is 0 on this machine
    const data = md.training_data as Record<string, unknown>;
    expect(data.rows).toBe(187);
    expect(data.start).toBe('2023-09-22T05:43:48.000Z'); // 1695361428: first row with a rate
    expect(data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.rows).toEqual({ train: 168, test: 19 });
    expect(md.hyper_parameters).toEqual(new LinearRegressionTrainer().hyperParameters);
  });
});

describe('train() orchestration', () => {
  it('a failing trainer is reported and does not stop the others', async () => {
    const r = await train({
      source: { kind: 'file', path: PROM_IDLE },
      energySource: 'acpi',
      featureGroups: ['BPFOnly'],
      outputTypes: ['AbsPower'],
      trainers: [failingTrainer(), meanTrainer()],
      pipelineName: 'std_v0.7',
      nodeType: 3,
    });
    expect(r.models.map((m) => m.name)).toEqual(['std_v0.7/acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_3']);
    expect(r.failures).toEqual([
      {
        outputType: 'AbsPower',
        featureGroup: 'BPFOnly',
        trainer: 'FailingTestDoubleTrainer',
        message: 'singular matrix (test double)',
      },
    ]);
    expect(r.best).toEqual({ 'AbsPower/BPFOnly': 'std_v0.7/acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_3' });
  });

  it('trains from the nx12 CSV with the v0.6 BPFOnly definition', async () => {
    const r = await train({
      source: { kind: 'file', path: NX12_CSV },
      energySource: 'rapl',
      featureGroups: ['BPFOnly=bpf_cpu_time_ms'],
      outputTypes: ['AbsPower'],
      trainers: [new LinearRegressionTrainer(), meanTrainer()],
    });
    expect(r.extracted.rows).toBe(2202);
    expect(r.models.map((m) => m.name)).toEqual([
      'rapl-sysfs/AbsPower/BPFOnly/LinearRegressionTrainer_0',
      'rapl-sysfs/AbsPower/BPFOnly/MeanTestDoubleTrainer_0',
    ]);
    const [linear, constant] = r.models as [TrainedModel, TrainedModel];
    expect(linear.rows).toEqual({ train: 1981, test: 221 });
    // bpf cpu time explains package power on this machine better than a constant does.
    expect(linear.components.package!.mae).toBeLessThan(constant.components.package!.mae);
    expect(r.best['AbsPower/BPFOnly']).toBe(linear.name);
  });

  it('rejects unknown names with the list of valid ones', async () => {
    const base = {
      source: { kind: 'file' as const, path: PROM_IDLE },
      energySource: 'acpi',
      trainers: [meanTrainer()],
    };
    await expect(train({ ...base, featureGroups: ['BPF'] })).rejects.toThrow(/unknown feature group "BPF"/);
    await expect(train({ ...base, outputTypes: ['Abs'] })).rejects.toThrow(/unknown output type "Abs"/);
    await expect(train({ ...base, energySource: 'gpu' })).rejects.toThrow(/unknown energy source "gpu"/);
    await expect(train({ ...base, trainers: [] })).rejects.toThrow(/no trainer selected/);
  });
});
