// What the protocol suites reach into besides the public Store API.
import { listPrefixes, type Store, versionFromKey, versionsPrefix } from '../../src/index.ts';

export { listAll, openStore } from '../../src/index.ts';

/** Every version number with a directory, committed or not. */
export async function listVersionNumbersForTest(store: Store, model: string): Promise<number[]> {
  const prefixes = await listPrefixes(store.driver, versionsPrefix(model));
  return prefixes.map((p) => versionFromKey(model, p)!).sort((a, b) => a - b);
}
