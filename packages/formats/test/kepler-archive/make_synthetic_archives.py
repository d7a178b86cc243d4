#!/usr/bin/python3
"""Writes Kepler-layout archives of estimator options no real kepler-model-db archive uses, fitted by
Debian's scikit-learn 1.2.1 and saved with its joblib, so the agreement test covers them too:
SVR linear/poly/sigmoid kernels, KNN distance weights / manhattan / brute force, a deeper boosted
ensemble, a Pipeline (StandardScaler → PolynomialFeatures(3, interaction_only) → LinearRegression)
a clipping MinMaxScaler, and XGBoost 1.7 JSON with deeper trees and early stopping. Usage: make_synthetic_archives.py <dir>; prints the archive paths as JSON.
"""
import json, os, sys, zipfile, io, warnings
import numpy as np
import joblib
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler, PolynomialFeatures
from sklearn.svm import SVR
from sklearn.neighbors import KNeighborsRegressor
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline

warnings.filterwarnings("ignore")
FEATURES = ["bpf_cpu_time_ms", "bpf_page_cache_hit", "cache_miss"]
rng = np.random.RandomState(7)
X = rng.rand(240, 3) * np.array([90000.0, 5000.0, 2e6])
# duplicated rows make neighbour ties, as real counters do
X[200:220] = X[0:20]
Y = {"package": 40 + 0.001 * X[:, 0] + 0.01 * X[:, 1] + 5 * np.sin(X[:, 2] / 3e5), "dram": 5 + 0.0001 * X[:, 0] + rng.rand(240)}


def dump(obj):
    buf = io.BytesIO()
    joblib.dump(obj, buf)
    return buf.getvalue()


def archive(out, name, make_model, scaler=None, extra_fe=None):
    scaler = scaler if scaler is not None else MaxAbsScaler()
    Xs = scaler.fit_transform(X)
    members = {"scaler.pkl": dump(scaler)}
    fe = ["scaler.pkl"]
    if extra_fe is not None:
        Xs = extra_fe.fit_transform(Xs)
        members["poly_scaler.pkl"] = dump(extra_fe)
        fe.append("poly_scaler.pkl")
    index = {}
    for comp in ("package", "dram"):
        m = make_model().fit(Xs, Y[comp])
        members[f"{comp}.pkl"] = dump(m)
        index[comp] = {"model_file": f"{comp}.pkl", "features": FEATURES, "fe_files": fe}
    members[f"{name}.json"] = json.dumps(index).encode()
    members["metadata.json"] = json.dumps(
        {"model_name": name, "model_class": "scikit", "model_file": f"{name}.json", "features": FEATURES, "fe_files": [], "output_type": "AbsPower", "mae": 1.0}
    ).encode()
    path = os.path.join(out, f"{name}.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in members.items():
            z.writestr(n, b)
    return path


def xgb_archive(out, name, **params):
    import tempfile
    import xgboost as xgb

    scaler = MaxAbsScaler()
    Xs = scaler.fit_transform(X)
    members = {"scaler.pkl": dump(scaler)}
    index = {}
    for comp in ("package", "dram"):
        m = xgb.XGBRegressor(**params)
        if "early_stopping_rounds" in params:
            m.fit(Xs[:180], Y[comp][:180], eval_set=[(Xs[180:], Y[comp][180:])], verbose=False)
        else:
            m.fit(Xs, Y[comp])
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            tmp = fh.name
        m.save_model(tmp)
        with open(tmp, "rb") as fh:
            members[f"{comp}.json"] = fh.read()
        os.unlink(tmp)
        index[comp] = {"model_file": f"{comp}.json", "features": FEATURES, "fe_files": ["scaler.pkl"]}
    members[f"{name}.json"] = json.dumps(index).encode()
    members["metadata.json"] = json.dumps(
        {"model_name": name, "model_class": "xgboost", "model_file": f"{name}.json", "features": FEATURES, "fe_files": [], "output_type": "AbsPower", "mae": 1.0}
    ).encode()
    path = os.path.join(out, f"{name}.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in members.items():
            z.writestr(n, b)
    return path


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    paths = [
        archive(out, "SVRRegressorTrainer_901", lambda: SVR(kernel="linear", C=10.0)),
        archive(out, "SVRRegressorTrainer_902", lambda: SVR(kernel="poly", degree=3, gamma=0.7, coef0=1.0, C=5.0)),
        archive(out, "SVRRegressorTrainer_903", lambda: SVR(kernel="sigmoid", gamma=0.05, coef0=0.01)),
        archive(out, "KNeighborsRegressorTrainer_901", lambda: KNeighborsRegressor(n_neighbors=5, weights="distance")),
        archive(out, "KNeighborsRegressorTrainer_902", lambda: KNeighborsRegressor(n_neighbors=4, p=1)),
        archive(out, "KNeighborsRegressorTrainer_903", lambda: KNeighborsRegressor(n_neighbors=6, algorithm="brute")),
        archive(out, "GradientBoostingRegressorTrainer_901", lambda: GradientBoostingRegressor(n_estimators=60, max_depth=5, learning_rate=0.05, random_state=1)),
        archive(
            out,
            "PolynomialRegressionTrainer_901",
            lambda: Pipeline([("std", StandardScaler()), ("poly", PolynomialFeatures(3, interaction_only=True)), ("lr", LinearRegression())]),
        ),
        archive(out, "PolynomialRegressionTrainer_902", LinearRegression, extra_fe=PolynomialFeatures(3)),
        archive(out, "LinearRegressionTrainer_901", LinearRegression, scaler=MinMaxScaler(clip=True)),
        # xgboost 1.7 JSON, deeper trees, and early stopping (predict stops at best_iteration)
        xgb_archive(out, "XgboostFitTrainer_901", n_estimators=40, max_depth=6, learning_rate=0.3),
        xgb_archive(out, "XgboostFitTrainer_902", n_estimators=200, max_depth=3, early_stopping_rounds=3),
    ]
    json.dump(paths, sys.stdout)


if __name__ == "__main__":
    main()
