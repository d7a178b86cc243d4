// Hot swap under load: clients send requests continuously while 20 versions are published and one
// older version is pinned and then unpinned. Every request must succeed, every answer must come
// from a committed version (checked by its digest and by the tag each version's bias encodes), and
// each client must never see versions go backwards except onto the pinned one.
import { join } from 'node:path';
import type { Store } from '@modelshelf/registry';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type EstimatorHandle, startEstimator } from '../../src/index.ts';
import { tempStore } from '../helpers/store.ts';
import { sleep, until } from '../helpers/wait.ts';
import { estimate, nodeRequest } from './client.ts';
import { MODEL, publishKepler, taggedSpec } from './models.ts';

const VERSIONS = 20;
const CLIENTS = 4;
const PINNED = 5;

interface Observation {
  sentAt: number;
  receivedAt: number;
  version: number;
  digest: string;
  tag: number;
}

let store: Store;
let cleanup: () => Promise<void>;
let est: EstimatorHandle;
let root: string;

beforeAll(async () => {
  const t = await tempStore();
  ({ store, cleanup, root } = t);
});
afterAll(async () => {
  await est?.close();
  await cleanup?.();
});

it('swaps 20 versions and a pin under continuous requests with zero failures', async () => {
  const committed = new Map<number, string>();
  const publish = async (tag: number) => {
    const r = await publishKepler(store, taggedSpec(tag));
    committed.set(r.version, r.digest);
    expect(r.version).toBe(tag);
  };
  await publish(1);
  est = await startEstimator({
    store: root, // its own Store instance, like a separate process reading the same directory
    socketPath: join(root, '..', 'swap.sock'),
    models: [{ source: 'rapl-sysfs', outputType: 'AbsPower', ref: MODEL }],
    pollIntervalMs: 20,
    poll: 'always',
    disposeGraceMs: 20,
  });
  await est.ready();
  const servedVersions: number[] = [];
  est.onUpdate((s) => servedVersions.push(s.version));

  let running = true;
  const failures: string[] = [];
  const seen: Observation[][] = Array.from({ length: CLIENTS }, () => []);
  const client = async (id: number) => {
    let x = id;
    while (running) {
      x = (x + 7) % 1000;
      const sentAt = performance.now();
      try {
        const a = await estimate(est.socketPath, nodeRequest([[x]]));
        if (a.msg !== '' || a.version === undefined || a.digest === undefined) {
          failures.push(`client ${id}: ${JSON.stringify(a)}`);
          continue;
        }
        seen[id]!.push({
          sentAt,
          receivedAt: performance.now(),
          version: a.version,
          digest: a.digest,
          tag: (a.powers.package![0]! - x) / 1000,
        });
      } catch (err) {
        failures.push(`client ${id}: ${String(err)}`);
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));

  let pinAt = 0;
  let unpinAt = 0;
  let pinServedAt = 0;
  for (let v = 2; v <= VERSIONS; v++) {
    await publish(v);
    await sleep(25);
    if (v === 10) {
      pinAt = performance.now();
      await store.pin(MODEL, PINNED, { reason: 'hot-swap test' });
      await until(() => est.served()[0]?.version === PINNED, 10_000, 'the pin to be served');
      pinServedAt = performance.now();
    }
    if (v === 15) {
      // Publishing while pinned must not move the estimator.
      expect(est.served()[0]?.version).toBe(PINNED);
      unpinAt = performance.now();
      await store.unpin(MODEL, { reason: 'hot-swap test' });
    }
  }
  await until(() => est.served()[0]?.version === VERSIONS, 10_000, 'the last version to be served');
  await sleep(50);
  running = false;
  await Promise.all(clients);

  expect(failures).toEqual([]);
  const all = seen.flat();
  expect(all.length).toBeGreaterThan(200);
  // Each answer: a committed version, its exact digest, and computed by that version's weights.
  for (const o of all) {
    expect(committed.get(o.version), `version ${o.version}`).toBe(o.digest);
    expect(o.tag).toBe(o.version);
  }
  expect(new Set(all.map((o) => o.version)).size).toBeGreaterThan(5);
  expect(all.some((o) => o.version === PINNED)).toBe(true);
  expect(all.some((o) => o.version === VERSIONS)).toBe(true);
  for (const answers of seen) {
    for (let i = 1; i < answers.length; i++) {
      const [prev, cur] = [answers[i - 1]!, answers[i]!];
      // Backwards only onto the pinned version, and only once the pin was being set.
      if (cur.version < prev.version) {
        expect(cur.version).toBe(PINNED);
        expect(cur.receivedAt).toBeGreaterThan(pinAt);
      }
    }
    // While pinned (requests wholly between the pin being served and the unpin), only the pin.
    const whilePinned = answers.filter((o) => o.sentAt > pinServedAt && o.receivedAt < unpinAt);
    expect(new Set(whilePinned.map((o) => o.version))).toEqual(new Set(whilePinned.length ? [PINNED] : []));
  }
  expect(all.filter((o) => o.sentAt > pinServedAt && o.receivedAt < unpinAt).length).toBeGreaterThan(0);
  // The service's own record: the swaps it reported go up, except the one step down onto the pin.
  const downs = servedVersions.filter((v, i) => i > 0 && v < servedVersions[i - 1]!);
  expect(downs).toEqual([PINNED]);
}, 60_000);
