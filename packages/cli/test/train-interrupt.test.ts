// Ctrl-C during `modelshelf train`: the command stops at the next model, says what was kept (the
// versions published before the signal) and what was not, and exits 130 like a shell would.
// SIGINT is emitted inside the process at a chosen moment, so the test does not race a timer.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, Store } from '@modelshelf/registry';
import { Command } from 'commander';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { PROM_IDLE } from '../../trainer/test/helpers/fixtures.ts';
import { meanTrainer } from '../../trainer/test/helpers/mean-trainer.ts';
import { registerTrainCommand } from '../src/commands/trainer/train.ts';
import { addGlobalOptions } from '../src/kit/index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-interrupt-'));
  await (await openStore(dir, { create: true })).close();
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A trainer that presses Ctrl-C while it fits. */
function ctrlCTrainer() {
  const t = meanTrainer('CtrlCTrainer');
  return {
    ...t,
    fit: (...args: Parameters<typeof t.fit>) => {
      process.emit('SIGINT', 'SIGINT');
      return t.fit(...args);
    },
  };
}

async function run(catalog: Record<string, () => ReturnType<typeof meanTrainer>>, trainers: string) {
  const program = addGlobalOptions(new Command('modelshelf').exitOverride());
  registerTrainCommand(program, { catalog });
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    stdout += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    stderr += String(c);
    return true;
  });
  const args = ['--store', dir, 'train', '--data', PROM_IDLE, '--energy-source', 'acpi'];
  args.push('--feature-groups', 'BPFOnly', '--output-types', 'AbsPower,DynPower', '--trainers', trainers);
  try {
    await program.parseAsync(['node', 'modelshelf', ...args]);
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
    vi.mocked(process.stderr.write).mockRestore();
  }
  return { stdout, stderr, code: Number(process.exitCode ?? 0) };
}

const models = async () => {
  const store = await openStore(dir);
  try {
    return await store.listModelNames();
  } finally {
    await store.close();
  }
};

it('while training: nothing is published and it says so', async () => {
  const r = await run({ Mean: () => meanTrainer(), CtrlC: ctrlCTrainer }, 'CtrlC,Mean');
  expect(r.code).toBe(130);
  expect(r.stderr).toBe(
    'interrupted while training, before publishing\nnothing was published: the store is unchanged\n',
  );
  expect(r.stdout).toBe('');
  expect(await models()).toEqual([]);
});

it('while publishing: the versions published so far are kept and named, the rest is not published', async () => {
  const publish = Store.prototype.publish;
  vi.spyOn(Store.prototype, 'publish').mockImplementation(async function (this: Store, o) {
    const result = await publish.call(this, o);
    process.emit('SIGINT', 'SIGINT');
    return result;
  });
  const r = await run({ Mean: () => meanTrainer() }, 'Mean');
  expect(r.code).toBe(130);
  expect(r.stderr).toBe(
    [
      'interrupted while publishing 2 trained models',
      'kept (published before the interruption): acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_0@1',
      'not published: 1 trained model (run train again to publish them)',
      '',
    ].join('\n'),
  );
  expect(await models()).toEqual(['acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_0']);
});
