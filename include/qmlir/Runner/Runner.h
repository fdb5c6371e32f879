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

#include "qmlir/ABI/ABI.h"
#include "qmlir/Codegen/Target.h"
#include "qmlir/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qmlir {

class CompiledFunction {
public:
  /// Lowers `module` in place and JIT-compiles function `entry`, its
  /// kernels on `threads` OpenMP threads (0: libomp's default, all cores
  /// unless OMP_NUM_THREADS says otherwise; 1: no threads, no libomp).
  /// Lowering diagnostics go to the context's handler; the error says what
  /// failed.
  static llvm::Expected<std::unique_ptr<CompiledFunction>>
  create(mlir::ModuleOp module, llvm::StringRef entry,
         KernelTarget kernelTarget = hostKernelTarget(), unsigned threads = 0);
  ~CompiledFunction();

  llvm::ArrayRef<abi::TensorSpec> inputs() const { return inputSpecs; }
  llvm::ArrayRef<abi::TensorSpec> outputs() const { return outputSpecs; }

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
  llvm::SmallVector<abi::TensorSpec> inputSpecs, outputSpecs;
};

} // namespace qmlir

#endif // QMLIR_RUNNER_RUNNER_H
