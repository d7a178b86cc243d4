// The signature check of a version a command is about to use, under the policy of the trust
// options (trust-options.ts). Loaded by the actions only: it needs the registry's verifier.

import type { Resolution, Store, TrustDecision, TrustPolicy } from '@modelshelf/registry';
import { checkTrust } from '@modelshelf/registry';
import type { Output } from '../../kit/index.ts';

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
