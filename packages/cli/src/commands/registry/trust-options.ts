// The trust flags shared by every command that reads a version for use (resolve, pull, verify,
// and the loader's watch/predict/estimator): --trusted-keys and --require-signature, falling back
// to MODELSHELF_TRUSTED_KEYS and MODELSHELF_REQUIRE_SIGNATURE.

import type { Resolution, Store } from '@modelshelf/registry';
import {
  checkTrust,
  REQUIRE_SIGNATURE_ENV,
  REQUIRE_SIGNATURE_VALUES,
  TRUSTED_KEYS_ENV,
  type TrustDecision,
  type TrustPolicy,
  trustPolicyFromEnv,
} from '@modelshelf/registry';
import { type Command, Option } from 'commander';
import type { Output } from '../../kit/index.ts';

export interface TrustCommandOptions {
  trustedKeys?: string;
  requireSignature?: string;
}

export function addTrustOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--trusted-keys <dir|file>',
        `PEM public keys whose signatures are trusted: a file, a directory, or several joined by ":" (env ${TRUSTED_KEYS_ENV})`,
      ),
    )
    .addOption(
      new Option(
        '--require-signature <level>',
        `off, warn or enforce (default: enforce when trusted keys are given, else off; env ${REQUIRE_SIGNATURE_ENV})`,
      ).choices(REQUIRE_SIGNATURE_VALUES as string[]),
    );
}

/** The policy the flags (or the environment) ask for; undefined when signatures are not checked. */
export function trustPolicyFromOptions(
  opts: TrustCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
): TrustPolicy | undefined {
  return trustPolicyFromEnv(env, { trustedKeys: opts.trustedKeys, requireSignature: opts.requireSignature });
}

/**
 * Applies the policy to a resolved version before a command uses it: throws UntrustedVersionError
 * (exit code 4) under enforce, prints a warning on stderr under warn.
 */
export async function requireTrusted(
  store: Store,
  r: Pick<Resolution, 'model' | 'version' | 'digest' | 'bytes' | 'manifest'>,
  policy: TrustPolicy | undefined,
  out: Pick<Output, 'streams'>,
): Promise<TrustDecision> {
  const decision = await checkTrust(store, r.model, r.version, policy, r);
  // A warning is not silenced by --quiet or --json: it is about safety, and stderr stays out of JSON.
  if (decision.warning) out.streams.stderr.write(`warning: ${decision.warning}\n`);
  return decision;
}
