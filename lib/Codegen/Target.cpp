//===- Target.cpp - Kernel targets ------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Target.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace qmlir;

std::optional<KernelTarget> qmlir::parseKernelTarget(llvm::StringRef name) {
  if (name == "host")
    return hostKernelTarget();
  return llvm::StringSwitch<std::optional<KernelTarget>>(name)
      .Case("generic", KernelTarget::Generic)
      .Cases({"x86-64-v3", "avx2"}, KernelTarget::AVX2)
      .Case("avx-vnni", KernelTarget::AVXVNNI)
      .Case("avx512-vnni", KernelTarget::AVX512VNNI)
      .Case("aarch64-dotprod", KernelTarget::NeonDotProd)
      .Case("aarch64-i8mm", KernelTarget::NeonI8MM)
      .Default(std::nullopt);
}

llvm::StringRef qmlir::kernelTargetName(KernelTarget target) {
  switch (target) {
  case KernelTarget::Generic:
    return "generic";
  case KernelTarget::AVX2:
    return "x86-64-v3";
  case KernelTarget::AVXVNNI:
    return "avx-vnni";
  case KernelTarget::AVX512VNNI:
    return "avx512-vnni";
  case KernelTarget::NeonDotProd:
    return "aarch64-dotprod";
  case KernelTarget::NeonI8MM:
    return "aarch64-i8mm";
  }
  llvm_unreachable("unknown kernel target");
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
  auto has = [&](llvm::StringRef name) { return hasFeature(features, name); };
  llvm::Triple t(triple);
  switch (target) {
  case KernelTarget::Generic:
    return true;
  case KernelTarget::AVX2:
    return t.isX86() && has("avx2");
  case KernelTarget::AVXVNNI:
    return t.isX86() &&
           (has("avxvnni") || (has("avx512vnni") && has("avx512vl")));
  case KernelTarget::AVX512VNNI:
    return t.isX86() && has("avx512vnni") && has("avx512bw");
  case KernelTarget::NeonDotProd:
    return t.isAArch64() && has("dotprod");
  case KernelTarget::NeonI8MM:
    return t.isAArch64() && has("i8mm");
  }
  llvm_unreachable("unknown kernel target");
}

KernelTarget qmlir::kernelTargetFor(llvm::StringRef triple,
                                    llvm::StringRef features) {
  // The widest first.
  for (KernelTarget target :
       {KernelTarget::AVX512VNNI, KernelTarget::AVXVNNI, KernelTarget::AVX2,
        KernelTarget::NeonI8MM, KernelTarget::NeonDotProd})
    if (canRun(target, triple, features))
      return target;
  return KernelTarget::Generic;
}

std::string qmlir::hostFeatures() {
  llvm::SubtargetFeatures features;
  for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
    features.AddFeature(name, enabled);
  return features.getString();
}

KernelTarget qmlir::hostKernelTarget() {
  return kernelTargetFor(llvm::sys::getProcessTriple(), hostFeatures());
}
