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
    bool found = false;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isPrivate() || func.isDeclaration() ||
          (!entry.empty() && func.getSymName() != entry))
        continue;
      found = true;
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(&getContext()));
      func->setAttr(qmlir::abi::kSignatureAttrName,
                    TypeAttr::get(func.getFunctionType()));
    }
    // An already lowered module (llvm.func) has nothing to mark.
    if (!entry.empty() && !found && !getOperation().lookupSymbol(entry)) {
      emitError(getOperation().getLoc())
          << "qmlir-export-abi: no function named '" << entry << "'";
      signalPassFailure();
    }
  }
};
} // namespace
