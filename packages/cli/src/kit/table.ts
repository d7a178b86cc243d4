// Plain-text tables with aligned columns. Widths are measured on the visible text so that coloured
// cells line up with plain ones.
import type { Painter } from './color.ts';

export interface Column {
  header: string;
  /** Numbers read best right-aligned. Default "left". */
  align?: 'left' | 'right';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;
export const visibleLength = (text: string) => text.replace(ANSI, '').length;

export function renderTable(columns: Column[], rows: string[][], paint?: Painter): string {
  const widths = columns.map((c, i) =>
    Math.max(visibleLength(c.header), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(widths[i]! - visibleLength(text));
    return columns[i]!.align === 'right' ? gap + text : text + gap;
  };
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, i))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  return [paint ? paint.paint('bold', header) : header, ...rows.map((r) => line(r))].join('\n');
}
