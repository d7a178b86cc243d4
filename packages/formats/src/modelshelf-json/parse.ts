// Strict, bounded reading of modelshelf-json bytes: every array length, index and number is checked before
// any prediction code sees it, and each failure names the JSON path, what was found and what to do.
import { FormatError } from '../types.ts';
import {
  type DenseLayerParams,
  type FlatTree,
  MODELSHELF_JSON_FORMAT,
  MODELSHELF_JSON_SCHEMA_VERSION,
  MODELSHELF_KINDS,
  type ModelshelfKind,
  type ModelshelfModel,
  SVR_KERNELS,
  type SvrComponent,
  type SvrKernel,
  type XgboostTree,
} from './model.ts';

/** Limits that keep a hostile or corrupt file from exhausting memory or stack. */
export const MODELSHELF_JSON_LIMITS = {
  maxBytes: 100 * 1024 * 1024,
  maxFeatures: 4096,
  maxComponents: 64,
  maxTrees: 10_000,
  maxTreeNodes: 1 << 20,
  maxTreeDepth: 64,
  maxPolynomialDegree: 4,
  maxTerms: 100_000,
  maxLayers: 32,
  maxUnits: 4096,
  maxSupportVectors: 1 << 20,
  maxSvrDegree: 10,
} as const;

const DENSE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

class Reader {
  constructor(readonly path: string) {}

  fail(where: string, message: string, found?: unknown, hint?: string): never {
    const shown = found === undefined ? '' : ` (found ${show(found)})`;
    throw new FormatError(
      MODELSHELF_JSON_FORMAT,
      this.path,
      `${where}: ${message}${shown}${hint ? `; ${hint}` : ''}`,
    );
  }

  object(v: unknown, where: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(where, 'must be a JSON object', v);
    return v as Record<string, unknown>;
  }

  array(v: unknown, where: string, max: number): unknown[] {
    if (!Array.isArray(v)) this.fail(where, 'must be an array', v);
    if (v.length > max) this.fail(where, `has ${v.length} entries, more than the limit ${max}`);
    return v;
  }

  number(v: unknown, where: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(where, 'must be a finite number', v);
    return v;
  }

  int(v: unknown, where: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(where, `must be an integer in ${min}..${max}`, v);
    }
    return v;
  }

  numbers(v: unknown, where: string, length?: number): Float64Array {
    const a = this.array(v, where, Number.MAX_SAFE_INTEGER);
    if (length !== undefined && a.length !== length)
      this.fail(where, `must have ${length} values, has ${a.length}`);
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = this.number(a[i], `${where}[${i}]`);
    return out;
  }

  ints(v: unknown, where: string, length: number, min: number, max: number): Int32Array {
    const a = this.array(v, where, Number.MAX_SAFE_INTEGER);
    if (a.length !== length) this.fail(where, `must have ${length} values, has ${a.length}`);
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = this.int(a[i], `${where}[${i}]`, min, max);
    return out;
  }
}

function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Parses and validates a modelshelf-json file. Throws FormatError naming the offending path and value. */
export function parseModelshelfJson(bytes: Uint8Array, path = 'modelshelf-model.json'): ModelshelfModel {
  const r: Reader = new Reader(path);
  const L = MODELSHELF_JSON_LIMITS;
  if (bytes.length > L.maxBytes) {
    r.fail(
      'file',
      `is ${bytes.length} bytes, more than the ${L.maxBytes}-byte limit`,
      undefined,
      'a KNN model grows with its training set: train on fewer rows',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    r.fail('file', `is not UTF-8 JSON: ${(err as Error).message}`);
  }
  const root = r.object(json, '$');
  if (root.format !== MODELSHELF_JSON_FORMAT)
    r.fail('$.format', `must be "${MODELSHELF_JSON_FORMAT}"`, root.format);
  if (root.schemaVersion !== MODELSHELF_JSON_SCHEMA_VERSION) {
    const newer =
      typeof root.schemaVersion === 'number' && root.schemaVersion > MODELSHELF_JSON_SCHEMA_VERSION;
    r.fail(
      '$.schemaVersion',
      `must be ${MODELSHELF_JSON_SCHEMA_VERSION}`,
      root.schemaVersion,
      newer ? 'the file was written by a newer modelshelf: upgrade the loader' : undefined,
    );
  }
  const kind = root.kind as ModelshelfKind;
  if (!MODELSHELF_KINDS.includes(kind)) {
    r.fail(
      '$.kind',
      `must be one of ${MODELSHELF_KINDS.join(', ')}`,
      root.kind,
      'a kind this reader does not know may come from a newer modelshelf: upgrade the loader',
    );
  }
  const featureList = r.array(root.features, '$.features', L.maxFeatures);
  if (featureList.length === 0) r.fail('$.features', 'must name at least one feature');
  const features = featureList.map((f, i): string => {
    if (typeof f !== 'string' || f === '') r.fail(`$.features[${i}]`, 'must be a non-empty string', f);
    return f;
  });
  const dup = features.find((f, i) => features.indexOf(f) !== i);
  if (dup !== undefined) r.fail('$.features', 'must be unique', dup);
  const d = features.length;
  const scale = r.numbers(root.scale, '$.scale', d);
  scale.forEach((s, i) => {
    if (s < 0) r.fail(`$.scale[${i}]`, 'must be >= 0 (a max-abs scale)', s);
  });
  const trainer = root.trainer;
  if (trainer !== undefined && typeof trainer !== 'string') r.fail('$.trainer', 'must be a string', trainer);
  const comps = r.object(root.components, '$.components');
  const names = Object.keys(comps);
  if (names.length === 0 || names.length > L.maxComponents) {
    r.fail('$.components', `must hold 1..${L.maxComponents} components`, names.length);
  }
  const each = <T>(read: (c: Record<string, unknown>, where: string) => T): Record<string, T> =>
    Object.fromEntries(
      names.map((n) => [n, read(r.object(comps[n], `$.components.${n}`), `$.components.${n}`)]),
    );
  const base = { features, scale, ...(trainer !== undefined ? { trainer } : {}) };

  switch (kind) {
    case 'linear':
      return {
        ...base,
        kind,
        components: each((c, w) => ({
          intercept: r.number(c.intercept, `${w}.intercept`),
          coef: r.numbers(c.coef, `${w}.coef`, d),
        })),
      };
    case 'polynomial': {
      const terms = r.array(root.terms, '$.terms', L.maxTerms).map((t, i) => {
        const term = r.array(t, `$.terms[${i}]`, L.maxPolynomialDegree);
        if (term.length === 0) r.fail(`$.terms[${i}]`, 'must list at least one feature index');
        return term.map((f, j) => r.int(f, `$.terms[${i}][${j}]`, 0, d - 1));
      });
      return {
        ...base,
        kind,
        terms,
        components: each((c, w) => ({
          intercept: r.number(c.intercept, `${w}.intercept`),
          coef: r.numbers(c.coef, `${w}.coef`, terms.length),
        })),
      };
    }
    case 'gradient-boosting':
      return {
        ...base,
        kind,
        components: each((c, w) => ({
          init: r.number(c.init, `${w}.init`),
          learningRate: r.number(c.learningRate, `${w}.learningRate`),
          trees: r
            .array(c.trees, `${w}.trees`, L.maxTrees)
            .map((t, i) => readTree(r, t, `${w}.trees[${i}]`, d)),
        })),
      };
    case 'knn': {
      const n = Array.isArray(root.points) ? root.points.length / d : 0;
      if (!Number.isInteger(n) || n < 1) {
        r.fail('$.points', `must hold rows × ${d} features values (at least one row)`, root.points);
      }
      const points = r.numbers(root.points, '$.points', n * d);
      const k = r.int(root.k, '$.k', 1, n);
      return {
        ...base,
        kind,
        k,
        points,
        components: each((c, w) => ({ targets: r.numbers(c.targets, `${w}.targets`, n) })),
      };
    }
    case 'dense':
      return {
        ...base,
        kind,
        components: each((c, w) => ({ layers: readLayers(r, c.layers, `${w}.layers`, d) })),
      };
    case 'svr':
      return { ...base, kind, components: each((c, w) => readSvr(r, c, w, d)) };
    case 'xgboost':
      return {
        ...base,
        kind,
        components: each((c, w) => ({
          baseScore: r.number(c.baseScore, `${w}.baseScore`),
          trees: r
            .array(c.trees, `${w}.trees`, L.maxTrees)
            .map((t, i) => readXgboostTree(r, t, `${w}.trees[${i}]`, d)),
        })),
      };
  }
}

function readSvr(r: Reader, c: Record<string, unknown>, w: string, d: number): SvrComponent {
  const L = MODELSHELF_JSON_LIMITS;
  const kernel = c.kernel as SvrKernel;
  if (!SVR_KERNELS.includes(kernel))
    r.fail(`${w}.kernel`, `must be one of ${SVR_KERNELS.join(', ')}`, c.kernel);
  const gamma = r.number(c.gamma, `${w}.gamma`);
  if (gamma < 0) r.fail(`${w}.gamma`, 'must be >= 0', gamma);
  const dual = r.array(c.dualCoef, `${w}.dualCoef`, L.maxSupportVectors);
  const dualCoef = r.numbers(dual, `${w}.dualCoef`);
  return {
    kernel,
    gamma,
    coef0: r.number(c.coef0, `${w}.coef0`),
    degree: r.int(c.degree, `${w}.degree`, 0, L.maxSvrDegree),
    intercept: r.number(c.intercept, `${w}.intercept`),
    dualCoef,
    supportVectors: r.numbers(c.supportVectors, `${w}.supportVectors`, dualCoef.length * d),
  };
}

function readXgboostTree(r: Reader, t: unknown, where: string, d: number): XgboostTree {
  const o = r.object(t, where);
  const tree = readTree(r, o, where, d);
  const defaultLeft = r.ints(o.defaultLeft, `${where}.defaultLeft`, tree.feature.length, 0, 1);
  return { ...tree, defaultLeft: Uint8Array.from(defaultLeft) };
}

function readTree(r: Reader, t: unknown, where: string, d: number): FlatTree {
  const o = r.object(t, where);
  const n = Array.isArray(o.feature) ? o.feature.length : 0;
  if (n < 1 || n > MODELSHELF_JSON_LIMITS.maxTreeNodes) {
    r.fail(`${where}.feature`, `must hold 1..${MODELSHELF_JSON_LIMITS.maxTreeNodes} nodes`, o.feature);
  }
  const tree: FlatTree = {
    feature: r.ints(o.feature, `${where}.feature`, n, -1, d - 1),
    threshold: r.numbers(o.threshold, `${where}.threshold`, n),
    left: r.ints(o.left, `${where}.left`, n, -1, n - 1),
    right: r.ints(o.right, `${where}.right`, n, -1, n - 1),
    value: r.numbers(o.value, `${where}.value`, n),
  };
  // Children must point forward (so there is no cycle) and every node must have exactly one parent.
  const depth = new Int32Array(n);
  const parents = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const leaf = tree.feature[i]! < 0;
    const kids = [tree.left[i]!, tree.right[i]!];
    if (leaf) {
      if (kids[0] !== -1 || kids[1] !== -1)
        r.fail(`${where} node ${i}`, 'a leaf (feature -1) must have children -1', kids);
      continue;
    }
    for (const kid of kids) {
      if (kid <= i) r.fail(`${where} node ${i}`, 'children must have larger indices than their parent', kids);
      if (parents[kid] !== 0) r.fail(`${where} node ${kid}`, 'has more than one parent');
      parents[kid] = 1;
      depth[kid] = depth[i]! + 1;
      if (depth[kid]! > MODELSHELF_JSON_LIMITS.maxTreeDepth) {
        r.fail(where, `is deeper than the limit ${MODELSHELF_JSON_LIMITS.maxTreeDepth}`);
      }
    }
  }
  for (let i = 1; i < n; i++)
    if (parents[i] === 0) r.fail(`${where} node ${i}`, 'is not reachable from the root');
  return tree;
}

function readLayers(r: Reader, v: unknown, where: string, d: number): DenseLayerParams[] {
  const list = r.array(v, where, MODELSHELF_JSON_LIMITS.maxLayers);
  if (list.length === 0) r.fail(where, 'must hold at least one layer');
  let inputs = d;
  const layers = list.map((l, i) => {
    const w = `${where}[${i}]`;
    const o = r.object(l, w);
    const units = r.int(o.units, `${w}.units`, 1, MODELSHELF_JSON_LIMITS.maxUnits);
    const activation = o.activation as DenseLayerParams['activation'];
    if (!DENSE_ACTIVATIONS.includes(activation)) {
      r.fail(`${w}.activation`, `must be one of ${DENSE_ACTIVATIONS.join(', ')}`, o.activation);
    }
    const layer = {
      units,
      activation,
      kernel: r.numbers(o.kernel, `${w}.kernel`, inputs * units),
      bias: r.numbers(o.bias, `${w}.bias`, units),
    };
    inputs = units;
    return layer;
  });
  if (inputs !== 1) r.fail(where, `last layer must have 1 unit (one output per component), has ${inputs}`);
  return layers;
}
