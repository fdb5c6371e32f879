"""Trains the bundled digits models and writes them as MLIR.

Run from the project root (needs python3-torch and python3-sklearn, which
the tests do not):

    /usr/bin/python3 examples/digits/train.py

Writes, next to this script:
  data.npz         calibration and test splits of scikit-learn's digits
                   (8x8 images scaled to [0, 1], float32, one row of 64 each)
  mlp_linalg.mlir  MLP 64-32-10 with ReLU, in linalg named ops
  mlp_tosa.mlir    the same MLP in TOSA 1.0
  cnn_linalg.mlir  CNN (NCHW): conv-BN-ReLU, a residual block with BN, max
                   pool, dense; BatchNorm written as elementwise ops
  cnn_tosa.mlir    the same CNN in TOSA 1.0 (NHWC)
  cnn.onnx         the same CNN exported by torch.onnx (opset 13, NCHW)
Each model's @main takes one sample ([1, 64], [1, 1, 8, 8] or [1, 8, 8, 1])
and returns [1, 10] logits. Ops carry name locations (loc("conv1")), which
qnn-instrument turns into stable calibration ids.
"""

import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
np.random.seed(0)


def load():
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    return x_train, y_train, x_test, y_test


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(64, 32), nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.reshape(-1, 64))))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)
        self.conv2, self.bn2 = nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)
        self.conv3, self.bn3 = nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = x.reshape(-1, 1, 8, 8)
        h = torch.relu(self.bn1(self.conv1(x)))
        r = torch.relu(self.bn2(self.conv2(h)))
        r = self.bn3(self.conv3(r))
        h = torch.relu(h + r)
        h = torch.max_pool2d(h, 2)
        return self.fc(h.reshape(-1, 128))


def train(model, x, y, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.tensor(x), torch.tensor(y)
    for _ in range(epochs):
        perm = torch.randperm(len(xt))
        model.train()
        for i in range(0, len(xt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    model.eval()


def dense(a):
    a = np.asarray(a, dtype=np.float32)

    def nest(x):
        if x.ndim == 0:
            return "%.9e" % float(x)
        return "[" + ", ".join(nest(v) for v in x) + "]"

    return "dense<%s>" % nest(a)


def ttype(shape):
    return "tensor<%sxf32>" % "x".join(str(d) for d in shape)


class Writer:
    def __init__(self):
        self.lines, self.n = [], 0

    def __call__(self, text, loc=None):
        name = "%%v%d" % self.n
        self.n += 1
        suffix = ' loc("%s")' % loc if loc else ""
        self.lines.append("  %s = %s%s" % (name, text, suffix))
        return name

    def const(self, a):
        a = np.asarray(a, dtype=np.float32)
        return self("arith.constant %s : %s" % (dense(a), ttype(a.shape)))

    def module(self, arg_shape, result):
        body = "\n".join(self.lines)
        return ("func.func @main(%%x: %s) -> %s {\n%s\n  return %s : %s\n}\n" % (
            ttype(arg_shape), ttype([1, 10]), body, result, ttype([1, 10])))


# ---------------------------------------------------------------- linalg

def l_zero(w, shape):
    e = w("tensor.empty() : %s" % ttype(shape))
    c = w("arith.constant 0.0 : f32")
    return w("linalg.fill ins(%s : f32) outs(%s : %s) -> %s" % (c, e, ttype(shape), ttype(shape))), e


def l_channel_op(w, x, shape, values, op, loc, axis=1):
    """An elementwise generic `x op c[channel]`: how BatchNorm is written."""
    c = w.const(values)
    rank = len(shape)
    dims = ", ".join("d%d" % i for i in range(rank))
    e = w("tensor.empty() : %s" % ttype(shape))
    return w(
        "linalg.generic {indexing_maps = [affine_map<(%s) -> (%s)>, affine_map<(%s) -> (d%d)>, affine_map<(%s) -> (%s)>], "
        "iterator_types = [%s]} ins(%s, %s : %s, %s) outs(%s : %s) {\n"
        "  ^bb0(%%a: f32, %%b: f32, %%o: f32):\n    %%r = arith.%s %%a, %%b : f32\n    linalg.yield %%r : f32\n  } -> %s"
        % (dims, dims, dims, axis, dims, dims, ", ".join(['"parallel"'] * rank), x, c, ttype(shape),
           ttype([shape[axis]]), e, ttype(shape), op, ttype(shape)), loc)


def l_relu(w, x, shape, loc):
    rank = len(shape)
    dims = ", ".join("d%d" % i for i in range(rank))
    e = w("tensor.empty() : %s" % ttype(shape))
    c = w("arith.constant 0.0 : f32")
    return w(
        "linalg.generic {indexing_maps = [affine_map<(%s) -> (%s)>, affine_map<(%s) -> (%s)>], iterator_types = [%s]} "
        "ins(%s : %s) outs(%s : %s) {\n  ^bb0(%%a: f32, %%o: f32):\n    %%r = arith.maximumf %%a, %s : f32\n"
        "    linalg.yield %%r : f32\n  } -> %s"
        % (dims, dims, dims, dims, ", ".join(['"parallel"'] * rank), x, ttype(shape), e, ttype(shape), c, ttype(shape)), loc)


def l_dense(w, x, weight, bias, n_in, n_out, loc, transposed):
    z, e = l_zero(w, [1, n_out])
    if transposed:
        wc = w.const(weight)  # [out, in]
        mm = w("linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, "
               "affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
               % (x, wc, ttype([1, n_in]), ttype([n_out, n_in]), z, ttype([1, n_out]), ttype([1, n_out])), loc)
    else:
        wc = w.const(weight.T)
        mm = w("linalg.matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
               % (x, wc, ttype([1, n_in]), ttype([n_in, n_out]), z, ttype([1, n_out]), ttype([1, n_out])), loc)
    bc = w.const(bias)
    bb = w("linalg.broadcast ins(%s : %s) outs(%s : %s) dimensions = [0]" % (bc, ttype([n_out]), e, ttype([1, n_out])))
    return w("linalg.add ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
             % (mm, bb, ttype([1, n_out]), ttype([1, n_out]), e, ttype([1, n_out]), ttype([1, n_out])), loc + ".bias")


def mlp_linalg(m):
    w = Writer()
    h = l_dense(w, "%x", m.fc1.weight.detach().numpy(), m.fc1.bias.detach().numpy(), 64, 32, "fc1", False)
    h = l_relu(w, h, [1, 32], "relu1")
    y = l_dense(w, h, m.fc2.weight.detach().numpy(), m.fc2.bias.detach().numpy(), 32, 10, "fc2", True)
    return w.module([1, 64], y)


def bn_params(bn):
    g, b = bn.weight.detach().numpy(), bn.bias.detach().numpy()
    mean, var = bn.running_mean.numpy(), bn.running_var.numpy()
    std = np.sqrt(var + bn.eps)
    return mean, std, g, b


def l_conv_bn(w, x, conv, bn, name):
    z, _ = l_zero(w, [1, 8, 8, 8])
    cst = w("arith.constant 0.0 : f32")
    cin = conv.weight.shape[1]
    p = w("tensor.pad %s low[0, 0, 1, 1] high[0, 0, 1, 1] {\n  ^bb0(%%i: index, %%j: index, %%k: index, %%l: index):\n"
          "    tensor.yield %s : f32\n  } : %s to %s" % (x, cst, ttype([1, cin, 8, 8]), ttype([1, cin, 10, 10])), name + ".pad")
    wc = w.const(conv.weight.detach().numpy())
    c = w("linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} "
          "ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
          % (p, wc, ttype([1, cin, 10, 10]), ttype([8, cin, 3, 3]), z, ttype([1, 8, 8, 8]), ttype([1, 8, 8, 8])), name)
    mean, std, g, b = bn_params(bn)
    s = [1, 8, 8, 8]
    c = l_channel_op(w, c, s, mean, "subf", name + ".bn.sub")
    c = l_channel_op(w, c, s, std, "divf", name + ".bn.div")
    c = l_channel_op(w, c, s, g, "mulf", name + ".bn.mul")
    return l_channel_op(w, c, s, b, "addf", name + ".bn.add")


def cnn_linalg(m):
    w = Writer()
    s = [1, 8, 8, 8]
    h = l_relu(w, l_conv_bn(w, "%x", m.conv1, m.bn1, "conv1"), s, "relu1")
    r = l_relu(w, l_conv_bn(w, h, m.conv2, m.bn2, "conv2"), s, "relu2")
    r = l_conv_bn(w, r, m.conv3, m.bn3, "conv3")
    e = w("tensor.empty() : %s" % ttype(s))
    a = w("linalg.add ins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (h, r, ttype(s), ttype(s), e, ttype(s), ttype(s)), "residual")
    a = l_relu(w, a, s, "relu3")
    ninf = w("arith.constant 0xFF800000 : f32")
    pe = w("tensor.empty() : %s" % ttype([1, 8, 4, 4]))
    pf = w("linalg.fill ins(%s : f32) outs(%s : %s) -> %s" % (ninf, pe, ttype([1, 8, 4, 4]), ttype([1, 8, 4, 4])))
    win = w("tensor.empty() : tensor<2x2xf32>")
    p = w("linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} "
          "ins(%s, %s : %s, tensor<2x2xf32>) outs(%s : %s) -> %s" % (a, win, ttype(s), pf, ttype([1, 8, 4, 4]), ttype([1, 8, 4, 4])), "pool")
    f = w("tensor.collapse_shape %s [[0], [1, 2, 3]] : %s into %s" % (p, ttype([1, 8, 4, 4]), ttype([1, 128])), "flatten")
    y = l_dense(w, f, m.fc.weight.detach().numpy(), m.fc.bias.detach().numpy(), 128, 10, "fc", True)
    return w.module([1, 1, 8, 8], y)


# ------------------------------------------------------------------ TOSA

def t_shape(w, dims):
    return w("tosa.const_shape {values = dense<[%s]> : tensor<%dxindex>} : () -> !tosa.shape<%d>"
             % (", ".join(str(d) for d in dims), len(dims), len(dims)))


def t_zp(w):
    return w.const(np.zeros([1], np.float32))


def t_clamp0(w, x, shape, loc):
    return w("tosa.clamp %s {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (%s) -> %s"
             % (x, ttype(shape), ttype(shape)), loc)


def t_dense(w, x, weight, bias, n_in, n_out, loc):
    """[1, n_in] -> [1, n_out] through rank-3 tosa.matmul (TOSA 1.0 has no
    fully_connected)."""
    x3 = w("tosa.reshape %s, %s : (%s, !tosa.shape<3>) -> %s" % (x, t_shape(w, [1, 1, n_in]), ttype([1, n_in]), ttype([1, 1, n_in])), loc + ".in")
    wc = w.const(weight.T.reshape(1, n_in, n_out))
    zp = t_zp(w)
    mm = w("tosa.matmul %s, %s, %s, %s : (%s, %s, tensor<1xf32>, tensor<1xf32>) -> %s"
           % (x3, wc, zp, zp, ttype([1, 1, n_in]), ttype([1, n_in, n_out]), ttype([1, 1, n_out])), loc)
    bc = w.const(bias.reshape(1, 1, n_out))
    a = w("tosa.add %s, %s : (%s, %s) -> %s" % (mm, bc, ttype([1, 1, n_out]), ttype([1, 1, n_out]), ttype([1, 1, n_out])), loc + ".bias")
    return w("tosa.reshape %s, %s : (%s, !tosa.shape<2>) -> %s" % (a, t_shape(w, [1, n_out]), ttype([1, 1, n_out]), ttype([1, n_out])), loc + ".out")


def mlp_tosa(m):
    w = Writer()
    h = t_dense(w, "%x", m.fc1.weight.detach().numpy(), m.fc1.bias.detach().numpy(), 64, 32, "fc1")
    h = t_clamp0(w, h, [1, 32], "relu1")
    y = t_dense(w, h, m.fc2.weight.detach().numpy(), m.fc2.bias.detach().numpy(), 32, 10, "fc2")
    return w.module([1, 64], y)


def t_conv_bn(w, x, conv, bn, name):
    cin = conv.weight.shape[1]
    wc = w.const(conv.weight.detach().numpy().transpose(0, 2, 3, 1))  # OHWI
    bc = w.const(np.zeros([8], np.float32))
    zp = t_zp(w)
    c = w("tosa.conv2d %s, %s, %s, %s, %s {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, "
          "stride = array<i64: 1, 1>} : (%s, %s, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> %s"
          % (x, wc, bc, zp, zp, ttype([1, 8, 8, cin]), ttype([8, 3, 3, cin]), ttype([1, 8, 8, 8])), name)
    mean, std, g, b = bn_params(bn)
    s = [1, 8, 8, 8]
    shift = w("arith.constant dense<0> : tensor<1xi8>")
    mc = w.const((-mean).reshape(1, 1, 1, 8))
    c = w("tosa.add %s, %s : (%s, %s) -> %s" % (c, mc, ttype(s), ttype([1, 1, 1, 8]), ttype(s)), name + ".bn.sub")
    sc = w.const((g / std).reshape(1, 1, 1, 8))
    c = w("tosa.mul %s, %s, %s : (%s, %s, tensor<1xi8>) -> %s" % (c, sc, shift, ttype(s), ttype([1, 1, 1, 8]), ttype(s)), name + ".bn.mul")
    bb = w.const(b.reshape(1, 1, 1, 8))
    return w("tosa.add %s, %s : (%s, %s) -> %s" % (c, bb, ttype(s), ttype([1, 1, 1, 8]), ttype(s)), name + ".bn.add")


def cnn_tosa(m):
    w = Writer()
    s = [1, 8, 8, 8]
    h = t_clamp0(w, t_conv_bn(w, "%x", m.conv1, m.bn1, "conv1"), s, "relu1")
    r = t_clamp0(w, t_conv_bn(w, h, m.conv2, m.bn2, "conv2"), s, "relu2")
    r = t_conv_bn(w, r, m.conv3, m.bn3, "conv3")
    a = w("tosa.add %s, %s : (%s, %s) -> %s" % (h, r, ttype(s), ttype(s), ttype(s)), "residual")
    a = t_clamp0(w, a, s, "relu3")
    p = w("tosa.max_pool2d %s {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (%s) -> %s"
          % (a, ttype(s), ttype([1, 4, 4, 8])), "pool")
    # Flatten in the torch (NCHW) order the dense weights expect.
    t = w("tosa.transpose %s {perms = array<i32: 0, 3, 1, 2>} : (%s) -> %s" % (p, ttype([1, 4, 4, 8]), ttype([1, 8, 4, 4])), "pool.nchw")
    f = w("tosa.reshape %s, %s : (%s, !tosa.shape<2>) -> %s" % (t, t_shape(w, [1, 128]), ttype([1, 8, 4, 4]), ttype([1, 128])), "flatten")
    y = t_dense(w, f, m.fc.weight.detach().numpy(), m.fc.bias.detach().numpy(), 128, 10, "fc")
    return w.module([1, 8, 8, 1], y)


def main():
    x_train, y_train, x_test, y_test = load()
    calib = x_train[np.random.RandomState(1).permutation(len(x_train))[:300]]
    np.savez(os.path.join(HERE, "data.npz"), calib=calib, test=x_test, labels=y_test)
    for name, cls, epochs, writers in [("mlp", MLP, 60, (mlp_linalg, mlp_tosa)), ("cnn", CNN, 40, (cnn_linalg, cnn_tosa))]:
        model = cls()
        train(model, x_train, y_train, epochs)
        with torch.no_grad():
            acc = (model(torch.tensor(x_test)).argmax(1).numpy() == y_test).mean()
        print("%s: float test accuracy %.2f%%" % (name, 100 * acc))
        if name == "cnn":
            torch.onnx.export(model, torch.zeros(1, 1, 8, 8), os.path.join(HERE, "cnn.onnx"),
                              opset_version=13, input_names=["x"], output_names=["logits"])
        for writer, form in zip(writers, ("linalg", "tosa")):
            with open(os.path.join(HERE, "%s_%s.mlir" % (name, form)), "w") as f:
                f.write("// %s digits classifier (%s), written by examples/digits/train.py.\n" % (name.upper(), form))
                f.write(writer(model))


if __name__ == "__main__":
    main()
