// A store kind the process-level protocol suites run against: local disk, CephFS through two
// ceph-fuse mounts (two machines), S3 (Ceph RGW). Each test gets a fresh, empty store.

export interface ProtocolStore {
  /** Where the test process itself opens the store. */
  uri: string;
  /** Where worker process `i` opens it (CephFS: alternately through mount A and mount B). */
  workerUri(i: number): string;
  /** Removes everything the store holds. */
  cleanup(): Promise<void>;
}

export interface StoreKind {
  name: string;
  makeStore(): Promise<ProtocolStore>;
  /** Uncommitted in-flight data (fs temp files, S3 multipart uploads): proves kills landed mid-file. */
  countDebris(store: ProtocolStore): Promise<number>;
  /** Size of the slowly streamed file of each crash-test publish (S3: above one part, so multipart). */
  blobBytes: number;
  /** Upper bound of the random delay between a crash-test worker's "ready" and its SIGKILL. */
  maxKillDelayMs: number;
  /** Crash-test workers killed per round (each one a trial). */
  parallel: number;
}
