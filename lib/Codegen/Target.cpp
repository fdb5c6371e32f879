//===- Target.cpp - Kernel targets ------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Target.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace qmlir;

// Register budgets: x86 has 16 ymm (12 accumulators, 2 B vectors, 1 A
// broadcast) or 32 zmm; aarch64 32 q registers, each smmla accumulator a
// 2x2 block (4 row pairs x 4 column pairs). The f32 kernels take the same
// share of the registers. x86 rows require FMA (part of x86-64-v3, implied
// by AVX-512F): without it LLVM would call libm's fmaf.
static constexpr MicroKernel ymmF32{MicroKernel::F32Fma, 8, 1, 6, 2, 12};
static constexpr MicroKernel zmmF32{MicroKernel::F32Fma, 16, 1, 12, 2, 24};
static constexpr MicroKernel neonF32{MicroKernel::F32Fma, 4, 1, 8, 3, 24};
static const KernelTargetInfo targets[] = {
    {KernelTarget::Generic, "generic", "",
     "The portable linalg lowering, no dot instructions",
     llvm::Triple::UnknownArch, "", std::nullopt, std::nullopt},
    {KernelTarget::AVX2, "x86-64-v3", "avx2",
     "vpmaddwd on int8 extended to i16 (AVX2)", llvm::Triple::x86_64,
     "avx2+fma", MicroKernel{MicroKernel::PairI16, 8, 2, 6, 2, 12}, ymmF32},
    {KernelTarget::AVXVNNI, "avx-vnni", "", "256-bit vpdpbusd",
     llvm::Triple::x86_64, "avxvnni+fma|avx512vnni+avx512vl",
     MicroKernel{MicroKernel::QuadU8S8, 8, 4, 6, 2, 12}, ymmF32},
    {KernelTarget::AVX512VNNI, "avx512-vnni", "", "512-bit vpdpbusd",
     llvm::Triple::x86_64, "avx512vnni+avx512bw",
     MicroKernel{MicroKernel::QuadU8S8, 16, 4, 12, 2, 24}, zmmF32},
    {KernelTarget::NeonDotProd, "aarch64-dotprod", "", "sdot",
     llvm::Triple::aarch64, "dotprod",
     MicroKernel{MicroKernel::QuadS8S8, 4, 4, 8, 3, 24}, neonF32},
    {KernelTarget::NeonI8MM, "aarch64-i8mm", "", "smmla", llvm::Triple::aarch64,
     "i8mm", MicroKernel{MicroKernel::BlockS8S8, 4, 8, 8, 4, 16}, neonF32},
};

llvm::ArrayRef<KernelTargetInfo> qmlir::kernelTargets() { return targets; }

const KernelTargetInfo &qmlir::kernelTargetInfo(KernelTarget target) {
  for (const KernelTargetInfo &info : targets)
    if (info.target == target)
      return info;
  llvm_unreachable("kernel target missing from the table");
}

llvm::StringRef qmlir::kernelTargetName(KernelTarget target) {
  return kernelTargetInfo(target).name;
}

/// Whether `features` ("+avx2,-avx512f") enables `name`; later entries
/// override earlier ones, as in LLVM.
static bool hasFeature(llvm::StringRef features, llvm::StringRef name) {
  bool on = false;
  llvm::SubtargetFeatures parsed(features);
  for (const std::string &f : parsed.getFeatures())
    if (llvm::StringRef(f).drop_front() == name)
      on = f[0] == '+';
  return on;
}

bool qmlir::canRun(KernelTarget target, llvm::StringRef triple,
                   llvm::StringRef features) {
  const KernelTargetInfo &info = kernelTargetInfo(target);
  if (info.arch != llvm::Triple::UnknownArch &&
      llvm::Triple(triple).getArch() != info.arch)
    return false;
  if (info.features.empty())
    return true;
  llvm::SmallVector<llvm::StringRef> alternatives;
  info.features.split(alternatives, '|');
  return llvm::any_of(alternatives, [&](llvm::StringRef all) {
    llvm::SmallVector<llvm::StringRef> required;
    all.split(required, '+');
    return llvm::all_of(required, [&](llvm::StringRef name) {
      return hasFeature(features, name);
    });
  });
}

KernelTarget qmlir::kernelTargetFor(llvm::StringRef triple,
                                    llvm::StringRef features) {
  // The widest first.
  for (const KernelTargetInfo &info : llvm::reverse(targets))
    if (canRun(info.target, triple, features))
      return info.target;
  return KernelTarget::Generic;
}

std::string qmlir::hostFeatures() {
  static const std::string host = [] {
    llvm::SubtargetFeatures features;
    for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
      features.AddFeature(name, enabled);
    return features.getString();
  }();
  return host;
}

QMLIR_DEFINE_ENUM_OPTION_PARSER(qmlir::KernelTarget)

KernelTarget qmlir::hostKernelTarget() {
  return kernelTargetFor(llvm::sys::getProcessTriple(), hostFeatures());
}
