// Ed25519 keys as PEM (Node's crypto, no extra dependency). A key is known by its fingerprint: the
// SHA-256 of its SubjectPublicKeyInfo DER, in hex. Trusted keys are public keys only: a private key
// found where public keys are expected is refused, so it cannot end up copied onto estimators.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyFileError } from './errors.ts';

export interface TrustedKey {
  /** SHA-256 of the SPKI DER, lowercase hex. */
  keyId: string;
  publicKey: KeyObject;
  /** Where it was read from (for messages), when it came from a file. */
  source?: string;
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Key files larger than this are not PEM keys (an Ed25519 PEM is about 120 bytes). */
export const MAX_KEY_FILE_BYTES = 16 * 1024;
/** More keys than this in a trusted-keys directory is a misconfiguration, not a key ring. */
export const MAX_TRUSTED_KEYS = 256;
const KEY_FILE = /\.(pem|pub)$/;

export function generateKeyPair(): { publicKeyPem: string; privateKeyPem: string; keyId: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The raw SPKI DER of a public key, base64: what a signature document carries. */
export function encodePublicKey(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Parses a base64 SPKI DER Ed25519 public key; undefined when it is anything else. */
export function decodePublicKey(base64: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

const isPrivatePem = (text: string) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text);

/** Parses a PEM private key for signing. `source` names it in errors (never the content). */
export function parseSigningKey(pem: string | Buffer, source = 'the signing key'): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyFileError(
      source,
      'is not a PEM private key (an unencrypted PKCS#8 Ed25519 key is expected)',
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new KeyFileError(source, `holds a ${privateKey.asymmetricKeyType} key, not Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

/** Parses a PEM public key to trust. A private key is refused (see the file comment). */
export function parseTrustedKey(pem: string, source = 'a trusted key'): TrustedKey {
  if (isPrivatePem(pem))
    throw new KeyFileError(
      source,
      'is a private key; trust the public key instead',
      'give the .pub.pem written by `modelshelf keygen`, and keep the private key with the trainer only',
    );
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyFileError(source, 'is not a PEM public key');
  }
  if (publicKey.asymmetricKeyType !== 'ed25519')
    throw new KeyFileError(source, `holds a ${publicKey.asymmetricKeyType} key, not Ed25519`);
  return { keyId: keyIdOf(publicKey), publicKey, source };
}

export async function readSigningKeyFile(path: string): Promise<SigningKey> {
  return parseSigningKey(await readKeyFile(path), path);
}

async function readKeyFile(path: string): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    throw new KeyFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!info.isFile()) throw new KeyFileError(path, 'is not a regular file');
  if (info.size > MAX_KEY_FILE_BYTES)
    throw new KeyFileError(
      path,
      `is ${info.size} bytes, larger than a key file can be (${MAX_KEY_FILE_BYTES})`,
    );
  return readFile(path, 'utf8');
}

/**
 * Loads the public keys at each path: a PEM file, or a directory whose *.pem / *.pub files are all
 * public keys (hidden entries such as Kubernetes' "..data" are skipped; symlinks are followed,
 * since mounted secrets are symlinks). Duplicates are kept once.
 */
export async function loadTrustedKeys(paths: string | readonly string[]): Promise<TrustedKey[]> {
  const keys = new Map<string, TrustedKey>();
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (err) {
      throw new KeyFileError(
        path,
        `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        'pass a PEM public key or a directory of them',
      );
    }
    const files = info.isDirectory()
      ? (await readdir(path))
          .filter((name) => !name.startsWith('.') && KEY_FILE.test(name))
          .sort()
          .map((name) => join(path, name))
      : [path];
    for (const file of files) {
      const key = parseTrustedKey(await readKeyFile(file), file);
      if (!keys.has(key.keyId)) keys.set(key.keyId, key);
      if (keys.size > MAX_TRUSTED_KEYS)
        throw new KeyFileError(path, `holds more than ${MAX_TRUSTED_KEYS} keys`, 'trust fewer keys');
    }
  }
  return [...keys.values()];
}

/** Accepts what TrustPolicy.trustedKeys may hold: paths (read now) or already parsed keys. */
export async function resolveTrustedKeys(
  keys: string | readonly string[] | readonly TrustedKey[] | undefined,
): Promise<TrustedKey[]> {
  if (keys === undefined) return [];
  if (typeof keys === 'string') return loadTrustedKeys(keys);
  if (keys.length === 0) return [];
  if (typeof keys[0] === 'string') return loadTrustedKeys(keys as readonly string[]);
  return [...(keys as readonly TrustedKey[])];
}
