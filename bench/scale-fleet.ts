// One process of the scale benchmark's fleet (forked by scale.bench.ts, not a benchmark itself): runs
// `count` watchers of one model over ONE shared, counted driver, either the loader's `watchModel` or the
// naive baseline that re-lists the model's keys on every poll. Each watcher polls on its own timer, so
// requests are per watcher exactly as on separate nodes; only the sockets and the process are shared.
//
// Protocol (IPC): parent → { start } ; child → { ready } once every watcher serves a model ;
// parent → { measure } (counters and CPU reset) ; parent → { stop } ; child → { report } and exits.
import {
  driverFor,
  FsDriver,
  listAll,
  manifestKey,
  modelPrefix,
  openStoreWithDriver,
  type StorageDriver,
  type Store,
  versionFromKey,
} from '../packages/registry/src/index.ts';

export interface FleetConfig {
  /** "s3://…" URI or a filesystem directory. */
  store: string;
  model: string;
  count: number;
  pollIntervalMs: number;
  mode: 'loader' | 'naive';
}

export interface Swap {
  version: number;
  /** Wall clock (ms since epoch) when the watcher started serving the version. */
  at: number;
  /** The loader's own commit → swap figure (UpdateEvent.propagationMs); absent for the baseline. */
  propagationMs?: number;
}

export interface FleetReport {
  requests: Record<string, number>;
  keysListed: number;
  /** User + system CPU of this process over the measured window, in microseconds. */
  cpuMicros: number;
  windowMs: number;
  swaps: Swap[];
  failures: number;
  rssBytes: number;
}

type Msg = { type: 'start'; config: FleetConfig } | { type: 'measure' } | { type: 'stop' };

const requests: Record<string, number> = {};
let keysListed = 0;

/** Counts every driver call by method (one call ≈ one storage request; a list page counts once). */
function counted(driver: StorageDriver): StorageDriver {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return async (...args: unknown[]) => {
        requests[String(prop)] = (requests[String(prop)] ?? 0) + 1;
        const result = await value.apply(target, args);
        if (prop === 'list') keysListed += (result as { objects: unknown[] }).objects.length;
        return result;
      };
    },
  });
}

interface Member {
  ready: Promise<void>;
  stop(): Promise<void>;
}

async function loaderMember(store: Store, c: FleetConfig, onSwap: (s: Swap) => void): Promise<Member> {
  const { watchModel } = await import('../packages/loader/src/index.ts');
  const w = watchModel({ store, ref: c.model, decode: async () => null, pollIntervalMs: c.pollIntervalMs });
  w.on('update', (u) =>
    onSwap({ version: u.version, at: Date.now(), propagationMs: u.propagationMs ?? undefined }),
  );
  w.on('error', () => {
    failures++;
  });
  return { ready: w.ready().then(() => undefined), stop: () => w.close() };
}

/** The baseline: list every key under the model, take the highest version with a manifest, fetch it. */
function naiveMember(store: Store, c: FleetConfig, onSwap: (s: Swap) => void): Member {
  let current = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => {
    resolveReady = r;
  });
  const poll = async () => {
    try {
      let newest = 0;
      for await (const obj of listAll(store.driver, modelPrefix(c.model))) {
        const v = versionFromKey(c.model, obj.key);
        if (v !== undefined && obj.key === manifestKey(c.model, v) && v > newest) newest = v;
      }
      if (newest > current) {
        const rec = await store.readVersion(c.model, newest);
        for (const f of rec.manifest.files) await store.readFile(rec.manifest, f.path);
        if (current > 0) onSwap({ version: newest, at: Date.now() });
        current = newest;
        resolveReady();
      }
    } catch {
      failures++;
    }
    if (!stopped) timer = setTimeout(poll, c.pollIntervalMs);
  };
  void poll();
  return {
    ready,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

let failures = 0;

async function run(c: FleetConfig): Promise<void> {
  const driver = c.store.startsWith('s3://') ? await driverFor(c.store) : new FsDriver(c.store);
  const store = await openStoreWithDriver(counted(driver));
  const swaps: Swap[] = [];
  let measuring = false;
  const onSwap = (s: Swap) => {
    if (measuring) swaps.push(s);
  };
  // A fleet boots over time, not in one instant: starts are spread evenly over one poll interval, which
  // also spreads the polls (the loader polls at a fixed interval from each watcher's start).
  const members: Member[] = [];
  const started: Promise<void>[] = [];
  for (let i = 0; i < c.count; i++) {
    started.push(
      new Promise<void>((resolve) =>
        setTimeout(
          async () => {
            const m =
              c.mode === 'loader' ? await loaderMember(store, c, onSwap) : naiveMember(store, c, onSwap);
            members.push(m);
            await m.ready;
            resolve();
          },
          (i * c.pollIntervalMs) / c.count,
        ),
      ),
    );
  }
  await Promise.all(started);
  process.send!({ type: 'ready' });

  let cpuAt = process.cpuUsage();
  let windowStart = Date.now();
  await new Promise<void>((resolve) => {
    process.on('message', (m: Msg) => {
      if (m.type === 'measure') {
        for (const k of Object.keys(requests)) delete requests[k];
        keysListed = 0;
        failures = 0;
        measuring = true;
        cpuAt = process.cpuUsage();
        windowStart = Date.now();
      } else if (m.type === 'stop') resolve();
    });
  });
  measuring = false;
  const cpu = process.cpuUsage(cpuAt);
  const report: FleetReport = {
    requests: { ...requests },
    keysListed,
    cpuMicros: cpu.user + cpu.system,
    windowMs: Date.now() - windowStart,
    swaps,
    failures,
    rssBytes: process.memoryUsage().rss,
  };
  await Promise.all(members.map((m) => m.stop()));
  await store.close();
  process.send!({ type: 'report', report }, () => process.exit(0));
}

process.once('message', (m: Msg) => {
  if (m.type === 'start')
    run(m.config).catch((err) => {
      console.error(err);
      process.exit(1);
    });
});
