// `modelshelf predict <ref> --input FILE|- [--idle]`: loads a version the way an estimator does
// (resolve, fetch, verify every digest, decode) and prints the power it predicts for each input row.

import type {
  DecodedModel,
  KeplerMeanVarianceRule,
  KeplerRowInput,
  KeplerSemantics,
} from '@modelshelf/formats';
import type { Served } from '@modelshelf/loader';
import { InvalidArgumentError } from '@modelshelf/registry';
import { type Command, Option } from 'commander';
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
  semantics: KeplerSemantics;
  meanVariance?: KeplerMeanVarianceRule;
}

/** What `--json` prints; documented in --help and kept stable for scripts. */
export interface PredictOutput {
  model: string;
  version: number;
  /** "sha256:<hex>" of the manifest that was verified and used. */
  digest: string;
  format: string;
  idle: boolean;
  semantics: KeplerSemantics;
  /** One object per input row: output (component) name → watts, as floats before Kepler's integer mW. */
  predictions: Record<string, number>[];
  /** sidecar: the core_ratio the estimator reports for each row's "cores" (Kepler scales idle power by it). */
  core_ratio?: number[];
  /** kepler-go: Kepler's uint64 milliwatts per row and component, decimal strings (negatives wrap). */
  milliwatts?: Record<string, string>[];
}

/** Rows through @modelshelf/loader's predictRows (loaded only when a prediction is made). */
async function predict(model: DecodedModel, rows: KeplerRowInput[], opts: PredictOptions) {
  const [{ predictRows }, { KeplerInputError }] = await Promise.all([
    import('@modelshelf/loader'),
    import('@modelshelf/formats'),
  ]);
  try {
    return predictRows(model, rows, {
      idle: opts.idle === true,
      semantics: opts.semantics,
      meanVariance: opts.meanVariance,
    });
  } catch (err) {
    if (err instanceof KeplerInputError) throw new InvalidArgumentError(err.message, 'give numbers');
    throw err;
  }
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
      'Kepler models: idle power (every feature 0; kepler-go milliwatts × the row core ratio); --input optional',
    )
    .addOption(
      // The names of @modelshelf/formats KEPLER_SEMANTICS, spelled here so registering imports nothing.
      new Option('--semantics <name>', 'whose arithmetic: the estimator socket (sidecar) or Kepler Go')
        .choices(['sidecar', 'kepler-go'])
        .default('sidecar'),
    )
    .addOption(
      new Option(
        '--mean-variance <rule>',
        'oldest weight files (mean/variance, no scale): standard-scaler (Kepler 0.5.5) or ignore (Kepler ≥ 0.7: bias only)',
      ).choices(['standard-scaler', 'ignore']),
    );
  addTrustOptions(command)
    .addHelpText(
      'after',
      `
Input: one object or an array of objects
  {"features": {"<name>": number}, "system"?: {"<name>": "<value>"}, "cores"?: number}
  A feature left out counts as 0 and one the model does not use is ignored (said once on stderr), as in
  Kepler; "system" selects categorical weights; "cores" (of this node) gives the core ratio
  cores / training machine cores (machine_spec.cores of the model; 1 when the model has none).

Semantics (--semantics, default sidecar; docs/kepler-compatibility.md):
  sidecar    the watts the estimator socket answers (docs/estimator-protocol.md), as kepler-model-server's
             estimator: negatives clamped to 0, no package/core fill-in, idle not scaled (core_ratio is
             reported instead), curve fits on the feature group's main feature; oldest weight files
             read with a standard scaler (--mean-variance standard-scaler).
  kepler-go  Kepler's Go regressor: watts unclamped, curve fits on the first feature the row names; and
             "milliwatts" as Kepler stores them: uint64(W × 1000 × core ratio for idle), negative watts
             wrapping as on amd64, then core/package filled in; oldest weight files read as Kepler ≥ 0.7
             (--mean-variance ignore).

Output: a table of watts per row and component; with --json one object:
  {"model": "<name>", "version": <n>, "digest": "sha256:…", "format": "kepler-weights", "idle": false,
   "semantics": "sidecar", "predictions": [{"package": 174.33, "core": 0, "uncore": 0, "dram": 19.46}],
   "core_ratio": [1]}            (kepler-go: "milliwatts": [{"package": "174326", …}] instead of core_ratio)

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
          const { predictions, coreRatios, milliwatts, ignored } = await predict(served.value, rows, opts);
          // Said on stderr even with --json (stdout stays the document), silenced by --quiet only.
          if (ignored.length > 0 && !out.quiet)
            out.streams.stderr.write(
              `note: ignoring features the model does not use: ${ignored.join(', ')}\n`,
            );
          const result: PredictOutput = {
            model: served.model,
            version: served.version,
            digest: served.digest,
            format: served.value.format,
            idle: opts.idle === true,
            semantics: opts.semantics,
            predictions,
            ...(coreRatios && { core_ratio: coreRatios }),
            ...(milliwatts && { milliwatts }),
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
