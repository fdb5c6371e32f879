//===- ExportABI.cpp - Mark entry points of compiled code -------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNEXPORTABI
#define GEN_PASS_DEF_QNNSTRIDEDCOPIESTOLINALG
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;

namespace {
struct QNNExportABIPass : qmlir::qnn::impl::QNNExportABIBase<QNNExportABIPass> {
  using Base::Base;
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isPrivate() || func.isDeclaration() ||
          (!entry.empty() && func.getSymName() != entry))
        continue;
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(&getContext()));
      func->setAttr(qmlir::qnn::kSignatureAttrName,
                    TypeAttr::get(func.getFunctionType()));
      // Each result gets its own buffer: a value returned twice is copied.
      func.walk([](func::ReturnOp ret) {
        llvm::DenseSet<Value> seen;
        OpBuilder b(ret);
        for (OpOperand &operand : ret->getOpOperands()) {
          auto type = dyn_cast<RankedTensorType>(operand.get().getType());
          if (!type || seen.insert(operand.get()).second)
            continue;
          operand.set(bufferization::AllocTensorOp::create(
              b, ret.getLoc(), type, ValueRange{}, operand.get()));
        }
      });
    }
  }
};

struct StridedCopiesToLinalgPass
    : qmlir::qnn::impl::QNNStridedCopiesToLinalgBase<
          StridedCopiesToLinalgPass> {
  void runOnOperation() override {
    getOperation()->walk([](memref::CopyOp copy) {
      auto contiguous = [](Value v) {
        auto type = dyn_cast<MemRefType>(v.getType());
        return type && type.getLayout().isIdentity();
      };
      if (contiguous(copy.getSource()) && contiguous(copy.getTarget()))
        return;
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};
} // namespace
