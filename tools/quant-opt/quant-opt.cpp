//===- quant-opt.cpp - qmlir optimizer driver -------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// mlir-opt with qmlir's dialects and passes added: users feed it linalg and
// TOSA models and mix upstream passes with qmlir's in one invocation.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAllDialects.h"
#include "qmlir/InitAllPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

static void printVersion(llvm::raw_ostream &os) {
  os << "qmlir " QMLIR_VERSION " (quant-opt)\n"
     << "  built with LLVM/MLIR " LLVM_VERSION_STRING "\n";
}

int main(int argc, char **argv) {
  qmlir::registerAllPasses();
  mlir::DialectRegistry registry;
  qmlir::registerAllDialects(registry);

  llvm::cl::AddExtraVersionPrinter(printVersion);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "qmlir optimizer driver\n", registry));
}
