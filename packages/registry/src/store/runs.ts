// Run records: small JSON documents a job writes beside the models to say what a run did (e.g. which shard of a
// training run published which versions, and what it skipped and why). They live under `runs/`, outside
// `models/` and `index/`, so no model reader, `ls`, `verify` or `gc` ever sees them (docs/layout.md, "Run
// records"). Written create-only: a record is never overwritten, so concurrent shards cannot clobber each other.
import { listAll, type StorageDriver } from '../drivers/driver.ts';
import { InvalidArgumentError, NotFoundError } from '../errors.ts';

export const RUNS_PREFIX = 'runs/';
/** Documents larger than this are refused on read, like every other store document. */
export const MAX_RUN_RECORD_BYTES = 16 * 1024 * 1024;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

function check(what: string, value: string): void {
  if (!SEGMENT.test(value)) {
    throw new InvalidArgumentError(
      `invalid ${what} ${JSON.stringify(value)}`,
      `a ${what} is 1-128 characters of letters, digits, ".", "_" and "-", not starting with "." or "-"`,
    );
  }
}

/** `runs/<run>/<name>.json` */
export function runRecordKey(run: string, name: string): string {
  check('run id', run);
  check('record name', name);
  return `${RUNS_PREFIX}${run}/${name}.json`;
}

/** Writes one record of `run`; throws AlreadyExistsError when that record exists. */
export async function putRunRecord(
  driver: StorageDriver,
  run: string,
  name: string,
  doc: Record<string, unknown>,
): Promise<string> {
  const key = runRecordKey(run, name);
  await driver.putCreateOnly(key, new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`));
  return key;
}

/** Every record of `run`, by record name (in key order); empty when the run wrote none. */
export async function readRunRecords(
  driver: StorageDriver,
  run: string,
): Promise<Record<string, Record<string, unknown>>> {
  check('run id', run);
  const prefix = `${RUNS_PREFIX}${run}/`;
  const out: Record<string, Record<string, unknown>> = {};
  for await (const info of listAll(driver, prefix)) {
    if (!info.key.endsWith('.json') || info.key.slice(prefix.length).includes('/')) continue;
    if (info.size > MAX_RUN_RECORD_BYTES) continue;
    try {
      const body = (await driver.get(info.key)).body;
      out[info.key.slice(prefix.length, -'.json'.length)] = JSON.parse(new TextDecoder().decode(body));
    } catch (err) {
      if (!(err instanceof NotFoundError) && !(err instanceof SyntaxError)) throw err;
    }
  }
  return out;
}
