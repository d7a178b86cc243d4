// xgboost-json: boosters in XGBoost's own JSON model format (what `Booster.save_model("x.json")` writes), one
// file per component, so XGBoost itself (Kepler's Python estimator, `xgb.Booster(model_file=...)`) and this
// package's runtime serve the same bytes. XGBoost's file knows neither feature names in Kepler's sense nor the
// max-abs scale, so a small index beside the boosters carries them. Spec: docs/formats/xgboost-json.md.
//
//   xgboost/components.json  {"format": "xgboost-json", "features": [...], "scale": [...],
//                             "components": {"package": {"model_file": "package.json", "features": [...], "fe_files": []}}}
//   xgboost/package.json     an XGBoost JSON model (reg:squarederror, gbtree) taking x' = x / scale
import { findByBasename } from './artifact-bytes.ts';
import { encodeModelshelfJson } from './modelshelf-json/encode.ts';
import {
  type ModelshelfModel,
  orderedComponents,
  type XgboostComponent,
  type XgboostTree,
} from './modelshelf-json/model.ts';
import { MODELSHELF_JSON_LIMITS, parseModelshelfJson } from './modelshelf-json/parse.ts';
import { decodedModelshelfModel } from './modelshelf-json.ts';
import { type ArtifactFiles, type DecodedModel, type FormatCodec, FormatError } from './types.ts';

export const XGBOOST_JSON_FORMAT = 'xgboost-json';
export const XGBOOST_JSON_DIR = 'xgboost';
export const XGBOOST_JSON_INDEX = 'components.json';
/** The XGBoost release whose JSON layout this writer follows (readable by XGBoost 1.7 and later). */
export const XGBOOST_JSON_VERSION = [1, 7, 4] as const;
/** XGBoost's parent of the root node. */
const NO_PARENT = 2147483647;

type XgboostModel = Extract<ModelshelfModel, { kind: 'xgboost' }>;

const num = (v: number) => (Number.isFinite(v) ? v : 0);

/**
 * The shortest decimal that reads back as the same float32 (XGBoost stores float32, and its parameter parser
 * silently falls back to the default for a base_score with more digits than a float32 holds).
 */
export function float32String(v: number): string {
  const f = Math.fround(num(v));
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(f.toPrecision(p)));
    if (Math.fround(Number(s)) === f) return s;
  }
  return String(f);
}

/**
 * XGBoost's JSON reader types numbers by their spelling: a float field must not look like an integer ("0.0", not
 * "0"). Float arrays are rendered here and spliced into the document in place of placeholder strings.
 */
class FloatArrays {
  private readonly rendered: string[] = [];

  add(values: ArrayLike<number>): string {
    const text = Array.from(values, (v) => {
      const s = float32String(v);
      return /^-?\d+$/.test(s) ? `${s}.0` : s;
    }).join(',');
    this.rendered.push(`[${text}]`);
    return `\u0000F${this.rendered.length - 1}`;
  }

  splice(json: string): string {
    return json.replace(/"\\u0000F(\d+)"/g, (_, i: string) => this.rendered[Number(i)]!);
  }
}

/** One component as an XGBoost JSON model (bytes of `save_model`'s layout; deterministic key order). */
export function encodeXgboostBooster(component: XgboostComponent, nFeatures: number): Uint8Array {
  const floats = new FloatArrays();
  const trees = component.trees.map((t: XgboostTree, id) => {
    const n = t.feature.length;
    const parents = new Array<number>(n).fill(NO_PARENT);
    for (let i = 0; i < n; i++) {
      if (t.left[i]! >= 0) parents[t.left[i]!] = i;
      if (t.right[i]! >= 0) parents[t.right[i]!] = i;
    }
    const leaf = (i: number) => t.feature[i]! < 0;
    return {
      base_weights: floats.add(t.value),
      categories: [],
      categories_nodes: [],
      categories_segments: [],
      categories_sizes: [],
      default_left: Array.from(t.defaultLeft),
      id,
      left_children: Array.from(t.left),
      loss_changes: floats.add(Array.from({ length: n }, (_, i) => t.gain?.[i] ?? 0)),
      parents,
      right_children: Array.from(t.right),
      split_conditions: floats.add(
        Array.from({ length: n }, (_, i) => (leaf(i) ? t.value[i]! : t.threshold[i]!)),
      ),
      split_indices: Array.from({ length: n }, (_, i) => (leaf(i) ? 0 : t.feature[i]!)),
      split_type: new Array<number>(n).fill(0),
      sum_hessian: floats.add(Array.from({ length: n }, (_, i) => t.cover?.[i] ?? 0)),
      tree_param: {
        num_deleted: '0',
        num_feature: String(nFeatures),
        num_nodes: String(n),
        size_leaf_vector: '0',
      },
    };
  });
  const doc = {
    learner: {
      attributes: {},
      feature_names: [],
      feature_types: [],
      gradient_booster: {
        model: {
          gbtree_model_param: {
            num_parallel_tree: '1',
            num_trees: String(trees.length),
            size_leaf_vector: '0',
          },
          tree_info: new Array<number>(trees.length).fill(0),
          trees,
        },
        name: 'gbtree',
      },
      learner_model_param: {
        base_score: float32String(component.baseScore),
        // '0': base_score is final (with '1' XGBoost 1.7 would treat it as still to be estimated).
        boost_from_average: '0',
        num_class: '0',
        num_feature: String(nFeatures),
        num_target: '1',
      },
      objective: { name: 'reg:squarederror', reg_loss_param: { scale_pos_weight: '1' } },
    },
    version: [...XGBOOST_JSON_VERSION],
  };
  return new TextEncoder().encode(floats.splice(JSON.stringify(doc)));
}

/** The files of an `xgboost` model in this format: the index plus one booster per component. */
export function encodeXgboostJsonFiles(model: XgboostModel): Record<string, Uint8Array> {
  const names = orderedComponents(Object.keys(model.components));
  const d = model.features.length;
  const files: Record<string, Uint8Array> = {};
  const components: Record<string, unknown> = {};
  for (const name of names) {
    const file = `${name}.json`;
    files[`${XGBOOST_JSON_DIR}/${file}`] = encodeXgboostBooster(model.components[name]!, d);
    components[name] = { model_file: file, features: [...model.features], fe_files: [] };
  }
  const index = {
    format: XGBOOST_JSON_FORMAT,
    ...(model.trainer !== undefined ? { trainer: model.trainer } : {}),
    features: [...model.features],
    scale: Array.from(model.scale),
    components,
  };
  files[`${XGBOOST_JSON_DIR}/${XGBOOST_JSON_INDEX}`] = new TextEncoder().encode(JSON.stringify(index));
  return files;
}

function fail(path: string, message: string): never {
  throw new FormatError(XGBOOST_JSON_FORMAT, path, message);
}

function json(bytes: Uint8Array, path: string): Record<string, unknown> {
  if (bytes.length > MODELSHELF_JSON_LIMITS.maxBytes) {
    fail(path, `is ${bytes.length} bytes, more than the ${MODELSHELF_JSON_LIMITS.maxBytes}-byte limit`);
  }
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    fail(path, `is not UTF-8 JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be a JSON object');
  return v as Record<string, unknown>;
}

function at(o: unknown, keys: string[], path: string): unknown {
  let cur = o;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null) fail(path, `has no ${keys.join('.')}`);
    cur = (cur as Record<string, unknown>)[k];
  }
  if (cur === undefined) fail(path, `has no ${keys.join('.')}`);
  return cur;
}

function numbers(v: unknown, where: string, path: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
    fail(path, `${where} must be an array of numbers`);
  return v as number[];
}

/**
 * An XGBoost JSON model (reg:squarederror or another identity-link regression objective, gbtree, one output,
 * numerical splits) as the runtime's XgboostComponent. Structure (children, depth, feature range) is checked by
 * the modelshelf-json validator the caller runs on the assembled model.
 */
export function parseXgboostBooster(bytes: Uint8Array, path: string): XgboostComponent {
  const root = json(bytes, path);
  const objective = at(root, ['learner', 'objective', 'name'], path);
  if (
    typeof objective !== 'string' ||
    !/^reg:(squarederror|squaredlogerror|absoluteerror|pseudohubererror)$/.test(objective)
  ) {
    fail(
      path,
      `objective ${JSON.stringify(objective)} is not an identity-link regression; only reg:* regressors can be served`,
    );
  }
  const booster = at(root, ['learner', 'gradient_booster', 'name'], path);
  if (booster !== 'gbtree') fail(path, `booster ${JSON.stringify(booster)} is not gbtree`);
  const param = at(root, ['learner', 'learner_model_param'], path) as Record<string, unknown>;
  if (param.num_target !== undefined && param.num_target !== '1') {
    fail(path, `num_target ${JSON.stringify(param.num_target)}: only one output per component is supported`);
  }
  const baseScore = Math.fround(Number(param.base_score));
  if (!Number.isFinite(baseScore))
    fail(path, `base_score ${JSON.stringify(param.base_score)} is not a number`);
  const trees = at(root, ['learner', 'gradient_booster', 'model', 'trees'], path);
  if (!Array.isArray(trees)) fail(path, 'learner.gradient_booster.model.trees must be an array');
  if (trees.length > MODELSHELF_JSON_LIMITS.maxTrees) {
    fail(path, `has ${trees.length} trees, more than the limit ${MODELSHELF_JSON_LIMITS.maxTrees}`);
  }
  return {
    baseScore,
    trees: trees.map((t: Record<string, unknown>, i): XgboostTree => {
      const w = `trees[${i}]`;
      const left = numbers(t.left_children, `${w}.left_children`, path);
      const n = left.length;
      const right = numbers(t.right_children, `${w}.right_children`, path);
      const cond = numbers(t.split_conditions, `${w}.split_conditions`, path);
      const idx = numbers(t.split_indices, `${w}.split_indices`, path);
      const dl = numbers(t.default_left, `${w}.default_left`, path);
      const st = t.split_type === undefined ? [] : numbers(t.split_type, `${w}.split_type`, path);
      for (const [name, a] of [
        ['right_children', right],
        ['split_conditions', cond],
        ['split_indices', idx],
        ['default_left', dl],
      ] as const) {
        if (a.length !== n) fail(path, `${w}.${name} has ${a.length} entries, left_children has ${n}`);
      }
      if (st.some((s) => s !== 0)) fail(path, `${w} has categorical splits, which are not supported`);
      const leaf = (k: number) => left[k] === -1;
      return {
        feature: Int32Array.from(idx, (f, k) => (leaf(k) ? -1 : f)),
        // XGBoost holds every value as float32: read them as it does.
        threshold: Float64Array.from(cond, (c, k) => (leaf(k) ? 0 : Math.fround(c))),
        left: Int32Array.from(left),
        right: Int32Array.from(right),
        defaultLeft: Uint8Array.from(dl),
        value: Float64Array.from(cond, (c, k) => (leaf(k) ? Math.fround(c) : 0)),
        gain: Float64Array.from(Array.isArray(t.loss_changes) ? (t.loss_changes as number[]) : []),
        cover: Float64Array.from(Array.isArray(t.sum_hessian) ? (t.sum_hessian as number[]) : []),
      };
    }),
  };
}

export interface DecodedXgboostModel extends DecodedModel {
  readonly model: XgboostModel;
}

function locate(files: ArtifactFiles): string | undefined {
  return findByBasename(files, XGBOOST_JSON_INDEX);
}

export const xgboostJsonCodec: FormatCodec<DecodedXgboostModel> & {
  encode(model: XgboostModel): Record<string, Uint8Array>;
} = {
  name: XGBOOST_JSON_FORMAT,
  async detect(files) {
    const path = locate(files);
    if (!path) return false;
    const head = new TextDecoder().decode((await files.read(path)).subarray(0, 64));
    return /^\s*\{\s*"format"\s*:\s*"xgboost-json"/.test(head);
  },
  async decode(files) {
    const path = locate(files);
    if (!path) fail('(none)', `no ${XGBOOST_JSON_INDEX} among ${files.paths().join(', ') || '(no files)'}`);
    const index = json(await files.read(path), path);
    if (index.format !== XGBOOST_JSON_FORMAT) fail(path, `format must be "${XGBOOST_JSON_FORMAT}"`);
    const comps = index.components;
    if (typeof comps !== 'object' || comps === null || Array.isArray(comps)) {
      fail(path, 'components must be an object of component → {"model_file": ...}');
    }
    if (!Array.isArray(index.features)) fail(path, 'features must be an array of feature names');
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    const components: Record<string, XgboostComponent> = {};
    for (const [name, entry] of Object.entries(comps as Record<string, unknown>)) {
      const file = (entry as { model_file?: unknown } | null)?.model_file;
      if (typeof file !== 'string' || file.includes('..') || file.startsWith('/')) {
        fail(
          path,
          `components.${name}.model_file must be a file name beside the index, found ${JSON.stringify(file)}`,
        );
      }
      const bpath = dir + file;
      if (!files.paths().includes(bpath))
        fail(path, `components.${name}.model_file "${file}" is not among the files`);
      components[name] = parseXgboostBooster(await files.read(bpath), bpath);
    }
    const candidate = {
      kind: 'xgboost',
      features: index.features as string[],
      scale: index.scale as unknown as Float64Array,
      ...(typeof index.trainer === 'string' ? { trainer: index.trainer } : {}),
      components,
    } as XgboostModel;
    // One validator for every tree: re-read through modelshelf-json's bounded parser (features, scale, children,
    // depth, feature indices), naming this file on failure.
    let model: XgboostModel;
    try {
      model = parseModelshelfJson(
        encodeModelshelfJson({ ...candidate, scale: Float64Array.from(numbers(index.scale, 'scale', path)) }),
        path,
      ) as XgboostModel;
    } catch (err) {
      if (err instanceof FormatError) fail(path, err.message.replace(/^modelshelf-json: [^:]*: /, ''));
      throw err;
    }
    for (const name of Object.keys(components)) {
      model.components[name]!.trees.forEach((t, i) => {
        const src = components[name]!.trees[i]!;
        if (src.gain?.length === t.feature.length) t.gain = src.gain;
        if (src.cover?.length === t.feature.length) t.cover = src.cover;
      });
    }
    const decoded = decodedModelshelfModel(model);
    return { ...decoded, format: XGBOOST_JSON_FORMAT, model };
  },
  encode: encodeXgboostJsonFiles,
};
