//===- Stats.cpp - Calibration statistics and range methods -----*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Calibration/Stats.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace qmlir::calibration;

//===----------------------------------------------------------------------===//
// Method
//===----------------------------------------------------------------------===//

Expected<Method> Method::parse(StringRef text) {
  auto [name, arg] = text.split(':');
  Method m;
  if (name == "minmax")
    m.kind = MinMax;
  else if (name == "ema")
    m.kind = MovingAverage;
  else if (name == "mse")
    m.kind = MSE;
  else if (name == "kl")
    m.kind = KL;
  else if (name == "percentile")
    m.kind = Percentile;
  else
    return createStringError(inconvertibleErrorCode(),
                             "unknown calibration method '" + text +
                                 "' (minmax, ema, percentile[:P], mse, kl)");
  if (!arg.empty()) {
    if (m.kind != Percentile || arg.getAsDouble(m.percentile) ||
        !(m.percentile > 50 && m.percentile <= 100))
      return createStringError(inconvertibleErrorCode(),
                               "bad calibration method '" + text +
                                   "': percentile takes P in (50, 100]");
  }
  return m;
}

std::string Method::str() const {
  switch (kind) {
  case MinMax:
    return "minmax";
  case MovingAverage:
    return "ema";
  case MSE:
    return "mse";
  case KL:
    return "kl";
  case Percentile:
    return "percentile:" + formatv("{0}", percentile).str();
  }
  llvm_unreachable("unknown method");
}

//===----------------------------------------------------------------------===//
// Histogram and TensorStats
//===----------------------------------------------------------------------===//

void Histogram::add(ArrayRef<float> values) {
  if (values.empty())
    return;
  auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  if (counts.empty()) {
    counts.assign(kBins, 0);
    lo = *mn;
    hi = *mx;
    // A constant first sample still needs a positive width.
    double pad = std::max(std::abs(lo), 1.0) * 1e-6;
    if (hi - lo < pad)
      hi = lo + pad;
  }
  // Double the range (merging bin pairs) until the sample fits. `hi` itself
  // counts into the last bin, so the first sample's maximum does not halve
  // the resolution.
  while (*mn < lo || *mx > hi) {
    double width = hi - lo;
    std::vector<uint64_t> merged(kBins, 0);
    bool growUp = *mx >= hi;
    size_t base = growUp ? 0 : kBins / 2;
    for (size_t i = 0; i < kBins; ++i)
      merged[base + i / 2] += counts[i];
    counts = std::move(merged);
    if (growUp)
      hi += width;
    else
      lo -= width;
  }
  double scale = kBins / (hi - lo);
  for (float v : values) {
    auto bin = static_cast<size_t>((v - lo) * scale);
    ++counts[std::min(bin, kBins - 1)];
  }
}

/// Running means, over samples, of each index's mean along each dimension.
static void addAxisMeans(std::vector<std::vector<double>> &means,
                         uint64_t samplesBefore, ArrayRef<float> values,
                         ArrayRef<int64_t> shape) {
  if (samplesBefore == 0) {
    means.clear();
    for (int64_t d : shape)
      means.emplace_back(d, 0.0);
  }
  if (means.size() != shape.size())
    return;
  std::vector<std::vector<double>> sums;
  for (int64_t d : shape)
    sums.emplace_back(d, 0.0);
  std::vector<int64_t> index(shape.size(), 0);
  for (float v : values) {
    for (size_t a = 0; a < shape.size(); ++a)
      sums[a][index[a]] += v;
    for (size_t a = shape.size(); a-- > 0;) {
      if (++index[a] < shape[a])
        break;
      index[a] = 0;
    }
  }
  double n = static_cast<double>(samplesBefore) + 1;
  for (size_t a = 0; a < shape.size(); ++a) {
    double perIndex = static_cast<double>(values.size()) / shape[a];
    for (int64_t i = 0; i < shape[a]; ++i)
      means[a][i] += (sums[a][i] / perIndex - means[a][i]) / n;
  }
}

void TensorStats::add(ArrayRef<float> values, ArrayRef<int64_t> shape) {
  if (values.empty())
    return;
  addAxisMeans(axisMeans, samples, values, shape);
  auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  if (samples == 0) {
    min = emaMin = *mn;
    max = emaMax = *mx;
  } else {
    min = std::min<double>(min, *mn);
    max = std::max<double>(max, *mx);
    constexpr double c = 0.01;
    emaMin = (1 - c) * emaMin + c * *mn;
    emaMax = (1 - c) * emaMax + c * *mx;
  }
  ++samples;
  count += values.size();
  histogram.add(values);
}

//===----------------------------------------------------------------------===//
// Range methods
//===----------------------------------------------------------------------===//

/// The value below which `fraction` of the histogram's mass lies.
static double quantile(const Histogram &h, double fraction) {
  uint64_t total = 0;
  for (uint64_t c : h.counts)
    total += c;
  double target = fraction * total, seen = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (seen + h.counts[i] >= target && h.counts[i] > 0) {
      double within = (target - seen) / h.counts[i];
      return h.lo + (i + within) * h.binWidth();
    }
    seen += h.counts[i];
  }
  return h.hi;
}

/// Expected squared error of 8-bit uniform quantization of the histogram
/// clipped to [lo, hi]: rounding noise inside, clipping error outside.
static double clippingError(const Histogram &h, double lo, double hi) {
  double step = (hi - lo) / 255.0, noise = step * step / 12.0, error = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (!h.counts[i])
      continue;
    double x = h.lo + (i + 0.5) * h.binWidth();
    double d = x < lo ? lo - x : x > hi ? x - hi : 0;
    error += h.counts[i] * (d > 0 ? d * d : noise);
  }
  return error;
}

static std::pair<double, double> mseRange(const TensorStats &s) {
  std::pair<double, double> best{s.min, s.max};
  double bestError = clippingError(s.histogram, s.min, s.max);
  for (int i = 1; i < 100; ++i) {
    double f = 1.0 - i * 0.01;
    double lo = s.min * f, hi = s.max * f;
    double e = clippingError(s.histogram, lo, hi);
    if (e < bestError) {
      bestError = e;
      best = {lo, hi};
    }
  }
  return best;
}

/// TensorRT's entropy calibration on |x|: the threshold whose 128-level
/// quantized distribution is closest (KL divergence) to the clipped one.
static std::pair<double, double> klRange(const TensorStats &s) {
  const Histogram &h = s.histogram;
  double amax = std::max(std::abs(s.min), std::abs(s.max));
  if (amax == 0)
    return {0, 0};
  constexpr size_t bins = 2048, levels = 128;
  // Exact zeros (ReLU outputs) are representable at any threshold; left in,
  // their spike dominates the divergence and drags the threshold down. They
  // share the source bin holding 0, whose centre may map to any |x| bin.
  double zeroBin = -h.lo / h.binWidth();
  std::vector<double> hist(bins, 0);
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (zeroBin >= i && zeroBin < i + 1)
      continue;
    double x = std::abs(h.lo + (i + 0.5) * h.binWidth());
    hist[std::min<size_t>(static_cast<size_t>(x / amax * bins), bins - 1)] +=
        h.counts[i];
  }
  // The divergence is blind to how far clipped values lie: at the first bin
  // of data it is 0 with every value clipped (one-signed data away from
  // zero, such as average-pooled activations), and on heavy tails it clips
  // what matters. Thresholds whose expected rounding-plus-clipping error
  // exceeds min-max's are not candidates; the last one always is.
  auto rangeAt = [&](size_t i) {
    double t = (i + 0.5) * amax / bins;
    // Clamped into [min, max], so one-signed data keeps an ordered range.
    return std::pair{std::clamp(-t, s.min, s.max), std::clamp(t, s.min, s.max)};
  };
  double bound = clippingError(h, s.min, s.max);
  double bestKL = INFINITY;
  size_t bestI = bins;
  for (size_t i = levels; i <= bins; ++i) {
    auto [lo, hi] = rangeAt(i);
    if (clippingError(h, lo, hi) > bound)
      continue;
    std::vector<double> p(hist.begin(), hist.begin() + i);
    for (size_t j = i; j < bins; ++j)
      p[i - 1] += hist[j];
    // Q: p merged into `levels` groups, spread over each group's nonzeros.
    std::vector<double> q(i, 0);
    double groupSize = double(i) / levels;
    for (size_t g = 0; g < levels; ++g) {
      size_t start = static_cast<size_t>(g * groupSize);
      size_t end =
          std::max(start + 1, static_cast<size_t>((g + 1) * groupSize));
      double sum = 0;
      size_t nonzero = 0;
      for (size_t j = start; j < end && j < i; ++j) {
        sum += hist[j];
        nonzero += hist[j] > 0;
      }
      for (size_t j = start; j < end && j < i; ++j)
        q[j] = hist[j] > 0 ? sum / nonzero : 0;
    }
    double pSum = 0, qSum = 0;
    for (size_t j = 0; j < i; ++j) {
      pSum += p[j];
      qSum += q[j];
    }
    if (pSum == 0 || qSum == 0)
      continue;
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {
      if (p[j] == 0)
        continue;
      double pj = p[j] / pSum, qj = q[j] / qSum;
      kl += qj > 0 ? pj * std::log(pj / qj) : pj * 20; // unmatched mass
    }
    if (kl < bestKL) {
      bestKL = kl;
      bestI = i;
    }
  }
  return rangeAt(bestI);
}

std::pair<double, double> qmlir::calibration::computeRange(const TensorStats &s,
                                                           const Method &m) {
  switch (m.kind) {
  case Method::MinMax:
    return {s.min, s.max};
  case Method::MovingAverage:
    return {s.emaMin, s.emaMax};
  case Method::Percentile: {
    // Clamped into [min, max]: a constant tensor's histogram is wider than
    // its values.
    double f = m.percentile / 100.0;
    return {std::clamp(quantile(s.histogram, 1 - f), s.min, s.max),
            std::clamp(quantile(s.histogram, f), s.min, s.max)};
  }
  case Method::MSE:
    return mseRange(s);
  case Method::KL:
    return klRange(s);
  }
  llvm_unreachable("unknown method");
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

/// write() goes through this file and renames it, so that a reader never
/// sees half a stats file.
static std::string partialPath(StringRef path) {
  return (path + ".partial").str();
}

Error StatsFile::checkWritable(StringRef path) {
  std::error_code ec;
  std::string temp = partialPath(path);
  {
    raw_fd_ostream os(temp, ec);
  }
  if (ec)
    return createStringError(ec, path + ": " + ec.message());
  sys::fs::remove(temp);
  return Error::success();
}

Error StatsFile::write(StringRef path) const {
  json::Object root;
  root["format"] = "qmlir-stats";
  root["version"] = kStatsVersion;
  root["default_method"] = defaultMethod;
  root["model"] = model;
  json::Object tensorsObj;
  for (const std::string &id : order) {
    const TensorStats &s = tensors.find(id)->second;
    json::Object t;
    t["min"] = s.min;
    t["max"] = s.max;
    t["ema_min"] = s.emaMin;
    t["ema_max"] = s.emaMax;
    t["count"] = static_cast<int64_t>(s.count);
    t["samples"] = static_cast<int64_t>(s.samples);
    if (!s.method.empty())
      t["method"] = s.method;
    if (!s.axisMeans.empty()) {
      json::Array axes;
      for (const std::vector<double> &m : s.axisMeans)
        axes.push_back(json::Array(m));
      t["axis_means"] = std::move(axes);
    }
    json::Object hist;
    hist["lo"] = s.histogram.lo;
    hist["hi"] = s.histogram.hi;
    json::Array counts;
    for (uint64_t c : s.histogram.counts)
      counts.push_back(static_cast<int64_t>(c));
    hist["counts"] = std::move(counts);
    t["histogram"] = std::move(hist);
    tensorsObj[id] = std::move(t);
  }
  root["tensors"] = std::move(tensorsObj);

  std::string temp = partialPath(path);
  std::error_code ec;
  {
    raw_fd_ostream os(temp, ec);
    if (ec)
      return createStringError(ec, path + ": " + ec.message());
    os << formatv("{0}", json::Value(std::move(root))) << "\n";
  }
  if ((ec = sys::fs::rename(temp, path))) {
    sys::fs::remove(temp);
    return createStringError(ec, path + ": " + ec.message());
  }
  return Error::success();
}

Expected<StatsFile> StatsFile::read(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return createStringError(buffer.getError(),
                             path + ": " + buffer.getError().message());
  return parse((*buffer)->getBuffer(), path);
}

Expected<StatsFile> StatsFile::parse(StringRef text, StringRef path) {
  auto fail = [&](const Twine &message) -> Error {
    return createStringError(inconvertibleErrorCode(), path + ": " + message);
  };
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return fail("not valid JSON: " + toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root || root->getString("format") != "qmlir-stats")
    return fail("not a qmlir stats file (no \"format\": \"qmlir-stats\")");
  std::optional<int64_t> version = root->getInteger("version");
  if (version != kStatsVersion)
    return fail("unsupported stats version " +
                (version ? Twine(*version) : Twine("(missing)")) +
                ", this build reads version " + Twine(kStatsVersion));
  StatsFile file;
  if (std::optional<StringRef> m = root->getString("default_method"))
    file.defaultMethod = m->str();
  if (std::optional<StringRef> m = root->getString("model"))
    file.model = m->str();
  if (Error err = Method::parse(file.defaultMethod).takeError())
    return fail(toString(std::move(err)));
  const json::Object *tensors = root->getObject("tensors");
  if (!tensors)
    return fail("missing \"tensors\"");
  for (const auto &[key, value] : *tensors) {
    std::string id = key.str();
    const json::Object *t = value.getAsObject();
    if (!t)
      return fail("tensor '" + id + "' is not an object");
    TensorStats s;
    auto number = [&](StringRef field, double &out) -> Error {
      std::optional<double> v = t->getNumber(field);
      if (!v || !std::isfinite(*v))
        return fail("tensor '" + id + "': \"" + field +
                    "\" is missing or not a finite number");
      out = *v;
      return Error::success();
    };
    for (auto [field, out] : {std::pair<StringRef, double *>{"min", &s.min},
                              {"max", &s.max},
                              {"ema_min", &s.emaMin},
                              {"ema_max", &s.emaMax}})
      if (Error err = number(field, *out))
        return std::move(err);
    if (s.min > s.max || s.emaMin > s.emaMax)
      return fail("tensor '" + id + "': min > max");
    if (std::optional<StringRef> m = t->getString("method")) {
      if (Error err = Method::parse(*m).takeError())
        return fail("tensor '" + id + "': " + toString(std::move(err)));
      s.method = m->str();
    }
    if (const json::Value *axes = t->get("axis_means")) {
      const json::Array *list = axes->getAsArray();
      if (!list)
        return fail("tensor '" + id + "': \"axis_means\" is not an array");
      for (const json::Value &axis : *list) {
        const json::Array *means = axis.getAsArray();
        if (!means)
          return fail("tensor '" + id + "': \"axis_means\" holds a non-array");
        std::vector<double> &out = s.axisMeans.emplace_back();
        for (const json::Value &m : *means) {
          std::optional<double> v = m.getAsNumber();
          if (!v || !std::isfinite(*v))
            return fail("tensor '" + id +
                        "': \"axis_means\" holds a non-finite or non-number "
                        "value");
          out.push_back(*v);
        }
      }
    }
    if (std::optional<int64_t> n = t->getInteger("count"))
      s.count = *n;
    if (std::optional<int64_t> n = t->getInteger("samples"))
      s.samples = *n;
    if (const json::Object *h = t->getObject("histogram")) {
      std::optional<double> lo = h->getNumber("lo"), hi = h->getNumber("hi");
      const json::Array *counts = h->getArray("counts");
      if (!lo || !hi || !counts || !(*lo < *hi) || counts->empty())
        return fail("tensor '" + id + "': malformed histogram");
      s.histogram.lo = *lo;
      s.histogram.hi = *hi;
      for (const json::Value &c : *counts) {
        std::optional<int64_t> n = c.getAsInteger();
        if (!n || *n < 0)
          return fail("tensor '" + id +
                      "': histogram counts must be "
                      "non-negative integers");
        s.histogram.counts.push_back(*n);
      }
    } else {
      return fail("tensor '" + id + "': missing histogram");
    }
    file.order.push_back(id);
    file.tensors[id] = std::move(s);
  }
  llvm::sort(file.order);
  return file;
}
