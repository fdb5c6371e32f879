//===- ExportABI.cpp - Mark entry points of compiled code -------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "qmlir/ABI/ABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace qmlir {
#define GEN_PASS_DEF_EXPORTABIPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {
struct ExportABIPass : qmlir::impl::ExportABIPassBase<ExportABIPass> {
  using Base::Base;
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isPrivate() || func.isDeclaration() ||
          (!entry.empty() && func.getSymName() != entry))
        continue;
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(&getContext()));
      func->setAttr(qmlir::abi::kSignatureAttrName,
                    TypeAttr::get(func.getFunctionType()));
    }
  }
};
} // namespace
