// Help text shared by `modelshelf --help` and docs/cli.md, so both state the same contract.
import { type ErrorCategory, EXIT_CODES } from '@modelshelf/registry/errors';

const MEANINGS: Record<ErrorCategory | 'ok', string> = {
  ok: 'success',
  internal: 'internal error (a bug: please report it)',
  usage: 'usage error: bad arguments, reference, name or path',
  'not-found': 'not found: unknown model, version or alias',
  integrity: 'integrity failure: stored bytes differ from the manifest',
  conflict: 'conflict: someone else moved a ref or claimed a version meanwhile',
  storage: 'storage unavailable, read-only or full',
  format: 'format error: the files are intact but no reader can decode them',
};

export function exitCodeRows(): [code: number, meaning: string][] {
  return (Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[])
    .map((k): [number, string] => [EXIT_CODES[k], MEANINGS[k]])
    .sort((a, b) => a[0] - b[0]);
}

/** The exit-code table as plain text for --help. */
export function exitCodeHelp(): string {
  return ['Exit codes:', ...exitCodeRows().map(([code, meaning]) => `  ${code}  ${meaning}`)].join('\n');
}
