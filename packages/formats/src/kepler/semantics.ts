// The two answers a Kepler weight model can give, as named choices:
//   sidecar   (default) what kepler-model-server's Python estimator answers on its socket: negative
//             component watts clamped to 0 (estimate_common.transform_and_predict), no package/core
//             fill-in and no core ratio (Kepler applies both to the answer), curve fits on the sidecar's
//             main feature (main-feature.ts); the oldest mean/variance files read with a standard scaler.
//   kepler-go what Kepler's own Go regressor (v0.7.12, pkg/model/estimator/local/regressor) computes:
//             the predictor's watts unclamped, curve fits on the first metric of the request; Kepler's
//             post-processing (utils.GetComponentPower: `uint64(W · 1000 · coreRatio)`, idle only scaled
//             by min(core ratio, 1), then FillNodeComponentsPower on wrapping uint64) is a second stage,
//             KeplerPowerModel.toKeplerMilliwatts, because on negative watts it differs from any float
//             reading (−254 W becomes 2^64 − 254 000 mW and the fill-in keeps it);
//             the oldest files read as Kepler ≥ 0.7 does (no scale key = scale 0: bias only).
import type { KeplerMeanVarianceRule, KeplerRowsOptions } from './power-model.ts';

export const KEPLER_SEMANTICS = ['sidecar', 'kepler-go'] as const;
export type KeplerSemantics = (typeof KEPLER_SEMANTICS)[number];

/** predictRows options for a semantics (kepler-go: the Go predictor's own watts, before post-processing). */
export function keplerSemanticsOptions(semantics: KeplerSemantics): KeplerRowsOptions {
  return semantics === 'sidecar'
    ? { clampNegative: true, fill: false, curveInput: 'main-feature', coreRatio: 1 }
    : { clampNegative: false, fill: false, curveInput: 'first-metric', coreRatio: 1 };
}

/** The mean/variance rule each semantics uses unless told otherwise. */
export const defaultMeanVariance = (semantics: KeplerSemantics): KeplerMeanVarianceRule =>
  semantics === 'sidecar' ? 'standard-scaler' : 'ignore';
