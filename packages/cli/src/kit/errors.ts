// One place that turns any failure into an exit code and one clear message on stderr:
//   error: unknown model "a/b"
//   hint: run `modelshelf ls` to see the models in this store
// or, with --json, {"error": {"code", "category", "message", "hint"}} so scripts can branch on it.
import { type ErrorCategory, EXIT_CODES } from '@modelshelf/registry/errors';
import { painter } from './color.ts';

export interface ErrorReport {
  code: string;
  category: ErrorCategory;
  message: string;
  hint?: string;
}

// Operating-system failures that mean "the storage is not usable", not "modelshelf has a bug".
const STORAGE_ERRNOS: Record<string, string> = {
  EACCES: 'check the permissions of the store directory',
  EPERM: 'check the permissions of the store directory',
  EROFS: 'the filesystem is mounted read-only',
  ENOSPC: 'the disk is full: free space or run `modelshelf gc`',
  EDQUOT: 'the disk quota is exhausted: free space or run `modelshelf gc`',
  EIO: 'the storage reported an I/O error: check the mount',
  ESTALE: 'the NFS handle went stale: check the mount',
  ETIMEDOUT: 'the storage did not answer in time: check the network',
  ECONNREFUSED: 'the storage endpoint refused the connection: check the URI and that the service runs',
  ECONNRESET: 'the connection to the storage dropped: try again',
  ENOTFOUND: 'the storage host name does not resolve: check the URI',
};

/**
 * The error family, structurally: an Error with a `category` that has an exit code and a string
 * `code` (and optionally a `hint`). `ModelshelfError` (registry, loader, trainer) is one; the formats
 * package, which must not depend on the registry, gives its errors the same fields
 * (`CategorisedError` in @modelshelf/formats).
 */
function isCategorised(
  err: unknown,
): err is Error & { category: ErrorCategory; code: string; hint?: unknown } {
  if (!(err instanceof Error)) return false;
  const { category, code } = err as { category?: unknown; code?: unknown };
  return (
    typeof category === 'string' &&
    category !== 'ok' &&
    Object.hasOwn(EXIT_CODES, category) &&
    typeof code === 'string'
  );
}

export function describeError(err: unknown): ErrorReport {
  if (isCategorised(err)) {
    const hint = typeof err.hint === 'string' ? err.hint : undefined;
    return { code: err.code, category: err.category, message: err.message, hint };
  }
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (errno && STORAGE_ERRNOS[errno]) {
    return { code: errno, category: 'storage', message, hint: STORAGE_ERRNOS[errno] };
  }
  return {
    code: 'INTERNAL',
    category: 'internal',
    message,
    hint: 'this looks like a bug in modelshelf: rerun with MODELSHELF_DEBUG=1 for the stack trace and report it',
  };
}

export function formatErrorReport(report: ErrorReport, options: { json: boolean; color?: boolean }): string {
  if (options.json) {
    const { code, category, message, hint } = report;
    return `${JSON.stringify({ error: { code, category, message, hint: hint ?? null } })}\n`;
  }
  const p = painter(options.color ?? false);
  const lines = [`${p.paint('red', 'error:')} ${report.message}`];
  if (report.hint) lines.push(`${p.paint('dim', 'hint:')} ${report.hint}`);
  return `${lines.join('\n')}\n`;
}

export function exitCodeForReport(report: ErrorReport): number {
  return EXIT_CODES[report.category];
}
