//===- Target.h - Kernel targets --------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// The instruction sets the int8 kernels are written for, and how a target
// triple plus features, or the host, selects one.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_TARGET_H
#define QMLIR_CODEGEN_TARGET_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace qmlir {

enum class KernelTarget {
  /// No target instructions: the portable linalg lowering.
  Generic,
  /// x86-64-v3: vpmaddwd on sign-extended int8.
  AVX2,
  /// 256-bit vpdpbusd (AVX-VNNI, or AVX-512 VNNI with VL).
  AVXVNNI,
  /// 512-bit vpdpbusd.
  AVX512VNNI,
  /// aarch64 sdot.
  NeonDotProd,
  /// aarch64 smmla.
  NeonI8MM,
};

/// Parses a target name: generic, host, x86-64-v3 (or avx2), avx-vnni,
/// avx512-vnni, aarch64-dotprod, aarch64-i8mm.
std::optional<KernelTarget> parseKernelTarget(llvm::StringRef name);

llvm::StringRef kernelTargetName(KernelTarget target);

/// The widest kernel target that `triple` with the LLVM `features` string
/// ("+avx2,+fma") can run.
KernelTarget kernelTargetFor(llvm::StringRef triple, llvm::StringRef features);

/// Whether code for `target` runs on `triple` with `features`.
bool canRun(KernelTarget target, llvm::StringRef triple,
            llvm::StringRef features);

/// The kernel target of the machine this process runs on.
KernelTarget hostKernelTarget();

/// The LLVM feature string of the host ("+avx2,+fma,...").
std::string hostFeatures();

} // namespace qmlir

#endif // QMLIR_CODEGEN_TARGET_H
