// Paths of the real Kepler data (fixtures/kepler/README.md has their origin and licence).
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../fixtures/kepler/', import.meta.url));
export const PROM_2023_09 = `${root}kepler-model-server/tests/data/prom_output/prom_response_2023-09.json`;
export const PROM_IDLE = `${root}kepler-model-server/tests/data/prom_output/idle.json`;
export const NX12_CSV = `${root}kepler-model-db/models/v0.6/nx12/preprocessed_data/preprocess_abs_default_rapl_BPFOnly.csv`;
