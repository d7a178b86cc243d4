// The last version served for a reference, kept beside the blob cache so an estimator can boot
// when storage is down (air-gapped sites, outages): `<dir>/last-good/<ref>.json` holds the
// manifest bytes exactly as stored, so their digest can be checked again at boot.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Manifest, manifestDigest, manifestSchema, parseDocument } from '@modelshelf/registry';
import { z } from 'zod';

const recordSchema = z.object({
  ref: z.string(),
  model: z.string(),
  version: z.number().int().positive(),
  digest: z.string(),
  /** The manifest bytes as stored (UTF-8 JSON), so `digest` can be recomputed. */
  manifest: z.string(),
  savedAt: z.string(),
});

export interface LastGood {
  ref: string;
  model: string;
  version: number;
  digest: string;
  manifest: Manifest;
  manifestBytes: Uint8Array;
  savedAt: string;
}

const fileFor = (dir: string, ref: string) => join(dir, 'last-good', `${encodeURIComponent(ref)}.json`);

export async function saveLastGood(
  dir: string,
  entry: Omit<LastGood, 'manifest' | 'savedAt'>,
): Promise<void> {
  const path = fileFor(dir, entry.ref);
  await mkdir(join(dir, 'last-good'), { recursive: true });
  const doc = {
    ref: entry.ref,
    model: entry.model,
    version: entry.version,
    digest: entry.digest,
    manifest: new TextDecoder().decode(entry.manifestBytes),
    savedAt: new Date().toISOString(),
  };
  // Write then rename: a crash leaves the previous record, never half of one.
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  await writeFile(tmp, JSON.stringify(doc));
  await rename(tmp, path);
}

/** The saved record, or undefined when there is none or it does not check out (digest, schema). */
export async function loadLastGood(dir: string, ref: string): Promise<LastGood | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(fileFor(dir, ref), 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const rec = parsed.data;
  const manifestBytes = new TextEncoder().encode(rec.manifest);
  if (manifestDigest(manifestBytes) !== rec.digest) return undefined;
  let manifest: Manifest;
  try {
    manifest = parseDocument(manifestSchema, 'last-good manifest', manifestBytes);
  } catch {
    return undefined;
  }
  if (manifest.model !== rec.model || manifest.version !== rec.version) return undefined;
  return { ...rec, manifest, manifestBytes };
}
