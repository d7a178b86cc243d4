// train(): data → extraction → pipeline activation → per pipeline and trainer: holdout split,
// fit per component, evaluate, export → trained models with Kepler-compatible metadata.
// Deterministic: the same data, options and seed give identical artifact bytes and metadata.
import { bestPerGroup } from '../evaluate/best.ts';
import { holdoutSplit, takeRows, takeValues } from '../evaluate/holdout.ts';
import { type HoldoutRecord, holdoutRecord } from '../evaluate/holdout-record.ts';
import { meanAbsoluteError, meanAbsolutePercentageError, round2 } from '../evaluate/metrics.ts';
import type { TrainingSet } from '../extract/select.ts';
import { type ActivePipeline, activatePipelines, type SkippedPipeline } from '../features/activation.ts';
import type { OutputType } from '../features/groups.ts';
import type { ExportedModel, FittedComponent, Trainer } from '../trainers/types.ts';
import { trainingDataHash } from './hash.ts';
import { keplerModelName, modelPath } from './model-name.ts';
import { type ResolvedOptions, resolveOptions, type TrainOptions } from './options.ts';
import { assignedTo, type Shard } from './shard.ts';
import { type LoadedData, loadSource } from './source.ts';

export interface ComponentScore {
  mae: number;
  mape: number;
}

export interface TrainedModel {
  /** Store model name: [<pipeline>/]<energy_source>/<output_type>/<feature_group>/<trainer>_<node_type>. */
  name: string;
  energySource: string;
  outputType: OutputType;
  featureGroup: string;
  trainer: string;
  features: readonly string[];
  /** Worst component's errors (not Kepler's "last component" mape). */
  mae: number;
  mape: number;
  components: Record<string, ComponentScore>;
  rows: { train: number; test: number };
  /** The held-out rows with measured and predicted watts (published as holdout.json). */
  holdout: HoldoutRecord;
  exported: ExportedModel;
  metadata: Record<string, unknown>;
  /** The fitted model of each component, on raw feature rows in `features` order (in-process evaluation). */
  fitted: Record<string, FittedComponent>;
}

export interface TrainerFailure {
  outputType: OutputType;
  featureGroup: string;
  trainer: string;
  message: string;
}

export interface TrainResult {
  energySource: string;
  origin: string;
  /** Rows and feature columns of the extracted table. */
  extracted: { rows: number; features: string[]; components: string[] };
  notes: string[];
  models: TrainedModel[];
  skipped: SkippedPipeline[];
  failures: TrainerFailure[];
  /** "<outputType>/<featureGroup>" → name of the model with the lowest mae. */
  best: Record<string, string>;
  /** With a shard: which of the run's model names this shard trained, out of how many. */
  shard?: Shard & { assigned: string[]; total: number };
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const opts = resolveOptions(options);
  const data = await loadSource(opts.source, opts.energySource);
  return trainLoaded(data, opts);
}

/** train() on data already loaded (the watch loop reloads data itself). */
export async function trainLoaded(data: LoadedData, opts: ResolvedOptions): Promise<TrainResult> {
  const { table } = data;
  const activation = activatePipelines(table, {
    energySource: data.energySource,
    featureGroups: opts.featureGroups,
    outputTypes: opts.outputTypes,
  });
  const models: TrainedModel[] = [];
  const failures: TrainerFailure[] = [];
  const nameOf = (pipeline: ActivePipeline, trainer: Trainer) =>
    modelPath({
      ...pipeline,
      trainer: trainer.name,
      nodeType: opts.nodeType,
      pipelineName: opts.pipelineName,
    });
  const allNames = activation.active.flatMap((p) => opts.trainers.map((t) => nameOf(p, t)));
  const mine = assignedTo(allNames, opts.shard);
  for (const pipeline of activation.active) {
    for (const trainer of opts.trainers) {
      if (!mine.has(nameOf(pipeline, trainer))) continue;
      // Let a signal (Ctrl-C) be delivered between models, and stop there when it came.
      await new Promise((resolve) => setImmediate(resolve));
      opts.signal?.throwIfAborted();
      try {
        models.push(await trainOne(pipeline, trainer, data, opts));
      } catch (err) {
        failures.push({
          outputType: pipeline.outputType,
          featureGroup: pipeline.featureGroup,
          trainer: trainer.name,
          message: (err as Error).message,
        });
      }
    }
  }
  const best = Object.fromEntries([...bestPerGroup(models)].map(([k, m]) => [k, m.name]));
  const constant = new Set(
    activation.active
      .filter((p) => p.constantFeatures.length > 0)
      .map((p) => `${p.featureGroup}: ${p.constantFeatures.join(', ')} constant over the training rows`),
  );
  return {
    energySource: data.energySource,
    origin: data.origin,
    extracted: {
      rows: table.timestamps.length,
      features: table.featureNames,
      components: Object.keys(table.targets),
    },
    notes: [...data.notes, ...constant],
    models,
    skipped: activation.skipped,
    failures,
    best,
    ...(opts.shard
      ? { shard: { ...opts.shard, assigned: [...mine].sort(), total: new Set(allNames).size } }
      : {}),
  };
}

async function trainOne(
  pipeline: ActivePipeline,
  trainer: Trainer,
  data: LoadedData,
  opts: ResolvedOptions,
): Promise<TrainedModel> {
  const set = pipeline.data;
  const split = holdoutSplit(set.x.rows, opts.seed);
  const xTrain = takeRows(set.x, split.train);
  const xTest = takeRows(set.x, split.test);
  const fitOptions = { seed: opts.seed, features: set.features };
  const fitted: Record<string, FittedComponent> = {};
  const components: Record<string, ComponentScore> = {};
  const heldOut: Record<string, { measured: Float64Array; predicted: ArrayLike<number> }> = {};
  for (const [component, y] of Object.entries(set.y)) {
    const model = await trainer.fit(xTrain, takeValues(y, split.train), { ...fitOptions, component });
    const yTest = takeValues(y, split.test);
    const predicted = model.predict(xTest);
    fitted[component] = model;
    heldOut[component] = { measured: yTest, predicted };
    components[component] = {
      mae: round2(meanAbsoluteError(yTest, predicted)),
      mape: round2(meanAbsolutePercentageError(yTest, predicted)),
    };
  }
  const scores = Object.values(components);
  const mae = Math.max(...scores.map((s) => s.mae));
  const mape = Math.max(...scores.map((s) => s.mape));
  const exported = await trainer.export(fitted, fitOptions);
  const name = modelPath({
    ...pipeline,
    trainer: trainer.name,
    nodeType: opts.nodeType,
    pipelineName: opts.pipelineName,
  });
  return {
    name,
    energySource: pipeline.energySource,
    outputType: pipeline.outputType,
    featureGroup: pipeline.featureGroup,
    trainer: trainer.name,
    features: set.features,
    mae,
    mape,
    components,
    rows: { train: split.train.length, test: split.test.length },
    holdout: holdoutRecord(opts.seed, takeValues(set.timestamps, split.test), heldOut),
    exported,
    metadata: keplerMetadata({ pipeline, trainer, exported, components, mae, mape, set, data, opts }),
    fitted,
  };
}

interface MetadataInput {
  pipeline: ActivePipeline;
  trainer: Trainer;
  exported: ExportedModel;
  components: Record<string, ComponentScore>;
  mae: number;
  mape: number;
  set: TrainingSet;
  data: LoadedData;
  opts: ResolvedOptions;
}

/** Kepler's metadata.json fields first, then what a registry version adds (provenance). */
function keplerMetadata(m: MetadataInput): Record<string, unknown> {
  const perComponent: Record<string, number> = {};
  for (const [c, s] of Object.entries(m.components)) {
    perComponent[`${c}_mae`] = s.mae;
    perComponent[`${c}_mape`] = s.mape;
  }
  const first = m.set.timestamps[0]!;
  const last = m.set.timestamps[m.set.timestamps.length - 1]!;
  return {
    model_name: keplerModelName(m.trainer.name, m.opts.nodeType),
    model_class: m.exported.modelClass,
    model_file: m.exported.formats[0]?.files[0] ?? m.exported.files[0]?.path,
    features: [...m.set.features],
    fe_files: [],
    output_type: m.pipeline.outputType,
    mae: m.mae,
    mape: m.mape,
    ...perComponent,
    trainer: m.trainer.name,
    node_type: m.opts.nodeType,
    ...(m.opts.machineSpec ? { machine_spec: m.opts.machineSpec } : {}),
    energy_source: m.pipeline.energySource,
    feature_group: m.pipeline.featureGroup,
    ...(m.opts.pipelineName ? { pipeline: m.opts.pipelineName } : {}),
    hyper_parameters: m.trainer.hyperParameters,
    seed: m.opts.seed,
    training_data: {
      origin: m.data.origin,
      start: new Date(first * 1000).toISOString(),
      end: new Date(last * 1000).toISOString(),
      start_unix: first,
      end_unix: last,
      rows: m.set.x.rows,
      sha256: trainingDataHash(m.set),
    },
  };
}
