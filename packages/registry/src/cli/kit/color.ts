// Colour is decoration only: it is switched on for a terminal and off for pipes, files, CI logs and
// whenever NO_COLOR is set (https://no-color.org), so no escape code ever reaches a parser.
import { styleText } from 'node:util';

export interface ColorTarget {
  isTTY?: boolean;
}

export function colorEnabled(stream: ColorTarget, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

type Style = Parameters<typeof styleText>[0];

export interface Painter {
  readonly enabled: boolean;
  paint(style: Style, text: string): string;
}

export function painter(enabled: boolean): Painter {
  return { enabled, paint: (style, text) => (enabled ? styleText(style, text) : text) };
}
