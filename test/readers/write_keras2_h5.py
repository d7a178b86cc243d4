#!/usr/bin/python3
"""Writes a Sequential dense model exactly the way Keras 2 (tf.keras 2.x with h5py 3) saves .h5 files,
so the TypeScript decoder can be tested against Keras's conventions without TensorFlow installed:
bytes attributes (fixed-length HDF5 strings), layer/weight names as numpy arrays of bytes, `model_config`
as UTF-8 JSON bytes, weights at model_weights/<layer>/<layer>/kernel:0.

stdin: {"path": "...", "features": n, "layers": [{"units": u, "activation": "relu", "kernel": [[...]], "bias": [...]}],
        "keras3_names": false}
With keras3_names the weight names follow Keras 3's legacy h5 writer (`kernel`, `bias`, no ":0").
"""
import json
import sys

import h5py
import numpy as np


def main():
    spec = json.load(sys.stdin)
    keras3 = spec.get("keras3_names", False)
    names = ["dense" if i == 0 else f"dense_{i}" for i in range(len(spec["layers"]))]
    config_layers = [
        {
            "class_name": "InputLayer",
            "config": {
                "batch_input_shape": [None, spec["features"]],
                "dtype": "float32",
                "sparse": False,
                "ragged": False,
                "name": "dense_input",
            },
        }
    ]
    for name, layer in zip(names, spec["layers"]):
        config_layers.append(
            {
                "class_name": "Dense",
                "config": {
                    "name": name,
                    "trainable": True,
                    "dtype": "float32",
                    "units": layer["units"],
                    "activation": layer["activation"],
                    "use_bias": True,
                    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                    "bias_initializer": {"class_name": "Zeros", "config": {}},
                    "kernel_regularizer": None,
                    "bias_regularizer": None,
                    "activity_regularizer": None,
                    "kernel_constraint": None,
                    "bias_constraint": None,
                },
            }
        )
    model_config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": config_layers}}

    with h5py.File(spec["path"], "w") as f:
        f.attrs["keras_version"] = b"2.12.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        weights = f.create_group("model_weights")
        weights.attrs["backend"] = b"tensorflow"
        weights.attrs["keras_version"] = b"2.12.0"
        weights.attrs["layer_names"] = np.array([n.encode("utf8") for n in names])
        for name, layer in zip(names, spec["layers"]):
            group = weights.create_group(name)
            if keras3:
                weight_names = ["kernel", "bias"]
            else:
                weight_names = [f"{name}/kernel:0", f"{name}/bias:0"]
            group.attrs["weight_names"] = np.array([w.encode("utf8") for w in weight_names])
            group.create_dataset(weight_names[0], data=np.asarray(layer["kernel"], dtype=np.float32))
            group.create_dataset(weight_names[1], data=np.asarray(layer["bias"], dtype=np.float32))


if __name__ == "__main__":
    main()
