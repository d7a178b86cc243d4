// A byte progress bar on stderr for long transfers. Shown only to a person watching a terminal:
// never with --json or --quiet, never when stderr is a pipe or file. cli-progress is imported only
// when a bar is actually drawn, so short commands do not pay for it.
import { formatSize } from './format.ts';
import type { Output } from './output.ts';

export interface Progress {
  /** Total bytes done so far. */
  update(bytes: number): void;
  stop(): void;
}

const NONE: Progress = { update: () => {}, stop: () => {} };

/** Transfers smaller than this finish before a bar would be readable. */
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

export function progressWanted(out: Output, totalBytes: number): boolean {
  return !out.json && !out.quiet && out.streams.stderr.isTTY === true && totalBytes >= PROGRESS_MIN_BYTES;
}

export async function startProgress(out: Output, label: string, totalBytes: number): Promise<Progress> {
  if (!progressWanted(out, totalBytes)) return NONE;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: out.streams.stderr as NodeJS.WritableStream as NodeJS.WriteStream,
      format: `${label} [{bar}] {percentage}% {done}/{size} {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const size = formatSize(totalBytes);
  bar.start(totalBytes, 0, { done: formatSize(0), size });
  return {
    update: (bytes) => bar.update(bytes, { done: formatSize(bytes), size }),
    stop: () => bar.stop(),
  };
}
