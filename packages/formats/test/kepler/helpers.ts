// Shared test helpers: fixture paths and an in-memory ArtifactFiles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactFiles } from '../../src/types.ts';

export const FIXTURES = new URL('../../../../fixtures/kepler/', import.meta.url).pathname;
export const EC2_BPF = join(FIXTURES, 'kepler-model-db/models/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly');

export function fixture(relative: string): Uint8Array {
  return readFileSync(join(FIXTURES, relative));
}

export function fixtureJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Every .json file under fixtures/kepler, as absolute paths. */
export function allFixtureJson(dir = FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return allFixtureJson(p);
    return name.endsWith('.json') ? [p] : [];
  });
}

export function memoryFiles(files: Record<string, Uint8Array | string>): ArtifactFiles {
  return {
    paths: () => Object.keys(files),
    read: async (path) => {
      const v = files[path];
      if (v === undefined) throw new Error(`no file ${path}`);
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    },
  };
}
