// Types of build.mjs for the TypeScript callers (vitest's global setup, scripts/demo.ts, bench/).
export const DIST: string;
export function build(): Promise<unknown>;
export function isStale(): Promise<boolean>;
export function ensureBuilt(): Promise<boolean>;
export function startupGraph(fromInput?: string): Promise<string[]>;
