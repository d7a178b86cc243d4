// Fetch + verify: brings a version's files next to the process, checking every SHA-256 before
// anything can read them. With a cache directory the files land there content-addressed (a
// restart or a rollback reuses them without a download); without one they are held in memory.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ArtifactFiles } from '@modelshelf/formats';
import { type FileEntry, IntegrityError, type Manifest, mapLimit, type Store } from '@modelshelf/registry';
import type { BlobCache } from '../cache/blob-cache.ts';
import { localFiles, memoryFiles } from '../decode/artifact-files.ts';

export interface FetchResult {
  files: ArtifactFiles;
  /** Bytes downloaded (0 when every file came from the cache). */
  downloadedBytes: number;
  /** Files reused from the cache. */
  cachedFiles: number;
}

const PARALLEL_FILES = 4;

export async function fetchVersion(
  store: Store,
  manifest: Manifest,
  cache?: BlobCache,
): Promise<FetchResult> {
  let downloadedBytes = 0;
  let cachedFiles = 0;
  if (cache) {
    const locations = new Map<string, string>();
    await mapLimit(manifest.files, PARALLEL_FILES, async (entry) => {
      if (await cache.hasVerified(entry.sha256, entry.size)) {
        cachedFiles++;
      } else {
        await cache.put(entry.sha256, await openEntry(store, manifest, entry));
        downloadedBytes += entry.size;
      }
      locations.set(entry.path, cache.pathOf(entry.sha256));
    });
    return { files: localFiles(ordered(manifest, locations)), downloadedBytes, cachedFiles };
  }
  const bytes = new Map<string, Uint8Array>();
  await mapLimit(manifest.files, PARALLEL_FILES, async (entry) => {
    bytes.set(
      entry.path,
      entry.url ? await readExternal(manifest, entry) : await store.readFile(manifest, entry.path),
    );
    downloadedBytes += entry.size;
  });
  return { files: memoryFiles(ordered(manifest, bytes)), downloadedBytes, cachedFiles };
}

/** A version entirely from the cache, without storage (offline boot); every blob is re-verified. */
export async function filesFromCache(manifest: Manifest, cache: BlobCache): Promise<ArtifactFiles> {
  const locations = new Map<string, string>();
  for (const entry of manifest.files) {
    if (!(await cache.hasVerified(entry.sha256, entry.size))) {
      throw new IntegrityError(
        `${manifest.model}@${manifest.version}: cached file ${JSON.stringify(entry.path)} is missing or corrupt`,
        entry.path,
      );
    }
    locations.set(entry.path, cache.pathOf(entry.sha256));
  }
  return localFiles(locations);
}

/** Files in manifest order, whatever order the parallel fetches finished in. */
function ordered<V>(manifest: Manifest, map: Map<string, V>): Map<string, V> {
  return new Map(manifest.files.map((f) => [f.path, map.get(f.path) as V]));
}

async function openEntry(store: Store, manifest: Manifest, entry: FileEntry): Promise<Readable> {
  if (!entry.url) return store.openFile(manifest, entry.path);
  return Readable.from([await readExternal(manifest, entry)]);
}

/** Bytes the manifest keeps at another URL (large models): fetched over HTTP(S) and checked the same way. */
async function readExternal(manifest: Manifest, entry: FileEntry): Promise<Uint8Array> {
  const res = await fetch(entry.url as string);
  if (!res.ok) throw new Error(`GET ${entry.url} answered ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const sha = createHash('sha256').update(body).digest('hex');
  if (body.byteLength !== entry.size || sha !== entry.sha256) {
    throw new IntegrityError(
      `${manifest.model}@${manifest.version}: file ${JSON.stringify(entry.path)} at ${entry.url} has ${body.byteLength} bytes and SHA-256 ${sha}, the manifest says ${entry.size} and ${entry.sha256}`,
      entry.path,
    );
  }
  return body;
}
