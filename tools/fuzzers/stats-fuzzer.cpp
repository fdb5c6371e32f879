//===- stats-fuzzer.cpp - Fuzz the stats-file reader and range methods ----===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Calibration/Stats.h"

#include <cmath>

using namespace qmlir::calibration;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<StatsFile> file = StatsFile::parse(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz");
  if (!file) {
    llvm::consumeError(file.takeError());
    return 0;
  }
  // Every accepted file gives a finite, ordered range under every method.
  for (const char *name : {"minmax", "ema", "percentile", "mse", "kl"}) {
    Method method = llvm::cantFail(Method::parse(name));
    for (auto &entry : file->tensors) {
      auto [lo, hi] = computeRange(entry.second, method);
      if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
        __builtin_trap();
    }
  }
  return 0;
}
