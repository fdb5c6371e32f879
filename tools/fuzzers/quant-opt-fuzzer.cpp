//===- quant-opt-fuzzer.cpp - Fuzz parsing, verification, pipelines -------===//
//
// Part of the qmlir project.
//
// libFuzzer target: any byte string is parsed as MLIR, verified, and, when
// valid, put through qmlir's passes and pipelines. Diagnostics are expected;
// crashes, hangs and sanitizer reports are findings.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAllDialects.h"
#include "qmlir/InitAllPasses.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

static const DialectRegistry &registry() {
  static DialectRegistry *r = [] {
    auto *r = new DialectRegistry;
    qmlir::registerAllDialects(*r);
    qmlir::registerAllPasses();
    return r;
  }();
  return *r;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(registry());
  ScopedDiagnosticHandler silence(&context,
                                  [](Diagnostic &) { return success(); });
  // MLIR's lexer reads up to the terminator that files loaded from disk
  // always have: give the fuzzer's bytes one too.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(StringRef(text.c_str(), size), &context);
  if (!module || failed(verify(*module)))
    return 0;
  for (StringRef pipeline : {"canonicalize", "convert-qnn-to-linalg",
                             "qnn-quantize-pipeline", "qnn-lower-to-llvm"}) {
    OwningOpRef<ModuleOp> clone = module->clone();
    PassManager pm(&context, ModuleOp::getOperationName());
    if (succeeded(parsePassPipeline(pipeline, pm)))
      (void)pm.run(*clone);
  }
  return 0;
}
