//===- my-opt.cpp - An opt tool of another project, with qmlir --*- C++ -*-===//
//
// What a project embedding qmlir writes: its own mlir-opt that registers the
// qnn dialect, qmlir's passes and pipelines next to upstream's (and its own,
// which would go here).
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAllDialects.h"
#include "qmlir/InitAllPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  qmlir::registerAllPasses();
  mlir::DialectRegistry registry;
  qmlir::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "an optimizer embedding qmlir\n", registry));
}
