import type { LoadError } from './errors.ts';

export interface UpdateEvent {
  model: string;
  version: number;
  digest: string;
  via: 'pin' | 'alias' | 'latest' | 'version' | 'cache';
  fromCache: boolean;
  /** The version served before, if any. */
  previous?: { version: number; digest: string };
  /** Commit (or ref move) to swap, in ms; undefined for a boot from cache. */
  propagationMs?: number;
}

export interface StaleEvent {
  model: string;
  /** undefined when no check has succeeded since start. */
  lastSuccessfulCheckAt?: Date;
  sinceMs: number;
}

export interface RecoveredEvent {
  model: string;
  /** How long checks were failing. */
  afterMs: number;
}

/** A version served although the trust policy (`warn`) would refuse it under `enforce`. */
export interface TrustWarningEvent {
  model: string;
  version: number;
  message: string;
}

export interface WatcherEvents {
  update: [UpdateEvent];
  /** A check or load failed; the current model (if any) keeps serving. */
  error: [LoadError];
  /** A refused version passed over for an older one (a fresh boot serving what passes its policy). */
  skipped: [LoadError];
  stale: [StaleEvent];
  recovered: [RecoveredEvent];
  warning: [TrustWarningEvent];
}
