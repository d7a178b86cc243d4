#!/usr/bin/python3
"""Independent predictions for kepler-model-db archives, for the TypeScript reader's agreement test.

Run with Debian's /usr/bin/python3 (numpy, scikit-learn 1.2.1, joblib, python3-xgboost 1.7.4).
Reads JSON on stdin: {"archives": [{"path": "...zip", "rows": [[raw feature values...], ...]}]}
Writes JSON on stdout: {"results": [{"path", "components": {name: [raw predictions]}, "methods": {name: how}}]}

Each component is computed as Kepler's estimator does (kepler_model/estimate/model/estimate_common.py:
the fe_files transforms in order, then model.predict), before Kepler's clamp of negatives:
- classes Debian's scikit-learn can unpickle (MaxAbsScaler, PolynomialFeatures, LinearRegression,
  SGDRegressor, SVR) are loaded by joblib and run by scikit-learn itself;
- KNeighborsRegressor (its 1.5 pickle names EuclideanDistance64, unknown to 1.2.1) is rebuilt by
  scikit-learn 1.2.1 from the pickled _fit_X/_y/n_neighbors/weights/p/leaf_size/_fit_method, with the
  pickled KDTree's own arrays (idx_array, node_data, node_bounds) put into a 1.2.1 KDTree, and run by it;
- GradientBoostingRegressor (its 1.5 pickle names sklearn._loss objects unknown to 1.2.1): each
  pickled tree's node/value arrays become a real sklearn.tree._tree.Tree, and scikit-learn's own
  predict_stages adds them to the DummyRegressor's constant, as GradientBoostingRegressor.predict does;
- XGBoost components are loaded by xgboost itself (XGBRegressor.load_model, as Kepler does);
- Kepler's curve fits (trainer.curvefit.CurveFitModel) evaluate the upstream formulas with numpy on
  the pickled popt, at the column the sidecar's estimator reads (its main feature, not the pickled
  feature_index).
Nothing here shares code with the TypeScript reader.
"""

import io
import json
import os
import sys
import warnings
import zipfile

import numpy as np
import joblib.numpy_pickle as jnp
from joblib.numpy_pickle import NumpyUnpickler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "test", "helpers"))
from kepler_sidecar_reference import feature_index as sidecar_feature_index  # noqa: E402

warnings.filterwarnings("ignore")

REAL = {
    ("sklearn.preprocessing._data", "MaxAbsScaler"),
    ("sklearn.preprocessing._data", "MinMaxScaler"),
    ("sklearn.preprocessing._data", "StandardScaler"),
    ("sklearn.preprocessing._polynomial", "PolynomialFeatures"),
    ("sklearn.linear_model._base", "LinearRegression"),
    ("sklearn.linear_model._stochastic_gradient", "SGDRegressor"),
    ("sklearn.svm._classes", "SVR"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("joblib.numpy_pickle", "NumpyArrayWrapper"),
    ("_codecs", "encode"),
}


class Stub:
    """Stand-in for a class Debian's libraries cannot load: keeps constructor args and state."""

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.state = state

    def get(self, key):
        s = self.state
        if isinstance(s, tuple):
            s = next(p for p in s if isinstance(p, dict) and key in p)
        return s[key]


_stubs = {}


def stub(module, name):
    key = (module, name)
    if key not in _stubs:
        _stubs[key] = type(name, (Stub,), {"__module__": "stub." + module, "qualname": module + "." + name})
    return _stubs[key]


def find(module, name, base):
    mod = module.replace("numpy._core", "numpy.core")
    if (mod, name) in REAL:
        return base(mod, name)
    return stub(module, name)


class Joblib(NumpyUnpickler):
    def find_class(self, module, name):
        return find(module, name, super().find_class)


class Plain(__import__("pickle")._Unpickler):
    def find_class(self, module, name):
        return find(module, name, super().find_class)


# joblib reads object arrays with pickle.load on its stream: keep the same stand-ins there
jnp.pickle.load = lambda f, *a, **k: Plain(f).load()


def load_pkl(data):
    return Joblib("<archive member>", io.BytesIO(data)).load()


def qual(o):
    return getattr(type(o), "qualname", type(o).__module__ + "." + type(o).__name__)


def gbr_predict(model, X):
    from sklearn.ensemble._gradient_boosting import predict_stages
    from sklearn.tree._tree import Tree, NODE_DTYPE

    init = model.get("init_")
    raw = np.full((X.shape[0], 1), float(np.asarray(init.get("constant_")).ravel()[0]), dtype=np.float64)
    est = model.get("estimators_")
    n_features = model.get("n_features_in_")

    class Holder:
        pass

    holders = np.empty(est.shape, dtype=object)
    for i in range(est.shape[0]):
        t = est[i, 0].get("tree_")
        st = t.state
        nodes = st["nodes"]
        real_nodes = np.zeros(nodes.shape, dtype=NODE_DTYPE)
        for field in NODE_DTYPE.names:
            real_nodes[field] = nodes[field]
        tree = Tree(n_features, np.array([1], dtype=np.intp), 1)
        tree.__setstate__({"max_depth": st["max_depth"], "node_count": st["node_count"], "nodes": real_nodes, "values": st["values"]})
        h = Holder()
        h.tree_ = tree
        holders[i, 0] = h
    X32 = np.ascontiguousarray(X, dtype=np.float32)
    predict_stages(holders, X32, model.get("learning_rate"), raw)
    return raw.ravel()


def knn_predict(model, X):
    from sklearn.neighbors import KNeighborsRegressor

    g = model.get
    p = g("p")
    knn = KNeighborsRegressor(
        n_neighbors=g("n_neighbors"), weights=g("weights"), algorithm=g("_fit_method"), leaf_size=g("leaf_size"), metric="minkowski", p=p
    )
    knn.fit(g("_fit_X"), g("_y"))
    tree = g("_tree")
    if g("_fit_method") == "kd_tree":
        # query the upstream (1.5.1) tree itself: its arrays differ from a 1.2.1 rebuild (ties!)
        from sklearn.neighbors import KDTree
        from sklearn.metrics import DistanceMetric

        st = list(tree.state)
        st[11] = DistanceMetric.get_metric("minkowski", p=p) if p != 2 else DistanceMetric.get_metric("euclidean")
        upstream = KDTree.__new__(KDTree)
        upstream.__setstate__(tuple(st))
        knn._tree = upstream
    return knn.predict(X)


def curve_predict(model, X, features, component):
    """The sidecar's CurveFitModelEstimator: it replaces the pickled feature_index on load with the main
    feature of the first feature group the model's features contain (the rule lives in the sidecar
    reference beside the repository's other Kepler references)."""
    g = model.get
    f = g("fit_func").__name__
    popt = g("popt")
    try:
        column = sidecar_feature_index(features, component)
    except StopIteration:  # no known group: the sidecar cannot load it; modelshelf keeps the pickled index
        column = g("feature_index")
    x = np.array(X[:, column]).flatten()
    if f == "expo_func":
        a, b, c = popt
        return a * np.exp(b * x) + c
    if f == "log_func":
        a, b, c = popt
        return a * np.log(b * x + 1) + c
    if f == "logi_func":
        A, x0, k, off = popt
        return A / (1 + np.exp(-k * (x - x0))) + off
    raise ValueError("unknown curve " + f)


def xgb_predict(data, X):
    import xgboost as xgb
    import tempfile, os

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        fh.write(data)
        name = fh.name
    try:
        m = xgb.XGBRegressor(n_estimators=1000, learning_rate=0.1)
        m.load_model(name)
        return m.predict(X).astype(np.float64)
    finally:
        os.unlink(name)


def run_archive(path, rows):
    z = zipfile.ZipFile(path)
    members = {n: z.read(n) for n in z.namelist()}
    meta = json.loads(members["metadata.json"])
    index = json.loads(members[meta["model_file"]])
    out, methods = {}, {}
    for comp, entry in index.items():
        X = np.array(rows, dtype=np.float64)
        for fe in entry["fe_files"]:
            X = load_pkl(members[fe]).transform(X)
        mf = entry["model_file"]
        if mf.endswith(".json"):
            y, how = xgb_predict(members[mf], X), "xgboost"
        else:
            model = load_pkl(members[mf])
            q = qual(model)
            if q.endswith("sklearn.pipeline.Pipeline"):
                # Pipeline.predict: every step but the last transforms (None = passthrough)
                steps = [s for _, s in model.get("steps")]
                for s in steps[:-1]:
                    if s is not None and s != "passthrough":
                        X = s.transform(X)
                model = steps[-1]
                q = qual(model)
            if not isinstance(model, Stub):
                y, how = model.predict(X), "sklearn"
            elif q.endswith("GradientBoostingRegressor"):
                y, how = gbr_predict(model, X), "sklearn-trees"
            elif q.endswith("KNeighborsRegressor"):
                how = "sklearn-kdtree" if model.get("_fit_method") == "kd_tree" else "sklearn-brute"
                y = knn_predict(model, X)
            elif q.endswith("CurveFitModel"):
                y, how = curve_predict(model, X, entry.get("features", meta["features"]), comp), "numpy-curve"
            else:
                raise ValueError(f"{path}: {q} has no reference")
        out[comp] = [float(v) for v in np.asarray(y, dtype=np.float64).ravel()]
        methods[comp] = how
    return {"path": path, "components": out, "methods": methods}


def main():
    req = json.load(sys.stdin)
    results = [run_archive(a["path"], a["rows"]) for a in req["archives"]]
    import sklearn

    versions = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    try:
        import xgboost

        versions["xgboost"] = xgboost.__version__
    except ImportError:
        pass
    json.dump({"results": results, "versions": versions}, sys.stdout)


if __name__ == "__main__":
    main()
