"""Random f32 matmuls and convolutions with constant weights, the kind
qmlir-float-kernels takes, run by quant-run (the JIT) or by a quant-compile
executable, and compared bit for bit with a numpy reference of the kernels'
documented arithmetic (docs/Codegen.md): each output is the sum of its
products in the order of the reduction loops of the op the kernel takes,
every step one fused multiply-add (a single rounding to f32), then the
elementwise epilogue. NCHW convolutions with constant filters run as NHWC
ones (qmlir-linalg-to-nhwc), so theirs is NHWC's order, (kh, kw, c).

One module holds `--configs` ops, each with its own shapes, and runs on
`--samples` samples (the sample convention), so one compile checks
configs x samples cases.
"""

import argparse
import os
import subprocess
import sys

import numpy as np

from qmlir.mlir_text import dense, tensor_str
from qmlir.testing import ModuleBuilder, Rng

QEMU = ["qemu-aarch64", "-cpu", "max", "-L", "/usr/aarch64-linux-gnu"]


def fma_f32(a, b, c):
    """a * b + c rounded once to f32, elementwise (f32 operands).

    The product of two f32 is exact in f64; TwoSum gives s + e == p + c
    exactly. Rounding s to f32 is the correct rounding of s + e unless s lies
    exactly halfway between two f32 values and e != 0: then e's sign picks
    the neighbour."""
    p = a.astype(np.float64) * b.astype(np.float64)
    c = np.broadcast_to(c, p.shape).astype(np.float64)
    s = p + c
    bb = s - p
    e = (p - (s - bb)) + (c - bb)
    r = s.astype(np.float32)
    r64 = r.astype(np.float64)
    toward = np.where(s > r64, np.float32(np.inf), np.float32(-np.inf))
    other = np.nextafter(r, toward).astype(np.float64)
    tie = (s != r64) & (np.abs(s - r64) == np.abs(other - s))
    flip = tie & (e != 0) & (np.sign(e) == np.sign(other - s))
    return np.where(flip, other.astype(np.float32), r)


def data(rng, shape, samples):
    """Normal values of random magnitude, some exact zeros."""
    a = rng.r.standard_normal((samples,) + tuple(shape)) * 10 ** rng.r.uniform(-2, 2)
    a[rng.r.rand(*a.shape) < 0.05] = 0
    return a.astype(np.float32)


def epilogue(m, rng, y, shape, channel_dim, channels):
    """Optionally a bias along `channel_dim` and a ReLU in one elementwise
    generic (what the kernel fuses); returns its value and reference."""
    if rng.chance(0.3):
        return y, lambda acc: acc
    bias = data(rng, [channels], 1)[0]
    relu = rng.chance(0.5)
    rank = len(shape)
    dims = ", ".join("d%d" % i for i in range(rank))
    n = len(m.body)
    m.line("%%bias%d = arith.constant %s : %s" % (n, dense(bias, "f32"), tensor_str([channels], "f32")))
    m.line("%%e%d = tensor.empty() : %s" % (n, tensor_str(shape, "f32")))
    body = "%s = arith.addf %a, %b : f32\n"
    if relu:
        body += "  %z = arith.constant 0.0 : f32\n  %o = arith.maximumf %s, %z : f32\n  linalg.yield %o : f32"
    else:
        body += "  linalg.yield %s : f32"
    m.line(("%%ep%d = linalg.generic {indexing_maps = [affine_map<(%s) -> (%s)>, affine_map<(%s) -> (d%d)>, "
            "affine_map<(%s) -> (%s)>], iterator_types = [%s]} ins(%s, %%bias%d : %s, %s) outs(%%e%d : %s) {\n"
            "^bb0(%%a: f32, %%b: f32, %%out: f32):\n  %s\n} -> %s") % (
        n, dims, dims, dims, channel_dim, dims, dims, ", ".join(['"parallel"'] * rank), y, n,
        tensor_str(shape, "f32"), tensor_str([channels], "f32"), n, tensor_str(shape, "f32"), body,
        tensor_str(shape, "f32")))
    view = [1] * rank
    view[channel_dim] = channels

    def ref(acc):
        out = acc + bias.reshape(view)
        return np.maximum(out, np.float32(0)) if relu else out
    return "%%ep%d" % n, ref


def zero_filled(m, shape):
    n = len(m.body)
    m.line("%%zero%d = arith.constant 0.0 : f32" % n)
    m.line("%%init%d = tensor.empty() : %s" % (n, tensor_str(shape, "f32")))
    m.line("%%acc%d = linalg.fill ins(%%zero%d : f32) outs(%%init%d : %s) -> %s" % (
        n, n, n, tensor_str(shape, "f32"), tensor_str(shape, "f32")))
    return "%%acc%d" % n


def gen_matmul(m, rng, S):
    M, N, K = rng.r.randint(1, 28), rng.r.randint(1, 71), rng.r.randint(1, 301)
    a = data(rng, [M, K], S)
    w = data(rng, [K, N], 1)[0]
    x = m.arg(tensor_str([M, K], "f32"), a)
    n = len(m.body)
    m.line("%%w%d = arith.constant %s : %s" % (n, dense(w, "f32"), tensor_str([K, N], "f32")))
    acc = zero_filled(m, [M, N])
    y = "%%mm%d" % n
    m.line("%s = linalg.matmul ins(%s, %%w%d : %s, %s) outs(%s : %s) -> %s" % (
        y, x, n, tensor_str([M, K], "f32"), tensor_str([K, N], "f32"), acc,
        tensor_str([M, N], "f32"), tensor_str([M, N], "f32")))
    y, ep = epilogue(m, rng, y, [M, N], 1, N)

    def ref(x):
        out = np.zeros((M, N), np.float32)
        for k in range(K):
            out = fma_f32(x[:, k:k + 1], w[k:k + 1, :], out)
        return ep(out)
    m.result(y, tensor_str([M, N], "f32"), np.stack([ref(a[s]) for s in range(S)]), "matmul %dx%dx%d" % (M, N, K))


def gen_conv(m, rng, S):
    layout = rng.choice(["nhwc", "nchw", "depthwise"])
    # One channel makes a depthwise convolution a plain one with no N loop,
    # which the kernels leave to the generic lowering.
    C = rng.r.randint(1, 21) if layout != "depthwise" else rng.r.randint(2, 41)
    F = C if layout == "depthwise" else rng.r.randint(1, 41)
    kh, kw = rng.r.randint(1, 4), rng.r.randint(1, 4)
    st = [rng.r.randint(1, 3), rng.r.randint(1, 3)]
    dl = [rng.r.randint(1, 3), rng.r.randint(1, 3)]
    pad = [int(rng.r.randint(0, 3)) for _ in range(2)] if rng.chance(0.5) else [0, 0]
    H = rng.r.randint(max(1, dl[0] * (kh - 1) + 1 - 2 * pad[0]), 9)
    W = rng.r.randint(max(1, dl[1] * (kw - 1) + 1 - 2 * pad[1]), 9)
    Hp, Wp = H + 2 * pad[0], W + 2 * pad[1]
    OH = (Hp - dl[0] * (kh - 1) - 1) // st[0] + 1
    OW = (Wp - dl[1] * (kw - 1) - 1) // st[1] + 1
    B = rng.r.randint(1, 3)
    nchw = layout == "nchw"
    xs = [B, C, H, W] if nchw else [B, H, W, C]
    ps = [B, C, Hp, Wp] if nchw else [B, Hp, Wp, C]
    rs = [B, F, OH, OW] if nchw else [B, OH, OW, F]
    ws = {"nhwc": [kh, kw, C, F], "nchw": [F, C, kh, kw], "depthwise": [kh, kw, C]}[layout]
    a = data(rng, xs, S)
    w = data(rng, ws, 1)[0]
    x = m.arg(tensor_str(xs, "f32"), a)
    n = len(m.body)
    if pad != [0, 0]:
        low = [0, 0, pad[0], pad[1]] if nchw else [0, pad[0], pad[1], 0]
        m.line("%%p%d = tensor.pad %s low[%s] high[%s] {\n^bb0(%s):\n  %%pz = arith.constant 0.0 : f32\n"
               "  tensor.yield %%pz : f32\n} : %s to %s" % (
                   n, x, ", ".join(map(str, low)), ", ".join(map(str, low)),
                   ", ".join("%%i%d: index" % i for i in range(4)), tensor_str(xs, "f32"), tensor_str(ps, "f32")))
        x = "%%p%d" % n
    m.line("%%w%d = arith.constant %s : %s" % (n, dense(w, "f32"), tensor_str(ws, "f32")))
    acc = zero_filled(m, rs)
    op = {"nhwc": "linalg.conv_2d_nhwc_hwcf", "nchw": "linalg.conv_2d_nchw_fchw",
          "depthwise": "linalg.depthwise_conv_2d_nhwc_hwc"}[layout]
    y = "%%conv%d" % n
    m.line("%s = %s {dilations = dense<[%d, %d]> : tensor<2xi64>, strides = dense<[%d, %d]> : tensor<2xi64>} "
           "ins(%s, %%w%d : %s, %s) outs(%s : %s) -> %s" % (
               y, op, dl[0], dl[1], st[0], st[1], x, n, tensor_str(ps, "f32"), tensor_str(ws, "f32"), acc,
               tensor_str(rs, "f32"), tensor_str(rs, "f32")))
    y, ep = epilogue(m, rng, y, rs, 1 if nchw else 3, F)

    def window(xp, i, j):
        """The input pixels tap (i, j) meets, as [B, OH, OW, C]."""
        if nchw:
            xp = xp.transpose(0, 2, 3, 1)
        return xp[:, i * dl[0]:i * dl[0] + st[0] * (OH - 1) + 1:st[0],
                  j * dl[1]:j * dl[1] + st[1] * (OW - 1) + 1:st[1], :]

    def ref(x):
        xp = np.pad(x, [(0, 0), (0, 0), (pad[0],) * 2, (pad[1],) * 2] if nchw
                    else [(0, 0), (pad[0],) * 2, (pad[1],) * 2, (0, 0)])
        out = np.zeros((B, OH, OW, F), np.float32)
        # The NHWC reduction order, (kh, kw, c), for both layouts.
        taps = [(i, j) for i in range(kh) for j in range(kw)]
        steps = [(c, i, j) for i, j in taps for c in (range(C) if layout != "depthwise" else [None])]
        for c, i, j in steps:
            win = window(xp, i, j)
            if layout == "depthwise":
                out = fma_f32(win, w[i, j, :], out)
            elif nchw:
                out = fma_f32(win[..., c:c + 1], w[:, c, i, j], out)
            else:
                out = fma_f32(win[..., c:c + 1], w[i, j, c, :], out)
        if nchw:
            out = out.transpose(0, 3, 1, 2)
        return ep(out)
    m.result(y, tensor_str(rs, "f32"), np.stack([ref(a[s]) for s in range(S)]),
             "%s x=%s w=%s st=%s dl=%s pad=%s" % (layout, xs, ws, st, dl, pad))


def run_jit(a, model, work, arrays):
    inputs, outputs = os.path.join(work, "inputs.npz"), os.path.join(work, "outputs.npz")
    np.savez(inputs, *arrays)
    run = subprocess.run([a.quant_run, model, "--kernel-target=" + a.kernel_target,
                          "--threads=%d" % a.threads, "--input=" + inputs, "--output=" + outputs],
                         capture_output=True, text=True)
    if run.returncode:
        return run
    got = np.load(outputs)
    return [got["arr_%d" % i] for i in range(len(got.files))]


def run_exe(a, model, work, arrays, count):
    exe = os.path.join(work, "model")
    compile = [a.quant_compile, model, "--target=" + a.target, "--emit=exe", "-o", exe]
    if a.mattr:
        compile.append("--mattr=" + a.mattr)
    run = subprocess.run(compile, capture_output=True, text=True)
    if run.returncode:
        return run
    cmd = (QEMU if a.target.startswith("aarch64") else []) + [exe]
    if a.threads:
        cmd.append("--threads=%d" % a.threads)
    for i, arr in enumerate(arrays):
        np.save(os.path.join(work, "in%d.npy" % i), arr)
        cmd.append("--input=" + os.path.join(work, "in%d.npy" % i))
    cmd += ["--output=" + os.path.join(work, "out%d.npy" % i) for i in range(count)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode:
        return run
    return [np.load(os.path.join(work, "out%d.npy" % i)) for i in range(count)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("op", choices=["matmul", "conv2d"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--configs", type=int, default=20)
    p.add_argument("--samples", type=int, default=3)
    p.add_argument("--work", required=True)
    p.add_argument("--quant-run", default="quant-run")
    p.add_argument("--quant-compile", default="quant-compile")
    p.add_argument("--kernel-target", default="host", help="the JIT's --kernel-target")
    p.add_argument("--target", help="run an executable for this quant-compile target instead of the JIT")
    p.add_argument("--mattr", help="quant-compile's --mattr")
    p.add_argument("--threads", type=int, default=0, help="threads of the kernels (0: the default)")
    a = p.parse_args()

    os.makedirs(a.work, exist_ok=True)
    rng = Rng(a.seed)
    m = ModuleBuilder()
    for _ in range(a.configs):
        (gen_matmul if a.op == "matmul" else gen_conv)(m, rng, a.samples)
    model = os.path.join(a.work, "model.mlir")
    with open(model, "w") as f:
        f.write(m.text())
    got = run_exe(a, model, a.work, m.arrays, len(m.expected)) if a.target else \
        run_jit(a, model, a.work, m.arrays)
    if isinstance(got, subprocess.CompletedProcess):
        print(got.stderr)
        print("FAILED: %s exited with %d" % (got.args[0], got.returncode))
        return 1
    failures = 0
    for i, (g, want, note) in enumerate(zip(got, m.expected, m.notes)):
        ok = (g.view(np.uint32) == want.view(np.uint32))
        if not ok.all():
            failures += 1
            idx = tuple(np.argwhere(~ok)[0])
            print("MISMATCH config %d: %s at %s: got %r, want %r" % (i, note, idx, g[idx], want[idx]))
    if failures:
        print("FAILED: %s: %d of %d configs differ (seed %d)" % (a.op, failures, a.configs, a.seed))
        return 1
    print("%s: %d cases (%d configs x %d samples) bit-exact" % (a.op, a.configs * a.samples, a.configs, a.samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
