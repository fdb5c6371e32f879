//===- npy-fuzzer.cpp - Fuzz the .npy/.npz reader -------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Support/Npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<std::vector<qmlir::npy::Array>> arrays =
      qmlir::npy::readBuffer(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz");
  if (!arrays) {
    llvm::consumeError(arrays.takeError());
    return 0;
  }
  // Every array the reader accepts holds the bytes its shape promises.
  for (const qmlir::npy::Array &a : *arrays)
    if (a.data.size() != a.numElements() * qmlir::npy::itemSize(a.dtype))
      __builtin_trap();
  return 0;
}
