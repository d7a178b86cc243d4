// HTML reports of power models: predicted against measured watts, residuals, errors per
// component, errors across versions, and the estimator's choice per feature group.
export { compareInStore, compareLocally, groupOf } from './best-rule.ts';
export { type ChartSpec, modelCharts } from './charts.ts';
export { historyOf, storeReport } from './from-store.ts';
export { type TrainingReportOptions, trainingReport } from './from-training.ts';
export type * from './model.ts';
export { renderReport } from './render.ts';
export { REPORT_FILE, writeReport } from './write.ts';
