//===- Target.h - Kernel targets --------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// The instruction sets the int8 and f32 kernels are written for, in one
// table: the name of each target, the features a CPU needs to run it, and
// the shape of its micro-kernels (register budget). A target triple plus features, or the
// host, selects a row.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_TARGET_H
#define QMLIR_CODEGEN_TARGET_H

#include "qmlir/Support/EnumOption.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/TargetParser/Triple.h"

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

/// How a target multiplies: one instruction adds `group` products of
/// adjacent k into each of `lanes` accumulators (i32, or f32 for F32Fma),
/// and a tile of `mr` rows by `nr` vectors of accumulators stays in
/// registers.
struct MicroKernel {
  enum Kind {
    /// vpmaddwd: operands extended to i16, pairs of k.
    PairI16,
    /// vpdpbusd: u8 (A) x s8 (B), quads of k.
    QuadU8S8,
    /// sdot: s8 x s8, quads of k.
    QuadS8S8,
    /// smmla: 2x8 (A rows) by 8x2 (B columns) into a 2x2 i32 block.
    BlockS8S8,
    /// Fused multiply-add on f32 (vfmadd231ps, fmla): one k per step.
    F32Fma,
  } kind;
  unsigned lanes, group, mr, nr;
  /// Accumulator registers the tile may use; small M widens nr.
  unsigned accRegs;

  /// Elements of B per packed vector.
  unsigned bWidth() const { return kind == BlockS8S8 ? 16 : lanes * group; }
  /// Output columns one packed vector covers.
  unsigned colsPerVector() const { return kind == BlockS8S8 ? 2 : lanes; }
  /// Whether A and B stay 8-bit (every integer kind but vpmaddwd's).
  bool isQuad() const { return kind != PairI16 && kind != F32Fma; }
};

/// A row of the target table.
struct KernelTargetInfo {
  KernelTarget target;
  llvm::StringLiteral name;
  /// Another accepted name, or empty.
  llvm::StringLiteral alias;
  llvm::StringLiteral description;
  /// The architecture, or UnknownArch for any.
  llvm::Triple::ArchType arch;
  /// LLVM features the CPU needs: alternatives separated by '|', each a
  /// '+'-separated list that must all be on.
  llvm::StringLiteral features;
  /// The int8 micro-kernel; none for the generic lowering.
  std::optional<MicroKernel> microKernel;
  /// The f32 micro-kernel of the same vector registers.
  std::optional<MicroKernel> floatKernel;
};

/// Every target; within an architecture, later rows are wider.
llvm::ArrayRef<KernelTargetInfo> kernelTargets();

const KernelTargetInfo &kernelTargetInfo(KernelTarget target);

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

/// A command-line modifier that makes an enum option over KernelTarget
/// accept the names and aliases of the table, and `host`.
struct KernelTargetValues {
  template <typename Opt> void apply(Opt &option) const {
    for (const KernelTargetInfo &info : kernelTargets()) {
      option.getParser().addLiteralOption(info.name, info.target,
                                          info.description);
      if (!info.alias.empty())
        option.getParser().addLiteralOption(info.alias, info.target,
                                            info.description);
    }
    // Last, so that printed options name the target host stands for.
    option.getParser().addLiteralOption("host", hostKernelTarget(),
                                        "The widest target this machine runs");
  }
};

} // namespace qmlir

QMLIR_DECLARE_ENUM_OPTION_PARSER(qmlir::KernelTarget)

#endif // QMLIR_CODEGEN_TARGET_H
