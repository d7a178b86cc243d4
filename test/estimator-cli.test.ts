// The estimator through the real `modelshelf` binary: it serves a model over the socket, exposes
// /metrics, and on SIGTERM stops, removes its socket and exits 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { estimate, nodeRequest } from '../packages/loader/test/estimator/client.ts';
import { MODEL, publishKepler, taggedSpec } from '../packages/loader/test/estimator/models.ts';
import { openStore } from '../packages/registry/src/index.ts';

const BIN = join(import.meta.dirname, '..', 'packages/cli/bin/modelshelf.js');

let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'estimator-cli-'));
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

it('serves, exposes /metrics, and exits 0 on SIGTERM with its socket removed', async () => {
  const storeDir = join(dir, 'store');
  const store = await openStore(storeDir, { create: true });
  const published = await publishKepler(store, taggedSpec(4));
  await store.close();
  const socket = join(dir, 'est.sock');
  const proc = spawn(
    process.execPath,
    [
      BIN,
      '--store',
      storeDir,
      '--json',
      'estimator',
      '--socket',
      socket,
      '--model',
      `rapl-sysfs/AbsPower=${MODEL}`,
      '--metrics-port',
      '0',
      '--poll-interval',
      '200ms',
    ],
    // Anything the process caches under the temp dir (tsx's compile cache) lands in ours, removed after.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dir } },
  );
  child = proc;
  let stderr = '';
  proc.stderr!.on('data', (c) => (stderr += c));
  const events: Record<string, unknown>[] = [];
  const waiters: {
    match: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    events.push(event);
    for (const w of waiters.filter((w) => w.match(event))) w.resolve(event);
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const waitFor = (name: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = events.find((e) => e.event === name);
      if (found) return resolve(found);
      waiters.push({ match: (e) => e.event === name, resolve });
      void exited.then((code) => reject(new Error(`exited ${code} before "${name}": ${stderr}`)));
    });

  const listening = await waitFor('listening');
  expect(listening.socket).toBe(socket);
  const serving = await waitFor('serving');
  expect(serving).toMatchObject({
    route: 'rapl-sysfs/AbsPower',
    model: MODEL,
    version: 1,
    digest: published.digest,
  });

  const answer = await estimate(socket, nodeRequest([[5]]));
  expect(answer).toMatchObject({
    msg: '',
    version: 1,
    digest: published.digest,
    powers: { package: [4005] },
  });

  const scrape = await fetch(String(listening.metrics));
  expect(scrape.status).toBe(200);
  const text = await scrape.text();
  expect(text).toMatch(
    /^modelshelf_estimator_requests_total\{route="rapl-sysfs\/AbsPower",outcome="ok"\} 1$/m,
  );
  expect(text).toMatch(/^modelshelf_estimator_request_duration_seconds_count\{outcome="ok"\} 1$/m);
  expect(text).toContain('modelshelf_estimator_inflight_requests');
  expect(text).toMatch(new RegExp(`^modelshelf_loader_model_version\\{model="${MODEL}"\\} 1$`, 'm'));
  expect(text).toContain('process_resident_memory_bytes');
  const ready = await fetch(String(listening.metrics).replace('/metrics', '/readyz'));
  expect(ready.status).toBe(200);

  expect(existsSync(socket)).toBe(true);
  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(events.at(-1)?.event).toBe('stopped');
  expect(existsSync(socket)).toBe(false);
}, 90_000);
