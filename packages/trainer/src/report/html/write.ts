// Writes a report as DIR/index.html, whole or not at all (written beside, then renamed).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportInput } from './model.ts';
import { renderReport } from './render.ts';

export const REPORT_FILE = 'index.html';

/** Returns the path of the written file. */
export async function writeReport(dir: string, input: ReportInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, REPORT_FILE);
  const partial = `${target}.${process.pid}.partial`;
  try {
    await writeFile(partial, renderReport(input));
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return target;
}
