// Which version does each node serve? A real estimator process (the `modelshelf` binary) exposes
// modelshelf_estimator_served_model_info{route,model,version,digest} 1 on /metrics, moves it on every
// swap (a new version, then a pin back) and keeps exactly one series per route.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MODEL, publishKepler, taggedSpec } from '../packages/loader/test/estimator/models.ts';
import { openStore, type Store } from '../packages/registry/src/index.ts';

const BIN = join(import.meta.dirname, '..', 'packages/cli/bin/modelshelf.js');

let dir: string;
let store: Store;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'estimator-info-'));
  store = await openStore(join(dir, 'store'), { create: true });
});
afterAll(async () => {
  if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const infoLines = (text: string) =>
  text.split('\n').filter((l) => l.startsWith('modelshelf_estimator_served_model_info{'));

it('labels the served model and version, and moves the label on every swap', async () => {
  const v1 = await publishKepler(store, taggedSpec(1));
  const socket = join(dir, 'est.sock');
  const proc = spawn(
    process.execPath,
    [
      BIN,
      '--store',
      join(dir, 'store'),
      '--json',
      'estimator',
      '--socket',
      socket,
      '--model',
      `rapl-sysfs/AbsPower=${MODEL}`,
      '--metrics-port',
      '0',
      '--poll-interval',
      '100ms',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  let stderr = '';
  proc.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
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
  const waitFor = (match: (e: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = events.find(match);
      if (found) return resolve(found);
      waiters.push({ match, resolve });
      void exited.then((code) => reject(new Error(`exited ${code} first: ${stderr}`)));
    });
  const serving = (version: number) => waitFor((e) => e.event === 'serving' && e.version === version);
  const listening = await waitFor((e) => e.event === 'listening');
  const scrape = async () => infoLines(await (await fetch(String(listening.metrics))).text());
  const line = (version: number, digest: string) =>
    `modelshelf_estimator_served_model_info{route="rapl-sysfs/AbsPower",model="${MODEL}",version="${version}",digest="${digest}"} 1`;

  await serving(1);
  expect(await scrape()).toEqual([line(1, v1.digest)]);

  const v2 = await publishKepler(store, taggedSpec(2));
  await serving(2);
  expect(await scrape()).toEqual([line(2, v2.digest)]);

  events.length = 0;
  await store.pin(MODEL, 1, { reason: 'roll back' });
  await serving(1);
  expect(await scrape()).toEqual([line(1, v1.digest)]);

  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 90_000);
