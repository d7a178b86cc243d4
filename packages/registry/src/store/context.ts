// What every store operation needs: the driver and who is acting.
import { hostname, userInfo } from 'node:os';
import type { StorageDriver } from '../drivers/driver.ts';
import type { Creator } from '../schema.ts';

export const TOOL = 'modelshelf/0.1.0';

export interface StoreContext {
  driver: StorageDriver;
  creator: Creator;
}

export function defaultCreator(overrides: Partial<Creator> = {}): Creator {
  let user = process.env.MODELSHELF_USER;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return { user, host: hostname(), tool: TOOL, ...overrides };
}

export const nowIso = () => new Date().toISOString();

/** Runs `fn` over `items` with at most `limit` in flight, keeping input order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
