// Where each document lives below the store root. This file is the code form of docs/layout.md.
// "@" cannot occur in model names, so "@versions", "@refs" and "@head.json" never collide with a
// nested model such as "a/b" beside "a/b/c".

export const STORE_MARKER_KEY = 'modelshelf.json';
export const INDEX_PREFIX = 'index/';
export const MODELS_PREFIX = 'models/';

export const modelPrefix = (model: string) => `${MODELS_PREFIX}${model}/`;
export const indexKey = (model: string) => `${INDEX_PREFIX}${encodeURIComponent(model)}.json`;
/**
 * The listing summary readers keep beside the index entries. "@" never occurs in an index entry's
 * name (encodeURIComponent writes it as %40), so this key cannot collide with a model.
 */
export const INDEX_SUMMARY_KEY = `${INDEX_PREFIX}@summary.json`;
export const modelFromIndexKey = (key: string) =>
  decodeURIComponent(key.slice(INDEX_PREFIX.length, key.length - '.json'.length));
export const headKey = (model: string) => `${modelPrefix(model)}@head.json`;
export const versionsPrefix = (model: string) => `${modelPrefix(model)}@versions/`;
export const versionPrefix = (model: string, version: number) => `${versionsPrefix(model)}${version}/`;
export const reservationKey = (model: string, version: number) =>
  `${versionPrefix(model, version)}reservation.json`;
export const manifestKey = (model: string, version: number) =>
  `${versionPrefix(model, version)}manifest.json`;
export const signaturesPrefix = (model: string, version: number) =>
  `${versionPrefix(model, version)}signatures/`;
export const fileKey = (model: string, version: number, path: string) =>
  `${versionPrefix(model, version)}files/${path}`;
export const refsPrefix = (model: string) => `${modelPrefix(model)}@refs/`;
/** Zero-padded so that lexical listing order is numeric order. */
export const refEntryKey = (model: string, seq: number) =>
  `${refsPrefix(model)}${String(seq).padStart(12, '0')}.json`;

/** Parses `<versionsPrefix><n>/...` back to n, or undefined for keys of another shape. */
export function versionFromKey(model: string, key: string): number | undefined {
  const prefix = versionsPrefix(model);
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf('/');
  const n = Number(slash < 0 ? rest : rest.slice(0, slash));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
