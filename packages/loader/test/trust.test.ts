// The loader under a trust policy: signed → served; unsigned, tampered or replayed → refused while
// the current model keeps serving; signing later lets it through; warn serves with a warning;
// key rotation through the trusted-keys directory.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  encodeDocument,
  fileKey,
  generateKeyPair,
  parseSigningKey,
  type Store,
  signatureKey,
  signOnCommit,
  signVersion,
  type TrustPolicy,
  writeSignature,
} from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LoadError,
  loadModel,
  type ModelWatcher,
  type TrustWarningEvent,
  type UpdateEvent,
  watchModel,
} from '../src/index.ts';
import { publishToy, type ToyModel, tempDir, tempStore, toyDecoder, toyFile } from './helpers/store.ts';
import { nextEvent, sleep } from './helpers/wait.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

describe('loader trust policy', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let keysDir: string;
  let cleanupKeys: () => Promise<void>;
  const alice = generateKeyPair();
  const bob = generateKeyPair();
  const watchers: ModelWatcher<ToyModel>[] = [];

  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
    ({ dir: keysDir, cleanup: cleanupKeys } = await tempDir('loader-keys-'));
    await writeFile(join(keysDir, 'alice.pub.pem'), alice.publicKeyPem);
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.close()));
    await cleanup();
    await cleanupKeys();
  });

  const enforce = (): TrustPolicy => ({ requireSignature: 'enforce', trustedKeys: keysDir });
  const watch = (trust: TrustPolicy) => {
    const w = watchModel({
      store,
      ref: MODEL,
      decode: toyDecoder,
      pollIntervalMs: 50,
      poll: 'always',
      trust,
    });
    watchers.push(w);
    return w;
  };
  const publishSigned = (answer: number, key = alice.privateKeyPem) =>
    store.publish({ model: MODEL, files: [toyFile(answer)], beforeCommit: signOnCommit(store, key) });
  const refusal = (w: ModelWatcher<ToyModel>, version: number) =>
    nextEvent<LoadError>(w, 'error', (e) => e.version === version && e.reason === 'untrusted');

  it('serves a signed version', async () => {
    await publishSigned(41);
    const w = watch(enforce());
    const served = await w.ready();
    expect(served).toMatchObject({ version: 1, value: { answer: 41 } });
  });

  it('refuses an unsigned version under enforce, keeps serving the old one, then serves it once signed', async () => {
    await publishSigned(1);
    const w = watch(enforce());
    await w.ready();
    const refused = refusal(w, 2);
    await publishToy(store, MODEL, 2);
    const err = await refused;
    expect(err.message).toContain(`${MODEL}@2`);
    expect(err.message).toContain('unsigned: it has no signature');
    expect(w.current()?.version).toBe(1);
    await sleep(200);
    expect(w.current()).toMatchObject({ version: 1, value: { answer: 1 } });
    // Signing afterwards (no head change) is picked up at the next poll.
    const updated = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 2);
    await signVersion(store, `${MODEL}@2`, alice.privateKeyPem);
    await updated;
    expect(w.current()?.value.answer).toBe(2);
  });

  it('refuses a version signed by an unknown key', async () => {
    await publishSigned(1);
    const w = watch(enforce());
    await w.ready();
    const refused = refusal(w, 2);
    await publishSigned(2, bob.privateKeyPem);
    expect((await refused).message).toContain('is untrusted: signed only by keys that are not trusted');
    expect(w.current()?.version).toBe(1);
  });

  it('refuses a file tampered with after signing, naming the file', async () => {
    await publishSigned(1);
    const w = watch(enforce());
    await w.ready();
    const refused = nextEvent<LoadError>(w, 'error', (e) => e.version === 2);
    // The signature and manifest are intact; the file's bytes are not what the manifest says.
    await store.publish({
      model: MODEL,
      files: [toyFile(2)],
      beforeCommit: async (m, bytes) => {
        await signOnCommit(store, alice.privateKeyPem)(m, bytes);
        const key = fileKey(MODEL, m.version, 'model.json');
        await store.driver.delete(key);
        await store.driver.putCreateOnly(key, toyFile(666).data);
      },
    });
    const err = await refused;
    expect(err.reason).toBe('integrity');
    expect(err.message).toContain('model.json');
    expect(w.current()?.value.answer).toBe(1);
  });

  it('refuses a manifest rewritten after signing, and a signature replayed onto another version', async () => {
    await publishSigned(1);
    const w = watch(enforce());
    await w.ready();
    // v2: the trainer signed one manifest, the store holds another (someone with write access
    // replaced it). Done inside the publish so that no reader ever sees a consistent v2.
    const refused2 = nextEvent<LoadError>(
      w,
      'error',
      (e) => e.version === 2 && e.message.includes('invalid'),
    );
    await store.publish({
      model: MODEL,
      files: [toyFile(2)],
      beforeCommit: async (m, bytes) => {
        const signedDoc = JSON.parse(new TextDecoder().decode(bytes));
        const signedBytes = encodeDocument({ ...signedDoc, metadata: { reviewed: true } });
        await writeSignature(store, MODEL, m.version, signedBytes, parseSigningKey(alice.privateKeyPem));
      },
    });
    expect((await refused2).message).toMatch(/@2 is invalid: .*signs manifest sha256:/);
    // v3: unsigned, with v1's signature copied beside it.
    const refused3 = nextEvent<LoadError>(
      w,
      'error',
      (e) => e.version === 3 && e.message.includes('made for'),
    );
    await publishToy(store, MODEL, 3);
    const v1sig = await store.driver.get(signatureKey(MODEL, 1, alice.keyId));
    await store.driver.putCreateOnly(signatureKey(MODEL, 3, alice.keyId), v1sig.body);
    expect((await refused3).message).toContain(`made for ${MODEL}@1, not ${MODEL}@3`);
    expect(w.current()?.value.answer).toBe(1);
  });

  it('key rotation: versions signed by either of two trusted keys are served; removing a key refuses its versions', async () => {
    await writeFile(join(keysDir, 'bob.pub.pem'), bob.publicKeyPem);
    await publishSigned(1, alice.privateKeyPem);
    await publishSigned(2, bob.privateKeyPem);
    const policy = enforce();
    expect((await loadModel({ store, ref: `${MODEL}@1`, decode: toyDecoder, trust: policy })).version).toBe(
      1,
    );
    expect((await loadModel({ store, ref: `${MODEL}@2`, decode: toyDecoder, trust: policy })).version).toBe(
      2,
    );
    await rm(join(keysDir, 'alice.pub.pem'));
    const err = await loadModel({ store, ref: `${MODEL}@1`, decode: toyDecoder, trust: policy }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ reason: 'untrusted', version: 1 });
    expect((await loadModel({ store, ref: `${MODEL}@2`, decode: toyDecoder, trust: policy })).version).toBe(
      2,
    );
  });

  it('warn serves an unsigned version and emits a warning event', async () => {
    await publishToy(store, MODEL, 7);
    const w = watch({ requireSignature: 'warn', trustedKeys: keysDir });
    const warning = nextEvent<TrustWarningEvent>(w, 'warning');
    expect((await w.ready()).value.answer).toBe(7);
    expect(await warning).toEqual({
      model: MODEL,
      version: 1,
      message: `${MODEL}@1 is unsigned: it has no signature`,
    });
    const warnings: string[] = [];
    await loadModel({
      store,
      ref: MODEL,
      decode: toyDecoder,
      trust: { requireSignature: 'warn', trustedKeys: keysDir },
      onTrustWarning: (m) => warnings.push(m),
    });
    expect(warnings).toEqual([`${MODEL}@1 is unsigned: it has no signature`]);
  });

  it('without a policy, signatures are not looked at', async () => {
    await publishToy(store, MODEL, 5);
    expect((await loadModel({ store, ref: MODEL, decode: toyDecoder })).value.answer).toBe(5);
  });
});
