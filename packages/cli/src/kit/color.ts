// Colour is decoration only: it is switched on for a terminal and off for pipes, files, CI logs and
// whenever NO_COLOR is set (https://no-color.org), so no escape code ever reaches a parser.
// The few SGR codes are written out here rather than taken from util.styleText, whose own terminal
// detection differs between Node releases and would second-guess the decision made below.

export interface ColorTarget {
  isTTY?: boolean;
}

export function colorEnabled(stream: ColorTarget, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
} as const;

export type Style = keyof typeof STYLES;

export interface Painter {
  readonly enabled: boolean;
  paint(style: Style, text: string): string;
}

export function painter(enabled: boolean): Painter {
  return {
    enabled,
    paint: (style, text) =>
      enabled ? `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m` : text,
  };
}
