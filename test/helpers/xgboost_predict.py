#!/usr/bin/python3
"""Independent reader for modelshelf's xgboost-json export: loads each booster with XGBoost itself.

Job on stdin: {"models": {component: path to an XGBoost JSON model}, "x": [flat row-major x'], "cols": int}.
Prints {"xgboost": version, "predictions": {component: [...]}}: Booster.predict on a DMatrix of the rows.
"""
import json
import sys

import numpy as np
import xgboost as xgb


def main():
    job = json.load(sys.stdin)
    x = np.asarray(job["x"], dtype=np.float32).reshape(-1, job["cols"])
    data = xgb.DMatrix(x)
    out = {}
    for comp, path in job["models"].items():
        booster = xgb.Booster(model_file=path)
        out[comp] = [float(v) for v in booster.predict(data)]
    json.dump({"xgboost": xgb.__version__, "predictions": out}, sys.stdout)


if __name__ == "__main__":
    main()
