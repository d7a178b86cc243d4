#!/usr/bin/python3
"""Independent TFLite reader: runs a .tflite file with Arm NN's TfLite parser on the CpuRef backend.

stdin:  {"model": "<path to .tflite>", "rows": [[x, ...], ...]}
stdout: {"outputs": [[y, ...], ...]}
Rows run one at a time because the model's input shape is [1, features].
"""
import json
import sys

import numpy as np

# pyarmnn announces its missing parsers on stdout at import time; keep stdout for the JSON answer.
_stdout, sys.stdout = sys.stdout, sys.stderr
import pyarmnn as ann  # noqa: E402

sys.stdout = _stdout


def main():
    request = json.load(sys.stdin)
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(request["model"])
    graph_id = 0
    input_names = parser.GetSubgraphInputTensorNames(graph_id)
    output_names = parser.GetSubgraphOutputTensorNames(graph_id)
    if len(input_names) != 1 or len(output_names) != 1:
        raise SystemExit(f"expected one input and one output, got {input_names} / {output_names}")
    input_binding = parser.GetNetworkInputBindingInfo(graph_id, input_names[0])
    output_binding = parser.GetNetworkOutputBindingInfo(graph_id, output_names[0])

    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _messages = ann.Optimize(
        network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions()
    )
    net_id, _ = runtime.LoadNetwork(optimized)

    outputs = []
    for row in request["rows"]:
        data = np.asarray(row, dtype=np.float32).reshape(1, -1)
        input_tensors = ann.make_input_tensors([input_binding], [data])
        output_tensors = ann.make_output_tensors([output_binding])
        runtime.EnqueueWorkload(net_id, input_tensors, output_tensors)
        result = ann.workload_tensors_to_ndarray(output_tensors)[0]
        outputs.append([float(v) for v in np.asarray(result).reshape(-1)])
    json.dump({"outputs": outputs}, sys.stdout)


if __name__ == "__main__":
    main()
