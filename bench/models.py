"""Whole models by the documented flow, against PyTorch and ONNX Runtime on
the same machine: `make bench-models`.

Each model (bench/zoo.py: torchvision CNNs with random weights and
BatchNorm statistics, a transformer encoder) is exported to ONNX, imported,
calibrated on 16 samples, quantized with the default pipeline and compiled
with `quant-compile --emit=exe`, every step a tool run whose time and peak
RSS are recorded. Latency is that of the executables in a fresh process,
`--threads` threads (1 by default, for every party), one sample per call:
the mean of `--repeat` calls, the first (cold) one included, default
allocator settings. PyTorch 1.13 runs float (eager) and int8 (FX
post-training static quantization calibrated on the same 16 samples, on the
first of fbgemm, onednn and qnnpack its build supports: Debian's has no
fbgemm; the transformer's int8 is dynamic quantization of its Linear
layers), each in a process of its own. ONNX Runtime (npm's
onnxruntime-node, CPU provider, all graph optimizations) runs the exported float model and a QDQ int8 model
written by bench/qdq.py from the same calibration statistics. Peers'
latencies are the median of as many calls after one warm-up. SQNR is each
int8 model's output against its own float model over 8 further samples.

Usage: models.py BUILD_DIR WORK_DIR [--models resnet18,transformer_encoder,...] [--size 224]
                 [--threads N] [--ort NODE_MODULES]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

from qdq import write_qdq
from zoo import TRANSFORMER, export_onnx, torch_modules, zoo_model

CALIBRATION, TEST = 16, 8


# Runs argv[2:] and writes its peak RSS (KiB) to argv[1]. A process forked
# from this one inherits the RSS high-water mark of the fork's parent, so
# the tools are started from this small interpreter, not from the one that
# holds torch.
RSS_SHIM = """import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured(cmd, env=None):
    """Runs `cmd`; (seconds, peak RSS in MiB, stdout) of that process alone."""
    rss_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), "qmlir-bench-rss-%d" % os.getpid())
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", RSS_SHIM, rss_file] + [str(c) for c in cmd],
                         stdout=subprocess.PIPE, env=env, text=True)
    seconds = time.perf_counter() - start
    if run.returncode:
        sys.exit("%s failed (exit %d)" % (" ".join(map(str, cmd)), run.returncode))
    with open(rss_file) as f:
        rss = int(f.read()) / 1024
    os.remove(rss_file)
    return seconds, rss, run.stdout


def sqnr(ref, out):
    ref, out = ref.astype(np.float64), out.astype(np.float64)
    return 10 * np.log10((ref ** 2).sum() / ((ref - out) ** 2).sum())


def torch_peer(args):
    """One PyTorch measurement in this process: prints JSON {ms, outputs}."""
    torch, _ = torch_modules()
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.set_num_threads(args.threads)
    base = os.path.join(args.work, args.model)
    model, _ = zoo_model(args.model, args.size)
    calib = torch.from_numpy(np.load(base + ".calib.npy"))
    test = torch.from_numpy(np.load(base + ".test.npy"))
    with torch.no_grad():
        engine = None
        if args.peer == "int8":
            engine = next(e for e in ("fbgemm", "onednn", "qnnpack")
                          if e in torch.backends.quantized.supported_engines)
            torch.backends.quantized.engine = engine
        if args.peer == "int8" and args.model == TRANSFORMER:
            # PyTorch's recipe for transformers: int8 Linear layers with
            # activations quantized per call (FX cannot trace attention).
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear})
            engine += ", dynamic"
        elif args.peer == "int8":
            model = prepare_fx(model, get_default_qconfig_mapping(engine), (calib[0],))
            for x in calib:
                model(x)
            model = convert_fx(model)
        outputs = np.stack([model(x).numpy() for x in test])
        model(test[0])
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            model(test[0])
            times.append(time.perf_counter() - start)
    np.save("%s.torch-%s.npy" % (base, args.peer), outputs)
    print(json.dumps({"ms": 1e3 * float(np.median(times)), "engine": engine}))


def ort_peer(args, base, model, kind):
    """ONNX Runtime (node, onnxruntime-node) on `model`: median ms on
    `args.threads` threads, outputs of the test samples saved as
    <base>.ort-<kind>.npy."""
    out = subprocess.run(["node", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               "ort_peer.js"),
                          args.ort, model, base + ".test.npy", "%s.ort-%s.npy" % (base, kind),
                          str(args.repeat), str(args.threads)],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])["ms"]


def executable_ms(exe, sample, repeat, threads):
    """Milliseconds per call of a quant-compile executable, fresh process."""
    run = [exe, "--input=" + sample, "--output=" + sample + ".out.npy", "--threads=%d" % threads]
    _, rss, _ = measured(run + ["--repeat=1"])
    err = subprocess.run(run + ["--repeat=%d" % repeat], capture_output=True, text=True,
                         check=True).stderr
    return float(re.search(r"([0-9.]+) us per sample", err).group(1)) / 1e3, rss


def bench_model(name, args, bin_dir, env):
    base = os.path.join(args.work, name)
    model, shape = zoo_model(name, args.size)
    export_onnx(model, shape, base + ".onnx")
    rng = np.random.default_rng(1)
    np.save(base + ".calib.npy", rng.standard_normal((CALIBRATION,) + shape, dtype=np.float32))
    np.save(base + ".test.npy", rng.standard_normal((TEST,) + shape, dtype=np.float32))
    np.save(base + ".one.npy", np.load(base + ".test.npy")[:1])
    row = {"model": "%s %s" % (name, "x".join(map(str, shape[1:] if shape[0] == 1 else shape)))}
    steps = [
        ("import", [sys.executable, "-m", "qmlir", "import", base + ".onnx", "-o",
                    base + ".mlir"]),
        ("calibrate", [bin_dir + "/quant-calibrate", base + ".mlir",
                       "--data=%s.calib.npy" % base, "-o", base + ".stats.json",
                       "--progress=none"]),
        ("quantize", [bin_dir + "/quant-opt", base + ".mlir",
                      "--qnn-quantize-pipeline=stats=%s.stats.json" % base, "-o",
                      base + ".int8.mlir"]),
        ("compile", [bin_dir + "/quant-compile", base + ".int8.mlir", "--emit=exe",
                     "-o", base + ".int8"]),
        ("compile float", [bin_dir + "/quant-compile", base + ".mlir", "--emit=exe",
                           "-o", base + ".float"]),
    ]
    for step, cmd in steps:
        seconds, rss, out = measured(cmd, env)
        row[step] = (seconds, rss)
        if step == "compile":
            sizes = re.search(r"weights (\d+) bytes, workspace (\d+) bytes", out)
            row["weights"], row["workspace"] = (int(g) / 2 ** 20 for g in sizes.groups())
    for kind in ("int8", "float"):
        row[kind + " ms"], row[kind + " rss"] = executable_ms(
            base + "." + kind, base + ".one.npy", args.repeat, args.threads)
        subprocess.run([base + "." + kind, "--input=%s.test.npy" % base,
                        "--output=%s.%s.out.npy" % (base, kind)], check=True)
    row["sqnr"] = sqnr(np.load(base + ".float.out.npy"), np.load(base + ".int8.out.npy"))
    for peer in ("float", "int8"):
        out = subprocess.run([sys.executable, __file__, args.build, args.work, "--peer",
                              peer, "--model", name, "--size", str(args.size),
                              "--repeat", str(args.repeat), "--threads", str(args.threads)],
                             stdout=subprocess.PIPE, text=True, check=True).stdout
        result = json.loads(out.splitlines()[-1])
        row["torch " + peer + " ms"] = result["ms"]
        row["engine"] = result["engine"] or row.get("engine")
    write_qdq(base + ".onnx", base + ".stats.json", base + ".qdq.onnx")
    row["ort float ms"] = ort_peer(args, base, base + ".onnx", "float")
    row["ort int8 ms"] = ort_peer(args, base, base + ".qdq.onnx", "int8")
    row["ort sqnr"] = sqnr(np.load(base + ".ort-float.npy").reshape(TEST, -1),
                           np.load(base + ".ort-int8.npy").reshape(TEST, -1))
    torch_float = np.load(base + ".torch-float.npy").reshape(TEST, -1)
    row["torch sqnr"] = sqnr(torch_float, np.load(base + ".torch-int8.npy").reshape(TEST, -1))
    row["float error"] = float(np.abs(np.load(base + ".float.out.npy").reshape(TEST, -1)
                                      - torch_float).max() / np.abs(torch_float).max())
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("work")
    parser.add_argument("--models", default="resnet18,mobilenet_v2,mobilenet_v3_small,transformer_encoder")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="threads of every party")
    parser.add_argument("--peer", choices=["float", "int8"])
    parser.add_argument("--model")
    parser.add_argument("--ort", default=os.path.join("build", "npm", "node_modules"),
                        help="node_modules holding onnxruntime-node")
    args = parser.parse_args()
    if args.peer:
        return torch_peer(args)
    torch_modules()
    args.ort = os.path.abspath(args.ort)
    if not os.path.isdir(os.path.join(args.ort, "onnxruntime-node")):
        sys.exit("%s: no onnxruntime-node in %s (npm install --ignore-scripts --prefix "
                 "%s onnxruntime-node)" % (sys.argv[0], args.ort, os.path.dirname(args.ort)))
    bin_dir = os.path.join(os.path.abspath(args.build), "bin")
    os.makedirs(args.work, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", "python"),
               QMLIR_BIN=bin_dir)
    rows = [bench_model(name, args, bin_dir, env) for name in args.models.split(",")]
    print("Latency per sample, %d thread%s (ms); speed-ups are peer time / qmlir int8 time\n"
          % (args.threads, "s" if args.threads > 1 else ""))
    head = ["model", "qmlir int8", "PyTorch int8", "ORT int8 (QDQ)",
            "ORT fp32", "vs PyTorch int8", "vs ORT int8", "vs ORT fp32",
            "qmlir float", "PyTorch fp32"]
    print("| " + " | ".join(head) + " |")
    print("|---" * len(head) + "|")
    for r in rows:
        q = r["int8 ms"]
        cells = [r["model"], "%.2f" % q, "%.2f" % r["torch int8 ms"], "%.2f" % r["ort int8 ms"],
                 "%.2f" % r["ort float ms"], "%.2fx" % (r["torch int8 ms"] / q),
                 "%.2fx" % (r["ort int8 ms"] / q), "%.2fx" % (r["ort float ms"] / q),
                 "%.1f" % r["float ms"], "%.1f" % r["torch float ms"]]
        print("| " + " | ".join(cells) + " |")
    print("\nPyTorch int8 engines: " + "; ".join("%s %s" % (r["model"], r["engine"]) for r in rows))
    print("\nSQNR of each int8 model against its own float model (dB), memory\n")
    head = ["model", "SQNR qmlir", "SQNR PyTorch", "SQNR ORT", "weights MiB",
            "workspace MiB", "int8 exe peak RSS MiB"]
    print("| " + " | ".join(head) + " |")
    print("|---" * len(head) + "|")
    for r in rows:
        cells = [r["model"], "%.1f" % r["sqnr"], "%.1f" % r["torch sqnr"], "%.1f" % r["ort sqnr"],
                 "%.1f" % r["weights"], "%.1f" % r["workspace"], "%.0f" % r["int8 rss"]]
        print("| " + " | ".join(cells) + " |")
    print("\nThe documented flow, per step: seconds / peak RSS MiB\n")
    steps = ["import", "calibrate", "quantize", "compile", "compile float"]
    print("| model | " + " | ".join(steps) + " | float vs PyTorch (max rel.) |")
    print("|---" * (len(steps) + 2) + "|")
    for r in rows:
        print("| %s | " % r["model"] + " | ".join("%.1f / %.0f" % r[s] for s in steps)
              + " | %.1e |" % r["float error"])


if __name__ == "__main__":
    main()
