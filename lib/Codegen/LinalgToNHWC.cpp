//===- LinalgToNHWC.cpp - qmlir-linalg-to-nhwc ------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// The linalg counterpart of qnn-convert-to-nhwc, for the convolutions and
// pooling a model keeps in float: each NCHW op becomes its NHWC form between
// two transposes, and transposes sink through pads and linalg.generic ops
// until inverse pairs cancel.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"
#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_LINALGTONHWCPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

// Result dim i is source dim perm[i], as in linalg.transpose.
static constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
static constexpr int64_t kToNCHW[] = {0, 3, 1, 2};
static constexpr int64_t kFCHWToHWCF[] = {2, 3, 1, 0};
static constexpr int64_t kCHWToHWC[] = {1, 2, 0};

static RankedTensorType permuted(Type type, ArrayRef<int64_t> perm) {
  auto ranked = cast<RankedTensorType>(type);
  return RankedTensorType::get(applyPermutation(ranked.getShape(), perm),
                               ranked.getElementType());
}

static Value transpose(RewriterBase &rewriter, Location loc, Value value,
                       ArrayRef<int64_t> perm) {
  RankedTensorType type = permuted(value.getType(), perm);
  Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                       type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init, perm)
      ->getResult(0);
}

/// The NHWC init of an NCHW op's `init`: the same fill, or `init`
/// transposed.
static Value nhwcInit(RewriterBase &rewriter, Location loc, Value init) {
  RankedTensorType type = permuted(init.getType(), kToNHWC);
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return transpose(rewriter, loc, init, kToNHWC);
  Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                        type.getElementType());
  return linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
      .getResult(0);
}

/// The constant `value` transposed by `perm` at compile time, or null if it
/// is not a constant.
static Value transposedConstant(RewriterBase &rewriter, Location loc,
                                Value value, ArrayRef<int64_t> perm) {
  DenseElementsAttr elements;
  if (!matchPattern(value, m_Constant(&elements)))
    return Value();
  return arith::ConstantOp::create(
      rewriter, loc,
      qnn::transposeElements(elements, perm, permuted(value.getType(), perm)));
}

namespace {

/// An NCHW convolution or pooling -> transpose, its NHWC form `NhwcOp`,
/// transpose; a convolution's filter must be a constant (transposed at
/// compile time), a pooling window is kept.
template <typename NchwOp, typename NhwcOp>
struct WindowedToNHWC : OpRewritePattern<NchwOp> {
  WindowedToNHWC(MLIRContext *ctx, ArrayRef<int64_t> filterPerm = {})
      : OpRewritePattern<NchwOp>(ctx), filterPerm(filterPerm) {}

  LogicalResult matchAndRewrite(NchwOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value filter = op.getDpsInputs()[1];
    if (!filterPerm.empty()) {
      filter = transposedConstant(rewriter, loc, filter, filterPerm);
      if (!filter)
        return rewriter.notifyMatchFailure(op, "filter is not a constant");
    }
    Value input = transpose(rewriter, loc, op.getDpsInputs()[0], kToNHWC);
    Value init = nhwcInit(rewriter, loc, op.getDpsInits()[0]);
    SmallVector<NamedAttribute> attrs;
    for (StringRef name : {"strides", "dilations"})
      if (Attribute attr = op->getAttr(name))
        attrs.emplace_back(rewriter.getStringAttr(name), attr);
    auto nhwc =
        NhwcOp::create(rewriter, loc, TypeRange{init.getType()},
                       ValueRange{input, filter}, ValueRange{init}, attrs);
    rewriter.replaceOp(op,
                       transpose(rewriter, loc, nhwc->getResult(0), kToNCHW));
    return success();
  }

  ArrayRef<int64_t> filterPerm;
};

/// pad(transpose(x)) -> transpose(pad(x)), for pads whose value does not
/// depend on the position.
struct SinkTransposeThroughPad : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::PadOp op,
                                PatternRewriter &rewriter) const override {
    auto t = op.getSource().getDefiningOp<linalg::TransposeOp>();
    if (!t || !op.getLow().empty() || !op.getHigh().empty() ||
        !op.getConstantPaddingValue())
      return rewriter.notifyMatchFailure(op, "not a constant pad of a "
                                             "transpose");
    SmallVector<int64_t> inverse = invertPermutationVector(t.getPermutation());
    auto pad = cast<tensor::PadOp>(rewriter.clone(*op));
    pad.getSourceMutable().assign(t.getInput());
    pad.setStaticLow(applyPermutation(op.getStaticLow(), inverse));
    pad.setStaticHigh(applyPermutation(op.getStaticHigh(), inverse));
    pad.getResult().setType(permuted(op.getType(), inverse));
    rewriter.replaceOp(
        op, transpose(rewriter, op.getLoc(), pad, t.getPermutation()));
    return success();
  }
};

/// A linalg.generic reading transposed operands, re-indexed to read their
/// sources: loop d_i becomes loop d'_perm[i], every other operand's map is
/// composed with that renaming.
///
/// - Elementwise (all loops parallel, identity result map): every operand
///   read in full is transposed alike, the others are broadcasts; the result
///   is produced in the sources' layout and transposed back, so the
///   transpose moves on to the users.
/// - One input, any loops (a reduction such as global average pooling): the
///   result keeps its layout through its composed map.
struct SinkTransposeThroughGeneric : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumResults() != 1 || !op.hasPureTensorSemantics())
      return failure();
    ArrayRef<int64_t> perm;
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto t = input->get().getDefiningOp<linalg::TransposeOp>();
      if (!t || !op.getMatchingIndexingMap(input).isIdentity())
        continue;
      if (!perm.empty() && t.getPermutation() != perm)
        return rewriter.notifyMatchFailure(op, "operands transposed unlike");
      perm = t.getPermutation();
    }
    if (perm.empty())
      return rewriter.notifyMatchFailure(op, "no transposed operand");
    AffineMap resultMap = op.getIndexingMapsArray().back();
    bool elementwise =
        op.getNumParallelLoops() == op.getNumLoops() &&
        resultMap.isIdentity() &&
        op.getMatchingBlockArgument(op.getDpsInitOperand(0)).use_empty();
    if (!elementwise && op.getNumDpsInputs() != 1)
      return rewriter.notifyMatchFailure(op, "a reduction of several inputs");
    AffineMap rename = AffineMap::getPermutationMap(perm, getContext());
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      auto t = input->get().getDefiningOp<linalg::TransposeOp>();
      if (t && map.isIdentity()) {
        inputs.push_back(t.getInput());
        maps.push_back(map);
        continue;
      }
      // Read in full without a transpose: it would be read across its
      // layout.
      if (map.isPermutation())
        return rewriter.notifyMatchFailure(op, "an operand not transposed");
      inputs.push_back(input->get());
      maps.push_back(map.compose(rename));
    }
    Location loc = op.getLoc();
    SmallVector<int64_t> inverse = invertPermutationVector(perm);
    Value init = op.getDpsInits()[0];
    Type resultType = init.getType();
    if (elementwise) {
      RankedTensorType type = permuted(resultType, inverse);
      init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                     type.getElementType());
      resultType = type;
      maps.push_back(resultMap);
    } else {
      maps.push_back(resultMap.compose(rename));
    }
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        applyPermutation(op.getIteratorTypesArray(), inverse));
    rewriter.inlineRegionBefore(op.getRegion(), generic.getRegion(),
                                generic.getRegion().end());
    Value result = generic.getResult(0);
    rewriter.replaceOp(op, elementwise ? transpose(rewriter, loc, result, perm)
                                       : result);
    return success();
  }
};

struct LinalgToNHWCPass : qmlir::impl::LinalgToNHWCPassBase<LinalgToNHWCPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<
        WindowedToNHWC<linalg::Conv2DNchwFchwOp, linalg::Conv2DNhwcHwcfOp>>(
        ctx, kFCHWToHWCF);
    patterns.add<WindowedToNHWC<linalg::DepthwiseConv2DNchwChwOp,
                                linalg::DepthwiseConv2DNhwcHwcOp>>(ctx,
                                                                   kCHWToHWC);
    patterns
        .add<WindowedToNHWC<linalg::PoolingNchwMaxOp, linalg::PoolingNhwcMaxOp>,
             WindowedToNHWC<linalg::PoolingNchwSumOp, linalg::PoolingNhwcSumOp>,
             SinkTransposeThroughPad, SinkTransposeThroughGeneric>(ctx);
    // Inverse pairs cancel, consecutive transposes compose.
    linalg::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("qmlir-linalg-to-nhwc: the rewrites did not "
                                "converge");
      signalPassFailure();
    }
  }
};

} // namespace
