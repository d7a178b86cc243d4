// Failures a user meets outside the storage commands still land in the documented exit codes, with a
// sentence and a hint, through the real binary: a busy metrics port or an unusable socket path is a
// usage error (2), a version whose files are intact but undecodable is a format error (7).
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';
import { join } from 'node:path';
import { EXIT_CODES } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonError, tempStore } from './helpers/cli.ts';

let store: Awaited<ReturnType<typeof tempStore>>;
const servers: Server[] = [];
beforeEach(async () => {
  store = await tempStore();
  expect((await store.cli('init')).code).toBe(0);
});
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((done) => s.close(done));
  await store.cleanup();
});

const estimator = (...args: string[]) => store.cli('--json', 'estimator', '--no-best', ...args);

describe('estimator start-up failures are usage errors', () => {
  it('a busy metrics port names --metrics-port 0', async () => {
    const busy = createHttpServer();
    servers.push(busy);
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as AddressInfo).port;
    const r = await estimator('--socket', join(store.root, 'e.sock'), '--metrics-port', String(port));
    expect(r.code, r.stderr).toBe(EXIT_CODES.usage);
    const err = jsonError(r);
    expect(err).toMatchObject({ code: 'METRICS_PORT', category: 'usage' });
    expect(err.message).toContain(String(port));
    expect(err.hint).toContain('--metrics-port 0');
  });

  it('an over-long socket path says how long it may be', async () => {
    const path = join(store.root, 'x'.repeat(120), 'e.sock');
    const r = await estimator('--socket', path, '--no-metrics');
    expect(r.code, r.stderr).toBe(EXIT_CODES.usage);
    expect(jsonError(r)).toMatchObject({ code: 'SOCKET_PATH', category: 'usage' });
    expect(jsonError(r).message).toContain(path);
    expect(jsonError(r).hint).toContain('--socket');
  });

  it('a socket another server answers on is left alone', async () => {
    const path = join(store.root, 'taken.sock');
    const taken = createNetServer((s) => s.end());
    servers.push(taken);
    taken.listen(path);
    await once(taken, 'listening');
    const r = await estimator('--socket', path, '--no-metrics');
    expect(r.code, r.stderr).toBe(EXIT_CODES.usage);
    expect(jsonError(r)).toMatchObject({ code: 'SOCKET_IN_USE', category: 'usage' });
    expect(jsonError(r).hint).toContain('--socket');
  });
});

describe('an intact version no reader can decode', () => {
  it('is a format error (exit 7), not an integrity failure, and verify finds the files intact', async () => {
    const art = join(store.root, 'art');
    await mkdir(art);
    await writeFile(join(art, 'weights.json'), '{"nonsense": true}\n');
    await writeFile(join(store.root, 'rows.json'), '[{"features": {}}]\n');
    const model = 'rapl-sysfs/AbsPower/BPFOnly/Broken_0';
    expect((await store.cli('push', model, art, '--format', 'kepler-weights')).code).toBe(0);

    const r = await store.cli('--json', 'predict', model, '--input', join(store.root, 'rows.json'));
    expect(r.code, r.stderr).toBe(EXIT_CODES.format);
    expect(EXIT_CODES.format).toBe(7);
    const err = jsonError(r);
    expect(err.category).toBe('format');
    expect(err.message).toContain(`${model}@1`);
    expect(err.hint).toContain('intact');
    expect((await store.cli('verify', model)).code).toBe(EXIT_CODES.ok);

    const text = await store.cli('predict', model, '--input', join(store.root, 'rows.json'));
    expect(text.code).toBe(7);
    expect(text.stderr).toMatch(/^error: cannot load .*\n(.*\n)*hint: /);
  });
});
