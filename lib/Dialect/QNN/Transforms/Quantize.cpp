//===- Quantize.cpp - Float linalg to qnn -----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "Quantizer.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNQUANTIZE
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {
struct QNNQuantizePass : qmlir::qnn::impl::QNNQuantizeBase<QNNQuantizePass> {
  using Base::Base;
  void runOnOperation() override {
    QuantizerOptions opts;
    if (!method.empty()) {
      llvm::Expected<calibration::Method> m =
          calibration::Method::parse(method);
      if (!m) {
        emitError(getOperation().getLoc()) << llvm::toString(m.takeError());
        return signalPassFailure();
      }
      opts.method = *m;
    }
    auto fail = [&](const Twine &message) {
      emitError(getOperation().getLoc()) << "qnn-quantize: " << message;
      signalPassFailure();
    };
    opts.symmetric = activationScheme == ActivationScheme::Symmetric;
    opts.unsignedActivations = activationType == ActivationType::U8;
    opts.perChannel = weightGranularity == WeightGranularity::PerChannel;
    opts.rounding = rounding;
    opts.strict = strict;
    opts.observe = observe;
    opts.biasCorrection = biasCorrection;
    for (const std::string &s : skip)
      opts.skip.insert(s);

    std::optional<calibration::StatsFile> file;
    if (!statsFile.empty()) {
      llvm::Expected<calibration::StatsFile> read =
          calibration::StatsFile::read(statsFile);
      if (!read)
        return fail(llvm::toString(read.takeError()));
      file = std::move(*read);
    }
    QuantizeSummary summary;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isDeclaration())
        continue;
      if (!func.getBody().hasOneBlock())
        return fail("functions must have a single block");
      if (failed(
              quantizeFunction(func, opts, file ? &*file : nullptr, summary)))
        return signalPassFailure();
    }
    numReplaced += summary.replaced;
    numKeptInFloat += summary.keptInFloat;
    // Asked to do something that did nothing: say so rather than return the
    // model unchanged.
    for (const std::string &s : skip)
      if (!summary.skipped.contains(s))
        return fail("skip=" + s + " names no op it could keep in float");
    if (summary.replaced == 0)
      return fail(file ? "nothing was quantized (see the remarks)"
                       : "nothing was quantized: no stats file (stats=...) "
                         "and no fake_quant or QDQ ops");
  }
};
} // namespace
