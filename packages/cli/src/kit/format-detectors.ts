// Format detection for `push` without --format. The registry knows formats only by name, so packages
// that understand a format (the loader knows Kepler weights) register a detector here; the registry
// never imports them, keeping the dependency one-way (loader → registry).
import { readFile } from 'node:fs/promises';
import type { FormatEntry } from '@modelshelf/registry';

/** A file about to be pushed: its path inside the version and a way to read its bytes. */
export interface DetectableFile {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

/** Returns the format these files (or some of them) are in, or undefined when it does not recognise them. */
export type FormatDetector = (files: readonly DetectableFile[]) => Promise<FormatEntry | undefined>;

const detectors = new Map<string, FormatDetector>();

/** Registers (or replaces, by name) a detector. `name` identifies the registrant, e.g. "kepler-weights". */
export function registerFormatDetector(name: string, detector: FormatDetector): void {
  detectors.set(name, detector);
}

/**
 * Every format the registered detectors recognise, in registration order. A detector that throws is
 * treated as "not recognised": detection is a convenience, never a reason for a push to fail.
 */
export async function detectFormats(files: readonly DetectableFile[]): Promise<FormatEntry[]> {
  const found: FormatEntry[] = [];
  for (const detect of detectors.values()) {
    const entry = await detect(files).catch(() => undefined);
    if (entry && !found.some((f) => f.name === entry.name)) found.push(entry);
  }
  return found;
}

/** detectFormats over files on this machine (what `push` collected). */
export function detectLocalFormats(
  files: readonly { path: string; size: number; sourcePath: string }[],
): Promise<FormatEntry[]> {
  return detectFormats(
    files.map((f) => ({
      path: f.path,
      size: f.size,
      read: async () => new Uint8Array(await readFile(f.sourcePath)),
    })),
  );
}
