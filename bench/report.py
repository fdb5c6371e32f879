"""Runs qmlir-bench and prints GOPS per shape: the project's int8 matmul
against oneDNN's u8s8s32 GEMM and its own f32 path, with the fraction of the
estimated int8 peak; its f32 matmul against OpenBLAS's and oneDNN's sgemm;
the 3x3 convolution int8 and f32 against the GEMM of its im2col shape.

Each benchmark runs in a process of its own, so that no number depends on
what ran before it (glibc's allocator thresholds, for one, adapt to the
allocations a process has made).

Every party runs on OMP_NUM_THREADS threads (1 if unset).

Usage: report.py path/to/qmlir-bench [benchmark flags...]
"""
import json
import os
import re
import subprocess
import sys


def run_each(binary, flags):
    """The benchmarks of `binary`, each run alone; the JSON context of the
    last run and the list of results."""
    names = subprocess.run([binary, "--benchmark_list_tests"], capture_output=True,
                           text=True, check=True).stdout.split()
    context, results = None, []
    for name in names:
        run = subprocess.run([binary, "--benchmark_format=json",
                              "--benchmark_filter=^%s$" % re.escape(name)] + flags,
                             capture_output=True, text=True, check=True)
        data = json.loads(run.stdout)
        context = data["context"]
        results += data["benchmarks"]
    return context, results

# int8 ops (2 per MAC) per cycle of the kernels' instruction on a core with
# two vector multiply ports: 2 x vpdpbusd zmm (64 MACs), 2 x vpdpbusd ymm,
# 2 x vpmaddwd ymm (16 MACs).
OPS_PER_CYCLE = {"avx512-vnni": 256, "avx-vnni": 128, "x86-64-v3": 64}


def main():
    context, benchmarks = run_each(sys.argv[1], sys.argv[2:])
    gops, hz = {}, None
    for b in benchmarks:
        if b["name"] == "clock":
            hz = b["hz"]
            continue
        peer, shape = b["name"].split("/")[:2]
        gops[(peer, shape)] = b["ops"] / 1e9
    target = context.get("kernel_target", "?")
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    peak = hz * OPS_PER_CYCLE[target] * threads / 1e9 if hz and target in OPS_PER_CYCLE else None
    shapes = list(dict.fromkeys(s for _, s in gops))
    print("kernel target %s, clock %.2f GHz (scalar add chain), int8 peak ~%s GOPS, %d thread%s"
          % (target, (hz or 0) / 1e9, "%.0f" % peak if peak else "?", threads,
             "s" if threads > 1 else ""))
    head = ("M x N x K", "qmlir int8", "oneDNN u8s8s32", "vs oneDNN", "OpenBLAS sgemm",
            "qmlir fp32", "vs own fp32", "of peak")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for s in shapes:
        if ("qmlir_int8", s) not in gops:
            continue
        q, d = gops[("qmlir_int8", s)], gops[("onednn_u8s8s32", s)]
        o, f = gops[("openblas_sgemm", s)], gops[("qmlir_f32", s)]
        row = (s, "%.1f" % q, "%.1f" % d, "%.2fx" % (q / d), "%.1f" % o, "%.1f" % f,
               "%.1fx" % (q / f), "%.0f%%" % (100 * q / peak) if peak else "?")
        print("| " + " | ".join(row) + " |")
    head = ("M x N x K", "qmlir fp32", "OpenBLAS sgemm", "oneDNN sgemm", "vs OpenBLAS", "vs oneDNN")
    print("\n| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for s in shapes:
        if ("qmlir_f32", s) not in gops:
            continue
        f, o, d = gops[("qmlir_f32", s)], gops[("openblas_sgemm", s)], gops[("onednn_sgemm", s)]
        row = (s, "%.1f" % f, "%.1f" % o, "%.1f" % d, "%.2fx" % (f / o), "%.2fx" % (f / d))
        print("| " + " | ".join(row) + " |")
    print()
    for (peer, s), value in gops.items():
        if peer in ("qmlir_int8_conv", "qmlir_f32_conv"):
            kind, gemm = ("int8", "onednn_u8s8s32") if "int8" in peer else ("f32", "onednn_sgemm")
            print("qmlir %s 3x3 conv 56x56x64 (im2col included, GEMM %s): %.1f GOPS, "
                  "%.2fx oneDNN's %s GEMM of that shape" % (kind, s, value, value / gops[(gemm, s)], kind))
    return 0


if __name__ == "__main__":
    sys.exit(main())
