// Starting and stopping: a stale socket file is replaced, a live server's socket and a non-socket
// file are refused (and left alone), close() answers requests already received and removes the
// socket; best-model selection picks by the request's metrics and follows new versions.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Store } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BEST_ROUTES } from '../../src/estimator/routes.ts';
import { SocketInUseError, SocketPathError, startEstimator } from '../../src/index.ts';
import { tempStore } from '../helpers/store.ts';
import { sleep, until } from '../helpers/wait.ts';
import { estimate, nodeRequest, sendRaw } from './client.ts';
import { MODEL, publishKepler, taggedSpec } from './models.ts';

let store: Store;
let root: string;
let cleanup: () => Promise<void>;
const closers: (() => Promise<void>)[] = [];
const explicit = [{ source: 'rapl-sysfs', outputType: 'AbsPower' as const, ref: MODEL }];

beforeEach(async () => {
  ({ store, root, cleanup } = await tempStore());
  await publishKepler(store, taggedSpec(1));
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await cleanup();
});

async function start(socketPath: string, extra: Partial<Parameters<typeof startEstimator>[0]> = {}) {
  const est = await startEstimator({ store, socketPath, models: explicit, ...extra });
  closers.push(() => est.close());
  return est;
}

describe('socket path handling', () => {
  it('replaces a socket file left by a dead server', async () => {
    const path = join(root, '..', 'stale.sock');
    // A process that binds the socket and exits without removing it, as a crash would.
    execFileSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`,
    ]);
    expect(lstatSync(path).isSocket()).toBe(true);
    const est = await start(path);
    expect((await estimate(path, nodeRequest([[1]]))).version).toBe(1);
    await est.close();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a path a live server answers on, and leaves that server running', async () => {
    const path = join(root, '..', 'live.sock');
    await start(path);
    await expect(start(path)).rejects.toBeInstanceOf(SocketInUseError);
    expect((await estimate(path, nodeRequest([[1]]))).msg).toBe('');
  });

  it('refuses to remove a regular file at the socket path', async () => {
    const path = join(root, '..', 'not-a-socket');
    writeFileSync(path, 'precious');
    await expect(start(path)).rejects.toBeInstanceOf(SocketPathError);
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it('refuses a path too long for a Unix socket', async () => {
    await expect(start(`/tmp/${'x'.repeat(120)}.sock`)).rejects.toThrow(/longer than 107 bytes/);
  });
});

describe('shutdown', () => {
  it('answers a request already received, then stops accepting and removes the socket', async () => {
    const path = join(root, '..', 'drain.sock');
    const est = await start(path);
    // A client that is connected and half-way through its request when close() begins.
    const body = JSON.stringify(nodeRequest([[1]]));
    const socket = connect(path);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => socket.on('end', resolve));
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write(body.slice(0, 10));
    await sleep(50);
    const closing = est.close();
    await sleep(50);
    socket.write(body.slice(10));
    await ended;
    expect(JSON.parse(Buffer.concat(chunks).toString())).toMatchObject({ msg: '', version: 1 });
    await closing;
    expect(existsSync(path)).toBe(false);
    await expect(sendRaw(path, body)).rejects.toThrow(/ENOENT|ECONNREFUSED/);
  });
});

describe('best-model selection', () => {
  it("picks the lowest-mae model whose features the request's metrics cover, and follows it", async () => {
    const lean = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_1';
    const rich = 'rapl-sysfs/AbsPower/CounterOnly/SGDRegressorTrainer_0';
    await publishKepler(store, taggedSpec(2), { model: lean, metadata: { mae: 0.5 } });
    await publishKepler(
      store,
      {
        components: { package: { bias: 7000, features: [{ name: 'cpu_cycles', scale: 1, weight: 1 }] } },
      },
      { model: rich, metadata: { mae: 0.1, features: ['cpu_cycles'] } },
    );
    const path = join(root, '..', 'best.sock');
    const est = await start(path, { models: [], pollIntervalMs: 20, poll: 'always' });
    const bpf = await estimate(path, nodeRequest([[3]]));
    expect({ model: bpf.model, package: bpf.powers.package }).toEqual({ model: lean, package: [2003] });
    const counters = await estimate(path, nodeRequest([[3]], { metrics: ['cpu_cycles'] }));
    expect({ model: counters.model, package: counters.powers.package }).toEqual({
      model: rich,
      package: [7003],
    });
    const none = await estimate(path, nodeRequest([[3]], { metrics: ['cache_miss'] }));
    expect(none.msg).toMatch(/no model under rapl-sysfs\/AbsPower\/ can be used with the metrics cache_miss/);
    await publishKepler(store, taggedSpec(3), { model: lean, metadata: { mae: 0.5 } });
    await until(
      async () => (await estimate(path, nodeRequest([[3]]))).version === 2,
      10_000,
      'v2 of the lean model',
    );
    expect(
      est
        .served()
        .map((s) => s.model)
        .sort(),
    ).toEqual([rich, lean].sort());
  });

  it('follows a bounded number of best-model choices', async () => {
    const path = join(root, '..', 'bounded.sock');
    await start(path, { models: [] });
    const ask = (i: number) =>
      estimate(path, { ...nodeRequest([[1, 0]]), metrics: ['bpf_cpu_time_ms', `extra_${i}`] });
    for (let i = 0; i < MAX_BEST_ROUTES; i++) expect((await ask(i)).msg).toBe('');
    expect((await ask(MAX_BEST_ROUTES)).msg).toMatch(/already following 16 best-model choices/);
    // Choices already made keep answering.
    expect((await ask(0)).msg).toBe('');
  });
});
