// Native change events for stores on local disks: inotify (through node:fs watch) on the model's
// directory and on its head file. Events are only hints that make a check happen at once; the check
// itself still reads the head, so a spurious or duplicated event costs one read.
//
// Why two watches and no event library: the head is replaced by rename(), which the directory watch
// reports on a local disk (IN_MOVED_TO). ceph-fuse reports nothing on the directory for a change made
// through another client, but it does fire the watch on the file itself when it drops the replaced
// inode, so the file is watched too and re-armed on the new inode after every event. chokidar, used
// before, suppressed a second change of one path within 50 ms with no trailing event, so a publish
// that closely followed another was only seen by the next poll (3 % of publishes at random spacing).
import { type FSWatcher, watch } from 'node:fs';
import { basename, join } from 'node:path';

export interface HintSource {
  /** Stops listening; idempotent. */
  stop(): Promise<void>;
}

/** Watches `<root>/<headKey>`; resolves once watching. Rejects if the directory is missing. */
export async function watchHeadFile(
  root: string,
  headKey: string,
  onHint: (reason: string) => void,
): Promise<HintSource> {
  const headPath = join(root, ...headKey.split('/'));
  const dir = join(headPath, '..');
  const name = basename(headPath);
  let stopped = false;
  let fileWatch: FSWatcher | undefined;
  // One replacement raises several events at once (rename on the directory, attrib and rename on the
  // old inode): they are folded into one hint per turn of the event loop.
  let pending = false;
  const hint = (reason: string) => {
    if (pending || stopped) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      if (!stopped) onHint(reason);
    });
  };
  // Re-armed synchronously, before the hint's check reads the head: a replacement after this point
  // fires the new watch, one before it is seen by that read.
  const armFileWatch = () => {
    fileWatch?.close();
    fileWatch = undefined;
    if (stopped) return;
    try {
      const armed = watch(headPath, () => {
        armFileWatch();
        hint(`fs event on ${name}`);
      });
      // A file removed under the watch: the directory watch re-arms it when a head appears again.
      armed.on('error', () => {
        armed.close();
        if (fileWatch === armed) fileWatch = undefined;
      });
      fileWatch = armed;
    } catch {
      // No head yet (or it just moved): the directory watch reports its arrival.
    }
  };
  // Throws (so rejects) when the directory is missing.
  const dirWatch = watch(dir, (_event, file) => {
    if (file !== null && file !== name) return;
    armFileWatch();
    hint(`fs event on ${name}`);
  });
  // Later errors (the directory removed) are ignored: polling is the safety net.
  dirWatch.on('error', () => {});
  armFileWatch();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      dirWatch.close();
      fileWatch?.close();
      fileWatch = undefined;
    },
  };
}
