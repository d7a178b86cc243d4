// The action of `modelshelf estimator` (descriptor: estimator.ts), loaded only when the command runs.

import type { ExplicitRoute } from '@modelshelf/loader';
import { OUTPUT_TYPES, type OutputType } from '@modelshelf/loader/protocol';
import { InvalidArgumentError } from '@modelshelf/registry';
import type { Command } from 'commander';
import { globalOptions, openStoreFromOptions, shortDigest } from '../../kit/index.ts';
import { trustPolicyFromOptions } from '../registry/trust-options.ts';
import type { EstimatorCommandOptions } from './estimator.ts';

/** `rapl-sysfs/AbsPower=<ref>` → an explicit route. */
export function parseModelOption(text: string): ExplicitRoute {
  const m = /^([^/=\s]+)\/([^/=\s]+)=(\S+)$/.exec(text);
  const outputType = m?.[2] as OutputType | undefined;
  if (!m || !outputType || !OUTPUT_TYPES.includes(outputType)) {
    throw new InvalidArgumentError(
      `invalid --model ${JSON.stringify(text)}: expected SOURCE/OUTPUT=REF with OUTPUT one of ${OUTPUT_TYPES.join(', ')}`,
      'e.g. --model rapl-sysfs/AbsPower=rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0',
    );
  }
  return { source: m[1]!, outputType, ref: m[3]! };
}

export async function estimatorAction(opts: EstimatorCommandOptions, command: Command): Promise<void> {
  if (opts.pollInterval <= 0) throw new InvalidArgumentError('--poll-interval must be positive');
  const models = opts.model.map(parseModelOption);
  const json = globalOptions(command).json;
  const write = (event: Record<string, unknown>, text: string) =>
    process.stdout.write(`${json ? JSON.stringify({ ...event, at: new Date().toISOString() }) : text}\n`);
  const store = await openStoreFromOptions(command);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { startEstimator } = await import('@modelshelf/loader/estimator');
    const { destination, pino } = await import('pino');
    const estimator = await startEstimator({
      store,
      socketPath: opts.socket,
      models,
      best:
        opts.best === false || (opts.best === undefined && models.length > 0)
          ? false
          : {
              availableFeatures: opts.features
                ?.split(',')
                .map((f) => f.trim())
                .filter(Boolean)
                .sort(),
              nodeType: opts.nodeType,
              pipeline: opts.pipeline,
              reselectIntervalMs: opts.reselectInterval,
            },
      metrics: opts.metrics ? { port: opts.metricsPort, host: opts.metricsHost } : undefined,
      pollIntervalMs: opts.pollInterval,
      pollJitter: opts.pollJitter,
      poll: opts.poll ? 'always' : 'auto',
      cacheDir: opts.cacheDir,
      trust: trustPolicyFromOptions(opts),
      cores: opts.cores,
      logger: pino({ level: opts.logLevel }, destination(2)),
    });
    estimator.onUpdate((s) =>
      write(
        { event: 'serving', ...s },
        `serving ${s.route}: ${s.model}@${s.version} ${shortDigest(s.digest)} via ${s.via}`,
      ),
    );
    write(
      { event: 'listening', socket: estimator.socketPath, metrics: estimator.metricsUrl ?? null },
      `listening on ${estimator.socketPath}${estimator.metricsUrl ? `, metrics at ${estimator.metricsUrl}` : ''}`,
    );
    if (!controller.signal.aborted)
      await new Promise<void>((resolve) =>
        controller.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    await estimator.close();
    write({ event: 'stopped' }, 'stopped');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await store.close();
  }
}
