//===- ToolOptions.h - Command lines of the qmlir tools ---------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TOOLS_TOOLOPTIONS_H
#define QMLIR_TOOLS_TOOLOPTIONS_H

#include "llvm/Support/CommandLine.h"

namespace qmlir {

/// The category of a tool's own options (`llvm::cl::cat(toolOptions())`).
llvm::cl::OptionCategory &toolOptions();

/// Parses the command line with `--help` and typo suggestions limited to the
/// tool's own options; the options of the linked LLVM and MLIR libraries are
/// listed by `--help-hidden` and `--help-list-hidden` only.
void parseToolOptions(int argc, char **argv, llvm::StringRef overview);

/// `--threads=N` of the tools that run compiled code, `init` by default:
/// the kernels' thread count (0: libomp's default, all cores or
/// OMP_NUM_THREADS; 1: no OpenMP). libLLVM registers a hidden --threads of
/// its own, which this one replaces: call it once, before parseToolOptions.
llvm::cl::opt<unsigned> &threadsOption(unsigned init);

} // namespace qmlir

#endif // QMLIR_TOOLS_TOOLOPTIONS_H
