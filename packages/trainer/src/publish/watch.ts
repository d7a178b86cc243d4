// Online training: every `intervalSeconds`, retrain on a window that slides with the clock and
// publish only the models whose mae beats the version their name resolves to by `improvement`.
// A cycle that fails (Prometheus down, no data yet) is reported and the loop goes on: the models
// already in the store keep serving.
import { InvalidArgumentError, type Store } from '@modelshelf/registry';
import type { TrainOptions } from '../pipeline/options.ts';
import { type TrainResult, train } from '../pipeline/train.ts';
import { type PublishDecision, publishModels } from './publish.ts';

export const DEFAULT_IMPROVEMENT = 0.05;

export interface WatchCycle {
  cycle: number;
  /** Unix seconds at the start of the cycle. */
  at: number;
  result?: TrainResult;
  decisions: PublishDecision[];
  error?: Error;
}

export interface WatchOptions {
  store: Store | undefined;
  intervalSeconds: number;
  /** Builds the cycle's options; `elapsed` seconds since the first cycle slide the data window. */
  optionsFor: (elapsed: number) => TrainOptions;
  improvement?: number;
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Stop after this many cycles (tests; default: until aborted). */
  maxCycles?: number;
  onCycle?: (cycle: WatchCycle) => void | Promise<void>;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export async function watchAndTrain(o: WatchOptions): Promise<WatchCycle[]> {
  if (!(o.intervalSeconds > 0)) {
    throw new InvalidArgumentError(
      `invalid watch interval ${o.intervalSeconds}`,
      'an interval is a positive duration such as 5m',
    );
  }
  const improvement = o.improvement ?? DEFAULT_IMPROVEMENT;
  if (!(improvement >= 0 && improvement < 1)) {
    throw new InvalidArgumentError(
      `invalid improvement ${improvement}`,
      'give a fraction in [0, 1), e.g. 0.05 for 5%',
    );
  }
  const now = o.now ?? (() => Date.now() / 1000);
  const sleep = o.sleep ?? abortableSleep;
  const t0 = now();
  const cycles: WatchCycle[] = [];
  for (let cycle = 1; !o.signal?.aborted && (o.maxCycles === undefined || cycle <= o.maxCycles); cycle++) {
    const at = now();
    const record: WatchCycle = { cycle, at, decisions: [] };
    try {
      record.result = await train(o.optionsFor(at - t0));
      record.decisions = await publishModels(o.store, record.result.models, {
        improvement,
        dryRun: o.dryRun,
      });
    } catch (err) {
      record.error = err as Error;
    }
    cycles.push(record);
    await o.onCycle?.(record);
    if (o.maxCycles !== undefined && cycle >= o.maxCycles) break;
    const wait = Math.max(0, t0 + cycle * o.intervalSeconds - now());
    await sleep(wait * 1000, o.signal);
  }
  return cycles;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
