//===- PassAliases.cpp - Old names of renamed codegen passes ----*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;

/// Registers `alias` as a pipeline adding the registered pass `name` with
/// the options it is given.
static void registerAlias(StringRef alias, StringRef name) {
  std::string description = ("Deprecated name of " + name).str();
  registerPassPipeline(
      alias, description,
      [alias, name](OpPassManager &pm, StringRef options,
                    function_ref<LogicalResult(const Twine &)> errorHandler) {
        static llvm::StringSet<> warned;
        if (warned.insert(alias).second)
          llvm::WithColor::warning()
              << "pass '" << alias << "' is now '" << name
              << "'; the old name goes in the next release\n";
        return PassInfo::lookup(name)->addToPipeline(pm, options, errorHandler);
      },
      [](function_ref<void(const detail::PassOptions &)>) {});
}

void qmlir::registerCodegenPassAliases() {
  registerAlias("qnn-int8-kernels", "qmlir-int8-kernels");
  registerAlias("qnn-export-abi", "qmlir-export-abi");
  registerAlias("qnn-strided-copies-to-linalg",
                "qmlir-strided-copies-to-linalg");
}
