import type { EventEmitter } from 'node:events';

/** Resolves with the first event `name` whose payload passes `match`, or rejects after `timeoutMs`. */
export function nextEvent<T>(
  emitter: EventEmitter,
  name: string,
  match: (value: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, on);
      reject(new Error(`no matching "${name}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (value: T) => {
      if (!match(value)) return;
      clearTimeout(timer);
      emitter.off(name, on);
      resolve(value);
    };
    emitter.on(name, on);
  });
}

/** Polls `predicate` until true or the timeout. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
