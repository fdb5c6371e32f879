//===- ToolOptions.cpp - Command lines of the qmlir tools -------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Tools/ToolOptions.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;

cl::OptionCategory &qmlir::toolOptions() {
  static cl::OptionCategory category("qmlir options");
  return category;
}

cl::opt<unsigned> &qmlir::threadsOption(unsigned init) {
  if (cl::Option *llvmThreads = cl::getRegisteredOptions().lookup("threads"))
    llvmThreads->removeArgument();
  static cl::opt<unsigned> threads(
      "threads", cl::cat(toolOptions()),
      cl::desc("Threads of the kernels (0: all cores, or OMP_NUM_THREADS; 1: "
               "no OpenMP); results do not depend on it"),
      cl::init(init));
  return threads;
}

void qmlir::parseToolOptions(int argc, char **argv, StringRef overview) {
  bool listHidden = llvm::any_of(ArrayRef(argv + 1, argc - 1), [](StringRef a) {
    a = a.ltrim('-');
    return a == "help-hidden" || a == "help-list-hidden";
  });
  // HideUnrelatedOptions makes the others ReallyHidden, which keeps them out
  // of "Did you mean" too; when they are asked for, plain Hidden lists them.
  SmallVector<cl::Option *> shown;
  if (listHidden)
    for (cl::Option *option :
         llvm::make_second_range(cl::getRegisteredOptions()))
      if (option->getOptionHiddenFlag() != cl::ReallyHidden)
        shown.push_back(option);
  cl::HideUnrelatedOptions(toolOptions());
  for (cl::Option *option : shown)
    if (option->getOptionHiddenFlag() == cl::ReallyHidden)
      option->setHiddenFlag(cl::Hidden);
  cl::ParseCommandLineOptions(argc, argv, overview);
}
