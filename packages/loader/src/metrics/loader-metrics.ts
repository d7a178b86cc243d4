// Prometheus metrics of the loader. Every watcher of a process may share one registry: metrics are
// created once per registry and labelled by model.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FailureReason } from '../watch/errors.ts';

export interface LoaderMetrics {
  readonly registry: Registry;
  served(model: string, version: number): void;
  loaded(model: string, propagationSeconds: number | undefined): void;
  failed(model: string, reason: FailureReason): void;
  checked(model: string, at: number): void;
  storageRequest(model: string, kind: 'poll' | 'manifest' | 'file'): void;
}

function getOrCreate<M>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export function createLoaderMetrics(registry: Registry = new Registry()): LoaderMetrics {
  const registers = [registry];
  const version = getOrCreate(
    registry,
    'modelshelf_loader_model_version',
    () =>
      new Gauge({
        name: 'modelshelf_loader_model_version',
        help: 'Version number currently served, per model.',
        labelNames: ['model'],
        registers,
      }),
  );
  const loads = getOrCreate(
    registry,
    'modelshelf_loader_loads_total',
    () =>
      new Counter({
        name: 'modelshelf_loader_loads_total',
        help: 'Versions loaded and swapped in.',
        labelNames: ['model'],
        registers,
      }),
  );
  const failures = getOrCreate(
    registry,
    'modelshelf_loader_load_failures_total',
    () =>
      new Counter({
        name: 'modelshelf_loader_load_failures_total',
        help: 'Failed checks or loads, by reason (integrity, decode, not-found, unreachable, internal).',
        labelNames: ['model', 'reason'],
        registers,
      }),
  );
  const lastCheck = getOrCreate(
    registry,
    'modelshelf_loader_last_successful_check_timestamp_seconds',
    () =>
      new Gauge({
        name: 'modelshelf_loader_last_successful_check_timestamp_seconds',
        help: 'Unix time of the last check that reached storage.',
        labelNames: ['model'],
        registers,
      }),
  );
  const propagation = getOrCreate(
    registry,
    'modelshelf_loader_propagation_delay_seconds',
    () =>
      new Histogram({
        name: 'modelshelf_loader_propagation_delay_seconds',
        help: "Delay from a version's commit (manifest createdAt) to its swap into service.",
        labelNames: ['model'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
        registers,
      }),
  );
  const requests = getOrCreate(
    registry,
    'modelshelf_loader_storage_requests_total',
    () =>
      new Counter({
        name: 'modelshelf_loader_storage_requests_total',
        help: 'Storage requests made by the loader, by kind (poll, manifest, file).',
        labelNames: ['model', 'kind'],
        registers,
      }),
  );
  return {
    registry,
    served: (model, v) => version.set({ model }, v),
    loaded(model, seconds) {
      loads.inc({ model });
      if (seconds !== undefined && seconds >= 0) propagation.observe({ model }, seconds);
    },
    failed: (model, reason) => failures.inc({ model, reason }),
    checked: (model, at) => lastCheck.set({ model }, at / 1000),
    storageRequest: (model, kind) => requests.inc({ model, kind }),
  };
}
