// Closes a vitest run with one honest list of what did not run: each suite that skipped itself
// through test/support/skips.ts, how many of its tests were skipped (vitest counts every test of a
// describe.runIf(false) as skipped), what was missing, and the commands that enable them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { SKIP_LOG_ENV, type SkipNotice } from './skips.ts';

export default class SkipReporter implements Reporter {
  private dir: string | undefined;

  onInit(): void {
    // Set before any worker starts, so every test file inherits where to record its notice.
    this.dir = mkdtempSync(join(tmpdir(), 'modelshelf-skips-'));
    process.env[SKIP_LOG_ENV] = join(this.dir, 'notices.jsonl');
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const log = process.env[SKIP_LOG_ENV];
    let notices: SkipNotice[] = [];
    try {
      notices = readFileSync(log!, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SkipNotice);
    } catch {
      // No suite skipped itself.
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    if (notices.length === 0) return;
    const skippedIn = new Map<string, number>();
    for (const m of modules) skippedIn.set(m.moduleId, [...m.children.allTests('skipped')].length);
    const seen = new Set<string>();
    const rows: { notice: SkipNotice; tests: number | undefined }[] = [];
    for (const n of notices) {
      const key = `${n.file}\u0000${n.suite}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ notice: n, tests: n.file ? skippedIn.get(n.file) : undefined });
    }
    const total = rows.reduce((a, r) => a + (r.tests ?? 0), 0);
    const lines = ['', `Did not run: ${rows.length} suite${rows.length === 1 ? '' : 's'}, ${total} tests`];
    for (const { notice, tests } of rows.sort((a, b) => a.notice.suite.localeCompare(b.notice.suite))) {
      const where = notice.file ? ` (${relative(process.cwd(), notice.file)})` : '';
      lines.push(`  ${notice.suite}: ${tests ?? '?'} tests${where}; ${notice.missing}`);
    }
    const byCommand = new Map<string, number>();
    for (const { notice } of rows) byCommand.set(notice.enable, (byCommand.get(notice.enable) ?? 0) + 1);
    lines.push('To run them:');
    for (const [command, n] of byCommand) lines.push(`  ${command}   # ${n} suite${n === 1 ? '' : 's'}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
