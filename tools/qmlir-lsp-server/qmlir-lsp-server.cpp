//===- qmlir-lsp-server.cpp - MLIR language server with qnn -----*- C++ -*-===//
//
// Part of the qmlir project.
//
// mlir-lsp-server with every dialect quant-opt knows, so that editors check,
// hover and complete qnn files (upstream's server reports 'qnn' unknown).
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-lsp-server/MlirLspServerMain.h"

#include <cstdlib>

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  qmlir::registerAllDialects(registry);
  return mlir::succeeded(mlir::MlirLspServerMain(argc, argv, registry))
             ? EXIT_SUCCESS
             : EXIT_FAILURE;
}
