//===- Int8Kernels.cpp - qmlir-int8-kernels ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "Int8Contraction.h"
#include "Int8KernelEmitter.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_INT8KERNELSPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

/// An integer contraction, and its fusable consumer, as a kernel for one
/// micro-kernel; every contraction it leaves alone gets a reason.
struct Int8KernelPattern : OpRewritePattern<linalg::GenericOp> {
  Int8KernelPattern(MLIRContext *ctx, const KernelTargetInfo &target)
      : OpRewritePattern(ctx), target(target), mk(*target.microKernel) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Int8Contraction> c = matchInt8Contraction(rewriter, op);
    if (failed(c))
      return failure();
    // Depthwise multiplies in i32 lanes, taps unrolled.
    if (c->channel && c->k > 64)
      return rewriter.notifyMatchFailure(
          op, "a depthwise window of more than 64 taps");
    // vpmaddwd takes any 8-bit operands once extended; the i8 dot
    // instructions need B signed (A's signedness is fixed by the 128 offset).
    if (!c->channel && mk.kind != MicroKernel::PairI16 && !c->rhsSigned)
      return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
        diag << "unsigned weights, which " << target.description
             << " does not multiply";
      });
    std::optional<FusedConsumer> consumer = matchFusedConsumer(*c);
    Value result = emitInt8Kernel(rewriter, *c, mk, consumer);
    if (consumer) {
      rewriter.replaceOp(consumer->op, result);
      rewriter.eraseOp(op);
    } else {
      rewriter.replaceOp(op, result);
    }
    return success();
  }

  const KernelTargetInfo &target;
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

struct Int8KernelsPass : qmlir::impl::Int8KernelsPassBase<Int8KernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    const KernelTargetInfo &info = kernelTargetInfo(target);
    if (!info.microKernel)
      return;
    RewritePatternSet patterns(&getContext());
    patterns.add<Int8KernelPattern>(&getContext(), info);
    // Only the kernels: canonicalization is the pipeline's next step.
    GreedyRewriteConfig config;
    config.enableFolding(false)
        .enableConstantCSE(false)
        .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    SkipRemarks remarks;
    if (remarkSkipped)
      config.setListener(&remarks);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config))) {
      emitError(getOperation().getLoc(), "qmlir-int8-kernels did not converge");
      return signalPassFailure();
    }
  }
};

} // namespace
