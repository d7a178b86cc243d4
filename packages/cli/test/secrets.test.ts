// Credentials and signing keys never appear in error messages, hints or the CLI's JSON errors.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrustedKeys, openStore, parseSigningKey, readSigningKeyFile } from '@modelshelf/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError, formatErrorReport } from '../src/kit/index.ts';

const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY';

const everywhere = (err: unknown) => {
  const report = describeError(err);
  return [
    String((err as Error).message),
    String((err as { hint?: string }).hint),
    formatErrorReport(report, { json: true }),
    formatErrorReport(report, { json: false }),
  ].join('\n');
};

describe('no secret in errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelshelf-secrets-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('an S3 URI or endpoint carrying credentials is refused without echoing them', async () => {
    for (const uri of [
      `s3://AKIAEXAMPLE:${SECRET}@bucket/prefix`,
      `s3://bucket/prefix?endpoint=${encodeURIComponent(`http://AKIAEXAMPLE:${SECRET}@127.0.0.1:9000`)}`,
    ]) {
      const err = await openStore(uri).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(everywhere(err)).not.toContain(SECRET);
    }
  });

  it('a bad, foreign or misplaced key is named by path, never by content', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rsaFile = join(dir, 'rsa.pem');
    await writeFile(rsaFile, rsaPem);
    const body = rsaPem.split('\n')[1]!;
    const errors = [
      await readSigningKeyFile(rsaFile).catch((e) => e),
      await loadTrustedKeys(rsaFile).catch((e) => e),
      (() => {
        try {
          parseSigningKey(`${rsaPem.slice(0, 80)}garbage`);
        } catch (e) {
          return e;
        }
      })(),
    ];
    expect(errors[0].message).toBe(`key file ${JSON.stringify(rsaFile)}: holds a rsa key, not Ed25519`);
    expect(errors[1].message).toContain('is a private key');
    for (const err of errors) {
      expect(err?.code).toBe('KEY_FILE');
      expect(everywhere(err)).not.toContain(body);
      expect(everywhere(err)).not.toContain(rsaPem.slice(30, 80));
    }
  });
});
