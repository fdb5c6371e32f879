"""Where quantization error comes from: quant-report and qmlir.report().

The float model and its quantized version run on the same samples, every
tensor observed in both under the same id (qnn-instrument's ids; the
quantized model keeps them with qnn-quantize's `observe` option). A third
run, of the quantized model cut at its probes by qnn-feed-observed and fed
the float model's tensors, gives the error each op adds on its own. The
schema of the result is in docs/Report.md.
"""

import concurrent.futures
import html
import json
import math
import os
import re
import shutil
import sys
import tempfile

import numpy as np

from . import api, tools
from .errors import OnnxImportError
from .mlir_text import string_body

SCHEMA = "qmlir-report"
VERSION = 1
# Float values kept per tensor for the scatter plot, and histogram bins.
SCATTER_POINTS = 600
BINS = 64
# Observed tensors held at once, per run (the data are run in chunks).
CHUNK_BYTES = 256 << 20


_STRING = r'"((?:[^"\\]|\\.)*)"'


def _string_array(text, attr):
    """The strings of `attr = [...]` on the function in MLIR `text`."""
    m = re.search(re.escape(attr) + r" = \[((?:\s*%s,?)*)\]" % _STRING, text)
    return [string_body(s) for s in re.findall(_STRING, m.group(1))] if m else []


def _probe_types(text):
    """id -> quantization of each probe in MLIR `text`: None for a float
    tensor, else (scale, zero_point, qmin, qmax)."""
    types = {}
    for m in re.finditer(r"qnn\.observe %[\w#]+ id = " + _STRING + r"(?: \{[^\n]*\})? : tensor<([^\n]*)>\n",
                         text):
        element = m.group(2)
        q = re.search(r"!quant\.uniform<([iu])(\d+)(?:<(-?\d+):(-?\d+)>)?:f32, ([^:>]+)(?::(-?\d+))?>", element)
        if not q:
            types[string_body(m.group(1))] = None
            continue
        signed, bits = q.group(1) == "i", int(q.group(2))
        qmin, qmax = (-(1 << bits - 1), (1 << bits - 1) - 1) if signed else (0, (1 << bits) - 1)
        if q.group(3):
            qmin, qmax = int(q.group(3)), int(q.group(4))
        types[string_body(m.group(1))] = (float(q.group(5)), int(q.group(6) or 0), qmin, qmax)
    return types


def _result_bytes(text):
    """Bytes of @main's results per sample, from its signature in `text`."""
    m = re.search(r"func\.func @main\(.*?\) -> \(?(.*?)\)? (?:attributes|\{)", text)
    total = 0
    for dims in re.findall(r"tensor<((?:\d+x)*)f32>", m.group(1) if m else ""):
        total += 4 * int(np.prod([int(d) for d in dims.split("x") if d]))
    return total


def _kept_in_float(remarks):
    """(location, reason) of each op qnn-quantize kept in float."""
    kept = []
    for r in remarks:
        location, reason = "", r
        m = re.match(r'(?:loc\((.*?)\)|(\S+:\d+:\d+)): (.*)', r)
        if m:
            location, reason = (m.group(1) or m.group(2)).strip('"'), m.group(3)
        if reason.startswith("kept in float: "):
            kept.append({"location": location, "reason": reason[len("kept in float: "):]})
    return kept


class _Errors:
    """Streaming error statistics of one tensor's approximation."""

    def __init__(self):
        self.n = 0
        self.f2 = self.e2 = self.fq = self.q2 = 0.0
        self.max_abs = 0.0

    def add(self, f, q):
        f, q = f.astype(np.float64).ravel(), q.astype(np.float64).ravel()
        e = q - f
        self.n += f.size
        self.f2 += float(f @ f)
        self.e2 += float(e @ e)
        self.fq += float(f @ q)
        self.q2 += float(q @ q)
        if e.size:
            self.max_abs = max(self.max_abs, float(np.abs(e).max()))

    def sqnr(self):
        if self.e2 == 0:
            return None  # exact
        return 10 * math.log10(max(self.f2, 1e-300) / self.e2)

    def summary(self):
        norm = math.sqrt(self.f2 * self.q2)
        return {"sqnr_db": self.sqnr(), "mse": self.e2 / max(self.n, 1),
                "cosine": self.fq / norm if norm else (1.0 if self.f2 == self.q2 else 0.0),
                "max_abs_error": self.max_abs}


class _Tensor:
    """Everything the report says of one observed tensor."""

    def __init__(self, name, depth, qtype, lo, hi):
        self.name, self.depth, self.qtype = name, depth, qtype
        self.accumulated, self.added = _Errors(), _Errors()
        self.min, self.max = math.inf, -math.inf
        self.clipped = 0
        if qtype:
            scale, zp, qmin, qmax = qtype
            self.clip = (scale * (qmin - zp), scale * (qmax - zp))
            lo, hi = min(lo, self.clip[0]), max(hi, self.clip[1])
        if not hi > lo:
            hi = lo + 1.0
        self.edges = (lo, hi)
        self.counts = np.zeros(BINS, np.int64)
        self.scatter = None

    def add(self, f, q, own):
        self.accumulated.add(f, q)
        self.added.add(f, own)
        if f.size:
            self.min, self.max = min(self.min, float(f.min())), max(self.max, float(f.max()))
        lo, hi = self.edges
        bins = np.clip(((f.ravel() - lo) / (hi - lo) * BINS).astype(np.int64), 0, BINS - 1)
        self.counts += np.bincount(bins, minlength=BINS)
        if self.qtype:
            self.clipped += int(np.count_nonzero((f < self.clip[0]) | (f > self.clip[1])))
        if self.scatter is None:
            step = max(1, f.size // SCATTER_POINTS)
            self.scatter = [f.ravel()[::step][:SCATTER_POINTS].tolist(),
                            q.ravel()[::step][:SCATTER_POINTS].tolist()]

    def summary(self):
        out = {"id": self.name, "depth": self.depth,
               "kind": "quantized" if self.qtype else "float",
               "float_min": self.min, "float_max": self.max}
        if self.qtype:
            scale, zp, qmin, qmax = self.qtype
            out.update({"scale": scale, "zero_point": zp, "storage_min": qmin, "storage_max": qmax,
                        "clipped": self.clipped / max(self.accumulated.n, 1)})
        out.update(self.accumulated.summary())
        added = self.added.summary()
        out["added_sqnr_db"], out["added_mse"] = added["sqnr_db"], added["mse"]
        out["histogram"] = {"min": self.edges[0], "max": self.edges[1], "counts": self.counts.tolist()}
        out["scatter"] = {"float": self.scatter[0], "quantized": self.scatter[1]}
        return out


# Named contractions, and generic ones with a constant operand (weights).
_CONTRACTION = re.compile(r"^\s*(%[\w#]+)(?::\d+)? = (linalg\.(?:matmul|batch_matmul|conv_\w+|depthwise_conv_\w+)"
                          r"|linalg\.generic\b.*\"reduction\".* ins\([^)]*%cst)")


def contractions(text):
    """Ids of the float contractions (matmuls, convolutions, generic
    reductions) in instrumented MLIR `text`, in program order: the ops
    mixed precision chooses a precision for."""
    produced = set()
    ids = []
    for line in text.splitlines():
        m = _CONTRACTION.match(line)
        if m:
            produced.add(m.group(1))
            continue
        m = re.match(r"^\s*%[\w#]+ = qnn\.observe (%[\w#]+) id = " + _STRING, line)
        if m and m.group(1) in produced:
            ids.append(string_body(m.group(2)))
    return ids


def _combined_sqnr(want, got):
    """Output SQNR over every result together (None: exact)."""
    e = _Errors()
    for w, g in zip(want, got):
        e.add(w, g)
    return e.sqnr()


def _accuracy(outputs, labels):
    return float(np.mean(np.argmax(outputs[0].reshape(len(labels), -1), axis=1) == labels))


class _OutputMeter:
    """Quantizes the float model with given stats and options, runs it on
    the data and measures its outputs against float's: output SQNR over
    every result, and top-1 accuracy of output 0 when labels are given."""

    def __init__(self, float_model, arrays, work, labels=None):
        self.float_model, self.arrays, self.work = float_model, arrays, work
        plain = os.path.join(work, "float.plain.llvm.mlir")
        tools.call([tools.tool("quant-opt"), float_model, "--qnn-lower-to-llvm", "-o", plain])
        self.want = tools.run(plain, *arrays)
        self.labels = None if labels is None else np.asarray(labels).reshape(-1)
        self.float_accuracy = None if labels is None else _accuracy(self.want, self.labels)

    def measure(self, stats, **options):
        path = os.path.join(self.work, "measured.int8.mlir")
        tools.quantize(self.float_model, path, stats=stats, **options)
        lowered = os.path.join(self.work, "measured.int8.llvm.mlir")
        tools.call([tools.tool("quant-opt"), path, "--qnn-lower-to-llvm", "-o", lowered])
        got = tools.run(lowered, *self.arrays)
        accuracy = None if self.labels is None else _accuracy(got, self.labels)
        return _combined_sqnr(self.want, got), accuracy


def _better(a, b):
    """Whether output SQNR `a` beats `b` (None: exact, the best)."""
    return b is not None and (a is None or a > b)


METHODS = ("minmax", "ema", "percentile:99.9", "percentile:99.99", "mse", "kl")


def tune_ranges(meter, stats, work, ids, **options):
    """Per-tensor range methods by output error: the best method for every
    tensor first, then for each tensor of `ids` in turn each other method,
    kept when the output SQNR improves. Writes the tuned stats file into
    `work`; returns (the measurements, its path)."""
    with open(stats) as f:
        data = json.load(f)
    for t in data["tensors"].values():
        t.pop("method", None)
    path = os.path.join(work, "tuned.stats.json")

    def measure():
        with open(path, "w") as f:
            json.dump(data, f)
        return meter.measure(path, **options)[0]

    tried = {}
    for m in METHODS:
        data["default_method"] = m
        tried[m] = measure()
    best_method = METHODS[0]
    for m in METHODS[1:]:
        if _better(tried[m], tried[best_method]):
            best_method = m
    data["default_method"] = best_method
    best, chosen = tried[best_method], {}
    for name in ids:
        if name not in data["tensors"]:
            continue
        for m in METHODS:
            if m == best_method:
                continue
            data["tensors"][name]["method"] = m
            sqnr = measure()
            if _better(sqnr, best):
                best, chosen[name] = sqnr, m
        data["tensors"][name].pop("method")
        if name in chosen:
            data["tensors"][name]["method"] = chosen[name]
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
    return {"methods_sqnr_db": tried, "default_method": best_method, "per_tensor": chosen,
            "sqnr_db": best, "tried_tensors": [n for n in ids if n in data["tensors"]]}, path


def choose_precision(meter, stats, budget_db=None, max_accuracy_drop=None, **options):
    """Automatic mixed precision: the contractions to keep in float so that
    the int8 model's output SQNR reaches `budget_db` (or, with the meter's
    labels, its top-1 accuracy stays within `max_accuracy_drop` of
    float's). Each contraction's sensitivity is the output SQNR with only it
    in int8; the most sensitive go to float first, one at a time, until the
    target is met. Returns the choice and the measurements
    (docs/Report.md), and the skip list."""
    text = tools.call([tools.tool("quant-opt"), meter.float_model, "--qnn-normalize-pipeline",
                       "--qnn-instrument"])[0]
    candidates = contractions(text)
    skip = list(options.pop("skip", []))
    target = None
    if meter.labels is not None:
        target = meter.float_accuracy - (max_accuracy_drop or 0.0)

    def measure(in_float):
        return meter.measure(stats, skip=skip + in_float, **options)

    def meets(m):
        sqnr, accuracy = m
        if target is not None:
            return accuracy >= target
        return sqnr is None or sqnr >= budget_db

    baseline = measure([])
    alone = {}
    chosen, achieved = [], baseline
    if not meets(baseline):
        for c in candidates:
            alone[c] = measure([o for o in candidates if o != c])[0]
        order = sorted(candidates, key=lambda c: (alone[c] is None, alone[c] or 0.0))
        # All of them in float would be the float model.
        for c in order[:-1]:
            chosen.append(c)
            achieved = measure(chosen)
            if meets(achieved):
                break
        else:
            raise ValueError("the target is not met with only one contraction left in int8 (output SQNR %s dB%s)"
                             % (_db(achieved[0]), ", accuracy %.4f" % achieved[1] if target is not None else ""))
    result = {"contractions": len(candidates), "float": chosen,
              "int8_share": 1 - len(chosen) / max(len(candidates), 1),
              "baseline_sqnr_db": baseline[0], "sqnr_db": achieved[0],
              "sensitivity": [{"id": c, "alone_sqnr_db": alone[c]} for c in candidates if c in alone]}
    if target is not None:
        result.update({"accuracy_target": target, "baseline_accuracy": baseline[1], "accuracy": achieved[1],
                       "float_accuracy": meter.float_accuracy})
    else:
        result["budget_db"] = budget_db
    return result, skip + chosen


def _observed_model(work, name, source, passes):
    """`source` through quant-opt `passes`, then lowered for the JIT; returns
    (the lowered file, the MLIR text before lowering)."""
    mlir = os.path.join(work, name + ".mlir")
    tools.call([tools.tool("quant-opt"), source] + passes + ["-o", mlir])
    lowered = os.path.join(work, name + ".llvm.mlir")
    tools.call([tools.tool("quant-opt"), mlir, "--qnn-lower-to-llvm", "-o", lowered])
    with open(mlir) as f:
        return lowered, f.read()


def report(model, data, stats=None, workdir=None, input_shapes=None, budget_db=None, labels=None,
           max_accuracy_drop=None, tune_ranges_top=None, tuned_stats=None, output=None, **options):
    """Runs `model` (ONNX or float MLIR) and its int8 version on `data` (as
    qmlir.quantize() takes calibration data) and returns the per-tensor
    report as a dict (docs/Report.md). `stats` is a quant-calibrate file;
    without one, the model is calibrated on `data`. With `budget_db` (an
    output SQNR), or `labels` and `max_accuracy_drop` (top-1 accuracy of
    output 0), mixed precision first keeps the most sensitive contractions
    in float until the target is met, and the report is of that model.
    With `tune_ranges_top` (a number of tensors, 0 for the global method
    only), range methods are first chosen by output error, for the tensors
    that add the most error; `tuned_stats` receives the tuned stats file.
    `output` receives the int8 model (without probes). Other options are
    qnn-quantize-pipeline's. The model's function is @main."""
    if labels is not None and max_accuracy_drop is None:
        raise ValueError("labels need max_accuracy_drop")
    if tune_ranges_top is not None and tune_ranges_top < 0:
        raise ValueError("the number of tensors to tune must be 0 or more")
    if tune_ranges_top is not None and "method" in options:
        raise ValueError("range tuning chooses the methods: drop the method option")
    work = workdir or tempfile.mkdtemp(prefix="qmlir-report-")
    try:
        float_model, names = api.float_model(model, work, input_shapes)
        arrays = api.calibration_arrays(data, names)
        for i, a in enumerate(arrays):
            bad = np.flatnonzero(~np.isfinite(a.reshape(len(a), -1)).all(axis=1)) if a.size else []
            if len(bad):
                raise ValueError("input %d has a non-finite value in sample %d" % (i, bad[0]))
        if not stats:
            stats = os.path.join(work, "stats.json")
            tools.calibrate(float_model, arrays, stats)
        meter = None
        if tune_ranges_top is not None or budget_db is not None or labels is not None:
            meter = _OutputMeter(float_model, arrays, work, labels)
        tuning = None
        if tune_ranges_top is not None:
            ranked = [t["id"] for t in by_added_error(report(float_model, arrays, stats=stats, **options))]
            tuning, stats = tune_ranges(meter, stats, work, ranked[:tune_ranges_top], **options)
            if tuned_stats:
                shutil.copyfile(stats, tuned_stats)
        mixed = None
        if meter and (budget_db is not None or labels is not None):
            mixed, options["skip"] = choose_precision(meter, stats, budget_db, max_accuracy_drop, **options)
            if not options["skip"]:
                del options["skip"]
        if output:
            tools.quantize(float_model, output, stats=stats, **options)
        quantized = os.path.join(work, "model.int8.mlir")
        kept = _kept_in_float(tools.quantize(float_model, quantized, stats=stats, observe=True, **options))
        with open(stats) as f:
            ranges = json.load(f).get("tensors", {})
        runs = {
            "float": _observed_model(work, "float", float_model,
                                     ["--qnn-normalize-pipeline", "--qnn-instrument", "--qnn-expose-observed"]),
            "int8": _observed_model(work, "int8", quantized, ["--qnn-expose-observed"]),
            "own": _observed_model(work, "own", quantized, ["--qnn-feed-observed", "--qnn-expose-observed"]),
        }
        depth = {n: i for i, n in enumerate(_string_array(runs["float"][1], "qnn.observed"))}
        qtypes = _probe_types(open(quantized).read())
        observed = {k: _string_array(text, "qnn.observed") for k, (_, text) in runs.items()}
        fed = _string_array(runs["own"][1], "qnn.fed")
        tensors = {}
        for name in observed["int8"]:
            if name in depth:
                r = ranges.get(name, {})
                lo, hi = r.get("min", 0.0), r.get("max", 0.0)
                if not (math.isfinite(lo) and math.isfinite(hi)):
                    lo, hi = 0.0, 0.0
                tensors[name] = _Tensor(name, depth[name], qtypes.get(name), lo, hi)
        outputs = None
        samples = len(arrays[0])
        # The float, int8 and own values of a chunk are held together; every
        # chunk compiles the models again.
        chunk = max(1, int(CHUNK_BYTES // max(3 * _result_bytes(runs["float"][1]), 1)))
        start = 0
        while start < samples:
            part = [a[start:start + chunk] for a in arrays]
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                jobs = {k: pool.submit(tools.run, runs[k][0], *part) for k in ("float", "int8")}
                got = {k: job.result() for k, job in jobs.items()}
            results = len(got["float"]) - len(observed["float"])
            values = {k: dict(zip(observed[k], got[k][results:])) for k in got}
            if outputs is None:
                outputs = [_Errors() for _ in range(results)]
            for e, f, q in zip(outputs, got["float"][:results], got["int8"][:results]):
                e.add(f, q)
            # The own-error run reads the float tensors it was cut at.
            own = tools.run(runs["own"][0], *(part + [values["float"][n] for n in fed]))
            values["own"] = dict(zip(observed["own"], own[results:]))
            for name, t in tensors.items():
                f = values["float"][name]
                if not np.isfinite(f).all():
                    raise ValueError("tensor '%s' of the float model is not finite on sample %d"
                                     % (name, start + np.flatnonzero(~np.isfinite(f.reshape(len(f), -1)).all(1))[0]))
                t.add(f, values["int8"][name], values["own"][name])
            start += len(part[0])
    finally:
        if not workdir:
            shutil.rmtree(work, ignore_errors=True)
    rep = {
        "format": SCHEMA, "version": VERSION,
        "model": str(model), "samples": samples, "options": dict(options),
        "outputs": [dict(index=i, **e.summary()) for i, e in enumerate(outputs)],
        "tensors": [t.summary() for t in sorted(tensors.values(), key=lambda t: t.depth)],
        "kept_in_float": kept,
    }
    if tuning:
        rep["range_tuning"] = tuning
    if mixed:
        rep["mixed_precision"] = mixed
    return rep


def _db(x):
    return "exact" if x is None else "%.1f" % x


def by_added_error(rep):
    """Tensors, most added error (lowest own SQNR) first; exact ones last."""
    return sorted(rep["tensors"], key=lambda t: (t["added_sqnr_db"] is None, t["added_sqnr_db"] or 0.0))


def format_table(rep, limit=None):
    """The terminal table: tensors by the error they add."""
    rows = [("tensor", "kind", "SQNR dB", "own dB", "cosine", "max err", "clipped", "scale", "zp")]
    for t in by_added_error(rep)[:limit]:
        rows.append((t["id"], t["kind"], _db(t["sqnr_db"]), _db(t["added_sqnr_db"]), "%.5f" % t["cosine"],
                     "%.4g" % t["max_abs_error"],
                     "%.2f%%" % (100 * t["clipped"]) if "clipped" in t else "-",
                     "%.4g" % t["scale"] if "scale" in t else "-", str(t.get("zero_point", "-"))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    for o in rep["outputs"]:
        lines.append("output %d: SQNR %s dB, max abs error %.4g" % (o["index"], _db(o["sqnr_db"]), o["max_abs_error"]))
    for k in rep["kept_in_float"]:
        lines.append("kept in float: %s: %s" % (k["location"] or "?", k["reason"]))
    tuning = rep.get("range_tuning")
    if tuning:
        lines.append("range methods: %s by default (%s)%s, output SQNR %s dB" % (
            tuning["default_method"],
            ", ".join("%s %s" % (m, _db(v)) for m, v in tuning["methods_sqnr_db"].items()),
            "".join(", %s %s" % (n, m) for n, m in tuning["per_tensor"].items()), _db(tuning["sqnr_db"])))
    mixed = rep.get("mixed_precision")
    if mixed:
        lines.append("mixed precision: %d of %d contractions in float (%s), output SQNR %s -> %s dB"
                     % (len(mixed["float"]), mixed["contractions"], ", ".join(mixed["float"]) or "none",
                        _db(mixed["baseline_sqnr_db"]), _db(mixed["sqnr_db"])))
    return "\n".join(lines)


# HTML: inline SVG, no script and no network.

def _svg_plot(width, height, xs, ys_list, colors, xlabel, ylabel):
    """Line plot of several series over shared xs (None values skipped)."""
    pad = 40
    finite = [y for ys in ys_list for y in ys if y is not None]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    x_hi = max(max(xs), 1) if xs else 1

    def px(x, y):
        return (pad + (width - 2 * pad) * x / x_hi, height - pad - (height - 2 * pad) * (y - lo) / (hi - lo))

    parts = ['<svg class="plot" width="%d" height="%d" viewBox="0 0 %d %d">' % (width, height, width, height),
             '<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>'
             % (pad, pad, width - 2 * pad, height - 2 * pad)]
    for frac in (0, 0.5, 1):
        y = lo + (hi - lo) * frac
        _, py = px(0, y)
        parts.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%.1f</text>' % (pad - 4, py + 3, y))
    parts.append('<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>'
                 % (width // 2, height - 8, html.escape(xlabel)))
    parts.append('<text x="12" y="%d" font-size="11" transform="rotate(-90 12 %d)" text-anchor="middle">%s</text>'
                 % (height // 2, height // 2, html.escape(ylabel)))
    for ys, color in zip(ys_list, colors):
        points = [px(x, y) for x, y in zip(xs, ys) if y is not None]
        parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                     % (color, " ".join("%.1f,%.1f" % p for p in points)))
        parts += ['<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (p[0], p[1], color) for p in points]
    parts.append("</svg>")
    return "".join(parts)


def _svg_histogram(t, width=380, height=150):
    h = t["histogram"]
    counts, lo, hi = h["counts"], h["min"], h["max"]
    top = max(max(counts), 1)
    bar = width / len(counts)
    parts = ['<svg class="plot" width="%d" height="%d">' % (width, height + 14)]
    for i, c in enumerate(counts):
        bh = height * math.log1p(c) / math.log1p(top)
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4c72b0"/>'
                     % (i * bar, height - bh, max(bar - 0.5, 0.5), bh))
    if "scale" in t:
        scale, zp = t["scale"], t["zero_point"]
        for edge in (scale * (t["storage_min"] - zp), scale * (t["storage_max"] - zp)):
            x = width * (edge - lo) / (hi - lo)
            parts.append('<line x1="%.1f" y1="0" x2="%.1f" y2="%d" stroke="#d62728" stroke-dasharray="4 3"/>'
                         % (x, x, height))
    parts.append('<text x="0" y="%d" font-size="10">%.3g</text>' % (height + 12, lo))
    parts.append('<text x="%d" y="%d" font-size="10" text-anchor="end">%.3g</text>' % (width, height + 12, hi))
    parts.append("</svg>")
    return "".join(parts)


def _svg_scatter(t, size=150):
    f, q = t["scatter"]["float"], t["scatter"]["quantized"]
    lo, hi = min(f + q + [0.0]), max(f + q + [0.0])
    if hi - lo < 1e-12:
        hi = lo + 1

    def p(v):
        return size * (v - lo) / (hi - lo)

    parts = ['<svg class="plot" width="%d" height="%d">' % (size, size),
             '<line x1="0" y1="%d" x2="%d" y2="0" stroke="#999"/>' % (size, size)]
    parts += ['<circle cx="%.1f" cy="%.1f" r="1.5" fill="#dd8452"/>' % (p(a), size - p(b)) for a, b in zip(f, q)]
    parts.append("</svg>")
    return "".join(parts)


def write_html(rep, path):
    """A self-contained page: the table, SQNR along the network, and per
    tensor a histogram (clipping range dashed) and a float-vs-int8 scatter."""
    tensors = rep["tensors"]
    e = html.escape
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>qmlir quantization report</title>",
           "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
           "td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
           "td:first-child,th:first-child{text-align:left}.tensor{display:inline-block;margin:1em;"
           "vertical-align:top}</style></head><body>",
           "<h1>Quantization report</h1><p>%s, %d samples.</p>" % (e(rep["model"]), rep["samples"])]
    for o in rep["outputs"]:
        out.append("<p>Output %d: SQNR %s dB, max abs error %.4g.</p>" % (o["index"], _db(o["sqnr_db"]),
                                                                           o["max_abs_error"]))
    out.append("<h2>SQNR along the network</h2><p><span style='color:#1f77b4'>accumulated</span> and "
               "<span style='color:#ff7f0e'>added by the op alone</span> (exact values omitted)</p>")
    out.append(_svg_plot(900, 280, [t["depth"] for t in tensors],
                         [[t["sqnr_db"] for t in tensors], [t["added_sqnr_db"] for t in tensors]],
                         ["#1f77b4", "#ff7f0e"], "tensor (program order)", "SQNR dB"))
    out.append("<h2>Tensors by added error</h2><table><tr><th>tensor</th><th>kind</th><th>SQNR dB</th>"
               "<th>own dB</th><th>cosine</th><th>max err</th><th>clipped</th><th>scale</th><th>zp</th></tr>")
    for t in by_added_error(rep):
        out.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.5f</td><td>%.4g</td><td>%s</td>"
                   "<td>%s</td><td>%s</td></tr>"
                   % (e(t["id"]), t["kind"], _db(t["sqnr_db"]), _db(t["added_sqnr_db"]), t["cosine"],
                      t["max_abs_error"], "%.2f%%" % (100 * t["clipped"]) if "clipped" in t else "-",
                      "%.4g" % t["scale"] if "scale" in t else "-", t.get("zero_point", "-")))
    out.append("</table>")
    if rep["kept_in_float"]:
        out.append("<h2>Kept in float</h2><ul>")
        out += ["<li>%s: %s</li>" % (e(k["location"] or "?"), e(k["reason"])) for k in rep["kept_in_float"]]
        out.append("</ul>")
    out.append("<h2>Tensors</h2>")
    for t in tensors:
        out.append("<div class='tensor'><h3>%s</h3><p>SQNR %s dB (own %s), range [%.4g, %.4g]</p>%s%s</div>"
                   % (e(t["id"]), _db(t["sqnr_db"]), _db(t["added_sqnr_db"]), t["float_min"], t["float_max"],
                      _svg_histogram(t), _svg_scatter(t)))
    out.append("</body></html>")
    with open(path, "w") as f:
        f.write("\n".join(out))


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(
        prog="quant-report",
        description="Per-tensor error of a model quantized to int8, against its float version: "
                    "a table by added error, and JSON or HTML files (docs/Report.md).")
    p.add_argument("model", help="float model: .onnx or linalg/TOSA .mlir")
    p.add_argument("--data", action="append", required=True, help=".npy per input, samples on axis 0")
    p.add_argument("--stats", help="quant-calibrate statistics (default: calibrate on --data)")
    p.add_argument("--json", help="write the report as JSON")
    p.add_argument("--html", help="write the report as a self-contained HTML page")
    p.add_argument("--top", type=int, default=None, help="rows of the table (default: all)")
    for option in ("method", "activation-scheme", "activation-type", "weight-granularity", "rounding"):
        p.add_argument("--" + option)
    p.add_argument("--skip", action="append", default=[], help="id of an op to keep in float")
    p.add_argument("--bias-correction", action="store_true",
                   help="take the weights' mean quantization error out of the biases (stats with channel means)")
    p.add_argument("--budget", type=float, metavar="SQNR_DB",
                   help="mixed precision: keep the most sensitive contractions in float until the output "
                        "SQNR reaches SQNR_DB")
    p.add_argument("--tune-ranges", type=int, metavar="N",
                   help="choose range methods by output error: the best for every tensor, then per tensor "
                        "for the N that add the most error (0: the global choice only)")
    p.add_argument("--tuned-stats", help="write the stats file with the tuned methods")
    p.add_argument("-o", "--output", help="write the int8 model (with --budget, the mixed one)")
    a = p.parse_args(argv)
    options = {k: getattr(a, k) for k in ("method", "activation_scheme", "activation_type",
                                          "weight_granularity", "rounding") if getattr(a, k)}
    if a.skip:
        options["skip"] = a.skip
    if a.bias_correction:
        options["bias_correction"] = True
    try:
        data = [np.load(d) for d in a.data]
        if a.tuned_stats and a.tune_ranges is None:
            raise ValueError("--tuned-stats needs --tune-ranges")
        rep = report(a.model, data, stats=a.stats, budget_db=a.budget, tune_ranges_top=a.tune_ranges,
                     tuned_stats=a.tuned_stats, output=a.output, **options)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(rep, f, indent=1)
        if a.html:
            write_html(rep, a.html)
    except (tools.ToolError, OnnxImportError, OSError, ValueError) as e:
        print("quant-report: error: %s" % " ".join(str(e).split()), file=sys.stderr)
        return 1
    print(format_table(rep, a.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
