// Deterministic serialisation: fixed key order, components in Kepler order, numbers in JavaScript's shortest
// round-trip form (so decoding restores every float64 bit for bit). Same model → same bytes.
import { FormatError } from '../types.ts';
import {
  type FlatTree,
  MODELSHELF_JSON_FILE,
  MODELSHELF_JSON_FORMAT,
  MODELSHELF_JSON_SCHEMA_VERSION,
  type ModelshelfModel,
  orderedComponents,
  type XgboostTree,
} from './model.ts';

function nums(values: ArrayLike<number>, where: string): number[] {
  const out = Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new FormatError(
        MODELSHELF_JSON_FORMAT,
        '<encode>',
        `${where}[${i}] is ${out[i]}: only finite numbers can be stored`,
      );
    }
  }
  return out;
}

function tree(t: FlatTree, where: string) {
  return {
    feature: Array.from(t.feature),
    threshold: nums(t.threshold, `${where}.threshold`),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: nums(t.value, `${where}.value`),
  };
}

function xgbTree(t: XgboostTree, where: string) {
  return {
    feature: Array.from(t.feature),
    threshold: nums(t.threshold, `${where}.threshold`),
    left: Array.from(t.left),
    right: Array.from(t.right),
    defaultLeft: Array.from(t.defaultLeft),
    value: nums(t.value, `${where}.value`),
  };
}

function finite(v: number, where: string): number {
  return nums([v], where)[0]!;
}

/** The bytes of `model` as a modelshelf-json file. Throws FormatError on non-finite numbers. */
export function encodeModelshelfJson(model: ModelshelfModel): Uint8Array {
  const names = orderedComponents(Object.keys(model.components));
  const components: Record<string, unknown> = {};
  for (const name of names) {
    const w = `components.${name}`;
    switch (model.kind) {
      case 'linear':
      case 'polynomial': {
        const c = model.components[name]!;
        components[name] = {
          intercept: finite(c.intercept, `${w}.intercept`),
          coef: nums(c.coef, `${w}.coef`),
        };
        break;
      }
      case 'gradient-boosting': {
        const c = model.components[name]!;
        components[name] = {
          init: finite(c.init, `${w}.init`),
          learningRate: finite(c.learningRate, `${w}.learningRate`),
          trees: c.trees.map((t, i) => tree(t, `${w}.trees[${i}]`)),
        };
        break;
      }
      case 'knn':
        components[name] = { targets: nums(model.components[name]!.targets, `${w}.targets`) };
        break;
      case 'svr': {
        const c = model.components[name]!;
        components[name] = {
          kernel: c.kernel,
          gamma: finite(c.gamma, `${w}.gamma`),
          coef0: finite(c.coef0, `${w}.coef0`),
          degree: c.degree,
          intercept: finite(c.intercept, `${w}.intercept`),
          dualCoef: nums(c.dualCoef, `${w}.dualCoef`),
          supportVectors: nums(c.supportVectors, `${w}.supportVectors`),
        };
        break;
      }
      case 'xgboost': {
        const c = model.components[name]!;
        components[name] = {
          baseScore: finite(c.baseScore, `${w}.baseScore`),
          trees: c.trees.map((t, i) => xgbTree(t, `${w}.trees[${i}]`)),
        };
        break;
      }
      case 'dense':
        components[name] = {
          layers: model.components[name]!.layers.map((l, i) => ({
            units: l.units,
            activation: l.activation,
            kernel: nums(l.kernel, `${w}.layers[${i}].kernel`),
            bias: nums(l.bias, `${w}.layers[${i}].bias`),
          })),
        };
        break;
    }
  }
  const doc = {
    format: MODELSHELF_JSON_FORMAT,
    schemaVersion: MODELSHELF_JSON_SCHEMA_VERSION,
    kind: model.kind,
    ...(model.trainer !== undefined ? { trainer: model.trainer } : {}),
    features: [...model.features],
    scale: nums(model.scale, 'scale'),
    ...(model.kind === 'polynomial' ? { terms: model.terms } : {}),
    ...(model.kind === 'knn' ? { k: model.k, points: nums(model.points, 'points') } : {}),
    components,
  };
  return new TextEncoder().encode(JSON.stringify(doc));
}

/** `{ "modelshelf-model.json": bytes }`: the format's files, ready to publish. */
export function encodeModelshelfJsonFiles(model: ModelshelfModel): Record<string, Uint8Array> {
  return { [MODELSHELF_JSON_FILE]: encodeModelshelfJson(model) };
}
