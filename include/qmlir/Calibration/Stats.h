//===- Stats.h - Calibration statistics and range methods -------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Streaming statistics of one calibrated tensor (running min/max, moving
// averages, a histogram whose range adapts without re-reading data), their
// versioned JSON file (docs/Calibration.md), and the methods that turn them
// into a quantization range.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CALIBRATION_STATS_H
#define QMLIR_CALIBRATION_STATS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qmlir::calibration {

/// Version of the stats file format this build reads and writes.
inline constexpr int kStatsVersion = 1;

/// How a range is derived from statistics.
struct Method {
  enum Kind { MinMax, MovingAverage, Percentile, MSE, KL } kind = MinMax;
  double percentile = 99.99; // for Percentile

  /// Parses "minmax", "ema", "percentile", "percentile:99.9", "mse", "kl".
  static llvm::Expected<Method> parse(llvm::StringRef text);
  std::string str() const;
};

/// A histogram over [lo, hi] whose range doubles, merging bin pairs, when
/// data falls outside it, so memory stays bounded and no sample is re-read.
struct Histogram {
  static constexpr size_t kBins = 2048;
  double lo = 0, hi = 0;
  std::vector<uint64_t> counts;

  void add(llvm::ArrayRef<float> values);
  double binWidth() const { return (hi - lo) / counts.size(); }
};

struct TensorStats {
  double min = 0, max = 0;
  /// Moving averages of per-sample min/max (TensorFlow's and PyTorch's
  /// MovingAverageMinMax, factor 0.01).
  double emaMin = 0, emaMax = 0;
  uint64_t count = 0;   // values seen
  uint64_t samples = 0; // observations
  Histogram histogram;
  /// Per-tensor method, overriding the file's default when set.
  std::string method;
  /// For each dimension, the mean at each of its indices over the other
  /// dimensions and the samples (a contraction input's channel means, which
  /// bias correction reads). Empty when the files predate them.
  std::vector<std::vector<double>> axisMeans;

  /// Adds one sample's values, of `shape`; all must be finite (checked by
  /// the caller).
  void add(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape);
};

struct StatsFile {
  std::string defaultMethod = "minmax";
  std::string model;
  llvm::StringMap<TensorStats> tensors;
  /// The order write() lists tensors in: the model's (qnn-instrument's)
  /// after calibration, sorted after read().
  std::vector<std::string> order;

  llvm::Error write(llvm::StringRef path) const;
  /// Whether write(path) can create its file: checked before a long
  /// calibration rather than after it.
  static llvm::Error checkWritable(llvm::StringRef path);
  /// Reads and validates a stats file; errors name the file and the cause.
  static llvm::Expected<StatsFile> read(llvm::StringRef path);
  /// The same for a file's text; `name` names it in errors.
  static llvm::Expected<StatsFile> parse(llvm::StringRef text,
                                         llvm::StringRef name);
};

/// The range [lo, hi] `method` derives from `stats`.
std::pair<double, double> computeRange(const TensorStats &stats,
                                       const Method &method);

} // namespace qmlir::calibration

#endif // QMLIR_CALIBRATION_STATS_H
