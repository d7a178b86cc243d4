"""What kepler-model-server's Python estimator answers for a Kepler weight file, written from its source
(src/kepler_model/estimate/, util/train_types.py at 3829b62) with numpy, independently of the TypeScript.

The sidecar serves the model archive: per component a pickled estimator fed by a MaxAbsScaler, i.e.
x' = x / scale_ (the "scale" the weight file exports). An SGD model predicts intercept + coef . x'; a
CurveFitModel predicts fit_func(x'[:, feature_index], *popt) with feature_index set from
main_feature(get_valid_feature_groups(features)[0], component). transform_and_predict then does
y[y < 0] = 0. Nothing else: no fill-in, no core ratio (the Go client applies those).

stdin:  {"weights": {...weight JSON...}, "trainer": "...", "metrics": [...], "values": [[...], ...]}
stdout: {"powers": {"<component>": [watts, ...]}}
"""
import json
import sys

import numpy as np

GROUPS = [  # train_types.FeatureGroups, declaration order
    ("Full", sorted(["cache_miss", "cpu_cycles", "cpu_instructions", "bpf_cpu_time_ms", "bpf_page_cache_hit",
                     "bpf_block_irq", "bpf_net_rx_irq", "bpf_net_tx_irq", "accelerator_intel_qat",
                     "node_info", "cpu_scaling_frequency_hertz"])),
    ("WorkloadOnly", sorted(["cache_miss", "cpu_cycles", "cpu_instructions", "bpf_cpu_time_ms",
                             "bpf_page_cache_hit", "bpf_block_irq", "bpf_net_rx_irq", "bpf_net_tx_irq",
                             "accelerator_intel_qat"])),
    ("CounterOnly", sorted(["cache_miss", "cpu_cycles", "cpu_instructions"])),
    ("BPFOnly", sorted(["bpf_cpu_time_ms", "bpf_page_cache_hit"])),
    ("BPFIRQ", sorted(["bpf_cpu_time_ms", "bpf_page_cache_hit", "bpf_block_irq", "bpf_net_rx_irq", "bpf_net_tx_irq"])),
    ("CounterIRQCombined", sorted(["cache_miss", "cpu_cycles", "cpu_instructions", "bpf_block_irq",
                                   "bpf_net_rx_irq", "bpf_net_tx_irq"])),
    ("Basic", sorted(["cache_miss", "cpu_cycles", "cpu_instructions", "bpf_cpu_time_ms", "bpf_page_cache_hit"])),
    ("AcceleratorOnly", ["accelerator_intel_qat"]),
]
MAIN = {"Full": "cpu_instructions", "WorkloadOnly": "cpu_instructions", "CounterOnly": "cpu_instructions",
        "BPFOnly": "bpf_cpu_time_ms", "BPFIRQ": "bpf_cpu_time_ms", "CounterIRQCombined": "cpu_instructions",
        "Basic": "cpu_instructions", "AcceleratorOnly": "accelerator_intel_qat"}
DRAM = {"Full": "cache_miss", "WorkloadOnly": "cache_miss", "CounterOnly": "cache_miss",
        "BPFOnly": "bpf_page_cache_hit", "BPFIRQ": "bpf_page_cache_hit", "CounterIRQCombined": "cache_miss",
        "Basic": "cache_miss"}


def feature_index(features, component):
    name, group = next((n, g) for n, g in GROUPS if all(f in features for f in g))
    feature = DRAM[name] if component == "dram" and name in DRAM else MAIN[name]
    return group.index(feature)


CURVES = {
    "LogarithmicRegressionTrainer": lambda x, a, b, c: a * np.log(b * x + 1) + c,
    "ExponentialRegressionTrainer": lambda x, a, b, c: a * np.exp(b * x) + c,
    "LogisticRegressionTrainer": lambda x, A, x0, k, off: A / (1 + np.exp(-k * (x - x0))) + off,
}


def main():
    job = json.load(sys.stdin)
    metrics = job["metrics"]
    values = np.array(job["values"], dtype=float).reshape(len(job["values"]), len(metrics))
    powers = {}
    for component, spec in job["weights"].items():
        if not isinstance(spec, dict) or "All_Weights" not in spec:
            continue
        w = spec["All_Weights"]
        features = list(w["Numerical_Variables"].keys())
        scale = np.array([w["Numerical_Variables"][f]["scale"] for f in features], dtype=float)
        x = values[:, [metrics.index(f) for f in features]] / scale  # datapoint[features], MaxAbsScaler
        if job["trainer"] in CURVES:
            y = CURVES[job["trainer"]](x[:, feature_index(features, component)], *w["CurveFit_Weights"])
        else:
            coef = np.array([w["Numerical_Variables"][f]["weight"] for f in features], dtype=float)
            y = x @ coef + w["Bias_Weight"]
        y = np.array(y, dtype=float)
        y[y < 0] = 0
        powers[component] = y.tolist()
    json.dump({"powers": powers}, sys.stdout)


if __name__ == "__main__":
    main()
