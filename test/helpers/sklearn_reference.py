#!/usr/bin/python3
"""scikit-learn / scipy reference for modelshelf's trainers.

Reads one JSON job on stdin, fits the scikit-learn equivalent of each requested Kepler trainer per component on
the given train rows, predicts the test rows, and prints JSON with MAE and fit/predict seconds measured here
(interpreter start-up and JSON transfer excluded). Rows and splits come from the caller, so both sides use
exactly the same data.

Job: {"features": [...], "xTrain": [flat row-major], "xTest": [...], "yTrain": {comp: [...]},
      "yTest": {comp: [...]}, "trainers": [names], "seed": int, "mlp": {"hidden": [16, 16], "epochs": 200}}
"""
import json
import math
import sys
import time
import warnings

import numpy as np
import scipy
import sklearn
from scipy.optimize import curve_fit
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, SGDRegressor
from sklearn.neighbors import KNeighborsRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, PolynomialFeatures, StandardScaler
from sklearn.svm import SVR

from kepler_sidecar_reference import feature_index as sidecar_feature_index  # same directory

try:
    import xgboost
except ImportError:  # python3-xgboost is optional: XGBoost rows are then reported as unavailable
    xgboost = None

warnings.filterwarnings("ignore", category=ConvergenceWarning)


# Kepler's curve functions and p0 functions (kepler-model-server trainers), CurveFit_Weights order.
def log_func(x, a, b, c):
    return a * np.log(b * x + 1) + c


def expo_func(x, a, b, c):
    return a * np.exp(b * x) + c


def logi_func(x, A, x0, k, off):
    return A / (1 + np.exp(-k * (x - x0))) + off


def p0(kind, y):
    span = y.max() - y.min()
    if kind == "log":
        return [span, 1, y.min()]
    if kind == "exp":
        a = (span // math.e) or (span / math.e) or 1
        return [a, 1, y.min() - a]
    return [span, 0.5, span / np.std(y) if np.std(y) > 0 else 1, y.min()]


class CurveFit:
    def __init__(self, kind, column):
        self.kind, self.column = kind, column
        self.func = {"log": log_func, "exp": expo_func, "logistic": logi_func}[kind]

    def fit(self, x, y):
        self.popt, _ = curve_fit(self.func, x[:, self.column], y, p0=p0(self.kind, y), maxfev=20000)
        return self

    def predict(self, x):
        return self.func(x[:, self.column], *self.popt)


def curve_column(features, order, component):
    """The column Kepler's trainer fits a curve on (and its sidecar reads): the main feature of the first
    feature group the features contain, as an index into the sorted features; the first sorted feature
    when no group fits."""
    names = [features[i] for i in order]
    try:
        return order[sidecar_feature_index(names, component)]
    except StopIteration:
        return order[0]


def estimator(name, job, curve_col, y_train):
    seed = job.get("seed", 0)
    mlp = job.get("mlp", {})
    if name == "LinearRegressionTrainer":
        return LinearRegression(positive=True)
    if name == "SGDRegressorTrainer":
        return SGDRegressor(random_state=seed)
    if name == "PolynomialRegressionTrainer":
        return make_pipeline(PolynomialFeatures(degree=2), LinearRegression())
    if name == "GradientBoostingRegressorTrainer":
        return GradientBoostingRegressor(random_state=seed)
    if name == "SVRRegressorTrainer":
        # Kepler's SVRRegressorTrainer: SVR(C=1.0, epsilon=0.2), RBF, gamma='scale'.
        return SVR(C=1.0, epsilon=0.2)
    if name == "XgboostFitTrainer":
        # Kepler's XgboostTrainer.init_model: XGBRegressor(n_estimators=100, learning_rate=0.1), histogram method,
        # base_score the mean target as XGBoost >= 2.0 estimates it (Debian's 1.7 would start from 0.5).
        if xgboost is None:
            return None
        return xgboost.XGBRegressor(
            n_estimators=100,
            learning_rate=0.1,
            tree_method="hist",
            base_score=float(np.mean(y_train)),
            random_state=seed,
        )
    if name == "HistGradientBoostingRegressor":
        # The histogram booster at GradientBoostingRegressorTrainer's shape: 100 trees of depth 3, eta 0.1.
        return HistGradientBoostingRegressor(
            max_iter=100, max_depth=3, learning_rate=0.1, early_stopping=False, random_state=seed
        )
    if name == "HistGradientBoostingRegressor:xgboost-shape":
        # The histogram booster at XgboostFitTrainer's shape: 100 trees of depth 6, eta 0.1, lambda 1.
        return HistGradientBoostingRegressor(
            max_iter=100,
            max_depth=6,
            max_leaf_nodes=None,
            min_samples_leaf=1,
            l2_regularization=1.0,
            learning_rate=0.1,
            early_stopping=False,
            random_state=seed,
        )
    if name == "KNeighborsRegressorTrainer":
        return KNeighborsRegressor(n_neighbors=6)
    if name == "LogarithmicRegressionTrainer":
        return CurveFit("log", curve_col)
    if name == "ExponentialRegressionTrainer":
        return CurveFit("exp", curve_col)
    if name == "LogisticRegressionTrainer":
        return CurveFit("logistic", curve_col)
    if name == "DenseNetworkTrainer":
        epochs = mlp.get("epochs", 200)
        # Fixed epoch count like modelshelf's trainer: tol 0 and a patience longer than the run.
        net = MLPRegressor(
            hidden_layer_sizes=tuple(mlp.get("hidden", [16, 16])),
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=epochs + 1,
            random_state=seed,
        )
        return TransformedTargetRegressor(regressor=net, transformer=StandardScaler())
    raise SystemExit(f"unknown trainer {name}")


def main():
    job = json.load(sys.stdin)
    features = job["features"]
    d = len(features)
    x_train = np.asarray(job["xTrain"], dtype=np.float64).reshape(-1, d)
    x_test = np.asarray(job["xTest"], dtype=np.float64).reshape(-1, d)
    order = sorted(range(d), key=lambda i: features[i])
    results = {}
    for name in job["trainers"]:
        per = {}
        for comp, y_train in job["yTrain"].items():
            y_train = np.asarray(y_train, dtype=np.float64)
            y_test = np.asarray(job["yTest"][comp], dtype=np.float64)
            best = None
            # Repeats: the fastest run's wall times, and the least CPU time of any run.
            for _ in range(max(1, int(job.get("repeats", 1)))):
                c0 = time.process_time()
                t0 = time.perf_counter()
                scaler = MaxAbsScaler().fit(x_train)
                model = estimator(name, job, curve_column(features, order, comp), y_train)
                if model is None:
                    break
                model = model.fit(scaler.transform(x_train), y_train)
                t1 = time.perf_counter()
                pred = model.predict(scaler.transform(x_test))
                t2 = time.perf_counter()
                cpu = time.process_time() - c0
                run = {
                    "mae": float(np.mean(np.abs(y_test - pred))),
                    "fitSeconds": t1 - t0,
                    "predictSeconds": t2 - t1,
                    "cpuSeconds": cpu,
                }
                if best is None or t2 - t0 < best["fitSeconds"] + best["predictSeconds"]:
                    best = {**run, "cpuSeconds": min(cpu, best["cpuSeconds"]) if best else cpu}
                else:
                    best["cpuSeconds"] = min(best["cpuSeconds"], cpu)
            per[comp] = best if best is not None else {"unavailable": True}
        results[name] = per
    versions = {"sklearn": sklearn.__version__, "scipy": scipy.__version__}
    if xgboost is not None:
        versions["xgboost"] = xgboost.__version__
    json.dump({**versions, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
