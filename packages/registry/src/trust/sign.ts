// Signing a committed version (`modelshelf sign`), or a manifest about to be committed (a trainer's
// publish hook, so that the version is signed from the instant it exists). Signature documents are
// created create-only: nobody overwrites another signer's document.
import { sign } from 'node:crypto';
import { AlreadyExistsError, ConflictError, ManifestError } from '../errors.ts';
import { parseReference } from '../names.ts';
import { encodeDocument, parseDocument, SCHEMA_VERSION } from '../schema.ts';
import { defaultCreator } from '../store/context.ts';
import { manifestDigest } from '../store/publish.ts';
import type { Store } from '../store.ts';
import { encodePublicKey, parseSigningKey, type SigningKey } from './keys.ts';
import {
  SIGNATURE_ALGORITHM,
  type SignatureDocument,
  signatureDocumentSchema,
  signatureKey,
  signaturePayload,
} from './signature-document.ts';

export interface SignResult {
  model: string;
  version: number;
  keyId: string;
  manifestDigest: string;
  /** Storage key of the signature document. */
  key: string;
  /** False when this key had already signed this exact manifest (nothing was written). */
  created: boolean;
}

/** Builds the signature document for the exact manifest bytes of model@version. */
export function signManifest(
  model: string,
  version: number,
  manifestBytes: Uint8Array,
  key: SigningKey,
  now: Date = new Date(),
): SignatureDocument {
  const digest = manifestDigest(manifestBytes);
  return {
    schemaVersion: SCHEMA_VERSION,
    algorithm: SIGNATURE_ALGORITHM,
    model,
    version,
    manifestDigest: digest,
    keyId: key.keyId,
    publicKey: encodePublicKey(key.publicKey),
    signature: sign(null, signaturePayload(model, version, digest), key.privateKey).toString('base64'),
    signedAt: now.toISOString(),
    signedBy: defaultCreator(),
  };
}

/** Stores a signature of `manifestBytes` (the manifest need not be committed yet). */
export async function writeSignature(
  store: Store,
  model: string,
  version: number,
  manifestBytes: Uint8Array,
  key: SigningKey,
): Promise<SignResult> {
  const doc = signManifest(model, version, manifestBytes, key);
  const storageKey = signatureKey(model, version, key.keyId);
  const result = { model, version, keyId: key.keyId, manifestDigest: doc.manifestDigest, key: storageKey };
  try {
    await store.driver.putCreateOnly(storageKey, encodeDocument(doc));
    return { ...result, created: true };
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
  // Signing twice with the same key is idempotent, unless what is there signs something else.
  let existing: SignatureDocument | undefined;
  try {
    existing = parseDocument(signatureDocumentSchema, storageKey, (await store.driver.get(storageKey)).body);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
  }
  if (existing?.manifestDigest === doc.manifestDigest) return { ...result, created: false };
  throw new ConflictError(
    `${model}@${version} already has a signature by key ${key.keyId.slice(0, 16)} that does not match its manifest`,
    `inspect and delete ${storageKey} if it is not genuine, then sign again`,
  );
}

/**
 * Signs the version `ref` designates (a pin, an alias or latest are resolved first; the result
 * names the version actually signed). `privateKey` is a PEM string or an already parsed key.
 */
export async function signVersion(
  store: Store,
  ref: string,
  privateKey: string | SigningKey,
): Promise<SignResult> {
  const key = typeof privateKey === 'string' ? parseSigningKey(privateKey) : privateKey;
  const r = parseReference(ref);
  const res = await store.resolve(r);
  return writeSignature(store, res.model, res.version, res.bytes, key);
}

/**
 * A `beforeCommit` hook for `store.publish` that signs the manifest before it is committed, so no
 * reader can ever see the version unsigned: `store.publish({ …, beforeCommit: signOnCommit(store, key) })`.
 */
export function signOnCommit(store: Store, privateKey: string | SigningKey) {
  const key = typeof privateKey === 'string' ? parseSigningKey(privateKey) : privateKey;
  return async (manifest: { model: string; version: number }, bytes: Uint8Array): Promise<void> => {
    await writeSignature(store, manifest.model, manifest.version, bytes, key);
  };
}
