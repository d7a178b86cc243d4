// Every JSON document a reader takes from storage (store marker, manifest, head, ref-log entry,
// signature) goes through parseDocument: whatever the bytes, it returns a validated document or
// throws ManifestError, never anything else, and quickly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeDocument,
  headSchema,
  ManifestError,
  manifestSchema,
  parseDocument,
  refEntrySchema,
  signatureDocumentSchema,
  storeMarkerSchema,
} from '../../packages/registry/src/index.ts';
import { expectTypedSync, hostileJson, mutatedBytes, mutatedJson, params } from './fuzz-kit.ts';

const at = '2025-01-01T00:00:00.000Z';
const creator = { user: 'u', host: 'h', tool: 'modelshelf/0.1.0' };
const sha = 'a'.repeat(64);
const documents = [
  {
    name: 'store marker',
    schema: storeMarkerSchema,
    valid: { format: 'modelshelf', layoutVersion: 1, createdAt: at },
  },
  {
    name: 'manifest',
    schema: manifestSchema,
    valid: {
      schemaVersion: 1,
      model: 'a/b',
      version: 3,
      createdAt: at,
      creator,
      files: [
        { path: 'weights.json', size: 12, sha256: sha },
        { path: 'big.bin', size: 1e9, sha256: sha, url: 'https://example.org/big.bin' },
      ],
      formats: [{ name: 'kepler-weights', files: ['weights.json'] }],
      metadata: { mae: 1.5, features: ['bpf_cpu_time_ms'] },
    },
  },
  {
    name: 'head',
    schema: headSchema,
    valid: {
      schemaVersion: 1,
      model: 'a/b',
      latest: 3,
      pin: null,
      aliases: { stable: 2 },
      seq: 4,
      updatedAt: at,
    },
  },
  {
    name: 'ref entry',
    schema: refEntrySchema,
    valid: {
      schemaVersion: 1,
      model: 'a/b',
      seq: 4,
      ref: 'stable',
      action: 'set',
      from: 1,
      to: 2,
      at,
      by: creator,
      reason: 'why',
    },
  },
  {
    name: 'signature',
    schema: signatureDocumentSchema,
    valid: {
      schemaVersion: 1,
      algorithm: 'ed25519',
      model: 'a/b',
      version: 3,
      manifestDigest: `sha256:${sha}`,
      keyId: sha,
      publicKey: 'MCowBQYDK2VwAyEA',
      signature: 'AAAA',
      signedAt: at,
    },
  },
] as const;

const encoder = new TextEncoder();

describe.each(documents)('parseDocument($name) under hostile input', ({ name, schema, valid }) => {
  const parse = (bytes: Uint8Array) => parseDocument(schema as never, `fuzz/${name}.json`, bytes);

  it('accepts the valid document (the seed of the mutations)', () => {
    expect(parse(encodeDocument(valid))).toEqual(valid);
  });

  it('refuses damaged bytes with ManifestError only', () => {
    const bytes = encodeDocument(valid);
    fc.assert(
      fc.property(fc.oneof(mutatedBytes(bytes), fc.uint8Array({ maxLength: 512 })), (input) => {
        expectTypedSync(() => parse(input), [ManifestError]);
      }),
      params(),
    );
  });

  it('refuses structurally wrong JSON with ManifestError only, and what it accepts matches the schema', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedJson(valid), hostileJson), (doc) => {
        const text = JSON.stringify(doc) ?? 'null';
        let parsed: unknown;
        const outcome = expectTypedSync(() => {
          parsed = parse(encoder.encode(text));
        }, [ManifestError]);
        if (outcome === 'ok') expect(schema.safeParse(parsed).success).toBe(true);
      }),
      params(),
    );
  });
});

describe('parseDocument size and encoding limits', () => {
  it('refuses a document above the size limit before parsing it', () => {
    const huge = new Uint8Array(16 * 1024 * 1024 + 1).fill(0x20);
    expect(() => parseDocument(manifestSchema, 'm.json', huge)).toThrow(/larger than 16777216 bytes/);
  });
  it('refuses invalid UTF-8', () => {
    expect(() => parseDocument(headSchema, 'h.json', new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(
      ManifestError,
    );
  });
  it('refuses nesting deeper than the limit, however deep, without overflowing the stack', () => {
    for (const depth of [65, 10_000, 1_000_000]) {
      const metadata = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const text = JSON.stringify(documents[1].valid).replace(
        '{"mae":1.5,"features":["bpf_cpu_time_ms"]}',
        metadata,
      );
      expect(() => parseDocument(manifestSchema, 'm.json', encoder.encode(text))).toThrow(
        /nested deeper than 64 levels/,
      );
    }
    // Brackets inside strings do not count.
    const inString = { ...documents[1].valid, metadata: { note: '['.repeat(1000) } };
    expect(parseDocument(manifestSchema, 'm.json', encodeDocument(inString)).metadata.note).toHaveLength(
      1000,
    );
  });
});
