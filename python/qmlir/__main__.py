"""qmlir's command line: /usr/bin/python3 -m qmlir COMMAND ...

    import    model.onnx -o model.mlir        ONNX to MLIR (@main takes the ONNX inputs in order)
              [--input-shape x=1,3,224,224]  fixes symbolic dimensions
    calibrate model.mlir --data x.npy -o stats.json [--method M]
    quantize  model.mlir --stats stats.json -o model.int8.mlir [--activation-type u8 ...]
              [--bias-correction]
    compile   model.mlir -o model.llvm.mlir   lower to the LLVM dialect for the host
    run       model.mlir --input x.npy --output y.npy
    report    model.onnx --data x.npy [--html r.html --json r.json]
              per-tensor int8 error (quant-report's command line)

Run from the project root with PYTHONPATH=python after `make check`, or set
QMLIR_BIN to the directory holding quant-opt, quant-run and quant-calibrate.
"""

import argparse
import sys

import numpy as np

from . import tools
from .errors import OnnxImportError


def _input_shapes(specs):
    """--input-shape NAME=D0,D1,... values as a dict."""
    shapes = {}
    for spec in specs:
        name, _, dims = spec.rpartition("=")
        try:
            shapes[name] = [int(d) for d in dims.split(",")]
        except ValueError:
            raise OnnxImportError("--input-shape %s: expected NAME=D0,D1,..." % spec) from None
        if not name or any(d <= 0 for d in shapes[name]):
            raise OnnxImportError("--input-shape %s: expected NAME=D0,D1,... with positive sizes" % spec)
    return shapes


def _import(path, output, input_shapes):
    """ONNX to MLIR; onnx is imported only here."""
    import onnx

    from . import onnx_import
    try:
        proto = onnx.load(path)
    except OSError:
        raise
    except Exception as e:  # protobuf's DecodeError and kin
        raise OnnxImportError("%s: not a readable ONNX model (%s)" % (path, e)) from None
    text = onnx_import.import_model(proto, _input_shapes(input_shapes))
    with open(output, "w") as f:
        f.write(text)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"]:
        from .report import main as report_main
        return report_main(argv[1:])
    p = argparse.ArgumentParser(prog="python3 -m qmlir", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("import", help="ONNX to MLIR")
    s.add_argument("model")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--input-shape", action="append", default=[], metavar="NAME=D0,D1,...",
                   help="static shape of an input with symbolic dimensions")
    s = sub.add_parser("calibrate", help="statistics over calibration data")
    s.add_argument("model")
    s.add_argument("--data", action="append", required=True, help=".npy per argument, samples on axis 0")
    s.add_argument("--method")
    s.add_argument("-o", "--output", required=True)
    s = sub.add_parser("quantize", help="float model to int8 qnn")
    s.add_argument("model")
    s.add_argument("--stats")
    s.add_argument("-o", "--output", required=True)
    for option in ("method", "activation-scheme", "activation-type", "weight-granularity", "rounding"):
        s.add_argument("--" + option)
    s.add_argument("--skip", action="append", default=[])
    s.add_argument("--bias-correction", action="store_true",
                   help="take the weights' mean quantization error out of the biases")
    s = sub.add_parser("compile", help="lower to the LLVM dialect for the host")
    s.add_argument("model")
    s.add_argument("-o", "--output", required=True)
    sub.add_parser("report", help="per-tensor int8 error against float (quant-report)")
    s = sub.add_parser("run", help="run a model (JIT) on .npy inputs")
    s.add_argument("model")
    s.add_argument("--input", action="append", default=[])
    s.add_argument("--output", action="append", default=[])
    a = p.parse_args(argv)
    try:
        if a.command == "import":
            _import(a.model, a.output, a.input_shape)
        elif a.command == "calibrate":
            tools.calibrate(a.model, [np.load(d) for d in a.data], a.output, method=a.method)
        elif a.command == "quantize":
            options = {k.replace("-", "_"): getattr(a, k.replace("-", "_"))
                       for k in ("method", "activation-scheme", "activation-type", "weight-granularity", "rounding")}
            options = {k: v for k, v in options.items() if v}
            if a.skip:
                options["skip"] = a.skip
            if a.bias_correction:
                options["bias_correction"] = True
            for remark in tools.quantize(a.model, a.output, stats=a.stats, **options):
                print("qmlir: remark: " + remark, file=sys.stderr)
        elif a.command == "compile":
            tools.call([tools.tool("quant-opt"), a.model, "--qnn-lower-to-llvm", "-o", a.output])
        elif a.command == "run":
            tools.call([tools.tool("quant-run"), a.model] + ["--input=" + i for i in a.input]
                       + ["--output=" + o for o in a.output])
    except (OnnxImportError, tools.ToolError, OSError) as e:
        print("qmlir: error: %s" % str(e).strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
