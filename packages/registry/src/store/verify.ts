// Re-hashes stored bytes against their manifests. Reports every bad file by name; never repairs.

import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IntegrityError, ModelshelfError, NotFoundError, VersionNotFoundError } from '../errors.ts';
import type { Manifest } from '../schema.ts';
import { mapLimit, type StoreContext } from './context.ts';
import { listModelNames, listVersionNumbers, openFileVerified, readVersion } from './read.ts';

export interface VerifyProblem {
  /** The file, or "manifest.json" for the version's manifest. */
  path: string;
  problem: string;
}

export interface VerifyReport {
  model: string;
  version: number;
  ok: boolean;
  files: number;
  bytes: number;
  problems: VerifyProblem[];
}

export async function verifyManifestFiles(ctx: StoreContext, manifest: Manifest): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  let bytes = 0;
  await mapLimit(manifest.files, 4, async (entry) => {
    if (entry.url) return; // external bytes are verified by whoever fetches them from their URL
    try {
      const stream = await openFileVerified(ctx, manifest, entry.path);
      await pipeline(stream, new Writable({ write: (_c, _e, done) => done() }));
      bytes += entry.size;
    } catch (err) {
      if (err instanceof IntegrityError) problems.push({ path: entry.path, problem: err.message });
      else if (err instanceof NotFoundError)
        problems.push({ path: entry.path, problem: 'missing from storage' });
      else throw err;
    }
  });
  problems.sort((a, b) => a.path.localeCompare(b.path));
  return {
    model: manifest.model,
    version: manifest.version,
    ok: problems.length === 0,
    files: manifest.files.length,
    bytes,
    problems,
  };
}

export async function verifyVersion(
  ctx: StoreContext,
  model: string,
  version: number,
): Promise<VerifyReport> {
  try {
    const { manifest } = await readVersion(ctx, model, version);
    return await verifyManifestFiles(ctx, manifest);
  } catch (err) {
    if (err instanceof ModelshelfError && err.category === 'integrity') {
      return {
        model,
        version,
        ok: false,
        files: 0,
        bytes: 0,
        problems: [{ path: 'manifest.json', problem: err.message }],
      };
    }
    throw err;
  }
}

/** Every committed version of every model (or of the models under `prefix`). */
export async function verifyAll(ctx: StoreContext, prefix = ''): Promise<VerifyReport[]> {
  const reports: VerifyReport[] = [];
  for (const model of await listModelNames(ctx, prefix)) {
    for (const n of await listVersionNumbers(ctx, model)) {
      try {
        reports.push(await verifyVersion(ctx, model, n));
      } catch (err) {
        if (!(err instanceof VersionNotFoundError)) throw err; // uncommitted reservations are not versions
      }
    }
  }
  return reports;
}
