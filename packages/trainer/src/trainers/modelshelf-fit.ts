// Fitted models stored as modelshelf-json. A fit is a one-component ModelshelfModel and predicts through the
// loader's own compiled predictor, so decoding the exported file reproduces the trainer's predictions bit for bit.
import {
  compileModel,
  encodeModelshelfJson,
  MODELSHELF_JSON_FILE,
  MODELSHELF_JSON_FORMAT,
  type ModelshelfModel,
  type ModelshelfPredictor,
} from '@modelshelf/formats';
import type { ExportedModel, FitOptions, FittedComponent, Matrix } from './types.ts';

/** A model description with its one component given directly (distributes over the kinds). */
export type SingleComponentModel<M = ModelshelfModel> = M extends ModelshelfModel
  ? Omit<M, 'components'> & { component: M['components'][string] }
  : never;

/** Key of the single component inside a fit's model (replaced by real component names on export). */
const SELF = 'power';

export class ModelshelfFit implements FittedComponent {
  private compiled: ModelshelfPredictor | undefined;

  /** `model` must hold exactly one component, under any name. */
  constructor(readonly model: ModelshelfModel) {}

  static of(model: SingleComponentModel): ModelshelfFit {
    const { component, ...rest } = model;
    return new ModelshelfFit({ ...rest, components: { [SELF]: component } } as ModelshelfModel);
  }

  /** The fitted parameters of the single component. */
  get component(): ModelshelfModel['components'][string] {
    return Object.values(this.model.components)[0]!;
  }

  predict(x: Matrix): Float64Array {
    if (x.cols !== this.model.features.length) {
      throw new RangeError(
        `matrix has ${x.cols} columns but the model uses ${this.model.features.length} features`,
      );
    }
    this.compiled ??= compileModel(this.model);
    return this.compiled.predict(x.data, x.rows);
  }
}

/** Everything but the components must agree (same features, scale, terms, reference points) to share one file. */
function sharedPart(model: ModelshelfModel): string {
  const { components: _c, points, ...rest } = model as ModelshelfModel & { points?: Float64Array };
  return (
    JSON.stringify(rest, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)) +
    (points ? hashPoints(points) : '')
  );
}

function hashPoints(points: Float64Array): string {
  let h = 0x811c9dc5;
  const bytes = new Uint8Array(points.buffer, points.byteOffset, points.byteLength);
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `|${points.length}:${h >>> 0}`;
}

export function mergeModelshelfFits(
  trainer: string,
  components: Record<string, FittedComponent>,
): ModelshelfModel {
  const names = Object.keys(components);
  if (names.length === 0) throw new RangeError(`${trainer}.export: no components to export`);
  let first: ModelshelfModel | undefined;
  let shared = '';
  const merged: Record<string, unknown> = {};
  for (const name of names) {
    const fit = components[name];
    if (!(fit instanceof ModelshelfFit)) {
      throw new TypeError(
        `${trainer}.export: component "${name}" was not fitted by ${trainer}; export each trainer's own fits`,
      );
    }
    if (first === undefined) {
      first = fit.model;
      shared = sharedPart(first);
    } else if (sharedPart(fit.model) !== shared) {
      throw new RangeError(
        `${trainer}.export: component "${name}" was fitted on different inputs (features, scale or rows) than "${names[0]}"; fit all components on the same matrix`,
      );
    }
    merged[name] = fit.component;
  }
  return { ...first!, trainer, components: merged } as ModelshelfModel;
}

export function exportModelshelfJson(
  trainer: string,
  components: Record<string, FittedComponent>,
  options: FitOptions,
): ExportedModel {
  const model = mergeModelshelfFits(trainer, components);
  if (model.features.join('\u0000') !== options.features.join('\u0000')) {
    throw new RangeError(
      `${trainer}.export: components were fitted on [${model.features.join(', ')}] but options.features is [${options.features.join(', ')}]`,
    );
  }
  return {
    files: [{ path: MODELSHELF_JSON_FILE, data: encodeModelshelfJson(model) }],
    formats: [{ name: MODELSHELF_JSON_FORMAT, files: [MODELSHELF_JSON_FILE] }],
    modelClass: 'scikit',
  };
}
