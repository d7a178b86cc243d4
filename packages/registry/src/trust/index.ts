// Signed versions and the trust policy: sign (trainers), verify (loaders, `modelshelf verify`),
// keys as PEM. See docs/security.md for what signing protects and what it does not.
export { checkTrust, type TrustDecision } from './enforce.ts';
export { KeyFileError, UntrustedVersionError } from './errors.ts';
export {
  generateKeyPair,
  keyIdOf,
  loadTrustedKeys,
  MAX_KEY_FILE_BYTES,
  MAX_TRUSTED_KEYS,
  parseSigningKey,
  parseTrustedKey,
  readSigningKeyFile,
  resolveTrustedKeys,
  type SigningKey,
  type TrustedKey,
} from './keys.ts';
export {
  parseRequireSignature,
  REQUIRE_SIGNATURE_ENV,
  REQUIRE_SIGNATURE_VALUES,
  type RequireSignature,
  splitKeyPaths,
  TRUSTED_KEYS_ENV,
  type TrustPolicy,
  trustPolicyFromEnv,
} from './policy.ts';
export { type SignResult, signManifest, signOnCommit, signVersion, writeSignature } from './sign.ts';
export {
  MAX_SIGNATURE_DOCUMENT_BYTES,
  MAX_SIGNATURES,
  type SignatureDocument,
  signatureDocumentSchema,
  signatureKey,
  signaturePayload,
} from './signature-document.ts';
export {
  type SignerReport,
  type TrustReport,
  type TrustStatus,
  type VerifySignaturesOptions,
  verifyVersionSignatures,
} from './verify.ts';
