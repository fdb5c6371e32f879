"""Thin wrappers over qmlir's command-line tools.

The tools are found in $QMLIR_BIN, else in the source tree's build/bin (when
the package runs from a checkout), else on PATH (an installed prefix).
"""

import os
import shutil
import subprocess
import tempfile

import numpy as np

_SOURCE_BIN = os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin")


class ToolError(RuntimeError):
    pass


def tool(name):
    """The path of tool `name`; ToolError if it is nowhere to be found."""
    if "QMLIR_BIN" in os.environ:
        return os.path.join(os.environ["QMLIR_BIN"], name)
    if os.path.exists(os.path.join(_SOURCE_BIN, name)):
        return os.path.join(_SOURCE_BIN, name)
    found = shutil.which(name)
    if not found:
        raise ToolError("cannot find %s: set QMLIR_BIN to the directory holding qmlir's tools, "
                        "or put it on PATH" % name)
    return found


def call(args):
    """Runs a tool; raises ToolError with its stderr on failure, returns
    (stdout, stderr) otherwise."""
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise ToolError("%s failed:\n%s" % (os.path.basename(args[0]), r.stderr.strip()))
    return r.stdout, r.stderr


def run(model, *inputs, entry="main"):
    """quant-run on numpy arrays (samples along axis 0); returns the results."""
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for i, a in enumerate(inputs):
            paths.append(os.path.join(d, "in%d.npy" % i))
            np.save(paths[-1], a)
        out = os.path.join(d, "out.npz")
        call([tool("quant-run"), model, "--entry=" + entry, "--output=" + out]
             + ["--input=" + p for p in paths])
        with np.load(out) as z:
            return [z["arr_%d" % i] for i in range(len(z.files))]


def calibrate(model, data, stats, method=None, progress="none", entry="main"):
    """quant-calibrate: statistics of `model` over `data` (one array per
    argument, samples along axis 0) written to `stats`. `progress` is
    quant-calibrate's (none, lines, bar, auto)."""
    with tempfile.TemporaryDirectory() as d:
        args = [tool("quant-calibrate"), model, "-o", stats, "--progress=" + progress,
                "--entry=" + entry]
        for i, a in enumerate(data):
            path = os.path.join(d, "data%d.npy" % i)
            np.save(path, a)
            args.append("--data=" + path)
        if method:
            args.append("--method=" + method)
        if progress == "none":
            call(args)
        else:  # let the progress bar reach the terminal
            if subprocess.run(args).returncode != 0:
                raise ToolError("quant-calibrate failed")


def quantize(model, output, stats=None, **options):
    """qnn-quantize-pipeline through quant-opt; options use the pipeline's
    names with '_' for '-' (activation_type="u8", skip=["conv1"], ...).
    Returns the remarks of the ops kept in float, each after the location
    it names ('loc("fc"): kept in float: ...', 'model.mlir:3:5: ...')."""
    opts = []
    if stats:
        opts.append("stats=" + stats)
    for key, value in options.items():
        if isinstance(value, (list, tuple)):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        opts.append("%s=%s" % (key.replace("_", "-"), value))
    _, err = call([tool("quant-opt"), model, "--qnn-quantize-pipeline=" + " ".join(opts), "-o", output])
    remarks = []
    for line in err.splitlines():
        where, found, what = line.partition("remark: ")
        if found:  # a file location before "remark:", others after it
            remarks.append(("" if where.startswith("<unknown>") else where) + what)
    return remarks
