//===- FloatKernels.cpp - qmlir-float-kernels -------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "KernelRewrite.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace qmlir {
#define GEN_PASS_DEF_FLOATKERNELSPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

struct FloatKernelsPass : qmlir::impl::FloatKernelsPassBase<FloatKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(rewriteContractionsAsKernels(getOperation(), target,
                                            ContractionType::F32, remarkSkipped,
                                            getArgument())))
      signalPassFailure();
  }
};

} // namespace
