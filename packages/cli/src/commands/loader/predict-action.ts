// The action of `modelshelf predict` (descriptor: predict.ts), loaded only when the command runs.

import type { DecodedModel, KeplerRowInput, KeplerSemantics } from '@modelshelf/formats';
import type { Served } from '@modelshelf/loader';
import { InvalidArgumentError } from '@modelshelf/registry';
import type { Command } from 'commander';
import { openStoreFromOptions, outputFor } from '../../kit/index.ts';
import { trustPolicyFromOptions } from '../registry/trust-options.ts';
import type { PredictOptions } from './predict.ts';
import { parsePredictInput, readPredictInput } from './predict-input.ts';

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

export async function predictAction(ref: string, opts: PredictOptions, cmd: Command): Promise<void> {
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
      out.streams.stderr.write(`note: ignoring features the model does not use: ${ignored.join(', ')}\n`);
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
    out.note(`${served.model}@${served.version} (${result.format}${result.idle ? ', idle' : ''}), watts:`);
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
}
