// Typed errors. Every error names the offending value and, where one exists, what to do about it.
// `category` groups errors for callers that only need to branch (the CLI maps it to exit codes).

// `format`: the stored bytes are intact (their digests match) but no reader can decode them.
export type ErrorCategory =
  | 'usage'
  | 'not-found'
  | 'integrity'
  | 'conflict'
  | 'storage'
  | 'format'
  | 'internal';

export class ModelshelfError extends Error {
  override name = 'ModelshelfError';
  constructor(
    message: string,
    readonly category: ErrorCategory,
    readonly code: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const quote = (v: unknown) => JSON.stringify(v);

export class InvalidNameError extends ModelshelfError {
  override name = 'InvalidNameError';
  constructor(value: string, reason: string) {
    super(
      `invalid model name ${quote(value)}: ${reason}`,
      'usage',
      'INVALID_NAME',
      'model names are slash-separated segments of letters, digits, ".", "_", "-" such as rapl-sysfs/AbsPower/BPFOnly/LinearRegression_0',
    );
  }
}

export class InvalidReferenceError extends ModelshelfError {
  override name = 'InvalidReferenceError';
  constructor(value: string, reason: string) {
    super(
      `invalid reference ${quote(value)}: ${reason}`,
      'usage',
      'INVALID_REFERENCE',
      'write <model>, <model>@<version number> or <model>@<alias>',
    );
  }
}

export class InvalidArgumentError extends ModelshelfError {
  override name = 'InvalidArgumentError';
  constructor(message: string, hint?: string) {
    super(message, 'usage', 'INVALID_ARGUMENT', hint);
  }
}

/** A storage key that does not exist (driver level). */
export class NotFoundError extends ModelshelfError {
  override name = 'NotFoundError';
  constructor(
    readonly key: string,
    location?: string,
  ) {
    super(`no object ${quote(key)}${location ? ` in ${location}` : ''}`, 'not-found', 'NOT_FOUND');
  }
}

export class ModelNotFoundError extends ModelshelfError {
  override name = 'ModelNotFoundError';
  constructor(readonly model: string) {
    super(
      `unknown model ${quote(model)}`,
      'not-found',
      'MODEL_NOT_FOUND',
      'run `modelshelf ls` to see the models in this store',
    );
  }
}

export class VersionNotFoundError extends ModelshelfError {
  override name = 'VersionNotFoundError';
  constructor(
    readonly model: string,
    readonly version: number,
  ) {
    super(
      `model ${quote(model)} has no committed version ${version}`,
      'not-found',
      'VERSION_NOT_FOUND',
      `run \`modelshelf versions ${model}\` to see its versions`,
    );
  }
}

export class AliasNotFoundError extends ModelshelfError {
  override name = 'AliasNotFoundError';
  constructor(
    readonly model: string,
    readonly alias: string,
  ) {
    super(
      `model ${quote(model)} has no alias ${quote(alias)}`,
      'not-found',
      'ALIAS_NOT_FOUND',
      `run \`modelshelf ls ${model}\` to see its aliases`,
    );
  }
}

/** Driver level: a create-only write found the key already there. */
export class AlreadyExistsError extends ModelshelfError {
  override name = 'AlreadyExistsError';
  constructor(readonly key: string) {
    super(`object ${quote(key)} already exists`, 'conflict', 'ALREADY_EXISTS');
  }
}

/** Driver level: a compare-and-swap found another etag. */
export class PreconditionFailedError extends ModelshelfError {
  override name = 'PreconditionFailedError';
  constructor(readonly key: string) {
    super(`object ${quote(key)} changed since it was read`, 'conflict', 'PRECONDITION_FAILED');
  }
}

export class ConflictError extends ModelshelfError {
  override name = 'ConflictError';
  constructor(message: string, hint?: string) {
    super(message, 'conflict', 'CONFLICT', hint);
  }
}

export class IntegrityError extends ModelshelfError {
  override name = 'IntegrityError';
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(
      message,
      'integrity',
      'INTEGRITY',
      'the stored bytes differ from the manifest: run `modelshelf verify` and republish',
    );
  }
}

export class ManifestError extends ModelshelfError {
  override name = 'ManifestError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(
      `malformed ${quote(key)}: ${reason}`,
      'integrity',
      'MALFORMED',
      'the object was not written by a compatible modelshelf',
    );
  }
}

/** What is at a location that is not a store: nothing, a plain file, or a directory without a marker. */
export type NotAStoreState = 'missing' | 'not-a-directory' | 'no-marker' | 'unsupported';

export class NotAStoreError extends ModelshelfError {
  override name = 'NotAStoreError';
  constructor(
    readonly location: string,
    reason: string,
    readonly state: NotAStoreState = 'no-marker',
    hint = 'create one with `modelshelf init`',
  ) {
    super(`${location} is not a modelshelf store: ${reason}`, 'usage', 'NOT_A_STORE', hint);
  }
}

export class ReadOnlyStoreError extends ModelshelfError {
  override name = 'ReadOnlyStoreError';
  constructor(location: string, cause?: unknown) {
    super(
      `store ${location} is read-only`,
      'storage',
      'READ_ONLY',
      'check the mount options or the credentials',
      { cause },
    );
  }
}

export class StorageUnavailableError extends ModelshelfError {
  override name = 'StorageUnavailableError';
  constructor(location: string, reason: string, cause?: unknown) {
    super(`storage ${location} is unavailable: ${reason}`, 'storage', 'UNAVAILABLE', undefined, { cause });
  }
}

/** The store's filesystem is out of space or over its quota (ENOSPC, EDQUOT). */
export class StoreFullError extends ModelshelfError {
  override name = 'StoreFullError';
  constructor(location: string, reason: string, cause?: unknown) {
    super(
      `store ${location} is full: ${reason}`,
      'storage',
      'FULL',
      'free space or raise the quota, then run `modelshelf gc` to reclaim what the failed write left behind',
      { cause },
    );
  }
}

/**
 * The version is committed (its manifest exists) but the head could not be raised to it, e.g. the
 * disk filled between the two writes. Readers that follow the head keep serving the previous latest
 * until the next publish of the model or a gc raises it; publishing the same bytes again would only
 * make a second version.
 */
export class HeadNotRaisedError extends ModelshelfError {
  override name = 'HeadNotRaisedError';
  constructor(
    readonly model: string,
    readonly version: number,
    readonly digest: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `version ${version} of ${quote(model)} is committed (${digest}), but its head could not be raised to it: ${why}`,
      cause instanceof ModelshelfError ? cause.category : 'storage',
      'HEAD_NOT_RAISED',
      `readers keep serving the previous latest until the next publish of this model or \`modelshelf gc\` raises it; do not publish the same files again${cause instanceof ModelshelfError && cause.hint ? ` (${cause.hint})` : ''}`,
      { cause },
    );
  }
}

export class PathEscapeError extends ModelshelfError {
  override name = 'PathEscapeError';
  constructor(value: string, root: string) {
    super(
      `path ${quote(value)} would be written outside ${quote(root)}`,
      'usage',
      'PATH_ESCAPE',
      'file paths must be relative, without "..", absolute parts or NUL bytes',
    );
  }
}

/** Process exit codes by category, documented in `modelshelf --help` and docs/cli.md. */
export const EXIT_CODES: Record<ErrorCategory | 'ok', number> = {
  ok: 0,
  internal: 1,
  usage: 2,
  'not-found': 3,
  integrity: 4,
  conflict: 5,
  storage: 6,
  format: 7,
};

export function exitCodeFor(err: unknown): number {
  return err instanceof ModelshelfError ? EXIT_CODES[err.category] : EXIT_CODES.internal;
}
