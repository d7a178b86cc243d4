// Availability-preserving resolution at a fresh boot: a watcher that serves nothing yet and whose
// newest version is refused (unsigned under enforce, corrupt bytes, undecodable) serves the newest
// older version that passes, reports each skipped one, and moves forward once the newer one passes.
// Pins, aliases and fixed versions stay absolute: refused, they are an error, never a fallback.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fileKey,
  generateKeyPair,
  type Store,
  signOnCommit,
  signVersion,
  type TrustPolicy,
} from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoadError, loadModel, type ModelWatcher, type UpdateEvent, watchModel } from '../src/index.ts';
import { publishToy, type ToyModel, tempDir, tempStore, toyDecoder, toyFile } from './helpers/store.ts';
import { nextEvent } from './helpers/wait.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

describe('fresh boot: the newest version that passes the policy is served', () => {
  let store: Store;
  let root: string;
  let cleanup: () => Promise<void>;
  let keysDir: string;
  let cleanupKeys: () => Promise<void>;
  const alice = generateKeyPair();
  const watchers: ModelWatcher<ToyModel>[] = [];

  beforeEach(async () => {
    ({ store, root, cleanup } = await tempStore());
    ({ dir: keysDir, cleanup: cleanupKeys } = await tempDir('fresh-boot-keys-'));
    await writeFile(join(keysDir, 'alice.pub.pem'), alice.publicKeyPem);
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.close()));
    await cleanup();
    await cleanupKeys();
  });

  const enforce = (): TrustPolicy => ({ requireSignature: 'enforce', trustedKeys: keysDir });
  const watch = (ref: string, trust?: TrustPolicy) => {
    const w = watchModel({ store, ref, decode: toyDecoder, pollIntervalMs: 50, poll: 'always', trust });
    const skipped: LoadError[] = [];
    w.on('skipped', (e) => skipped.push(e));
    w.on('error', () => {});
    watchers.push(w);
    return { w, skipped };
  };
  const publishSigned = (answer: number) =>
    store.publish({
      model: MODEL,
      files: [toyFile(answer)],
      beforeCommit: signOnCommit(store, alice.privateKeyPem),
    });

  it('signed v1 and unsigned v2 under enforce: serves v1, reports v2, then serves v2 once signed', async () => {
    await publishSigned(1);
    await publishToy(store, MODEL, 2);
    const { w, skipped } = watch(MODEL, enforce());
    const served = await w.ready();
    await w.settled();
    expect(served).toMatchObject({ version: 1, value: { answer: 1 }, via: 'latest' });
    expect(skipped.map((e) => [e.version, e.reason])).toEqual([[2, 'untrusted']]);
    expect(w.failure()).toMatchObject({ version: 2, reason: 'untrusted' });
    const moved = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 2);
    await signVersion(store, `${MODEL}@2`, alice.privateKeyPem);
    expect(await moved).toMatchObject({ version: 2, previous: { version: 1 } });
    expect(w.current()?.value.answer).toBe(2);
  });

  it('a corrupt and an undecodable newest version are skipped, each with its reason', async () => {
    await publishToy(store, MODEL, 1);
    await publishToy(store, MODEL, 'not json at all');
    await publishToy(store, MODEL, 3);
    // Version 3's bytes change after commit: they no longer match the manifest.
    await writeFile(join(root, ...fileKey(MODEL, 3, 'model.json').split('/')), '{"answer": 33}');
    const { w, skipped } = watch(MODEL);
    const served = await w.ready();
    expect(served).toMatchObject({ version: 1, value: { answer: 1 } });
    expect(skipped.map((e) => [e.version, e.reason])).toEqual([
      [3, 'integrity'],
      [2, 'decode'],
    ]);
    // A good newer version is served as soon as it is committed.
    const moved = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 4);
    await publishToy(store, MODEL, 4);
    await moved;
    expect(w.current()?.value.answer).toBe(4);
  });

  it('a pinned version that is refused is an error, not a fallback', async () => {
    await publishSigned(1);
    await publishToy(store, MODEL, 2);
    await store.pin(MODEL, 2);
    const { w, skipped } = watch(MODEL, enforce());
    await w.settled();
    expect(w.current()).toBeUndefined();
    expect(w.failure()).toMatchObject({ version: 2, reason: 'untrusted' });
    expect(skipped).toEqual([]);
    const fixed = watch(`${MODEL}@2`, enforce());
    await fixed.w.settled();
    expect(fixed.w.current()).toBeUndefined();
    expect(fixed.w.failure()).toMatchObject({ version: 2, reason: 'untrusted' });
  });

  it('loadModel (what predict uses) resolves the same way; a fixed version is still absolute', async () => {
    await publishSigned(1);
    await publishToy(store, MODEL, 2);
    const skipped: LoadError[] = [];
    const served = await loadModel({
      store,
      ref: MODEL,
      decode: toyDecoder,
      trust: enforce(),
      onSkipped: (e) => skipped.push(e),
    });
    expect(served).toMatchObject({ version: 1, value: { answer: 1 } });
    expect(skipped.map((e) => [e.version, e.reason])).toEqual([[2, 'untrusted']]);
    await expect(
      loadModel({ store, ref: `${MODEL}@2`, decode: toyDecoder, trust: enforce() }),
    ).rejects.toMatchObject({
      reason: 'untrusted',
      version: 2,
    });
  });

  it('when no version passes, nothing is served and the failure says why', async () => {
    await publishToy(store, MODEL, 'garbage');
    const { w } = watch(MODEL);
    await w.settled();
    expect(w.current()).toBeUndefined();
    expect(w.failure()?.reason).toBe('decode');
    expect(w.failure()?.message).toContain(`${MODEL}@1`);
  });
});
