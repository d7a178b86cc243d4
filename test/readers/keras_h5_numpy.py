#!/usr/bin/python3
"""Independent Keras h5 reader: checks the Keras 2 HDF5 layout with h5py and recomputes the forward pass with numpy.

stdin:  {"model": "<path to .h5>", "rows": [[x, ...], ...]}
stdout: {"outputs": [[y, ...], ...], "layers": ["dense", ...], "keras_version": "...", "weight_names": [...]}
"""
import json
import sys

import h5py
import numpy as np

ACTIVATIONS = {
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0),
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "tanh": np.tanh,
}


def text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def main():
    request = json.load(sys.stdin)
    with h5py.File(request["model"], "r") as f:
        for key in ("model_config", "keras_version", "backend"):
            if key not in f.attrs:
                raise SystemExit(f"root attribute {key!r} missing")
        config = json.loads(text(f.attrs["model_config"]))
        if config["class_name"] != "Sequential":
            raise SystemExit(f"model_config class_name is {config['class_name']!r}")
        dense_configs = {
            layer["config"]["name"]: layer["config"]
            for layer in config["config"]["layers"]
            if layer["class_name"] == "Dense"
        }
        weights = f["model_weights"]
        layer_names = [text(n) for n in weights.attrs["layer_names"]]
        all_weight_names = []
        layers = []
        for name in layer_names:
            group = weights[name]
            weight_names = [text(n) for n in group.attrs["weight_names"]]
            all_weight_names.extend(weight_names)
            if not weight_names:
                continue
            kernel = np.asarray(group[weight_names[0]], dtype=np.float64)
            bias = np.asarray(group[weight_names[1]], dtype=np.float64)
            layers.append((kernel, bias, dense_configs[name]["activation"]))
        meta = json.loads(text(f.attrs["modelshelf"])) if "modelshelf" in f.attrs else {}
        keras_version = text(f.attrs["keras_version"])

    x = np.asarray(request["rows"], dtype=np.float64)
    if "scale" in meta:
        scale = np.asarray(meta["scale"], dtype=np.float64)
        x = np.where(scale == 0, 0.0, x / np.where(scale == 0, 1.0, scale))
    for kernel, bias, activation in layers:
        x = ACTIVATIONS[activation](x @ kernel + bias)
    json.dump(
        {
            "outputs": x.tolist(),
            "layers": layer_names,
            "keras_version": keras_version,
            "weight_names": all_weight_names,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
