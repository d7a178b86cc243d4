// Builds the S3 client with bounded failure behaviour: a connect timeout, an idle-socket timeout
// and a small number of retries with the SDK's standard backoff (throttling and 5xx), so a dead
// endpoint fails within seconds instead of hanging for minutes.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { endpointFromEnv, type S3Location } from './uri.ts';

export interface S3ClientOptions {
  /** Attempts per request, including the first (SDK standard retry mode). Default 4. */
  maxAttempts?: number;
  /** TCP connect timeout. Default 5 s. */
  connectTimeoutMs?: number;
  /** A socket idle for this long is dropped (and the request retried). Default 120 s. */
  socketTimeoutMs?: number;
  /** Sockets kept per endpoint; bounds parallel part uploads. Default 64. */
  maxSockets?: number;
  /** Explicit credentials (tests, embedding); by default the AWS credential chain is used. */
  credentials?: S3ClientConfig['credentials'];
}

export interface ResolvedClient {
  client: S3Client;
  /** Printable endpoint for messages: origin only, or "AWS S3 (<region>)". */
  endpointLabel: string;
}

export function createS3Client(loc: S3Location, options: S3ClientOptions = {}): ResolvedClient {
  const endpoint = loc.endpoint ?? endpointFromEnv();
  const region = loc.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const maxSockets = options.maxSockets ?? 64;
  const config: S3ClientConfig = {
    maxAttempts: options.maxAttempts ?? 4,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 5_000,
      socketTimeout: options.socketTimeoutMs ?? 120_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    },
  };
  if (options.credentials) config.credentials = options.credentials;
  if (endpoint) {
    config.endpoint = endpoint;
    // S3-compatible servers rarely have wildcard DNS for virtual-hosted buckets.
    config.forcePathStyle = loc.forcePathStyle ?? true;
    // Older S3-compatible servers (Ceph RGW 16, older MinIO) reject the SDK's default CRC32
    // trailing checksums; send and check checksums only where the API requires them.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
    // Any region signs for these servers; the SDK only needs one.
    config.region = region ?? 'us-east-1';
  } else {
    if (loc.forcePathStyle !== undefined) config.forcePathStyle = loc.forcePathStyle;
    // Unset: the SDK reads the region from the shared config profile, or fails with a clear message.
    if (region) config.region = region;
  }
  const client = new S3Client(config);
  const endpointLabel = endpoint ? new URL(endpoint).origin : `AWS S3 (${region ?? 'region from profile'})`;
  return { client, endpointLabel };
}
