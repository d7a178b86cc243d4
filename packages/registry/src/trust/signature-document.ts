// The signature document: `models/<model>/@versions/<n>/signatures/<keyId>.json`, one per signer.
// What is signed is not the document but a fixed payload binding the model name, the version
// number and the SHA-256 of the exact manifest bytes (which in turn list every file's digest).
// A verifier rebuilds that payload from what it actually read, never from the document, so a
// signature copied onto another version, another model or an altered manifest does not verify.
import { z } from 'zod';
import { signaturesPrefix } from '../layout.ts';
import { creatorSchema, SCHEMA_VERSION } from '../schema.ts';

export const SIGNATURE_ALGORITHM = 'ed25519';
/** A signature document is a few hundred bytes; anything much larger is not one. */
export const MAX_SIGNATURE_DOCUMENT_BYTES = 64 * 1024;
/** Signers per version looked at; more is an attack or a mistake, and the rest are ignored. */
export const MAX_SIGNATURES = 64;

// Built on first parse, as the layout's schemas are (../schema.ts).
export const signatureDocumentSchema = z.lazy(() =>
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    algorithm: z.literal(SIGNATURE_ALGORITHM),
    model: z.string().min(1).max(200),
    version: z.number().int().positive(),
    manifestDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<hex>'),
    keyId: z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex SHA-256'),
    /** The signer's public key (SPKI DER, base64), so that even an unknown signer can be checked. */
    publicKey: z.string().min(1).max(512),
    /** Ed25519 signature of signaturePayload(), base64. */
    signature: z.string().min(1).max(512),
    signedAt: z.string().datetime({ offset: true }),
    signedBy: creatorSchema.optional(),
  }),
);
export type SignatureDocument = z.infer<typeof signatureDocumentSchema>;

export function signaturePayload(model: string, version: number, manifestDigest: string): Uint8Array {
  return new TextEncoder().encode(
    `modelshelf-signature/v1\nmodel ${model}\nversion ${version}\nmanifest ${manifestDigest}\n`,
  );
}

export const signatureKey = (model: string, version: number, keyId: string) =>
  `${signaturesPrefix(model, version)}${keyId}.json`;

/** The key id a signature document's storage key names, or undefined for other keys. */
export function keyIdFromSignatureKey(model: string, version: number, key: string): string | undefined {
  const rest = key.slice(signaturesPrefix(model, version).length);
  const m = /^([0-9a-f]{64})\.json$/.exec(rest);
  return m?.[1];
}
