// The rows `modelshelf predict` reads: one object or an array of objects
//   {"features": {"<name>": number}, "system"?: {"<name>": "<value>"}, "cores"?: number}
// Every problem is a usage error (exit 2) that names the row and the key.
import { readFile } from 'node:fs/promises';
import type { KeplerRowInput } from '@modelshelf/formats';
import { InvalidArgumentError } from '@modelshelf/registry';
import { z } from 'zod';

const INPUT_HINT =
  'give one object or an array of objects like {"features": {"bpf_cpu_time_ms": 9587.7}, "system": {"cpu_architecture": "Sky Lake"}, "cores": 32}';

const rowSchema = z.strictObject({
  features: z.record(z.string(), z.number().refine(Number.isFinite, 'must be a finite number')),
  system: z.record(z.string(), z.string()).optional(),
  cores: z.number().int().positive().optional(),
});

const inputSchema = z.union([rowSchema, z.array(rowSchema)]);

/** Reads FILE, or standard input for "-". */
export async function readPredictInput(
  source: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(source, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(
      `cannot read --input ${JSON.stringify(source)}: ${code === 'ENOENT' ? 'no such file' : code}`,
      'pass a JSON file, or - to read standard input',
    );
  }
}

/** Parses the text of --input into rows. */
export function parsePredictInput(text: string, source: string): KeplerRowInput[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(
      `--input ${source === '-' ? '(stdin)' : JSON.stringify(source)} is not JSON: ${(err as Error).message}`,
      INPUT_HINT,
    );
  }
  const parsed = inputSchema.safeParse(json);
  if (!parsed.success) {
    // With a union, report against the shape the user evidently meant (an array or one object).
    const issues = (Array.isArray(json) ? z.array(rowSchema) : rowSchema).safeParse(json).error?.issues ?? [];
    const issue = issues[0] ?? parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    const rowPath = Array.isArray(json) ? `row ${where}` : where;
    throw new InvalidArgumentError(`invalid --input at ${rowPath}: ${issue.message}`, INPUT_HINT);
  }
  const rows = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  if (rows.length === 0)
    throw new InvalidArgumentError('--input holds an empty array: nothing to predict', INPUT_HINT);
  return rows;
}
