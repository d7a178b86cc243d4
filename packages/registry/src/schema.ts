// The JSON documents of the layout (docs/layout.md), validated on every read: a reader never acts
// on a document it does not understand.
import { z } from 'zod';
import { ManifestError } from './errors.ts';

export const LAYOUT_VERSION = 1;
export const SCHEMA_VERSION = 1;
/** Documents above this size are rejected before parsing (manifests of huge file trees included). */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/**
 * Arrays/objects nested deeper than this are rejected before parsing: the layout's documents are a
 * few levels deep, and a deeply nested `metadata` would crash whatever later walks it recursively
 * (JSON.stringify, structuredClone) with a RangeError.
 */
export const MAX_DOCUMENT_DEPTH = 64;

// The schemas are built on first use, not at import: building them all costs ~10 ms of every
// start of the CLI, and a command parses one or two kinds of document (`ls`: the store marker and
// heads). z.lazy builds its schema at its first parse and keeps it; what it validates, and the
// issues it reports, are those of the schema it wraps.
const sha256 = () => z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const isoTime = () => z.string().datetime({ offset: true });
const version = () => z.number().int().positive();

export const storeMarkerSchema = z.lazy(() =>
  z.object({
    format: z.literal('modelshelf'),
    layoutVersion: z.number().int().positive(),
    createdAt: isoTime(),
  }),
);
export type StoreMarker = z.infer<typeof storeMarkerSchema>;

const creator = () =>
  z.object({
    user: z.string().max(256),
    host: z.string().max(256),
    tool: z.string().max(256),
  });
export const creatorSchema = z.lazy(creator);
export type Creator = z.infer<typeof creatorSchema>;

const fileEntry = () =>
  z.object({
    path: z.string().min(1).max(255),
    size: z.number().int().nonnegative(),
    sha256: sha256(),
    /** Present when the bytes live outside the store (a large model kept at another URL). */
    url: z.string().max(2048).optional(),
  });
export const fileEntrySchema = z.lazy(fileEntry);
export type FileEntry = z.infer<typeof fileEntrySchema>;

const formatEntry = () =>
  z.object({
    name: z.string().min(1).max(64),
    files: z.array(z.string().min(1).max(255)).max(10_000),
  });
export const formatEntrySchema = z.lazy(formatEntry);
export type FormatEntry = z.infer<typeof formatEntrySchema>;

export const manifestSchema = z.lazy(() =>
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    model: z.string().min(1).max(200),
    version: version(),
    createdAt: isoTime(),
    creator: creator(),
    files: z.array(fileEntry()).max(100_000),
    formats: z.array(formatEntry()).max(64),
    metadata: z.record(z.string(), z.unknown()),
  }),
);
export type Manifest = z.infer<typeof manifestSchema>;

/** Written by `gc` in place of a manifest to claim an abandoned reservation (see docs/layout.md). */
export const tombstoneSchema = z.lazy(() =>
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    abandoned: z.literal(true),
    model: z.string(),
    version: version(),
    reclaimedAt: isoTime(),
  }),
);
export type Tombstone = z.infer<typeof tombstoneSchema>;

export const reservationSchema = z.lazy(() =>
  z.object({
    model: z.string(),
    version: version(),
    createdAt: isoTime(),
    creator: creator(),
  }),
);
export type Reservation = z.infer<typeof reservationSchema>;

export const headSchema = z.lazy(() =>
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    model: z.string(),
    latest: version().nullable(),
    pin: version().nullable(),
    aliases: z.record(z.string(), version()),
    /** Sequence number of the last ref-log entry applied. */
    seq: z.number().int().nonnegative(),
    updatedAt: isoTime(),
  }),
);
export type Head = z.infer<typeof headSchema>;

export const refEntrySchema = z.lazy(() =>
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    model: z.string(),
    seq: z.number().int().positive(),
    /** "pin" for the pin, otherwise the alias name. */
    ref: z.string(),
    action: z.enum(['set', 'remove']),
    from: version().nullable(),
    to: version().nullable(),
    at: isoTime(),
    by: creator(),
    reason: z.string().max(2000).optional(),
    /** Set on moves made by `rollback`: the seq of the entry being undone. */
    rollbackOf: z.number().int().positive().optional(),
  }),
);
export type RefEntry = z.infer<typeof refEntrySchema>;

/** The part of a head an index entry (and the listing summary) repeats so `ls` need not read heads. */
const listedState = () =>
  z.object({
    latest: version().nullable(),
    pin: version().nullable(),
    aliases: z.record(z.string(), version()),
  });
const indexHead = () => listedState().extend({ seq: z.number().int().nonnegative() });
export const indexHeadSchema = z.lazy(indexHead);
export type IndexHead = z.infer<typeof indexHeadSchema>;

/** `head` is absent in entries written by earlier versions (and before the first head change). */
export const modelIndexSchema = z.lazy(() =>
  z.object({
    model: z.string(),
    createdAt: isoTime(),
    head: indexHead().optional(),
  }),
);
export type ModelIndex = z.infer<typeof modelIndexSchema>;

/** `index/@summary.json`: each model's listed state, valid while its index entry keeps `indexEtag`. */
export const listingSummarySchema = z.lazy(() =>
  z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    entries: z.record(z.string(), listedState().extend({ indexEtag: z.string().min(1) })),
  }),
);
export type ListingSummary = z.infer<typeof listingSummarySchema>;

/** Parses and validates a stored JSON document; any failure names the key and the first problem. */
export function parseDocument<T>(schema: z.ZodType<T>, key: string, bytes: Uint8Array): T {
  if (bytes.byteLength > MAX_DOCUMENT_BYTES)
    throw new ManifestError(key, `larger than ${MAX_DOCUMENT_BYTES} bytes`);
  let text: string;
  let raw: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(key, `not UTF-8 JSON (${(err as Error).message})`);
  }
  if (jsonDepth(text) > MAX_DOCUMENT_DEPTH)
    throw new ManifestError(key, `nested deeper than ${MAX_DOCUMENT_DEPTH} levels`);
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ManifestError(key, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/** Deepest array/object nesting of a JSON text (valid JSON: brackets inside strings are skipped). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Canonical bytes of a document: stable key order as written, two-space indent, trailing newline. */
export function encodeDocument(doc: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`);
}
