"""Kepler's Python estimator sidecar, reduced to its prediction arithmetic, as a benchmark baseline.

Like kepler-model-server's estimator, every request carries its own rows as Python lists, and is turned into
numpy arrays per request, scaled, dotted with each component's weights and clamped at 0.
Usage: kepler_numpy_sidecar.py <weights.json> <rows.f64> <features> <rows> <rows_per_request>
Prints one JSON line: {"rows": n, "seconds": s, "checksum": sum of all predictions}.
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    weights_path, rows_path, n_features, n_rows, per_request = sys.argv[1:6]
    n_features, n_rows, per_request = int(n_features), int(n_rows), int(per_request)
    with open(weights_path) as f:
        weights = json.load(f)
    components = {}
    for name, comp in weights.items():
        numerical = comp["All_Weights"]["Numerical_Variables"]
        names = list(numerical)
        components[name] = (
            names,
            np.array([numerical[n]["scale"] for n in names], dtype=float),
            np.array([numerical[n]["weight"] for n in names], dtype=float),
            comp["All_Weights"]["Bias_Weight"],
        )
    data = np.fromfile(rows_path, dtype="<f8", count=n_rows * n_features).reshape(n_rows, n_features)
    # Requests arrive as JSON, i.e. Python lists; build them before timing like a parsed HTTP body.
    requests = [data[i : i + per_request].tolist() for i in range(0, n_rows, per_request)]
    checksum = 0.0
    t0 = time.perf_counter()
    for values in requests:
        x = np.array(values, dtype=float)
        powers = {}
        for name, (_, scales, w, bias) in components.items():
            y = (x / scales) @ w + bias
            powers[name] = np.maximum(y, 0).tolist()
        checksum += sum(powers["package"])
    seconds = time.perf_counter() - t0
    print(json.dumps({"rows": n_rows, "seconds": seconds, "checksum": checksum}))


if __name__ == "__main__":
    main()
