// Offline boot: storage is unreachable and nothing is served yet, so the last good version saved in
// the cache directory is decoded from the cached blobs (already verified when fetched; the saved
// manifest's digest is checked again by loadLastGood). Undefined when there is nothing usable.
import type { Decoder } from '../decode/decoder.ts';
import { filesFromCache } from '../fetch/fetch-version.ts';
import type { Served } from '../swap/served.ts';
import type { Logger } from '../watch/logger.ts';
import type { BlobCache } from './blob-cache.ts';
import { loadLastGood } from './last-good.ts';

export async function bootFromCache<T>(
  cacheDir: string,
  cache: BlobCache,
  ref: string,
  decode: Decoder<T>,
  log: Logger,
): Promise<Served<T> | undefined> {
  const rec = await loadLastGood(cacheDir, ref);
  if (!rec) return undefined;
  try {
    const files = await filesFromCache(rec.manifest, cache);
    const value = await decode(files, rec.manifest);
    return {
      model: rec.model,
      version: rec.version,
      digest: rec.digest,
      manifest: rec.manifest,
      metadata: rec.manifest.metadata,
      value,
      via: 'cache',
      fromCache: true,
      loadedAt: new Date(),
    };
  } catch (err) {
    log.warn({ err: String(err), version: rec.version }, 'the cached last good version cannot be used');
    return undefined;
  }
}
