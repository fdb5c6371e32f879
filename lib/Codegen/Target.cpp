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

KernelTarget qmlir::kernelTargetFor(llvm::StringRef triple,
                                    llvm::StringRef features) {
  llvm::SubtargetFeatures parsed(features);
  // Later entries override earlier ones, as in LLVM.
  auto has = [&](llvm::StringRef name) {
    bool on = false;
    for (const std::string &f : parsed.getFeatures())
      if (llvm::StringRef(f).drop_front() == name)
        on = f[0] == '+';
    return on;
  };
  llvm::Triple t(triple);
  if (t.isX86()) {
    if (has("avx512vnni") && has("avx512bw"))
      return KernelTarget::AVX512VNNI;
    if (has("avxvnni") || (has("avx512vnni") && has("avx512vl")))
      return KernelTarget::AVXVNNI;
    if (has("avx2"))
      return KernelTarget::AVX2;
  } else if (t.isAArch64()) {
    if (has("i8mm"))
      return KernelTarget::NeonI8MM;
    if (has("dotprod"))
      return KernelTarget::NeonDotProd;
  }
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
