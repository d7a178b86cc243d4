// `modelshelf predict <ref> --input FILE|- [--idle]`: loads a version the way an estimator does
// (resolve, fetch, verify every digest, decode) and prints the power it predicts for each input row.

import type { DecodedModel, KeplerRowInput } from '@modelshelf/formats';
import type { Served } from '@modelshelf/loader';
import { InvalidArgumentError } from '@modelshelf/registry';
import type { Command } from 'commander';
import { openStoreFromOptions, outputFor, runAction } from '../../kit/index.ts';
import {
  addTrustOptions,
  type TrustCommandOptions,
  trustPolicyFromOptions,
} from '../registry/trust-options.ts';
import { parsePredictInput, readPredictInput } from './predict-input.ts';

interface PredictOptions extends TrustCommandOptions {
  input?: string;
  idle?: boolean;
}

/** What `--json` prints; documented in --help and kept stable for scripts. */
export interface PredictOutput {
  model: string;
  version: number;
  /** "sha256:<hex>" of the manifest that was verified and used. */
  digest: string;
  format: string;
  idle: boolean;
  /** One object per input row: output (component) name → watts, as floats before Kepler's integer mW. */
  predictions: Record<string, number>[];
}

/** Per-row watts from any decoded model; Kepler models get system values, cores and idle power. */
export async function predictWatts(
  model: DecodedModel,
  rows: readonly KeplerRowInput[],
  idle: boolean,
): Promise<Record<string, number>[]> {
  const { KeplerInputError, KeplerPowerModel } = await import('@modelshelf/formats');
  if (model instanceof KeplerPowerModel) {
    try {
      return model.predictRows(rows, { idle });
    } catch (err) {
      if (err instanceof KeplerInputError)
        throw new InvalidArgumentError(err.message, 'a feature left out counts as 0, as in Kepler');
      throw err;
    }
  }
  if (idle) {
    throw new InvalidArgumentError(
      `--idle needs a Kepler weight model; this version decodes as ${model.format}`,
      'drop --idle and give the idle feature values in --input',
    );
  }
  const nf = model.features.length;
  const input = new Float64Array(rows.length * nf);
  rows.forEach((row, r) => {
    for (const [name, value] of Object.entries(row.features)) {
      const j = model.features.indexOf(name);
      if (j < 0) throw new InvalidArgumentError(`row ${r}: unknown feature "${name}"`, featuresHint(model));
      input[r * nf + j] = value;
    }
  });
  const out = model.predict(input, rows.length);
  const nOut = model.outputs.length;
  return rows.map((_, r) => Object.fromEntries(model.outputs.map((name, c) => [name, out[r * nOut + c]!])));
}

function featuresHint(model: DecodedModel): string {
  return `this model's features are ${model.features.join(', ') || '(none)'}; a feature left out counts as 0`;
}

const formatWatts = (w: number) => (Number.isFinite(w) ? w.toFixed(3) : String(w));

export function registerPredict(program: Command): void {
  const command = program
    .command('predict')
    .description(
      'predict power (watts per component) with a stored model, verified like an estimator loads it',
    )
    .argument('<ref>', 'model, model@<version> or model@<alias>')
    .option('-i, --input <file|->', 'JSON rows to predict, from a file or - for standard input')
    .option(
      '--idle',
      "Kepler models: idle power (every feature 0, times the row's core ratio); --input optional",
    );
  addTrustOptions(command)
    .addHelpText(
      'after',
      `
Input: one object or an array of objects
  {"features": {"<name>": number}, "system"?: {"<name>": "<value>"}, "cores"?: number}
  A feature left out counts as 0 (as in Kepler); "system" selects categorical weights; "cores" (of this
  node) scales idle power by min(cores / training machine cores, 1).

Output: a table of watts per row and component; with --json one object:
  {"model": "<name>", "version": <n>, "digest": "sha256:…", "format": "kepler-weights", "idle": false,
   "predictions": [{"package": 174.33, "core": 174.33, "uncore": 0, "dram": 19.46}]}
  Watts are floats before Kepler's conversion to integer milliwatts; package/core are filled in as Kepler does.

Examples:
  $ echo '{"features": {"bpf_cpu_time_ms": 9587.7}}' | modelshelf predict rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0 --input -
  $ modelshelf predict rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0@1 --idle --json`,
    )
    .action(
      runAction(async (ref: string, opts: PredictOptions, cmd: Command) => {
        const out = outputFor(cmd);
        if (opts.input === undefined && !opts.idle) {
          throw new InvalidArgumentError(
            '--input is required',
            'pass --input FILE, or --input - to read standard input',
          );
        }
        const rows: KeplerRowInput[] =
          opts.input === undefined
            ? [{ features: {} }]
            : parsePredictInput(await readPredictInput(opts.input), opts.input);
        const store = await openStoreFromOptions(cmd);
        let served: Served<DecodedModel>;
        try {
          const { loadModel } = await import('@modelshelf/loader');
          served = await loadModel<DecodedModel>({ store, ref, trust: trustPolicyFromOptions(opts) });
        } finally {
          await store.close();
        }
        try {
          const predictions = await predictWatts(served.value, rows, opts.idle === true);
          const result: PredictOutput = {
            model: served.model,
            version: served.version,
            digest: served.digest,
            format: served.value.format,
            idle: opts.idle === true,
            predictions,
          };
          if (out.json) return out.printJson(result);
          out.note(
            `${served.model}@${served.version} (${result.format}${result.idle ? ', idle' : ''}), watts:`,
          );
          const outputs = served.value.outputs;
          out.table(
            [
              { header: 'ROW', align: 'right' },
              ...outputs.map((o) => ({ header: o.toUpperCase(), align: 'right' as const })),
            ],
            predictions.map((p, r) => [String(r), ...outputs.map((o) => formatWatts(p[o]!))]),
          );
        } finally {
          served.value.dispose?.();
        }
      }),
    );
}
