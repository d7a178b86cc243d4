// The one way a suite says it cannot run here: a missing service or tool. On a laptop the suite
// is skipped with one line naming it, what is missing and the command that enables it, and the
// notice is recorded for the run's closing list (test/support/skip-reporter.ts). Under CI=true a
// failing test is registered instead, because there every service must exist.
import { appendFileSync } from 'node:fs';
import { it } from 'vitest';

export const SKIP_LOG_ENV = 'MODELSHELF_SKIP_LOG';

export interface SkipNotice {
  /** What did not run, e.g. "registry: S3 driver conformance". */
  suite: string;
  /** What is missing, e.g. "MODELSHELF_TEST_S3_ENDPOINT is unset". */
  missing: string;
  /** The command that provides it. */
  enable: string;
  /** The test file, filled in by skipUnless. */
  file?: string;
  /** Not required in CI either (e.g. kubectl): skipped and listed, never failed. */
  optional?: boolean;
}

export const CEPH_UP = 'eval "$(bash scripts/ceph-dev.sh up)"';
export const PROMETHEUS_UP = 'eval "$(bash scripts/prometheus-dev.sh up)"';
export const INSTALL_DEPS = 'sudo bash scripts/install-deps.sh';

/**
 * True when `missing` is undefined (the suite can run). Otherwise announces the skip (or, under
 * CI, registers a failing test) and returns false: wrap the suite in describe.runIf(ok) so
 * that its tests still count as skipped, one by one.
 */
export function skipUnless(notice: Omit<SkipNotice, 'missing'> & { missing: string | undefined }): boolean {
  if (notice.missing === undefined) return true;
  const full: SkipNotice = { ...notice, missing: notice.missing, file: callerFile() };
  const line = `${full.suite}: ${full.missing}; to run it: ${full.enable}`;
  if (process.env.CI === 'true' && !full.optional) {
    it(`requires what ${full.suite} needs`, () => {
      throw new Error(`${line} (CI=true: required)`);
    });
    return false;
  }
  console.warn(`skipped ${line}`);
  const log = process.env[SKIP_LOG_ENV];
  if (log) appendFileSync(log, `${JSON.stringify(full)}\n`);
  return false;
}

/** The names that are unset, as a "missing" text, or undefined when all are set. */
export function unsetEnv(names: readonly string[]): string | undefined {
  const unset = names.filter((n) => !process.env[n]);
  if (unset.length === 0) return undefined;
  return `${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} unset`;
}

function callerFile(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  for (const frame of stack.slice(2)) {
    const m = /(\/[^\s():]+\.test\.ts)/.exec(frame);
    if (m) return m[1];
  }
  return undefined;
}
