// Kepler's model database brought into a store (import). The
// formats and arithmetic themselves belong to @modelshelf/formats.

export type {
  KeplerImportOptions,
  KeplerImportReport,
  KeplerImportResult,
  KeplerImportStatus,
} from './import.ts';
export { importKeplerModels } from './import.ts';
export type { KeplerModelFiles, KeplerScan } from './import-scan.ts';
export { scanKeplerModels } from './import-scan.ts';
