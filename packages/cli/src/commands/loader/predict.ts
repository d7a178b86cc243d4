// `modelshelf predict <ref> --input FILE|- [--idle]`: loads a version the way an estimator does
// (resolve, fetch, verify every digest, decode) and prints the power it predicts for each input row.
// The action is in predict-action.ts, loaded only when the command runs.

import type { KeplerMeanVarianceRule, KeplerSemantics } from '@modelshelf/formats';
import { type Command, Option } from 'commander';
import { lazyAction } from '../../kit/run.ts';
import { addTrustOptions, type TrustCommandOptions } from '../registry/trust-options.ts';

export interface PredictOptions extends TrustCommandOptions {
  input?: string;
  idle?: boolean;
  semantics: KeplerSemantics;
  meanVariance?: KeplerMeanVarianceRule;
}

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
    .action(lazyAction(async () => (await import('./predict-action.ts')).predictAction));
}
