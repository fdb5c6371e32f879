//===- ExpandFloatOps.cpp - Float ops every path lowers ---------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace qmlir {
#define GEN_PASS_DEF_EXPANDFLOATOPSPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

/// An op with an aggregated form (linalg.softmax) as its decomposition.
struct DecomposeAggregatedOp
    : OpInterfaceRewritePattern<linalg::AggregatedOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::AggregatedOpInterface op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<Value>> values = op.decomposeOperation(rewriter);
    if (failed(values))
      return rewriter.notifyMatchFailure(op, "no decomposition");
    rewriter.replaceOp(op, *values);
    return success();
  }
};

/// powf as C's powf: upstream's expansion takes log(a) and so gives NaN for
/// every negative base, (-3)^2 included (ONNX's Pow of a centred value in an
/// exported LayerNorm). |a|^b, negated for odd integer b, NaN for a
/// non-integer one; b = 0 gives 1.
struct ExpandPowF : OpRewritePattern<math::PowFOp> {
  ExpandPowF(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(math::PowFOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isF32())
      return rewriter.notifyMatchFailure(op, "not a scalar f32");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value x = op.getLhs(), y = op.getRhs();
    auto cst = [&](float v) {
      return arith::ConstantOp::create(b, b.getF32FloatAttr(v)).getResult();
    };
    auto cmp = [&](arith::CmpFPredicate p, Value l, Value r) {
      return arith::CmpFOp::create(b, p, l, r).getResult();
    };
    Value magnitude = math::ExpOp::create(
        b, arith::MulFOp::create(
               b, y, math::LogOp::create(b, math::AbsFOp::create(b, x))));
    Value rounded = math::RoundEvenOp::create(b, y);
    Value isInteger = cmp(arith::CmpFPredicate::OEQ, rounded, y);
    Value half = arith::MulFOp::create(b, y, cst(0.5f));
    Value isOdd =
        arith::AndIOp::create(b, isInteger,
                              cmp(arith::CmpFPredicate::ONE,
                                  math::RoundEvenOp::create(b, half), half));
    Value negative = cmp(arith::CmpFPredicate::OLT, x, cst(0.0f));
    Value r =
        arith::SelectOp::create(b, arith::AndIOp::create(b, negative, isOdd),
                                arith::NegFOp::create(b, magnitude), magnitude);
    Value notInteger = cmp(arith::CmpFPredicate::UNE, rounded, y);
    r = arith::SelectOp::create(
        b, arith::AndIOp::create(b, negative, notInteger),
        cst(std::numeric_limits<float>::quiet_NaN()), r);
    r = arith::SelectOp::create(b, cmp(arith::CmpFPredicate::OEQ, y, cst(0.0f)),
                                cst(1.0f), r);
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ExpandFloatOpsPass
    : qmlir::impl::ExpandFloatOpsPassBase<ExpandFloatOpsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<DecomposeAggregatedOp, ExpandPowF>(ctx);
    // Functions with no approximation of their own become ones that have
    // (tanh and cosh through exp, ...).
    math::populateExpansionPatterns(patterns);
    auto all = [](StringRef) { return true; };
    populateMathF32ExpansionPatterns(patterns, all);
    populateMathPolynomialApproximationPatterns(patterns, all);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      emitError(getOperation()->getLoc(),
                "qmlir-expand-float-ops did not converge");
      signalPassFailure();
    }
  }
};

} // namespace
