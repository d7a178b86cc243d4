// Applying a trust policy to one version: refuse (enforce), let through with a warning (warn), or
// not look at all (off).
import type { VersionRecord } from '../store/read.ts';
import type { Store } from '../store.ts';
import { UntrustedVersionError } from './errors.ts';
import type { TrustPolicy } from './policy.ts';
import { type TrustReport, verifyVersionSignatures } from './verify.ts';

export interface TrustDecision {
  /** Undefined when the policy is off (nothing was checked). */
  report?: TrustReport;
  /** Set under `warn` when the version would have been refused under `enforce`. */
  warning?: string;
}

/**
 * Checks model@version against `policy`. Under `enforce` a version that is not `trusted` throws
 * UntrustedVersionError (category "integrity"), naming the version and the reason.
 */
export async function checkTrust(
  store: Store,
  model: string,
  version: number,
  policy: TrustPolicy | undefined,
  record?: VersionRecord,
): Promise<TrustDecision> {
  if (!policy || policy.requireSignature === 'off') return {};
  const report = await verifyVersionSignatures(store, model, version, policy, { record });
  if (report.status === 'trusted') return { report };
  if (policy.requireSignature === 'enforce')
    throw new UntrustedVersionError(model, version, report.status, report.reasons);
  return { report, warning: `${model}@${version} is ${report.status}: ${report.reasons.join('; ')}` };
}
