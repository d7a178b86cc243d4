// Signing and verifying versions: what counts as trusted, and every way a signature must fail.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeDocument, manifestKey, signaturesPrefix } from '../../src/index.ts';
import type { Store } from '../../src/store.ts';
import {
  checkTrust,
  signatureKey,
  signOnCommit,
  signVersion,
  UntrustedVersionError,
  verifyVersionSignatures,
} from '../../src/trust/index.ts';
import { type KeyFiles, keyInDir, MODEL, publishToy, tempStore } from './helpers.ts';

describe('signVersion / verifyVersionSignatures', () => {
  let store: Store;
  let dir: string;
  let cleanup: () => Promise<void>;
  let alice: KeyFiles;
  let keysDir: string;

  beforeEach(async () => {
    ({ store, dir, cleanup } = await tempStore());
    keysDir = join(dir, 'trusted');
    alice = await keyInDir(keysDir, 'alice');
  });
  afterEach(() => cleanup());

  const verify = (version: number, trustedKeys: string | string[] = keysDir) =>
    verifyVersionSignatures(store, MODEL, version, { trustedKeys });

  it('reports a version signed by a trusted key as trusted, naming the signer', async () => {
    const { version, digest } = await publishToy(store);
    const signed = await signVersion(store, MODEL, alice.privateKeyPem);
    expect(signed).toMatchObject({
      model: MODEL,
      version,
      keyId: alice.keyId,
      manifestDigest: digest,
      created: true,
    });
    const report = await verify(version);
    expect(report.status).toBe('trusted');
    expect(report.manifestDigest).toBe(digest);
    expect(report.signers).toEqual([
      expect.objectContaining({ keyId: alice.keyId, valid: true, trusted: true }),
    ]);
    expect(report.reasons).toEqual([]);
  });

  it('signing twice with the same key is idempotent', async () => {
    await publishToy(store);
    await signVersion(store, `${MODEL}@1`, alice.privateKeyPem);
    const again = await signVersion(store, `${MODEL}@1`, alice.privateKeyPem);
    expect(again.created).toBe(false);
    expect((await verify(1)).signers).toHaveLength(1);
  });

  it('reports unsigned and unknown-key versions', async () => {
    await publishToy(store);
    expect(await verify(1)).toMatchObject({ status: 'unsigned', reasons: ['it has no signature'] });
    const mallory = await keyInDir(join(dir, 'elsewhere'), 'mallory');
    await signVersion(store, MODEL, mallory.privateKeyPem);
    const report = await verify(1);
    expect(report.status).toBe('untrusted');
    expect(report.signers[0]).toMatchObject({ keyId: mallory.keyId, valid: true, trusted: false });
    expect(report.reasons[0]).toContain(mallory.keyId.slice(0, 16));
  });

  it('a trusted signature wins over a planted bad one; several signers are listed', async () => {
    await publishToy(store);
    const bob = await keyInDir(keysDir, 'bob');
    await signVersion(store, MODEL, alice.privateKeyPem);
    await signVersion(store, MODEL, bob.privateKeyPem);
    await store.driver.putCreateOnly(
      `${signaturesPrefix(MODEL, 1)}${'0'.repeat(64)}.json`,
      encodeDocument({ junk: true }),
    );
    const report = await verify(1);
    expect(report.status).toBe('trusted');
    expect(
      report.signers
        .filter((s) => s.valid && s.trusted)
        .map((s) => s.keyId)
        .sort(),
    ).toEqual([alice.keyId, bob.keyId].sort());
    expect(report.signers.find((s) => s.keyId === '0'.repeat(64))?.valid).toBe(false);
  });

  it('refuses a manifest rewritten after signing (the signature no longer matches its digest)', async () => {
    await publishToy(store);
    await signVersion(store, MODEL, alice.privateKeyPem);
    const key = manifestKey(MODEL, 1);
    const manifest = JSON.parse(new TextDecoder().decode((await store.driver.get(key)).body));
    manifest.metadata = { mae: 0.001 };
    // Someone with write access deletes and recreates the manifest: create-only cannot stop that.
    await store.driver.delete(key);
    await store.driver.putCreateOnly(key, encodeDocument(manifest));
    const report = await verify(1);
    expect(report.status).toBe('invalid');
    expect(report.reasons[0]).toMatch(/signs manifest sha256:[0-9a-f]+, but the manifest is sha256:/);
  });

  it('refuses a signature copied onto another version of the same model', async () => {
    await publishToy(store, MODEL, 1);
    await publishToy(store, MODEL, 2);
    const s = await signVersion(store, `${MODEL}@1`, alice.privateKeyPem);
    const body = (await store.driver.get(s.key)).body;
    await store.driver.putCreateOnly(signatureKey(MODEL, 2, alice.keyId), body);
    const report = await verify(2);
    expect(report.status).toBe('invalid');
    expect(report.reasons[0]).toContain(`made for ${MODEL}@1, not ${MODEL}@2`);
  });

  it('refuses a replayed signature even when its fields are edited to name the new version', async () => {
    await publishToy(store, MODEL, 1);
    await publishToy(store, MODEL, 2);
    const s = await signVersion(store, `${MODEL}@1`, alice.privateKeyPem);
    const doc = JSON.parse(new TextDecoder().decode((await store.driver.get(s.key)).body));
    const v2 = await store.readVersion(MODEL, 2);
    await store.driver.putCreateOnly(
      signatureKey(MODEL, 2, alice.keyId),
      encodeDocument({ ...doc, version: 2, manifestDigest: v2.digest }),
    );
    const report = await verify(2);
    expect(report.status).toBe('invalid');
    expect(report.reasons[0]).toContain('does not verify');
  });

  it('refuses a signature stored under another key id than the one that made it', async () => {
    await publishToy(store);
    const s = await signVersion(store, MODEL, alice.privateKeyPem);
    const bob = await keyInDir(keysDir, 'bob');
    await store.driver.putCreateOnly(signatureKey(MODEL, 1, bob.keyId), (await store.driver.get(s.key)).body);
    await store.driver.delete(s.key);
    const report = await verify(1);
    expect(report.status).toBe('invalid');
    expect(report.reasons[0]).toContain('document names key');
  });

  it('key rotation: two trusted keys, then the old one removed', async () => {
    const bob = await keyInDir(keysDir, 'bob');
    await publishToy(store, MODEL, 1);
    await signVersion(store, `${MODEL}@1`, alice.privateKeyPem);
    await publishToy(store, MODEL, 2);
    await signVersion(store, `${MODEL}@2`, bob.privateKeyPem);
    expect((await verify(1)).status).toBe('trusted');
    expect((await verify(2)).status).toBe('trusted');
    await rm(alice.publicPath);
    // Paths are re-read at each verification: no restart needed to revoke.
    expect((await verify(1)).status).toBe('untrusted');
    expect((await verify(2)).status).toBe('trusted');
  });

  it('a trainer can sign a manifest before it is committed, so it is never visible unsigned', async () => {
    let seenBeforeCommit: string | undefined;
    const sign = signOnCommit(store, alice.privateKeyPem);
    const result = await store.publish({
      model: MODEL,
      files: [{ path: 'w.json', data: new TextEncoder().encode('{}') }],
      beforeCommit: async (manifest, bytes) => {
        await sign(manifest, bytes);
        // The manifest does not exist yet: the signature is already in place when it appears.
        seenBeforeCommit = await store.driver
          .stat(manifestKey(MODEL, manifest.version))
          .then((i) => i?.key ?? 'absent');
      },
    });
    expect(seenBeforeCommit).toBe('absent');
    expect((await verify(result.version)).status).toBe('trusted');
  });

  it('checkTrust: enforce throws naming the version and reason; warn lets it through with a warning; off reads nothing', async () => {
    await publishToy(store);
    const err = await checkTrust(store, MODEL, 1, {
      requireSignature: 'enforce',
      trustedKeys: keysDir,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(UntrustedVersionError);
    expect(err.message).toBe(`${MODEL}@1 is unsigned: it has no signature`);
    expect(err.category).toBe('integrity');
    const warned = await checkTrust(store, MODEL, 1, { requireSignature: 'warn', trustedKeys: keysDir });
    expect(warned.warning).toContain('unsigned');
    expect(await checkTrust(store, MODEL, 1, { requireSignature: 'off', trustedKeys: keysDir })).toEqual({});
    await signVersion(store, MODEL, alice.privateKeyPem);
    const ok = await checkTrust(store, MODEL, 1, { requireSignature: 'enforce', trustedKeys: keysDir });
    expect(ok.report?.status).toBe('trusted');
    expect(ok.warning).toBeUndefined();
  });

  it('never puts key material in errors', async () => {
    await publishToy(store);
    const priv = join(dir, 'priv.pem');
    await writeFile(priv, alice.privateKeyPem);
    const err = await verifyVersionSignatures(store, MODEL, 1, { trustedKeys: priv }).catch((e) => e);
    expect(err.code).toBe('KEY_FILE');
    expect(err.message).toContain('is a private key');
    const secret = alice.privateKeyPem.split('\n')[1]!;
    expect(`${err.message} ${err.hint}`).not.toContain(secret);
    await expect(signVersion(store, MODEL, 'garbage')).rejects.toThrow(/not a PEM private key/);
  });
});
