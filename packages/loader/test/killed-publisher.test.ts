// A publisher killed mid-upload never causes a swap: nothing is visible before the manifest
// commits, so the watcher keeps serving what it had.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Store } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type UpdateEvent, watchModel } from '../src/index.ts';
import { publishToy, type ToyModel, tempStore, toyDecoder } from './helpers/store.ts';
import { nextEvent, sleep } from './helpers/wait.ts';

const MODEL = 'rapl-sysfs/DynPower/BPFOnly/SGDRegressorTrainer_0';

describe('a publisher killed mid-publish', () => {
  let store: Store;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, root, cleanup } = await tempStore());
  });
  afterEach(() => cleanup());

  it('never causes a swap', async () => {
    await publishToy(store, MODEL, 1);
    const w = watchModel<ToyModel>({ store, ref: MODEL, decode: toyDecoder, pollIntervalMs: 100 });
    try {
      await w.ready();
      const updates: UpdateEvent[] = [];
      w.on('update', (u) => updates.push(u));

      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'helpers/slow-publisher.ts'), root, MODEL],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('uploading') && resolve());
        child.once('exit', (code) => reject(new Error(`publisher exited early with ${code}`)));
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      await sleep(1000);
      expect(updates).toEqual([]);
      expect(w.current()?.value.answer).toBe(1);
      expect((await store.listVersions(MODEL)).map((v) => v.manifest.version)).toEqual([1]);

      // The next good publish goes through (the abandoned number is simply skipped).
      const next = nextEvent<UpdateEvent>(w, 'update');
      const published = await publishToy(store, MODEL, 2);
      expect((await next).version).toBe(published.version);
    } finally {
      await w.close();
    }
  });
});
