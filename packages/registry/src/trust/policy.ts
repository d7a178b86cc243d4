// The trust policy: which keys are trusted and what happens to a version they did not sign.
// Shared by the loader (watchModel/loadModel) and the CLI (--trusted-keys, --require-signature).
import { InvalidArgumentError } from '../errors.ts';
import type { TrustedKey } from './keys.ts';

/**
 * - `off`: signatures are not looked at (no extra storage request).
 * - `warn`: a version without a valid signature by a trusted key is served, with a warning.
 * - `enforce`: such a version is never served.
 */
export type RequireSignature = 'off' | 'warn' | 'enforce';
export const REQUIRE_SIGNATURE_VALUES: readonly RequireSignature[] = ['off', 'warn', 'enforce'];

export interface TrustPolicy {
  requireSignature: RequireSignature;
  /**
   * Public keys, or paths of PEM files / directories of them. Paths are re-read at every
   * verification, so removing a key file revokes the key without a restart.
   */
  trustedKeys?: string | readonly string[] | readonly TrustedKey[];
}

export const TRUSTED_KEYS_ENV = 'MODELSHELF_TRUSTED_KEYS';
export const REQUIRE_SIGNATURE_ENV = 'MODELSHELF_REQUIRE_SIGNATURE';

export function parseRequireSignature(value: string, source = '--require-signature'): RequireSignature {
  const v = value.trim().toLowerCase();
  if ((REQUIRE_SIGNATURE_VALUES as readonly string[]).includes(v)) return v as RequireSignature;
  throw new InvalidArgumentError(
    `invalid ${source} ${JSON.stringify(value)}`,
    `use one of ${REQUIRE_SIGNATURE_VALUES.join(', ')}`,
  );
}

/** Several key locations in one string, as PATH does: separated by ":" (or "," for readability). */
export function splitKeyPaths(value: string): string[] {
  return value
    .split(/[:,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * Builds a policy from explicit values, falling back to MODELSHELF_TRUSTED_KEYS and
 * MODELSHELF_REQUIRE_SIGNATURE. Trusted keys without a level mean `enforce`: naming keys and then
 * serving what they did not sign would be a surprise. `enforce` without keys is refused at once
 * rather than refusing every version later.
 */
export function trustPolicyFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  explicit: { trustedKeys?: string; requireSignature?: string } = {},
): TrustPolicy | undefined {
  const keysText = explicit.trustedKeys ?? env[TRUSTED_KEYS_ENV];
  const levelText = explicit.requireSignature ?? env[REQUIRE_SIGNATURE_ENV];
  const trustedKeys = keysText ? splitKeyPaths(keysText) : [];
  const source = explicit.requireSignature !== undefined ? '--require-signature' : REQUIRE_SIGNATURE_ENV;
  const level = levelText
    ? parseRequireSignature(levelText, source)
    : trustedKeys.length > 0
      ? 'enforce'
      : 'off';
  if (level === 'off' && trustedKeys.length === 0) return undefined;
  if (level === 'enforce' && trustedKeys.length === 0) {
    throw new InvalidArgumentError(
      'signatures are required but no trusted key is given',
      `pass --trusted-keys <dir|file> or set ${TRUSTED_KEYS_ENV} (a PEM public key or a directory of them)`,
    );
  }
  return { requireSignature: level, trustedKeys };
}
