// Where a command's output goes. Results go to stdout (a table, a line, or JSON with --json);
// notes and progress go to stderr and are silenced by --quiet and --json, so stdout stays parseable.
import type { Command } from 'commander';
import { colorEnabled, type Painter, painter } from './color.ts';
import { globalOptions } from './options.ts';
import { type Column, renderTable } from './table.ts';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** Colours for stdout (off unless stdout is a terminal and NO_COLOR is unset). */
  readonly color: Painter;
  readonly streams: OutputStreams;
  /** A line of the result on stdout. */
  line(text: string): void;
  /** A JSON document on stdout. */
  printJson(value: unknown): void;
  /** An aligned table on stdout. */
  table(columns: Column[], rows: string[][]): void;
  /** Commentary on stderr ("no models in …"), suppressed by --quiet and --json. */
  note(text: string): void;
}

const defaultStreams = (): OutputStreams => ({ stdout: process.stdout, stderr: process.stderr });

export function printJson(value: unknown, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function outputFor(cmd: Command, streams: OutputStreams = defaultStreams()): Output {
  const { json, quiet } = globalOptions(cmd);
  const color = painter(colorEnabled(streams.stdout));
  return {
    json,
    quiet,
    color,
    streams,
    line: (text) => streams.stdout.write(`${text}\n`),
    printJson: (value) => printJson(value, streams.stdout),
    table: (columns, rows) => streams.stdout.write(`${renderTable(columns, rows, color)}\n`),
    note: (text) => {
      if (!json && !quiet) streams.stderr.write(`${text}\n`);
    },
  };
}
