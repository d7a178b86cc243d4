// Checks the signatures of a version against a set of trusted keys. Pure reporting: what to do
// with the result is the policy's business (enforce.ts).
import { verify } from 'node:crypto';
import { listAll } from '../drivers/driver.ts';
import { ModelshelfError, NotFoundError } from '../errors.ts';
import { signaturesPrefix } from '../layout.ts';
import { parseDocument } from '../schema.ts';
import type { VersionRecord } from '../store/read.ts';
import type { Store } from '../store.ts';
import { decodePublicKey, keyIdOf, resolveTrustedKeys } from './keys.ts';
import type { TrustPolicy } from './policy.ts';
import {
  keyIdFromSignatureKey,
  MAX_SIGNATURE_DOCUMENT_BYTES,
  MAX_SIGNATURES,
  type SignatureDocument,
  signatureDocumentSchema,
  signaturePayload,
} from './signature-document.ts';

/**
 * - `trusted`: at least one valid signature by a trusted key.
 * - `invalid`: no such signature, and at least one signature fails (altered manifest, a signature
 *   copied from another version, a malformed document).
 * - `untrusted`: only valid signatures by keys that are not trusted.
 * - `unsigned`: no signature at all.
 */
export type TrustStatus = 'trusted' | 'unsigned' | 'untrusted' | 'invalid';

export interface SignerReport {
  /** Key fingerprint (SHA-256 of the public key), from the document's storage key. */
  keyId: string;
  valid: boolean;
  trusted: boolean;
  signedAt?: string;
  signedBy?: string;
  /** Why the signature does not count, when it does not. */
  problem?: string;
}

export interface TrustReport {
  model: string;
  version: number;
  status: TrustStatus;
  /** "sha256:<hex>" of the manifest bytes that were checked. */
  manifestDigest: string;
  signers: SignerReport[];
  /** Human-readable reasons for any status but `trusted`. */
  reasons: string[];
}

export interface VerifySignaturesOptions {
  /**
   * The manifest already read (its exact bytes). Pass it when the caller goes on to use that
   * manifest, so what is verified is exactly what is served, with no window to swap it.
   */
  record?: VersionRecord;
}

const short = (keyId: string) => keyId.slice(0, 16);

export async function verifyVersionSignatures(
  store: Store,
  model: string,
  version: number,
  policy: Pick<TrustPolicy, 'trustedKeys'>,
  options: VerifySignaturesOptions = {},
): Promise<TrustReport> {
  const record = options.record ?? (await store.readVersion(model, version));
  const trusted = new Set((await resolveTrustedKeys(policy.trustedKeys)).map((k) => k.keyId));
  const prefix = signaturesPrefix(model, version);
  const signers: SignerReport[] = [];
  const reasons: string[] = [];
  let seen = 0;
  for await (const obj of listAll(store.driver, prefix)) {
    if (++seen > MAX_SIGNATURES) {
      reasons.push(`more than ${MAX_SIGNATURES} signature documents: the rest were ignored`);
      break;
    }
    const keyId = keyIdFromSignatureKey(model, version, obj.key);
    if (!keyId) {
      signers.push({
        keyId: obj.key.slice(prefix.length),
        valid: false,
        trusted: false,
        problem: 'not a signature document name',
      });
      continue;
    }
    signers.push(await checkDocument(store, obj.key, keyId, model, version, record.digest, trusted));
  }
  const status = statusOf(signers);
  if (status === 'unsigned') reasons.push('it has no signature');
  else if (status === 'untrusted') {
    reasons.push(
      trusted.size === 0
        ? 'no trusted key is configured'
        : `signed only by keys that are not trusted (${signers.map((s) => short(s.keyId)).join(', ')})`,
    );
  } else if (status === 'invalid') {
    for (const s of signers) if (!s.valid) reasons.push(`signature by ${short(s.keyId)}: ${s.problem}`);
  }
  return { model, version, status, manifestDigest: record.digest, signers, reasons };
}

function statusOf(signers: SignerReport[]): TrustStatus {
  if (signers.some((s) => s.valid && s.trusted)) return 'trusted';
  if (signers.some((s) => !s.valid)) return 'invalid';
  if (signers.length > 0) return 'untrusted';
  return 'unsigned';
}

async function checkDocument(
  store: Store,
  key: string,
  keyId: string,
  model: string,
  version: number,
  digest: string,
  trusted: ReadonlySet<string>,
): Promise<SignerReport> {
  const report = (problem?: string, doc?: SignatureDocument): SignerReport => ({
    keyId,
    valid: problem === undefined,
    trusted: problem === undefined && trusted.has(keyId),
    signedAt: doc?.signedAt,
    signedBy: doc?.signedBy && `${doc.signedBy.user}@${doc.signedBy.host}`,
    problem,
  });
  let doc: SignatureDocument;
  try {
    const obj = await store.driver.get(key);
    if (obj.body.byteLength > MAX_SIGNATURE_DOCUMENT_BYTES)
      return report(`document larger than ${MAX_SIGNATURE_DOCUMENT_BYTES} bytes`);
    doc = parseDocument(signatureDocumentSchema, key, obj.body);
  } catch (err) {
    if (err instanceof NotFoundError) return report('deleted while being read');
    if (err instanceof ModelshelfError && err.category === 'integrity') return report(err.message);
    throw err;
  }
  if (doc.keyId !== keyId)
    return report(`document names key ${short(doc.keyId)}, stored as ${short(keyId)}`, doc);
  const publicKey = decodePublicKey(doc.publicKey);
  if (!publicKey || keyIdOf(publicKey) !== keyId)
    return report('its public key is not the Ed25519 key its name says', doc);
  if (doc.model !== model || doc.version !== version)
    return report(`it was made for ${doc.model}@${doc.version}, not ${model}@${version}`, doc);
  if (doc.manifestDigest !== digest)
    return report(`it signs manifest ${doc.manifestDigest}, but the manifest is ${digest}`, doc);
  const signature = Buffer.from(doc.signature, 'base64');
  // The payload is rebuilt from what was read, not from the document's own fields.
  if (
    signature.length !== 64 ||
    !verify(null, signaturePayload(model, version, digest), publicKey, signature)
  )
    return report('the signature does not verify', doc);
  return report(undefined, doc);
}
