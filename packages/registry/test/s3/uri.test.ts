// Store URIs and client configuration (no server needed).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { driverFor } from '../../src/drivers/index.ts';
import { parseS3Uri } from '../../src/drivers/s3/uri.ts';
import { S3Driver, s3DriverFromUri } from '../../src/drivers/s3.ts';
import { InvalidArgumentError } from '../../src/errors.ts';

describe('s3:// store URIs', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('splits bucket and prefix, trimming slashes', () => {
    expect(parseS3Uri('s3://models/kepler')).toEqual({ bucket: 'models', prefix: 'kepler' });
    expect(parseS3Uri('s3://models/team/kepler/')).toEqual({ bucket: 'models', prefix: 'team/kepler' });
    expect(parseS3Uri('s3://models')).toEqual({ bucket: 'models', prefix: '' });
  });

  it('reads endpoint, pathStyle and region options', () => {
    expect(
      parseS3Uri('s3://models/k?endpoint=http://127.0.0.1:9000&pathStyle=false&region=eu-west-1'),
    ).toEqual({
      bucket: 'models',
      prefix: 'k',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: false,
      region: 'eu-west-1',
    });
  });

  it('refuses credentials in the URI or the endpoint without echoing them', () => {
    for (const uri of [
      's3://AKIA123:topsecret@models/k',
      's3://models/k?endpoint=http://u:topsecret@host:9000',
    ]) {
      const err = (() => {
        try {
          parseS3Uri(uri);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(err!.message).not.toContain('topsecret');
    }
  });

  it('names bad buckets, prefixes and options', () => {
    expect(() => parseS3Uri('s3://a/k')).toThrow(/invalid S3 bucket name "a"/);
    expect(() => parseS3Uri('s3://models/a/../b')).toThrow(InvalidArgumentError);
    expect(() => parseS3Uri('s3://models/k?endpont=x')).toThrow(/unknown S3 URI option "endpont"/);
    expect(() => parseS3Uri('s3://models/k?pathStyle=yes')).toThrow(/pathStyle must be true or false/);
    expect(() => parseS3Uri('s3://models/k?endpoint=ftp://x')).toThrow(/must be http/);
  });

  it('location is s3://bucket/prefix only; a custom endpoint turns on path-style addressing', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:9000');
    const d = s3DriverFromUri('s3://models/kepler');
    expect(d.location).toBe('s3://models/kepler');
    expect(d.client.config.forcePathStyle).toBe(true);
    expect(await d.client.config.region()).toBe('us-east-1');
    const ep = await d.client.config.endpoint!();
    expect(`${ep.hostname}:${ep.port}`).toBe('127.0.0.1:9000');
    await d.close();
  });

  it('AWS_ENDPOINT_URL applies when AWS_ENDPOINT_URL_S3 is unset; the URI option wins over both', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9100');
    const d = s3DriverFromUri('s3://models/k');
    expect((await d.client.config.endpoint!()).port).toBe(9100);
    const e = s3DriverFromUri('s3://models/k?endpoint=http://127.0.0.1:9200&pathStyle=false');
    expect((await e.client.config.endpoint!()).port).toBe(9200);
    expect(e.client.config.forcePathStyle).toBe(false);
    await d.close();
    await e.close();
  });

  it('driverFor selects the S3 driver for s3:// URIs', async () => {
    const d = await driverFor('s3://models/kepler?endpoint=http://127.0.0.1:9000');
    expect(d).toBeInstanceOf(S3Driver);
    expect(d.kind).toBe('s3');
    await d.close?.();
  });

  it('rejects keys the filesystem driver would reject', async () => {
    const d = s3DriverFromUri('s3://models/k?endpoint=http://127.0.0.1:9000');
    for (const key of ['', '/abs', 'a/../b', 'a//b', '.hidden/x', 'a\\b']) {
      await expect(d.get(key)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await d.close();
  });
});
