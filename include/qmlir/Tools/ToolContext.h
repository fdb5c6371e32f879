//===- ToolContext.h - What every qmlir tool sets up ------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TOOLS_TOOLCONTEXT_H
#define QMLIR_TOOLS_TOOLCONTEXT_H

#include "qmlir/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

namespace qmlir {

/// A context with every dialect the tools read and the LLVM IR translations
/// they compile with, and diagnostics printed against the parsed source.
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

} // namespace qmlir

#endif // QMLIR_TOOLS_TOOLCONTEXT_H
