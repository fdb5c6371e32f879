//===- Runner.h - JIT-compile and run a model function ----------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Lowers a module at any stage (float, qnn, integer, LLVM) with
// qnn-lower-to-llvm, JIT-compiles it and runs one function on numpy arrays
// with the data convention every qmlir tool shares: an input with one more
// dimension than its argument holds samples along axis 0, the function runs
// once per sample, and results are stacked the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNNER_RUNNER_H
#define QMLIR_RUNNER_RUNNER_H

#include "qmlir/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace mlir {
class DialectRegistry;
class ExecutionEngine;
} // namespace mlir

namespace qmlir {

/// Registers what the runner's lowering and JIT translation need.
void registerRunnerDialects(mlir::DialectRegistry &registry);

/// What every qmlir tool sets up: a context with the runner's dialects and
/// passes, and diagnostics printed against the parsed source.
class ToolContext {
public:
  ToolContext();
  mlir::MLIRContext &getContext() { return context; }
  /// Parses the model at `path`; the error says what failed, diagnostics
  /// have been printed.
  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
  parseModel(llvm::StringRef path);

private:
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler;
};

/// Reads every .npy (one array) or .npz (its members) in order.
llvm::Expected<std::vector<npy::Array>>
readArrays(llvm::ArrayRef<std::string> paths);

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
/// lowered, from the `qnn.signature` qnn-export-abi recorded.
llvm::Expected<mlir::FunctionType> entrySignature(mlir::ModuleOp module,
                                                  llvm::StringRef entry);

class CompiledFunction {
public:
  /// Lowers `module` in place and JIT-compiles function `entry`. Lowering
  /// diagnostics go to the context's handler; the error says what failed.
  static llvm::Expected<std::unique_ptr<CompiledFunction>>
  create(mlir::ModuleOp module, llvm::StringRef entry,
         llvm::StringRef kernelTarget = "host");
  ~CompiledFunction();

  llvm::ArrayRef<TensorSpec> inputs() const { return inputSpecs; }
  llvm::ArrayRef<TensorSpec> outputs() const { return outputSpecs; }

  /// Runs on `inputs` (one per argument, in order) with the sample
  /// convention; checks dtypes and shapes first.
  llvm::Expected<std::vector<npy::Array>>
  run(const std::vector<npy::Array> &inputs);

  /// Like run, but hands each sample's results to `consume` instead of
  /// stacking them, so memory stays bounded for any number of samples.
  /// `consume(sample, samples, results)`; an error it returns stops the run.
  llvm::Error
  runEach(const std::vector<npy::Array> &inputs,
          llvm::function_ref<llvm::Error(int64_t, int64_t,
                                         const std::vector<npy::Array> &)>
              consume);

private:
  CompiledFunction() = default;
  void widenSubByte(std::vector<npy::Array> &outputs) const;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::string symbol;
  llvm::SmallVector<TensorSpec> inputSpecs, outputSpecs;
};

} // namespace qmlir

#endif // QMLIR_RUNNER_RUNNER_H
