//===- ABI.h - The interface of compiled models -----------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// What passes record on functions and what runners read back once the
// functions take memref descriptors: attribute names, the tensor signature of
// an entry point, and how each of its tensors travels as a numpy array.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_ABI_ABI_H
#define QMLIR_ABI_ABI_H

#include "qmlir/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qmlir::abi {

/// Name of the attribute holding a function's tensor signature.
inline constexpr llvm::StringLiteral kSignatureAttrName = "qnn.signature";
/// Name of the attribute listing the ids of exposed observed results.
inline constexpr llvm::StringLiteral kObservedAttrName = "qnn.observed";
/// Name of the attribute listing the ids of the arguments qnn-feed-observed
/// added.
inline constexpr llvm::StringLiteral kFedAttrName = "qnn.fed";
/// Name of the attribute holding the bytes of a function's planned
/// workspace (qmlir-plan-memory).
inline constexpr llvm::StringLiteral kWorkspaceBytesAttrName =
    "qnn.workspace_bytes";
/// `@f` with planned buffers is also exported as `@f` + this suffix, which
/// takes the workspace as its last argument.
inline constexpr llvm::StringLiteral kWorkspaceSuffix = "_workspace";

/// One argument or result at the ABI: numpy dtype and shape (dynamic dims
/// are ShapedType::kDynamic), plus the MLIR type for messages.
struct TensorSpec {
  npy::DType dtype;
  llvm::SmallVector<int64_t> shape;
  std::string typeName;
  /// Bits of a sub-byte integer (i4) travelling one per byte, else 0.
  unsigned subByteBits = 0;
};

/// The ABI spec of a tensor type (quantized tensors as their storage).
llvm::Expected<TensorSpec> tensorSpec(mlir::Type type);

/// The tensor signature of `entry` in `module`: from the func.func or, once
/// lowered, from the `qnn.signature` qmlir-export-abi recorded.
llvm::Expected<mlir::FunctionType> entrySignature(mlir::ModuleOp module,
                                                  llvm::StringRef entry);

/// The specs of every argument and result of `entry`.
struct EntrySpecs {
  llvm::SmallVector<TensorSpec> inputs, outputs;
};
llvm::Expected<EntrySpecs> entrySpecs(mlir::ModuleOp module,
                                      llvm::StringRef entry);

/// Bytes of the workspace qmlir-plan-memory gave `entry` (0 without one).
uint64_t workspaceBytes(mlir::ModuleOp module, llvm::StringRef entry);

} // namespace qmlir::abi

#endif // QMLIR_ABI_ABI_H
