// The library is silent unless given a logger: estimators decide where their logs go.
import { type Logger, pino } from 'pino';

export type { Logger };

export const silentLogger: Logger = pino({ level: 'silent' });
