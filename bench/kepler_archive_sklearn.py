#!/usr/bin/python3
"""Baseline timings for bench/kepler-archive.bench.ts with Debian's scikit-learn / xgboost.

Reads {"archives": [{"path", "rows": [[...]], "single": [...]}], "runs": n} on stdin; for each archive
prints the median time to load it (joblib/xgboost, every component and the scaler, as Kepler's
estimator does at start-up) and to predict all components for the batch and for one row. The models
are built exactly as the agreement test's reference does (kepler_archive_reference.py).
"""
import json, os, sys, time, zipfile
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "packages", "formats", "test", "kepler-archive"))
import kepler_archive_reference as R  # noqa: E402


def load(path):
    z = zipfile.ZipFile(path)
    members = {n: z.read(n) for n in z.namelist()}
    meta = json.loads(members["metadata.json"])
    index = json.loads(members[meta["model_file"]])
    comps = []
    for comp, entry in index.items():
        fes = [R.load_pkl(members[fe]) for fe in entry["fe_files"]]
        mf = entry["model_file"]
        if mf.endswith(".json"):
            import xgboost as xgb, tempfile

            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
                fh.write(members[mf])
            m = xgb.XGBRegressor(n_estimators=1000, learning_rate=0.1)
            m.load_model(fh.name)
            os.unlink(fh.name)
            predict = m.predict
        else:
            model = R.load_pkl(members[mf])
            q = R.qual(model)
            if not isinstance(model, R.Stub):
                predict = model.predict
            elif q.endswith("GradientBoostingRegressor"):
                predict = gbr_predictor(model)
            elif q.endswith("KNeighborsRegressor"):
                predict = knn_predictor(model)
            else:
                predict = lambda X, m=model: R.curve_predict(m, X)
        comps.append((fes, predict))
    return comps


def gbr_predictor(model):
    # build the sklearn Trees once (as a loaded GradientBoostingRegressor holds them), then predict_stages
    from sklearn.ensemble._gradient_boosting import predict_stages
    from sklearn.tree._tree import Tree, NODE_DTYPE

    init = float(np.asarray(model.get("init_").get("constant_")).ravel()[0])
    est = model.get("estimators_")
    nf = model.get("n_features_in_")

    class H:
        pass

    holders = np.empty(est.shape, dtype=object)
    for i in range(est.shape[0]):
        st = est[i, 0].get("tree_").state
        nodes = np.zeros(st["nodes"].shape, dtype=NODE_DTYPE)
        for f in NODE_DTYPE.names:
            nodes[f] = st["nodes"][f]
        t = Tree(nf, np.array([1], dtype=np.intp), 1)
        t.__setstate__({"max_depth": st["max_depth"], "node_count": st["node_count"], "nodes": nodes, "values": st["values"]})
        h = H()
        h.tree_ = t
        holders[i, 0] = h
    lr = model.get("learning_rate")

    def predict(X):
        raw = np.full((X.shape[0], 1), init)
        predict_stages(holders, np.ascontiguousarray(X, dtype=np.float32), lr, raw)
        return raw.ravel()

    return predict


def knn_predictor(model):
    from sklearn.neighbors import KNeighborsRegressor, KDTree
    from sklearn.metrics import DistanceMetric

    g = model.get
    knn = KNeighborsRegressor(n_neighbors=g("n_neighbors"), weights=g("weights"), algorithm="kd_tree", leaf_size=g("leaf_size"))
    knn.fit(g("_fit_X"), g("_y"))
    st = list(g("_tree").state)
    st[11] = DistanceMetric.get_metric("euclidean")
    t = KDTree.__new__(KDTree)
    t.__setstate__(tuple(st))
    knn._tree = t
    return knn.predict


def predict_all(comps, X):
    out = []
    for fes, predict in comps:
        x = X
        for fe in fes:
            x = fe.transform(x)
        y = np.asarray(predict(x)).squeeze()
        y[y < 0] = 0
        out.append(y)
    return out


def median_ms(fn, runs):
    fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return float(np.median(ts))


def main():
    req = json.load(sys.stdin)
    runs = req.get("runs", 5)
    res = []
    for a in req["archives"]:
        X = np.array(a["rows"], dtype=np.float64)
        one = np.array([a["single"]], dtype=np.float64)
        comps = load(a["path"])
        res.append(
            {
                "path": a["path"],
                "load_ms": median_ms(lambda: load(a["path"]), runs),
                "batch_ms": median_ms(lambda: predict_all(comps, X), runs),
                "single_ms": median_ms(lambda: predict_all(comps, one), runs * 20),
            }
        )
    json.dump({"results": res}, sys.stdout)


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore")
    main()
