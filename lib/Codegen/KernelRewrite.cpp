//===- KernelRewrite.cpp - Contractions into kernels ------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "KernelRewrite.h"

#include "KernelEmitter.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;
using namespace qmlir;

namespace {

/// A contraction of one type, and its fusable consumer, as a kernel for
/// one micro-kernel; every contraction of that type it leaves alone gets a
/// reason.
struct KernelPattern : OpInterfaceRewritePattern<linalg::LinalgOp> {
  KernelPattern(MLIRContext *ctx, const KernelTargetInfo &target,
                ContractionType type, MicroKernel mk)
      : OpInterfaceRewritePattern(ctx), target(target), type(type), mk(mk) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Contraction> c = matchContraction(rewriter, op, type);
    if (failed(c))
      return failure();
    // Depthwise multiplies in accumulator lanes, taps unrolled.
    if (c->channel && c->k > 64)
      return rewriter.notifyMatchFailure(
          op, "a depthwise window of more than 64 taps");
    // vpmaddwd takes any 8-bit operands once extended; the i8 dot
    // instructions need B signed (A's signedness is fixed by the 128 offset).
    if (!c->channel && mk.isQuad() && !c->rhsSigned)
      return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
        diag << "unsigned weights, which " << target.description
             << " does not multiply";
      });
    std::optional<FusedConsumer> consumer = matchFusedConsumer(*c);
    Value result = emitKernel(rewriter, *c, mk, consumer);
    if (consumer) {
      rewriter.replaceOp(consumer->op, result);
      rewriter.eraseOp(op);
    } else {
      rewriter.replaceOp(op, result);
    }
    return success();
  }

  const KernelTargetInfo &target;
  ContractionType type;
  MicroKernel mk;
};

/// Remarks, once each, on the contractions the pattern gave reasons for.
struct SkipRemarks : RewriterBase::Listener {
  void
  notifyMatchFailure(Location loc,
                     function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic diag(loc, DiagnosticSeverity::Remark);
    reasonCallback(diag);
    std::string reason = diag.str();
    if (llvm::is_contained(seen[loc], reason))
      return;
    emitRemark(loc) << "left to the generic lowering: " << reason;
    seen[loc].push_back(std::move(reason));
  }
  DenseMap<Location, SmallVector<std::string, 1>> seen;
};

} // namespace

LogicalResult qmlir::rewriteContractionsAsKernels(ModuleOp module,
                                                  KernelTarget target,
                                                  ContractionType type,
                                                  bool remarkSkipped,
                                                  StringRef pass) {
  const KernelTargetInfo &info = kernelTargetInfo(target);
  const std::optional<MicroKernel> &mk =
      type == ContractionType::F32 ? info.floatKernel : info.microKernel;
  if (!mk)
    return success();
  RewritePatternSet patterns(module.getContext());
  patterns.add<KernelPattern>(module.getContext(), info, type, *mk);
  // Only the kernels: canonicalization is the pipeline's next step.
  GreedyRewriteConfig config;
  config.enableFolding(false)
      .enableConstantCSE(false)
      .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  SkipRemarks remarks;
  if (remarkSkipped)
    config.setListener(&remarks);
  if (failed(applyPatternsGreedily(module, std::move(patterns), config)))
    return emitError(module.getLoc()) << pass << " did not converge";
  return success();
}
