// `modelshelf estimator --socket PATH`: the estimator service (Kepler's sidecar protocol on a Unix
// socket, docs/estimator-protocol.md). Prints one line per event on stdout until SIGTERM or SIGINT,
// then stops accepting, finishes requests in progress, removes the socket and exits 0:
//   {"event":"listening","socket":"/tmp/estimator.sock","metrics":"http://127.0.0.1:8101/metrics",…}
//   {"event":"serving","route":"rapl-sysfs/AbsPower","model":"…","version":3,"digest":"sha256:…","via":"latest",…}
//   {"event":"stopped",…}
// The action is in estimator-action.ts, loaded only when the command runs.

import { type Command, Option, InvalidArgumentError as OptionValueError } from 'commander';
import { pollJitterOption } from '../../kit/options.ts';
import { collect, parseDuration } from '../../kit/parse.ts';
import { lazyAction } from '../../kit/run.ts';
import { addTrustOptions, type TrustCommandOptions } from '../registry/trust-options.ts';

export interface EstimatorCommandOptions extends TrustCommandOptions {
  socket: string;
  model: string[];
  best?: boolean;
  features?: string;
  nodeType?: number;
  pipeline?: string;
  reselectInterval: number;
  metricsPort: number;
  metricsHost: string;
  metrics: boolean;
  pollInterval: number;
  pollJitter: number;
  poll?: boolean;
  cacheDir?: string;
  cores?: number;
  logLevel: string;
}

export const DEFAULT_SOCKET = '/tmp/estimator.sock';
export const DEFAULT_METRICS_PORT = 8101;

const port = (value: string): number => {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n > 65535)
    throw new OptionValueError(`expected a port 0-65535, got ${value}`);
  return n;
};
const nonNegativeInt = (value: string): number => {
  if (!/^[0-9]+$/.test(value)) throw new OptionValueError(`expected a whole number, got ${value}`);
  return Number(value);
};

export function registerEstimator(program: Command): void {
  const cmd = program
    .command('estimator')
    .description(
      "serve power estimates on a Unix socket with Kepler's estimator-sidecar protocol, hot-swapping models from the store",
    )
    .addOption(new Option('--socket <path>', 'Unix socket to listen on').default(DEFAULT_SOCKET))
    .addOption(
      new Option(
        '--model <source/output=ref>',
        'serve this model for an energy source and output type, e.g. rapl-sysfs/AbsPower=<model>[@version|@alias] (repeatable)',
      )
        .default([])
        .argParser(collect),
    )
    .option(
      '--best',
      "Kepler's best-model selection (lowest mae among usable models) for pairs without --model (default when no --model is given)",
    )
    .option('--no-best', 'answer only the pairs given with --model')
    .option(
      '--features <list>',
      "comma-separated features this node can supply, for best-model selection (default: each request's metrics)",
    )
    .addOption(new Option('--node-type <n>', "Kepler's node type index to match").argParser(nonNegativeInt))
    .option('--pipeline <name>', 'leading path segment of the models, e.g. ec2-0.7.11')
    .addOption(
      new Option('--reselect-interval <duration>', 'how often best-model choices are re-evaluated')
        .default(300_000, '5m')
        .argParser(parseDuration),
    )
    .addOption(
      new Option('--metrics-port <port>', 'port of the Prometheus /metrics endpoint (0: any free port)')
        .default(DEFAULT_METRICS_PORT)
        .argParser(port),
    )
    .addOption(new Option('--metrics-host <host>', 'address the metrics endpoint binds').default('127.0.0.1'))
    .option('--no-metrics', 'no metrics endpoint')
    .addOption(
      new Option('--poll-interval <duration>', 'time between checks of each model head')
        .default(5000, '5s')
        .argParser(parseDuration),
    )
    .addOption(pollJitterOption())
    .option('--poll', 'poll only, never native filesystem events')
    .option('--cache-dir <dir>', 'keep verified files and the last good versions here (offline boot)')
    .addOption(
      new Option('--cores <n>', 'cores of this node, for core_ratio (default: the CPUs Node sees)').argParser(
        nonNegativeInt,
      ),
    )
    .addOption(
      new Option('--log-level <level>', 'stderr log level')
        .choices(['debug', 'info', 'warn', 'error', 'silent'])
        .default('warn'),
    )
    .addHelpText(
      'after',
      `
Answers (docs/estimator-protocol.md) with the semantics of kepler-model-server's estimator: negative watts
as 0, no package/core fill-in, curve fits on the feature group's main feature, core_ratio from the model's
own machine_spec (else 1). \`modelshelf predict\` gives the same watts by default (--semantics sidecar);
--semantics kepler-go there shows Kepler's own Go arithmetic (docs/kepler-compatibility.md).

Beside Kepler on every node, start it with NODE_OPTIONS="--max-semi-space-size=1 --v8-pool-size=1", as
the estimator image does: about 3.5 MiB less resident memory, and plenty for a few requests a second
(docs/benchmarks.md, "Estimator memory").`,
    );
  addTrustOptions(cmd).action(
    lazyAction(async () => (await import('./estimator-action.ts')).estimatorAction),
  );
}
