// Why a version was not served. Every failure names the model, the version (when one was chosen)
// and a reason class the metrics and the remembered-bad-version logic branch on.
import { ModelshelfError, UntrustedVersionError } from '@modelshelf/registry';

/**
 * - `integrity`: a file's bytes differ from the manifest (digest or size), or a manifest is malformed.
 * - `decode`: the files are intact but the decoder refused them.
 * - `not-found`: the model, version or alias does not exist (yet).
 * - `unreachable`: storage did not answer (network, outage, EIO); retried with backoff.
 * - `untrusted`: the trust policy (enforce) refuses it: unsigned, signed by an unknown key, or a
 *   signature that does not verify. Re-checked at every poll (a signature may be added later).
 * - `internal`: anything else (a bug); retried with backoff.
 */
export type FailureReason = 'integrity' | 'decode' | 'not-found' | 'unreachable' | 'untrusted' | 'internal';

/** Reasons that will not fix themselves by retrying the same version: remembered until the head changes. */
export const PERMANENT_REASONS: ReadonlySet<FailureReason> = new Set(['integrity', 'decode']);

/** Reasons that say the version itself is refused (not storage): an older version may serve instead. */
export const REFUSAL_REASONS: ReadonlySet<FailureReason> = new Set(['integrity', 'decode', 'untrusted']);

export class LoadError extends ModelshelfError {
  override name = 'LoadError';
  constructor(
    readonly model: string,
    readonly version: number | undefined,
    readonly reason: FailureReason,
    cause: unknown,
    hint: string = HINTS[reason],
  ) {
    const what = version === undefined ? JSON.stringify(model) : `${model}@${version}`;
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `cannot load ${what} (${reason}): ${detail}`,
      reason === 'unreachable' ? 'storage' : reason === 'decode' ? 'format' : categoryOf(reason),
      `LOAD_${reason.toUpperCase().replace('-', '_')}`,
      hint,
      { cause },
    );
  }
}

function categoryOf(reason: FailureReason) {
  if (reason === 'integrity') return 'integrity' as const;
  if (reason === 'not-found') return 'not-found' as const;
  if (reason === 'untrusted') return 'integrity' as const;
  return 'internal' as const;
}

const HINTS: Record<FailureReason, string> = {
  integrity:
    'the stored bytes differ from the manifest: run `modelshelf verify <model>@<version>` and republish',
  decode:
    'the files are intact but not a model this estimator can read: check the format the trainer exported',
  'not-found': 'check the reference with `modelshelf ls`; the watcher keeps polling until it appears',
  unreachable: 'the watcher keeps retrying with backoff and serves the last good version meanwhile',
  untrusted:
    'sign the version with `modelshelf sign <model>@<version> --key <private.pem>` using a trusted key; the current model keeps serving',
  internal: 'this is a bug: please report it with the log line',
};

/**
 * Hints for a one-shot load (`modelshelf predict`, loadModel): no watcher polls or retries there,
 * so what the watcher would do next is no help.
 */
const ONE_SHOT_HINTS: Partial<Record<FailureReason, string>> = {
  'not-found': 'check the reference with `modelshelf ls` and `modelshelf versions <model>`',
  unreachable: 'check that the store is reachable (`modelshelf ls`) and try again',
  untrusted:
    'sign the version with `modelshelf sign <model>@<version> --key <private.pem>` using a trusted key',
};

/** The same failure, with the hint of a one-shot load. */
export function asOneShot(err: LoadError): LoadError {
  const hint = ONE_SHOT_HINTS[err.reason];
  return hint ? new LoadError(err.model, err.version, err.reason, err.cause, hint) : err;
}

/** Maps any thrown value to a failure reason. `stage` says what was being done when it was thrown. */
export function classifyFailure(err: unknown, stage: 'check' | 'fetch' | 'decode'): FailureReason {
  if (err instanceof LoadError) return err.reason;
  if (stage === 'decode') return 'decode';
  if (err instanceof UntrustedVersionError) return 'untrusted';
  if (err instanceof ModelshelfError) {
    if (err.category === 'integrity') return 'integrity';
    if (err.category === 'not-found') return 'not-found';
    if (err.category === 'storage') return 'unreachable';
    if (err.category === 'usage' || err.category === 'conflict') return 'internal';
  }
  // Network errors from the S3 SDK or sockets (ECONNREFUSED, timeouts) are outages, not bugs.
  const code = (err as { code?: string; name?: string })?.code ?? (err as { name?: string })?.name ?? '';
  if (/^E[A-Z]+$/.test(code) || /Timeout|Network|Socket|Connection/i.test(code)) return 'unreachable';
  if (err instanceof Error && /ECONNREFUSED|ECONNRESET|socket|timed? ?out|network/i.test(err.message))
    return 'unreachable';
  return 'internal';
}
