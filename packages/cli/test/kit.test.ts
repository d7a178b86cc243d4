// The CLI kit's rules, in-process: formatting, parsing, colour and progress decisions, error reports.
import { Writable } from 'node:stream';
import { FormatError, NoDecodableFormatError } from '@modelshelf/formats';
import { ModelNotFoundError } from '@modelshelf/registry';
import { describe, expect, it } from 'vitest';
import { diffMetadata, metricVerdict } from '../src/commands/registry/diff-versions.ts';
import {
  colorEnabled,
  describeError,
  exitCodeForReport,
  formatErrorReport,
  formatSize,
  type Output,
  PROGRESS_MIN_BYTES,
  painter,
  parseDuration,
  parseMetaPairs,
  progressWanted,
  relativeTime,
  renderTable,
  startProgress,
  visibleLength,
} from '../src/kit/index.ts';
import { ANSI } from './helpers/cli.ts';

describe('formatting', () => {
  it('prints sizes in SI units with one decimal below 10', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(1234)).toBe('1.2 kB');
    expect(formatSize(1_234_567)).toBe('1.2 MB');
    expect(formatSize(123_456_789)).toBe('123 MB');
    expect(formatSize(999_960)).toBe('1.0 MB');
  });

  it('prints times relative to now, past and future', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relativeTime('2026-01-01T12:00:00Z', now)).toBe('just now');
    expect(relativeTime('2026-01-01T11:59:30Z', now)).toBe('30 seconds ago');
    expect(relativeTime('2026-01-01T11:57:00Z', now)).toBe('3 minutes ago');
    expect(relativeTime('2026-01-01T11:00:00Z', now)).toBe('1 hour ago');
    expect(relativeTime('2025-12-25T12:00:00Z', now)).toBe('7 days ago');
    expect(relativeTime('2026-01-01T12:05:00Z', now)).toBe('in 5 minutes');
    expect(relativeTime('not a date', now)).toBe('-');
  });

  it('aligns columns by visible width, numbers to the right, colour or not', () => {
    const cols = [{ header: 'NAME' }, { header: 'N', align: 'right' as const }];
    const rows = [
      ['a', '1'],
      ['longer', '100'],
    ];
    expect(renderTable(cols, rows)).toBe('NAME      N\na         1\nlonger  100');
    const coloured = renderTable(cols, rows, painter(true));
    expect(coloured).toMatch(ANSI);
    const lines = coloured.split('\n');
    expect(lines.map(visibleLength)).toEqual(
      renderTable(cols, rows)
        .split('\n')
        .map((l) => l.length),
    );
    expect(lines[2]).toBe('longer  100');
  });
});

describe('parsing option values', () => {
  it('reads durations in s, m, h, d, w and combinations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('90')).toBe(90_000);
    for (const bad of ['', '7x', '1h 30m', 'h', '-1h'])
      expect(() => parseDuration(bad), bad).toThrow(/duration/);
  });

  it('types --meta values that parse as JSON and keeps the rest as text', () => {
    expect(parseMetaPairs(['mae=12.3', 'trainer=SGD', 'ok=true', 'tags=["a"]', 'eq=a=b', 'empty='])).toEqual({
      mae: 12.3,
      trainer: 'SGD',
      ok: true,
      tags: ['a'],
      eq: 'a=b',
      empty: '',
    });
    expect(() => parseMetaPairs(['=1'])).toThrow(/"=1"/);
  });
});

describe('colour and progress decisions', () => {
  it('colours only a terminal, never with NO_COLOR or TERM=dumb', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });

  const fakeOutput = (o: { json?: boolean; quiet?: boolean; tty: boolean; sink?: string[] }): Output => {
    const stderr = Object.assign(
      new Writable({
        write(chunk, _e, done) {
          o.sink?.push(String(chunk));
          done();
        },
      }),
      { isTTY: o.tty, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
    );
    return {
      json: o.json ?? false,
      quiet: o.quiet ?? false,
      color: painter(false),
      streams: { stdout: process.stdout, stderr },
      line: () => {},
      printJson: () => {},
      table: () => {},
      note: () => {},
    };
  };

  it('shows a progress bar only for large transfers to a terminal without --json or --quiet', async () => {
    const big = PROGRESS_MIN_BYTES * 2;
    expect(progressWanted(fakeOutput({ tty: true }), big)).toBe(true);
    expect(progressWanted(fakeOutput({ tty: true }), 1000)).toBe(false);
    expect(progressWanted(fakeOutput({ tty: false }), big)).toBe(false);
    expect(progressWanted(fakeOutput({ tty: true, json: true }), big)).toBe(false);
    expect(progressWanted(fakeOutput({ tty: true, quiet: true }), big)).toBe(false);

    const sink: string[] = [];
    const bar = await startProgress(fakeOutput({ tty: true, sink }), 'push m', big);
    bar.update(big / 2);
    bar.stop();
    expect(sink.join('')).toContain('push m');
    expect(sink.join('')).toContain('50%');
  });
});

describe('errors', () => {
  it('reports typed errors with their hint, as text or one JSON object', () => {
    const report = describeError(new ModelNotFoundError('a/b'));
    expect(report).toMatchObject({ code: 'MODEL_NOT_FOUND', category: 'not-found' });
    expect(formatErrorReport(report, { json: false })).toBe(
      'error: unknown model "a/b"\nhint: run `modelshelf ls` to see the models in this store\n',
    );
    expect(JSON.parse(formatErrorReport(report, { json: true }))).toEqual({
      error: {
        code: 'MODEL_NOT_FOUND',
        category: 'not-found',
        message: 'unknown model "a/b"',
        hint: 'run `modelshelf ls` to see the models in this store',
      },
    });
  });

  it('classifies operating-system storage failures as storage errors and anything else as internal', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(describeError(full)).toMatchObject({
      category: 'storage',
      code: 'ENOSPC',
      hint: expect.stringContaining('gc'),
    });
    expect(describeError(new TypeError('x is undefined'))).toMatchObject({
      category: 'internal',
      code: 'INTERNAL',
    });
  });

  it("recognises the formats package's errors by their category, code and hint (exit code 7)", () => {
    const unreadable = describeError(new FormatError('keras-h5', 'model.h5', 'no model_weights group'));
    expect(unreadable).toMatchObject({
      category: 'format',
      code: 'FORMAT_UNREADABLE',
      message: 'keras-h5: model.h5: no model_weights group',
      hint: expect.stringContaining('intact'),
    });
    expect(exitCodeForReport(unreadable)).toBe(7);
    const none = describeError(new NoDecodableFormatError([]));
    expect(none).toMatchObject({ category: 'format', code: 'NO_DECODABLE_FORMAT' });
    // A `category` the CLI has no exit code for is not the contract: such an error stays internal.
    const odd = Object.assign(new Error('odd'), { category: 'weird', code: 'ODD' });
    expect(describeError(odd).category).toBe('internal');
  });
});

describe('diff rules', () => {
  it('judges error metrics lower-is-better, scores higher-is-better, and skips MAPE -1', () => {
    expect(metricVerdict('mae', 12.3, 10.1)).toBe('improved');
    expect(metricVerdict('dram_mape', 4, 9)).toBe('worse');
    expect(metricVerdict('mape', -1, 9)).toBeUndefined();
    expect(metricVerdict('r2', 0.8, 0.9)).toBe('improved');
    expect(metricVerdict('epochs', 10, 20)).toBeUndefined();
    expect(diffMetadata({ mae: 12.3, a: 1, same: [1] }, { mae: 10.1, b: 2, same: [1] })).toEqual([
      { key: 'a', change: 'removed', from: 1 },
      { key: 'b', change: 'added', to: 2 },
      { key: 'mae', change: 'changed', from: 12.3, to: 10.1, delta: -2.2, verdict: 'improved' },
    ]);
  });
});
