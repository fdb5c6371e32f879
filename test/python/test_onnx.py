"""pytest: the ONNX importer, the CLI and the quantize() API."""

import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
import onnx_conformance  # noqa: E402

import qmlir  # noqa: E402
from qmlir import tools  # noqa: E402
from qmlir.onnx_import import OnnxImportError  # noqa: E402
from qmlir.mlir_text import dense_str  # noqa: E402
from qmlir.onnx_import import import_model  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DIGITS = os.path.join(ROOT, "examples", "digits")


def test_all_quantization_node_tests_pass(capsys):
    failures = onnx_conformance.main(sorted(onnx_conformance.QUANTIZATION_OPS))
    print(capsys.readouterr().out)
    assert failures == []
    counts = onnx_conformance.tests_by_op()
    assert sum(len(counts[op]) for op in onnx_conformance.QUANTIZATION_OPS) == 17


def test_float_node_tests_pass_or_are_refused():
    """Every supported float op's node test either matches the expected
    output or is refused with a reason: never a wrong result."""
    failures = onnx_conformance.main(onnx_conformance.FLOAT_OPS)
    for op, test, problem in failures:
        assert "values differ" not in problem and "shape" not in problem.split(":")[0], (test, problem)
        assert "supported" in problem or "must be" in problem, (test, problem)


def graph(op, **attrs):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    node = helper.make_node(op, ["x"], ["y"], name="my_node", **attrs)
    return helper.make_model(helper.make_graph([node], "g", [x], [y]),
                             opset_imports=[helper.make_opsetid("", 13)])


def test_unsupported_op_names_node_and_op():
    with pytest.raises(OnnxImportError, match=r"node 'my_node' \(Hardmax\): op is not supported"):
        import_model(graph("Hardmax"))


def test_import_error_keeps_its_old_name_without_shadowing_the_builtin():
    from qmlir import onnx_import
    assert onnx_import.ImportError is OnnxImportError
    assert "ImportError" not in vars(onnx_import)
    assert not issubclass(OnnxImportError, ImportError)


def test_unsupported_attribute_is_refused():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 2, 2])
    node = helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    model = helper.make_model(helper.make_graph([node], "g", [x], [y]),
                              opset_imports=[helper.make_opsetid("", 13)])
    with pytest.raises(OnnxImportError, match=r"node 'pool' \(MaxPool\): ceil_mode is not supported"):
        import_model(model)


def test_tensor_names_become_locations():
    text = import_model(onnx.load(os.path.join(DIGITS, "cnn.onnx")))
    assert 'loc("logits")' in text
    assert text.startswith("func.func @main(%arg0: tensor<1x1x8x8xf32>) -> (tensor<1x10xf32>)")


def test_cli_import_and_run(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    model = tmp_path / "cnn.mlir"
    subprocess.run([sys.executable, "-m", "qmlir", "import", os.path.join(DIGITS, "cnn.onnx"), "-o", str(model)],
                   check=True, env=env)
    x = np.load(os.path.join(DIGITS, "data.npz"))["test"][:5].reshape(5, 1, 1, 8, 8)
    np.save(tmp_path / "x.npy", x)
    subprocess.run([sys.executable, "-m", "qmlir", "run", str(model), "--input", str(tmp_path / "x.npy"),
                    "--output", str(tmp_path / "y.npy")], check=True, env=env)
    assert np.load(tmp_path / "y.npy").shape == (5, 1, 10)


def test_cli_reports_errors(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    bad = tmp_path / "erf.onnx"
    onnx.save(graph("Hardmax"), str(bad))
    r = subprocess.run([sys.executable, "-m", "qmlir", "import", str(bad), "-o", str(tmp_path / "o.mlir")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1
    assert r.stderr.strip() == "qmlir: error: node 'my_node' (Hardmax): op is not supported"
    assert not (tmp_path / "o.mlir").exists()


def test_quantize_onnx_cnn():
    data = np.load(os.path.join(DIGITS, "data.npz"))
    calib = data["calib"].reshape(-1, 1, 1, 8, 8)
    test = data["test"].reshape(-1, 1, 1, 8, 8)
    result = qmlir.quantize(os.path.join(DIGITS, "cnn.onnx"), [calib])
    assert result.summary["samples"] == 300
    assert result.summary["relative_error"][0] < 0.05
    text = open(result.int8_model).read()
    assert text.count("= qnn.conv2d") == 3 and "linalg." not in text
    float_acc = (tools.run(result.float_model, test)[0].reshape(-1, 10).argmax(1) == data["labels"]).mean()
    int8_acc = (result.run(test)[0].reshape(-1, 10).argmax(1) == data["labels"]).mean()
    assert 100 * (float_acc - int8_acc) <= 0.5


def test_quantize_takes_samples_as_dicts_and_returns_float_remarks(tmp_path):
    data = np.load(os.path.join(DIGITS, "data.npz"))
    name = onnx.load(os.path.join(DIGITS, "cnn.onnx")).graph.input[0].name
    samples = ({name: x.reshape(1, 1, 8, 8)} for x in data["calib"][:50])
    result = qmlir.quantize(os.path.join(DIGITS, "cnn.onnx"), samples, workdir=str(tmp_path))
    assert result.summary["samples"] == 50
    assert result.kept_in_float == []

    class Reader:  # ONNX Runtime's CalibrationDataReader protocol
        def __init__(self):
            self.samples = iter([{name: x.reshape(1, 1, 8, 8)} for x in data["calib"][:10]])

        def get_next(self):
            return next(self.samples, None)
    assert qmlir.quantize(os.path.join(DIGITS, "cnn.onnx"), Reader()).summary["samples"] == 10
    with pytest.raises(ValueError, match="the model's are"):
        qmlir.quantize(os.path.join(DIGITS, "cnn.onnx"), [{"nope": np.zeros((1, 1, 8, 8), np.float32)}])
    with pytest.raises(ValueError, match="no samples"):
        qmlir.quantize(os.path.join(DIGITS, "cnn.onnx"), iter([]))
    assert os.listdir(str(tmp_path))


def test_quantize_cli_prints_remarks_and_refuses_to_do_nothing(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    model = os.path.join(ROOT, "test", "Dialect", "QNN", "qnn-quantize-diagnostics.mlir")
    stats = os.path.join(ROOT, "test", "Dialect", "QNN", "Inputs", "stats.json")
    r = subprocess.run([sys.executable, "-m", "qmlir", "quantize", model, "--stats", stats,
                        "-o", str(tmp_path / "q.mlir")], capture_output=True, text=True, env=env)
    assert r.returncode == 0
    assert r.stderr == ('qmlir: remark: loc("exp"): kept in float: linalg.generic has no quantized '
                        'form: its input stays in float (a unary function becomes a table after a '
                        'quantized op)\n')
    r = subprocess.run([sys.executable, "-m", "qmlir", "quantize", model, "-o", str(tmp_path / "n.mlir")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1
    assert r.stderr.strip().endswith("nothing was quantized: no stats file (stats=...) and no fake_quant or QDQ ops")
    assert not (tmp_path / "n.mlir").exists()


def test_quantize_cli_bias_correction(tmp_path):
    # The hand-computed case of test/Dialect/QNN/qnn-quantize-bias-correction.mlir.
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    qnn = os.path.join(ROOT, "test", "Dialect", "QNN")
    out = tmp_path / "q.mlir"
    r = subprocess.run([sys.executable, "-m", "qmlir", "quantize", os.path.join(qnn, "qnn-quantize-bias-correction.mlir"),
                        "--stats", os.path.join(qnn, "Inputs", "stats-axis-means.json"), "--bias-correction",
                        "-o", str(out)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "dense<[-64, 27]> : tensor<2xi32>" in out.read_text()


def test_report_checks_its_arguments_before_running(tmp_path):
    model = os.path.join(DIGITS, "mlp_linalg.mlir")
    x = np.zeros((2, 1, 64), np.float32)
    with pytest.raises(ValueError, match="labels need max_accuracy_drop"):
        qmlir.report(model, [x], labels=[0, 1], workdir=str(tmp_path))
    with pytest.raises(ValueError, match="drop the method option"):
        qmlir.report(model, [x], tune_ranges_top=1, method="kl", workdir=str(tmp_path))
    assert os.listdir(str(tmp_path)) == []


def test_corrupt_onnx_is_one_line(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage that is not protobuf\xff\xff")
    r = subprocess.run([sys.executable, "-m", "qmlir", "import", str(bad), "-o", str(tmp_path / "o.mlir")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1
    assert "not a readable ONNX model" in r.stderr


def test_opset_9_clip_attributes_are_kept(tmp_path):
    # Read with opset 13's rules, Clip's min/max attributes were dropped.
    node = helper.make_node("Clip", ["x"], ["y"], name="clip", min=-0.5, max=0.25)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 9)])
    path = tmp_path / "clip.mlir"
    path.write_text(import_model(model))
    x = np.array([-2, -0.25, 0.1, 3], np.float32)
    np.testing.assert_array_equal(tools.run(str(path), x)[0], np.clip(x, -0.5, 0.25))


def test_non_uniform_int64_constants_and_quoted_names(tmp_path):
    shape = helper.make_node("Constant", [], ["shape"], value=helper.make_tensor(
        "s", TensorProto.INT64, [2], [2, -1]))
    reshape = helper.make_node("Reshape", ["x", "shape"], ['y "quoted" \\ é'], name="reshape")
    relu = helper.make_node("Relu", ['y "quoted" \\ é'], ["z"], name='relu "1"')
    g = helper.make_graph([shape, reshape, relu], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
                          [helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 2])])
    path = tmp_path / "m.mlir"
    path.write_text(import_model(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])))
    x = np.array([-1, 2, -3, 4], np.float32)
    np.testing.assert_array_equal(tools.run(str(path), x)[0], np.maximum(x, 0).reshape(2, 2))
    # 2^63 is no int64: the unsigned wrap once made this an object array.
    assert dense_str(np.array([2, -1], np.int64), 64) == "dense<[2, -1]>"


def test_symbolic_input_dimensions_are_fixed_on_request(tmp_path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])
    model = helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="r")], "g", [x], [y]),
                              opset_imports=[helper.make_opsetid("", 13)])
    with pytest.raises(OnnxImportError, match=r"graph input 'x' needs a static shape, has \['\?', 4\] "
                                              r"\(give one: --input-shape x=1,4\)"):
        import_model(model)
    assert "tensor<3x4xf32>" in import_model(model, {"x": [3, 4]})
    with pytest.raises(OnnxImportError, match="dimension 1 is 4 in the model, not 5"):
        import_model(model, {"x": [3, 5]})
    with pytest.raises(OnnxImportError, match="the graph has no such input"):
        import_model(model, {"z": [3, 4]})
    path = tmp_path / "dyn.onnx"
    onnx.save(model, str(path))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    r = subprocess.run([sys.executable, "-m", "qmlir", "import", str(path), "-o", str(tmp_path / "d.mlir"),
                        "--input-shape", "x=2,4"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "tensor<2x4xf32>" in (tmp_path / "d.mlir").read_text()
    r = subprocess.run([sys.executable, "-m", "qmlir", "import", str(path), "-o", str(tmp_path / "e.mlir"),
                        "--input-shape", "x=2,four"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "expected NAME=D0,D1,..." in r.stderr


def test_shape_arithmetic_is_folded(tmp_path):
    # What exporters emit around attention: the shape computed at run time.
    c = lambda name, values: helper.make_node("Constant", [], [name], value=helper.make_tensor(
        name, TensorProto.INT64, [len(values)], values))
    nodes = [helper.make_node("Shape", ["x"], ["s"]),
             c("i0", [0]), helper.make_node("Gather", ["s", "i0"], ["b"], axis=0),
             c("rest", [-1, 3]), helper.make_node("Concat", ["b", "rest"], ["shape"], axis=0),
             helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
             c("st", [1]), c("en", [3]), c("ax", [2]),
             helper.make_node("Slice", ["r", "st", "en", "ax"], ["y"], name="slice")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    path = tmp_path / "m.mlir"
    path.write_text(import_model(model, {"x": [2, 4, 6]}))
    x = np.arange(48, dtype=np.float32).reshape(2, 4, 6)
    np.testing.assert_array_equal(tools.run(str(path), x)[0], x.reshape(2, -1, 3)[:, :, 1:3])


def test_1d_convolution_and_pooling(tmp_path):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 2, 3)).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1], strides=[2]),
             helper.make_node("MaxPool", ["c"], ["y"], name="pool", kernel_shape=[2], strides=[2])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 4])],
                          initializer=[numpy_helper.from_array(w, "w")])
    path = tmp_path / "m.mlir"
    path.write_text(import_model(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])))
    x = rng.standard_normal((1, 2, 16)).astype(np.float32)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1)))
    conv = np.stack([sum((w[o, c] * xp[0, c, 2 * t:2 * t + 3]).sum() for c in range(2)) for o in range(4)
                     for t in range(8)]).reshape(1, 4, 8)
    want = conv.reshape(1, 4, 4, 2).max(-1)
    np.testing.assert_allclose(tools.run(str(path), x)[0], want, rtol=1e-5, atol=1e-5)


def test_reflect_and_edge_padding(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    pads = [0, 1, 3, 0, 0, 2, 1, 4]
    for mode in ("reflect", "edge"):
        node = helper.make_node("Pad", ["x", "pads"], ["y"], name="pad", mode=mode)
        g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              initializer=[numpy_helper.from_array(np.array(pads, np.int64), "pads")])
        path = tmp_path / ("%s.mlir" % mode)
        path.write_text(import_model(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])))
        want = np.pad(x, list(zip(pads[:4], pads[4:])), mode=mode)
        np.testing.assert_array_equal(tools.run(str(path), x[None])[0][0], want)
    # Reflection cannot reach past the far edge.
    node = helper.make_node("Pad", ["x", "pads"], ["y"], name="pad", mode="reflect")
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                          initializer=[numpy_helper.from_array(np.array([0, 0, 0, 5] + [0] * 4, np.int64),
                                                               "pads")])
    with pytest.raises(OnnxImportError, match="reflect padding of 5 on an axis of size 5"):
        import_model(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]))


def test_conv_transpose_refusals():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 3, 3])
    w = helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 2, 3, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up")
    model = helper.make_model(helper.make_graph([node], "g", [x, w], [y]),
                              opset_imports=[helper.make_opsetid("", 13)])
    with pytest.raises(OnnxImportError, match="weights must be a constant"):
        import_model(model)
    grouped = helper.make_node("ConvTranspose", ["x", "wc"], ["y"], name="up", group=2)
    wc = numpy_helper.from_array(np.zeros((4, 2, 3, 3), np.float32), "wc")
    model = helper.make_model(helper.make_graph([grouped], "g", [x], [y], initializer=[wc]),
                              opset_imports=[helper.make_opsetid("", 13)])
    with pytest.raises(OnnxImportError, match="group 2 is neither 1 nor depthwise"):
        import_model(model)


def test_refusals_name_the_cause():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    pads = numpy_helper.from_array(np.array([0, 1, 0, 1], np.int64), "pads")
    for attrs, message in (({"mode": "wrap"}, "mode wrap is not supported"),):
        node = helper.make_node("Pad", ["x", "pads"], ["y"], name="pad", **attrs)
        model = helper.make_model(helper.make_graph([node], "g", [x], [y], initializer=[pads]),
                                  opset_imports=[helper.make_opsetid("", 13)])
        with pytest.raises(OnnxImportError, match=message):
            import_model(model)
    crop = numpy_helper.from_array(np.array([0, -1, 0, 0], np.int64), "pads")
    node = helper.make_node("Pad", ["x", "pads"], ["y"], name="pad")
    model = helper.make_model(helper.make_graph([node], "g", [x], [y], initializer=[crop]),
                              opset_imports=[helper.make_opsetid("", 13)])
    with pytest.raises(OnnxImportError, match="negative pads"):
        import_model(model)
    relu = helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y]),
                             opset_imports=[helper.make_opsetid("", 13)])
    with pytest.raises(OnnxImportError, match="has rank 3, the input has rank 2"):
        import_model(relu, {"x": [1, 4, 1]})


def test_shape_of_a_constant_folds():
    from qmlir.onnx_fold import fold_constants
    w = numpy_helper.from_array(np.zeros((3, 5), np.float32), "w")
    g = helper.make_graph([helper.make_node("Shape", ["w"], ["s"]),
                           helper.make_node("Reshape", ["x", "s"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [15])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=[w])
    model = fold_constants(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]))
    assert [n.op_type for n in model.graph.node] == ["Reshape"]
    assert list(numpy_helper.to_array(next(i for i in model.graph.initializer if i.name == "s"))) == [3, 5]


def test_calibration_data_that_cannot_be_read_is_refused():
    mlp = os.path.join(ROOT, "examples", "digits", "mlp_linalg.mlir")
    with pytest.raises(ValueError, match="need an ONNX model"):
        qmlir.quantize(mlp, iter([{"x": np.zeros((1, 64), np.float32)}]))
    with pytest.raises(ValueError, match="differ in their number of inputs"):
        qmlir.quantize(mlp, iter([np.zeros((1, 64), np.float32), (np.zeros((1, 64)), np.zeros((1, 64)))]))
