// XGBoost's JSON model (Booster.save_model) → typed trees. Only what prediction for a single-target
// reg:squarederror gbtree needs is read; categorical splits, dart, multi-target and links other than
// identity are refused.

import type { Estimator, XgbTree } from '../model.ts';
import { ArchiveError } from './errors.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const obj = (path: string, v: Json | undefined, what: string): { [k: string]: Json } => {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new ArchiveError(path, `xgboost: ${what} is not an object`);
  return v;
};
const arr = (path: string, v: Json | undefined, what: string): Json[] => {
  if (!Array.isArray(v)) throw new ArchiveError(path, `xgboost: ${what} is not a list`);
  return v;
};
const numeric = (path: string, v: Json | undefined, what: string): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new ArchiveError(path, `xgboost: ${what} is not a number`);
  return n;
};

const IDENTITY_OBJECTIVES = new Set([
  'reg:squarederror',
  'reg:linear',
  'reg:absoluteerror',
  'reg:pseudohubererror',
]);

export function convertXgboost(path: string, bytes: Uint8Array, nFeatures: number): Estimator {
  let doc: Json;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Json;
  } catch (e) {
    throw new ArchiveError(path, `xgboost: not JSON (${(e as Error).message})`);
  }
  const learner = obj(path, obj(path, doc, 'model').learner, 'learner');
  const params = obj(path, learner.learner_model_param, 'learner_model_param');
  if (numeric(path, params.num_class ?? '0', 'num_class') !== 0)
    throw new ArchiveError(path, 'xgboost: classifier');
  if (numeric(path, params.num_target ?? '1', 'num_target') !== 1)
    throw new ArchiveError(path, 'xgboost: multi-target');
  const nf = numeric(path, params.num_feature, 'num_feature');
  if (nf !== nFeatures)
    throw new ArchiveError(path, `xgboost: num_feature ${nf}, archive has ${nFeatures} features`);
  const objective = obj(path, learner.objective, 'objective').name;
  if (typeof objective !== 'string' || !IDENTITY_OBJECTIVES.has(objective)) {
    throw new ArchiveError(path, `xgboost: objective ${String(objective)} is not converted`);
  }
  const booster = obj(path, learner.gradient_booster, 'gradient_booster');
  if (booster.name !== 'gbtree') throw new ArchiveError(path, `xgboost: booster ${String(booster.name)}`);
  const model = obj(path, booster.model, 'gradient_booster.model');
  const trees = arr(path, model.trees, 'trees').map((t, i) =>
    tree(path, obj(path, t, `trees[${i}]`), i, nFeatures),
  );
  const info = arr(path, model.tree_info ?? [], 'tree_info');
  if (info.some((g) => g !== 0)) throw new ArchiveError(path, 'xgboost: more than one output group');
  const baseScore = Math.fround(numeric(path, params.base_score, 'base_score'));
  return { kind: 'xgboost', baseScore, trees };
}

function tree(path: string, t: { [k: string]: Json }, i: number, nFeatures: number): XgbTree {
  const what = `trees[${i}]`;
  const n = numeric(path, obj(path, t.tree_param, `${what}.tree_param`).num_nodes, `${what}.num_nodes`);
  if (!Number.isInteger(n) || n < 1 || n > 1 << 24)
    throw new ArchiveError(path, `xgboost: ${what} has ${n} nodes`);
  const col = (key: string): Json[] => {
    const a = arr(path, t[key], `${what}.${key}`);
    if (a.length !== n)
      throw new ArchiveError(path, `xgboost: ${what}.${key} has ${a.length} entries, not ${n}`);
    return a;
  };
  const ints = (key: string) => Int32Array.from(col(key), (v) => numeric(path, v, `${what}.${key}`));
  const left = ints('left_children');
  const right = ints('right_children');
  const feature = ints('split_indices');
  const condition = Float32Array.from(col('split_conditions'), (v) =>
    numeric(path, v, `${what}.split_conditions`),
  );
  const defaultLeft = Uint8Array.from(col('default_left'), (v) =>
    numeric(path, v, `${what}.default_left`) ? 1 : 0,
  );
  const splitType = t.split_type === undefined ? undefined : col('split_type');
  for (let k = 0; k < n; k++) {
    if (left[k] === -1) continue;
    if (splitType && splitType[k] !== 0)
      throw new ArchiveError(path, `xgboost: ${what} has a categorical split`);
    const l = left[k]!;
    const r = right[k]!;
    // children after parents (XGBoost allocates them so), which also rules out cycles
    if (l <= k || r <= k || l >= n || r >= n)
      throw new ArchiveError(path, `xgboost: ${what} node ${k} has bad children`);
    if (feature[k]! < 0 || feature[k]! >= nFeatures) {
      throw new ArchiveError(path, `xgboost: ${what} node ${k} splits on feature ${feature[k]}`);
    }
  }
  return { left, right, feature, condition, defaultLeft };
}
