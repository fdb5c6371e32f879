//===- ToolContext.cpp - What every qmlir tool sets up ----------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Tools/ToolContext.h"

#include "qmlir/InitAllDialects.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;
using namespace qmlir;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static DialectRegistry toolRegistry() {
  DialectRegistry registry;
  qmlir::registerAllDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  return registry;
}

ToolContext::ToolContext()
    : context(toolRegistry()), handler(sourceMgr, &context) {}

llvm::Expected<OwningOpRef<ModuleOp>> ToolContext::parseModel(StringRef path) {
  std::string message;
  auto file = openInputFile(path, &message);
  if (!file)
    return error(message);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return error("cannot parse " + path);
  return module;
}

llvm::Expected<std::vector<npy::Array>>
qmlir::readArrays(ArrayRef<std::string> paths) {
  std::vector<npy::Array> arrays;
  for (const std::string &path : paths) {
    llvm::Expected<std::vector<npy::Array>> read = npy::readFile(path);
    if (!read)
      return read.takeError();
    llvm::append_range(arrays, *read);
  }
  return arrays;
}
