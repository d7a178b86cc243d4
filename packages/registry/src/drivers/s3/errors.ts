// Maps AWS SDK failures to the registry's typed errors. The SDK's own error objects can carry
// request details (an auth failure's body echoes the access key id and the string to sign), so
// they are never attached as-is: every cause is replaced by a sanitized summary.
import {
  InvalidArgumentError,
  ModelshelfError,
  NotFoundError,
  ReadOnlyStoreError,
  StorageUnavailableError,
} from '../../errors.ts';

export class BucketNotFoundError extends StorageUnavailableError {
  override name = 'BucketNotFoundError';
  override readonly hint: string;
  constructor(
    readonly bucket: string,
    location: string,
    endpoint: string,
  ) {
    super(location, `bucket ${JSON.stringify(bucket)} does not exist at ${endpoint}`);
    this.hint = `create it (e.g. \`aws s3 mb s3://${bucket}\`, with --endpoint-url for MinIO/RGW) or fix the bucket name in the store URI`;
  }
}

/** No credentials anywhere the SDK looks: nothing was sent, so nothing was refused. */
export class CredentialsMissingError extends StorageUnavailableError {
  override name = 'CredentialsMissingError';
  override readonly hint: string;
  constructor(location: string, endpoint: string, cause?: unknown) {
    super(location, 'no S3 credentials found', cause);
    this.message = `no S3 credentials found for ${location}: nothing was sent to ${endpoint}`;
    this.hint =
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/credentials';
  }
}

export class CredentialsRefusedError extends StorageUnavailableError {
  override name = 'CredentialsRefusedError';
  override readonly hint: string;
  constructor(location: string, endpoint: string, why: string, cause?: unknown) {
    super(location, `the S3 credentials were refused by ${endpoint} (${why})`, cause);
    this.hint =
      'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE, and that this user may access the bucket';
  }
}

export class EndpointUnreachableError extends StorageUnavailableError {
  override name = 'EndpointUnreachableError';
  override readonly hint: string;
  constructor(location: string, endpoint: string, why: string, cause?: unknown) {
    super(location, `cannot reach S3 endpoint ${endpoint} (${why})`, cause);
    this.hint = 'check AWS_ENDPOINT_URL / the endpoint= option, the network, and that the server is running';
  }
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $fault?: string;
}

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidSecurity',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

export const httpStatus = (err: unknown) => (err as SdkError)?.$metadata?.httpStatusCode;
export const errorName = (err: unknown) => (err as SdkError)?.name ?? '';

/** A cause that keeps what helps debugging (error name, status, request id, attempts) and nothing else. */
export function sanitizedCause(err: unknown, keepMessage: boolean): Error {
  const e = err as SdkError;
  const parts = [e?.name ?? 'Error'];
  if (e?.code && e.code !== e.name) parts.push(e.code);
  if (e?.$metadata?.httpStatusCode) parts.push(`HTTP ${e.$metadata.httpStatusCode}`);
  if (e?.$metadata?.attempts) parts.push(`${e.$metadata.attempts} attempt(s)`);
  if (e?.$metadata?.requestId) parts.push(`request ${e.$metadata.requestId}`);
  if (keepMessage && e?.message) parts.push(e.message);
  const out = new Error(parts.join(', '));
  out.name = 'S3Error';
  return out;
}

export interface ErrorContext {
  location: string;
  endpoint: string;
  bucket: string;
  key?: string;
  write: boolean;
}

/** Turns any SDK or network failure into a ModelshelfError (typed, credential-free). */
export function toStorageError(err: unknown, ctx: ErrorContext): ModelshelfError {
  if (err instanceof ModelshelfError) return err;
  const name = errorName(err);
  const status = httpStatus(err);
  const code = (err as SdkError)?.code ?? '';
  if (name === 'NoSuchBucket') return new BucketNotFoundError(ctx.bucket, ctx.location, ctx.endpoint);
  if (ctx.key !== undefined && (name === 'NoSuchKey' || (status === 404 && name === 'NotFound'))) {
    return new NotFoundError(ctx.key, ctx.location);
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new CredentialsRefusedError(ctx.location, ctx.endpoint, name, sanitizedCause(err, false));
  }
  if (name === 'CredentialsProviderError') {
    return new CredentialsMissingError(ctx.location, ctx.endpoint, sanitizedCause(err, true));
  }
  if (name === 'AccessDenied' || status === 403) {
    return ctx.write
      ? new ReadOnlyStoreError(ctx.location, sanitizedCause(err, false))
      : new CredentialsRefusedError(ctx.location, ctx.endpoint, 'access denied', sanitizedCause(err, false));
  }
  if (/region is missing/i.test((err as SdkError)?.message ?? '')) {
    return new InvalidArgumentError(
      `no AWS region configured for ${ctx.location}`,
      'set AWS_REGION (any value, e.g. us-east-1, for MinIO/RGW) or add ?region=… to the store URI',
    );
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || name === 'TimeoutError' || status === undefined) {
    const why = NETWORK_CODES.has(code) ? code : name || 'network error';
    return new EndpointUnreachableError(ctx.location, ctx.endpoint, why, sanitizedCause(err, true));
  }
  const what = ctx.key === undefined ? '' : ` on ${JSON.stringify(ctx.key)}`;
  return new StorageUnavailableError(
    ctx.location,
    `S3 answered ${name || 'an error'} (HTTP ${status})${what}`,
    sanitizedCause(err, status >= 500),
  );
}
