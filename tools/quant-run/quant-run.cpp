//===- quant-run.cpp - JIT-run a model on numpy arrays ----------*- C++ -*-===//
//
// Part of the qmlir project.
//
// quant-run model.mlir [--entry=main] --input=a.npy ... --output=out.npy ...
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runner/Runner.h"
#include "qmlir/Tools/ToolContext.h"
#include "qmlir/Tools/ToolOptions.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace qmlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::cat(toolOptions()),
                                            llvm::cl::desc("<model.mlir>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string>
    entry("entry", llvm::cl::cat(toolOptions()),
          llvm::cl::desc("Function to run (default: main)"),
          llvm::cl::init("main"));
static llvm::cl::opt<KernelTarget> kernelTarget(
    "kernel-target", llvm::cl::cat(toolOptions()),
    llvm::cl::desc("Kernels for int8 contractions: host (default), generic, "
                   "or another target this machine can run"),
    llvm::cl::init(hostKernelTarget()), KernelTargetValues());
static llvm::cl::list<std::string>
    inputs("input", llvm::cl::cat(toolOptions()),
           llvm::cl::desc("An .npy per function argument, in order, or one "
                          ".npz holding all of them"));
static llvm::cl::list<std::string>
    outputs("output", llvm::cl::cat(toolOptions()),
            llvm::cl::desc("An .npy per function result, in order, or one "
                           ".npz for all of them"));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "quant-run") << message << "\n";
  return 1;
}

static void printVersion(llvm::raw_ostream &os) {
  os << "qmlir " QMLIR_VERSION " (quant-run)\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::AddExtraVersionPrinter(printVersion);
  llvm::cl::opt<unsigned> &threads = threadsOption(/*init=*/0);
  parseToolOptions(
      argc, argv,
      "qmlir runner: JIT-compiles a float, qnn, integer or LLVM-dialect "
      "module and runs one function on numpy arrays.\n\n"
      "An input with one more dimension than its argument holds samples "
      "along axis 0; the function runs once per sample and results are "
      "stacked the same way.\n");

  ToolContext tool;
  llvm::Expected<OwningOpRef<ModuleOp>> module = tool.parseModel(inputFile);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  llvm::Expected<std::vector<npy::Array>> read = readArrays(inputs);
  if (!read)
    return fail(llvm::toString(read.takeError()));
  std::vector<npy::Array> &arrays = *read;

  llvm::Expected<std::unique_ptr<CompiledFunction>> fn =
      CompiledFunction::create(**module, entry, kernelTarget, threads);
  if (!fn)
    return fail(llvm::toString(fn.takeError()));
  llvm::Expected<std::vector<npy::Array>> results = (*fn)->run(arrays);
  if (!results)
    return fail(llvm::toString(results.takeError()));

  bool oneArchive =
      outputs.size() == 1 && llvm::StringRef(outputs[0]).ends_with(".npz");
  if (!oneArchive && outputs.size() != results->size())
    return fail("the function has " + llvm::Twine(results->size()) +
                " results but " + llvm::Twine(outputs.size()) +
                " --output files were given");
  if (oneArchive) {
    if (llvm::Error err = npy::writeFile(outputs[0], *results))
      return fail(llvm::toString(std::move(err)));
    return 0;
  }
  for (auto [path, result] : llvm::zip_equal(outputs, *results))
    if (llvm::Error err = npy::writeFile(path, {result}))
      return fail(llvm::toString(std::move(err)));
  return 0;
}
