// The trust flags shared by every command that reads a version for use (resolve, pull, verify,
// and the loader's watch/predict/estimator): --trusted-keys and --require-signature, falling back
// to MODELSHELF_TRUSTED_KEYS and MODELSHELF_REQUIRE_SIGNATURE. Loaded by `--help` (the options are
// part of several commands' descriptors): it imports the registry's policy module only; the check
// itself (requireTrusted) is in trust-check.ts, which only actions load.

import {
  REQUIRE_SIGNATURE_ENV,
  REQUIRE_SIGNATURE_VALUES,
  TRUSTED_KEYS_ENV,
  type TrustPolicy,
  trustPolicyFromEnv,
} from '@modelshelf/registry/trust-policy';
import { type Command, Option } from 'commander';

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
