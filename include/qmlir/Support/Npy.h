//===- Npy.h - NumPy .npy/.npz files ----------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Reads and writes the arrays every qmlir tool exchanges with users: .npy
// (format 1.0-3.0, little-endian, C order) and .npz archives of stored
// (uncompressed) .npy members, as numpy.save and numpy.savez write them.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_NPY_H
#define QMLIR_SUPPORT_NPY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qmlir::npy {

/// Element types qmlir exchanges, named as numpy dtypes.
enum class DType { F16, F32, F64, I8, U8, I16, U16, I32, I64, Bool };

/// numpy's name of `dtype` ("float32", "int8", ...).
llvm::StringRef name(DType dtype);
/// numpy's type string of `dtype` ("<f4", "|i1", ...).
llvm::StringRef descr(DType dtype);
/// Bytes per element.
size_t itemSize(DType dtype);

struct Array {
  std::string name; // member name without ".npy" in an .npz, else empty
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<char> data; // C order, little-endian

  int64_t numElements() const;
  /// The elements of a float array (f16, f32 or f64) as f32.
  std::vector<float> floats() const;
};

/// Reads an .npy file (one array) or an .npz archive (its members in archive
/// order). Errors name the file and the cause in one line.
llvm::Expected<std::vector<Array>> readFile(llvm::StringRef path);

/// The same for a file already in memory; `name` names it in errors.
llvm::Expected<std::vector<Array>> readBuffer(llvm::StringRef bytes,
                                              llvm::StringRef name);

/// Writes one array to .npy, or all of them to .npz, chosen by the
/// extension. The file appears only once complete (written beside it, then
/// renamed), so a failure never leaves a partial file behind.
llvm::Error writeFile(llvm::StringRef path, const std::vector<Array> &arrays);

} // namespace qmlir::npy

#endif // QMLIR_SUPPORT_NPY_H
