// Which kind of filesystem a store lives on, from statfs(2)'s magic number. It decides whether
// native change events can be trusted: inotify only reports changes made through the local
// kernel, so on NFS, CephFS, FUSE and SMB mounts it never sees another machine's writes
// (measured with two ceph-fuse mounts: a write through one is readable through the other at once,
// but inotify on the other reports nothing). Those mounts are polled.
import { statfs } from 'node:fs/promises';

export type MountKind = 'local' | 'nfs' | 'cephfs' | 'fuse' | 'smb' | 'network' | 'unknown';

/** statfs f_type magic numbers (linux/magic.h and the filesystems' own headers). */
const MAGIC: ReadonlyMap<number, MountKind> = new Map([
  [0x6969, 'nfs'],
  [0x00c36400, 'cephfs'],
  [0x65735546, 'fuse'], // ceph-fuse, s3fs, sshfs, virtiofs, gcsfuse, … all report FUSE
  [0xfe534d42, 'smb'], // SMB2
  [0xff534d42, 'smb'], // CIFS
  [0x517b, 'smb'], // SMB1
  [0x01021997, 'network'], // 9p
  [0x5346414f, 'network'], // AFS
  [0x6b414653, 'network'], // kAFS
  [0x01161970, 'network'], // GFS2
  [0x7461636f, 'network'], // OCFS2
  [0x0bd00bd0, 'network'], // Lustre
  [0x47504653, 'network'], // GPFS
  [0xaad7aaea, 'network'], // Panasas
  [0x19830326, 'network'], // BeeGFS (fhgfs)
]);

export interface MountInfo {
  kind: MountKind;
  /** The raw f_type, printed in logs so an unknown remote filesystem can be reported. */
  type: number;
  /** True when other machines may write to it unseen by inotify. */
  remote: boolean;
}

export function mountKindOf(type: number): MountInfo {
  const kind = MAGIC.get(type >>> 0) ?? 'local';
  return { kind, type, remote: kind !== 'local' };
}

/** Classifies the filesystem holding `path`; `unknown` (treated as remote) if statfs fails. */
export async function detectMount(path: string): Promise<MountInfo> {
  try {
    return mountKindOf((await statfs(path)).type);
  } catch {
    return { kind: 'unknown', type: 0, remote: true };
  }
}
