// Parses `s3://bucket/prefix[?endpoint=…&pathStyle=true&region=…]` into driver options.
//
// The standard AWS configuration applies underneath: the credential chain (env, profiles, SSO,
// instance roles), AWS_REGION / AWS_DEFAULT_REGION, and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL
// for S3-compatible servers (MinIO, Ceph RGW, COS). Query options only exist so that one URI can
// carry everything a CLI user needs; they never carry credentials.
import { InvalidArgumentError } from '../../errors.ts';

export interface S3Location {
  bucket: string;
  /** Key prefix below the bucket without leading or trailing "/"; "" for the bucket root. */
  prefix: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  region?: string;
}

// AWS's rules for new buckets, loosened for legacy and S3-compatible servers (upper case, "_").
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;
const QUERY_OPTIONS = ['endpoint', 'pathStyle', 'region'] as const;

/** Redacts anything between "//" and "@" so a URI can be quoted in an error. */
export const redactUri = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@');

export function parseS3Uri(uri: string): S3Location {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidArgumentError(
      `invalid S3 URI ${JSON.stringify(redactUri(uri))}`,
      'write s3://bucket/prefix',
    );
  }
  if (url.protocol !== 's3:') {
    throw new InvalidArgumentError(
      `not an S3 URI: ${JSON.stringify(redactUri(uri))}`,
      'write s3://bucket/prefix',
    );
  }
  if (url.username || url.password) {
    throw new InvalidArgumentError(
      `S3 URI ${JSON.stringify(redactUri(uri))} carries credentials`,
      'remove them from the URI and use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an instance role',
    );
  }
  const bucket = url.hostname;
  if (!BUCKET.test(bucket)) {
    throw new InvalidArgumentError(
      `invalid S3 bucket name ${JSON.stringify(bucket)} in ${JSON.stringify(uri)}`,
      'bucket names are letters, digits, ".", "_" and "-", at least 3 characters',
    );
  }
  // From the raw text: URL parsing would silently resolve "a/../b" to "b".
  const rest = uri.slice(uri.indexOf('//') + 2).split(/[?#]/)[0]!;
  const slash = rest.indexOf('/');
  const prefix = decodeURIComponent(slash < 0 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((s) => s === '.' || s === '..' || (prefix !== '' && s === ''))) {
    throw new InvalidArgumentError(
      `invalid S3 prefix ${JSON.stringify(prefix)} in ${JSON.stringify(uri)}`,
      'the prefix is a "/"-separated path without empty, "." or ".." segments',
    );
  }
  for (const name of url.searchParams.keys()) {
    if (!(QUERY_OPTIONS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(
        `unknown S3 URI option ${JSON.stringify(name)}`,
        `the options are ${QUERY_OPTIONS.join(', ')}`,
      );
    }
  }
  const location: S3Location = { bucket, prefix };
  const endpoint = url.searchParams.get('endpoint');
  if (endpoint) location.endpoint = parseEndpoint(endpoint, 'the endpoint= option');
  const pathStyle = url.searchParams.get('pathStyle');
  if (pathStyle !== null) {
    if (pathStyle !== 'true' && pathStyle !== 'false') {
      throw new InvalidArgumentError(`pathStyle must be true or false, got ${JSON.stringify(pathStyle)}`);
    }
    location.forcePathStyle = pathStyle === 'true';
  }
  const region = url.searchParams.get('region');
  if (region) location.region = region;
  return location;
}

/** Validates an endpoint URL and refuses embedded credentials. */
export function parseEndpoint(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(
      `${source} is not a URL: ${JSON.stringify(redactUri(value))}`,
      'write e.g. http://127.0.0.1:9000',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`${source} must be http(s), got ${JSON.stringify(redactUri(value))}`);
  }
  if (url.username || url.password) {
    throw new InvalidArgumentError(
      `${source} must not carry credentials`,
      'use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    );
  }
  return value;
}

/** The endpoint from the URI, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (the SDK's own precedence). */
export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AWS_ENDPOINT_URL_S3) return parseEndpoint(env.AWS_ENDPOINT_URL_S3, 'AWS_ENDPOINT_URL_S3');
  if (env.AWS_ENDPOINT_URL) return parseEndpoint(env.AWS_ENDPOINT_URL, 'AWS_ENDPOINT_URL');
  return undefined;
}

/** Printable form: `s3://bucket/prefix`, never an endpoint or credentials. */
export const formatLocation = (bucket: string, prefix: string) =>
  `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
