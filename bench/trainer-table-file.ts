// A training table as one file, to hand it to the benchmark's fit runner in another process: a JSON
// header line (features, rows, cols, component names), then x row-major and each component's y, float64.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Table } from '../packages/trainer/test/trainers/data.ts';

interface Header {
  features: string[];
  rows: number;
  cols: number;
  components: string[];
}

export function writeTableFile(path: string, table: Table): void {
  const components = Object.keys(table.y);
  const header: Header = { features: table.features, rows: table.x.rows, cols: table.x.cols, components };
  const parts = [table.x.data, ...components.map((c) => table.y[c]!)];
  const head = Buffer.from(`${JSON.stringify(header)}\n`);
  // The numbers start at a multiple of 8 after the header, so they can be read in place.
  const pad = (8 - (head.length % 8)) % 8;
  writeFileSync(
    path,
    Buffer.concat([
      head,
      Buffer.alloc(pad, 0x20),
      ...parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)),
    ]),
  );
}

export function readTableFile(path: string): Table {
  const bytes = readFileSync(path);
  const nl = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Header;
  let at = nl + 1 + ((8 - ((nl + 1) % 8)) % 8);
  const take = (n: number) => {
    const out = new Float64Array(n);
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + n * 8));
    at += n * 8;
    return out;
  };
  const data = take(header.rows * header.cols);
  const y = Object.fromEntries(header.components.map((c) => [c, take(header.rows)]));
  return { features: header.features, x: { rows: header.rows, cols: header.cols, data }, y };
}
