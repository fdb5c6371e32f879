//===- Int8Kernels.cpp - qmlir-int8-kernels ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "KernelRewrite.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace qmlir {
#define GEN_PASS_DEF_INT8KERNELSPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

struct Int8KernelsPass : qmlir::impl::Int8KernelsPassBase<Int8KernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(rewriteContractionsAsKernels(getOperation(), target,
                                            ContractionType::Int8,
                                            remarkSkipped, getArgument())))
      signalPassFailure();
  }
};

} // namespace
