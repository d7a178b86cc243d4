// Native change events for stores on local disks: chokidar watches the model's directory and
// reports when its head document is replaced. Events are only hints that make a check happen at
// once; the check itself still reads the head, so a spurious or duplicated event costs one read.
import { basename, join } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

export interface HintSource {
  /** Stops listening; idempotent. */
  stop(): Promise<void>;
}

/** Watches `<root>/<headKey>`; resolves once the watcher is ready. Rejects if the directory is missing. */
export async function watchHeadFile(
  root: string,
  headKey: string,
  onHint: (reason: string) => void,
): Promise<HintSource> {
  const headPath = join(root, ...headKey.split('/'));
  const dir = join(headPath, '..');
  const name = basename(headPath);
  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: true,
    depth: 0,
    // The head is replaced by rename(); no editor-style unlink+add pairs to merge, so no 100 ms delay.
    atomic: false,
    ignored: (path) => path !== dir && basename(path) !== name,
  });
  const onEvent = (_event: string, path: string) => {
    if (basename(path) === name) onHint(`fs event on ${name}`);
  };
  watcher.on('all', onEvent);
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });
  // Later errors (a directory removed) are ignored: polling is the safety net.
  watcher.on('error', () => {});
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      await watcher.close();
    },
  };
}
