import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@modelshelf/registry';
import { DEFAULT_IMPROVEMENT } from '@modelshelf/trainer';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROM_IDLE } from '../../trainer/test/helpers/fixtures.ts';
import { meanTrainer } from '../../trainer/test/helpers/mean-trainer.ts';
import { DEFAULT_IMPROVEMENT_PERCENT, registerTrainCommand } from '../src/commands/trainer/train.ts';
import { addGlobalOptions } from '../src/kit/index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainer-cli-'));
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const program = addGlobalOptions(new Command('modelshelf').exitOverride());
  registerTrainCommand(program, { catalog: { MeanTestDoubleTrainer: () => meanTrainer() } });
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'modelshelf', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, stderr, code: Number(process.exitCode ?? 0) };
}

const idle = [
  'train',
  '--data',
  PROM_IDLE,
  '--energy-source',
  'acpi',
  '--feature-groups',
  'BPFOnly,CounterOnly',
];

describe('modelshelf train', () => {
  it('--dry-run --json prints the report document and publishes nothing', async () => {
    const { stdout, code } = await run('--json', ...idle, '--dry-run');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.energySource).toBe('acpi');
    expect(doc.extracted.rows).toBe(7);
    expect(doc.models.map((m: { name: string }) => m.name)).toEqual([
      'acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_0',
      'acpi/DynPower/BPFOnly/MeanTestDoubleTrainer_0',
      'acpi/AbsPower/CounterOnly/MeanTestDoubleTrainer_0',
      'acpi/DynPower/CounterOnly/MeanTestDoubleTrainer_0',
    ]);
    expect(doc.models[0].publish.action).toBe('dry-run');
  });

  it('publishes to the --store and prints the table with the versions', async () => {
    await (await openStore(dir, { create: true })).close();
    const { stdout, code } = await run(
      '--store',
      dir,
      ...idle,
      '--output-types',
      'AbsPower',
      '--node-type',
      '2',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/acpi\/AbsPower\/BPFOnly\/MeanTestDoubleTrainer_2 .* v1/);
    expect(stdout).toMatch(/best model \(lowest mae\) per output type and feature group:/);
    const store = await openStore(dir);
    expect(await store.listModelNames()).toEqual([
      'acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_2',
      'acpi/AbsPower/CounterOnly/MeanTestDoubleTrainer_2',
    ]);
    await store.close();
  });

  it('usage errors exit 2 with the reason: no data, no store, unknown trainer, bad improvement', async () => {
    let r = await run('train', '--energy-source', 'acpi', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no training data given/);
    r = await run(...idle);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no store given/);
    r = await run(...idle, '--dry-run', '--trainers', 'XGBoost');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown trainer "XGBoost"/);
    r = await run(...idle, '--dry-run', '--improvement', '150');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--improvement expects a percentage/);
  });

  it('a dead Prometheus exits 6 (unavailable) and names the URL', async () => {
    const r = await run(
      'train',
      '--prometheus',
      'http://127.0.0.1:9',
      '--start',
      '0',
      '--end',
      '60',
      '--energy-source',
      'rapl',
      '--dry-run',
    );
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/Prometheus at http:\/\/127\.0\.0\.1:9 is unavailable/);
  });
});

describe('modelshelf train --help', () => {
  it('states the improvement threshold the trainer applies under --watch-interval', () => {
    expect(DEFAULT_IMPROVEMENT_PERCENT).toBe(DEFAULT_IMPROVEMENT * 100);
  });
});
