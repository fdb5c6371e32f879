//===- ConvertToNHWC.cpp - Windowed qnn ops in channels-last ----*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNCONVERTTONHWC
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir::qnn;

// Result dim i is source dim perm[i], as in linalg.transpose.
static constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
static constexpr int64_t kToNCHW[] = {0, 3, 1, 2};
static constexpr int64_t kFCHWToHWCF[] = {2, 3, 1, 0};

/// `type` transposed by `perm`; a per-axis quantized element type follows
/// its axis.
static RankedTensorType permuted(RankedTensorType type,
                                 ArrayRef<int64_t> perm) {
  Type element = type.getElementType();
  if (auto axis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    int32_t moved =
        llvm::find(perm, axis.getQuantizedDimension()) - perm.begin();
    element = quant::UniformQuantizedPerAxisType::get(
        axis.getFlags(), axis.getStorageType(), axis.getExpressedType(),
        axis.getScales(), axis.getZeroPoints(), moved, axis.getStorageTypeMin(),
        axis.getStorageTypeMax());
  }
  return RankedTensorType::get(applyPermutation(type.getShape(), perm),
                               element);
}

static Value transpose(PatternRewriter &rewriter, Location loc, Value value,
                       ArrayRef<int64_t> perm) {
  RankedTensorType type =
      permuted(cast<RankedTensorType>(value.getType()), perm);
  Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                       type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init, perm)
      ->getResult(0);
}

namespace {
/// Replaces the NCHW `op` by its NHWC form between two transposes;
/// `adjust` changes the NHWC op further (a conv's filter).
template <typename OpT>
void replaceWithNHWC(PatternRewriter &rewriter, OpT op,
                     llvm::function_ref<void(OpT)> adjust) {
  Value input = transpose(rewriter, op.getLoc(), op.getInput(), kToNHWC);
  auto nhwc = cast<OpT>(rewriter.clone(*op));
  nhwc.getInputMutable().assign(input);
  nhwc.setLayout(Layout::NHWC);
  nhwc.getResult().setType(permuted(op.getType(), kToNHWC));
  adjust(nhwc);
  rewriter.replaceOp(op, transpose(rewriter, op.getLoc(), nhwc, kToNCHW));
}

/// NCHW conv2d with a constant filter -> transpose, NHWC conv2d, transpose.
struct ConvToNHWC : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getLayout() != Layout::NCHW)
      return rewriter.notifyMatchFailure(op, "not NCHW");
    auto scast = op.getFilter().getDefiningOp<quant::StorageCastOp>();
    DenseElementsAttr weights;
    if (!scast || !matchPattern(scast.getInput(), m_Constant(&weights)))
      return rewriter.notifyMatchFailure(op, "filter is not a constant");
    Location loc = op.getLoc();
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    RankedTensorType hwcf = permuted(filterType, kFCHWToHWCF);
    auto storage = RankedTensorType::get(hwcf.getShape(),
                                         weights.getType().getElementType());
    Value constant = arith::ConstantOp::create(
        rewriter, loc, transposeElements(weights, kFCHWToHWCF, storage));
    Value filter = quant::StorageCastOp::create(rewriter, loc, hwcf, constant);
    replaceWithNHWC<Conv2DOp>(rewriter, op, [&](Conv2DOp conv) {
      conv.getFilterMutable().assign(filter);
    });
    return success();
  }
};

/// NCHW pooling -> transpose, NHWC pooling, transpose.
template <typename PoolOp> struct PoolToNHWC : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getLayout() != Layout::NCHW)
      return rewriter.notifyMatchFailure(op, "not NCHW");
    replaceWithNHWC<PoolOp>(rewriter, op, [](PoolOp) {});
    return success();
  }
};

/// transpose(transpose(x)) -> x when the two undo each other.
struct FoldInverseTransposes : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<linalg::TransposeOp>();
    if (!producer ||
        producer.getInput().getType() != op.getResult()[0].getType())
      return rewriter.notifyMatchFailure(op, "not the inverse of its input's");
    if (!isIdentityPermutation(
            applyPermutation(producer.getPermutation(), op.getPermutation())))
      return rewriter.notifyMatchFailure(op, "not the inverse of its input's");
    rewriter.replaceOp(op, producer.getInput());
    return success();
  }
};

/// The broadcast `copy` (producing `value`) rebuilt to produce v' with
/// value = transpose(v', perm): the same small operand read through the
/// broadcast map composed with the permutation.
static Value broadcastBeforeTranspose(PatternRewriter &rewriter,
                                      linalg::GenericOp copy, Value value,
                                      ArrayRef<int64_t> perm) {
  auto type = permuted(cast<RankedTensorType>(value.getType()),
                       invertPermutationVector(perm));
  AffineMap map = copy.getIndexingMapsArray()[0].compose(
      AffineMap::getPermutationMap(perm, rewriter.getContext()));
  return buildStorageBroadcast(
      rewriter, copy.getLoc(), copy.getDpsInputs()[0], map, type.getShape(),
      cast<quant::QuantizedType>(type.getElementType()));
}

/// op(transpose(a), transpose(b), ...) -> transpose(op(a, b, ...)) when all
/// operands are transposed by the same permutation: elementwise ops, from
/// operands of one shape, and concat, along the dimension the permutation
/// moves. An operand of an elementwise op may instead be a broadcast, which
/// is rebuilt in the untransposed order (a squeeze-and-excitation scale).
template <typename OpTy> struct SinkTranspose : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  static constexpr bool isConcat = std::is_same_v<OpTy, ConcatOp>;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    ArrayRef<int64_t> perm;
    ArrayRef<int64_t> shape;
    for (Value operand : op->getOperands()) {
      auto t = operand.template getDefiningOp<linalg::TransposeOp>();
      if (!t)
        continue;
      auto sourceShape =
          cast<RankedTensorType>(t.getInput().getType()).getShape();
      if ((!perm.empty() && t.getPermutation() != perm) ||
          (!isConcat && !shape.empty() && sourceShape != shape))
        return rewriter.notifyMatchFailure(op, "operands not transposed alike");
      perm = t.getPermutation();
      shape = sourceShape;
    }
    if (perm.empty())
      return rewriter.notifyMatchFailure(op, "no transposed operand");
    for (Value operand : op->getOperands())
      if (!operand.template getDefiningOp<linalg::TransposeOp>() &&
          (isConcat || !matchStorageBroadcast(operand)))
        return rewriter.notifyMatchFailure(op, "operands not transposed alike");
    SmallVector<Value> sources;
    for (Value operand : op->getOperands()) {
      if (auto t = operand.template getDefiningOp<linalg::TransposeOp>())
        sources.push_back(t.getInput());
      else
        sources.push_back(broadcastBeforeTranspose(
            rewriter, matchStorageBroadcast(operand), operand, perm));
    }
    auto type = cast<RankedTensorType>(op.getType());
    auto sunk = cast<OpTy>(rewriter.clone(*op));
    sunk->setOperands(sources);
    if constexpr (isConcat)
      sunk.setDim(perm[op.getDim()]);
    sunk.getResult().setType(permuted(type, invertPermutationVector(perm)));
    rewriter.replaceOp(op, transpose(rewriter, op.getLoc(), sunk, perm));
    return success();
  }
};

struct ConvertToNHWCPass
    : qmlir::qnn::impl::QNNConvertToNHWCBase<ConvertToNHWCPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<ConvToNHWC, PoolToNHWC<MaxPool2DOp>, PoolToNHWC<AvgPool2DOp>,
             FoldInverseTransposes, SinkTranspose<AddOp>, SinkTranspose<MulOp>,
             SinkTranspose<RequantizeOp>, SinkTranspose<ClampOp>,
             SinkTranspose<TableOp>, SinkTranspose<ConcatOp>>(&getContext());
    // Only these rewrites: folding would also fold dcast(qcast(x)).
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config))) {
      getOperation().emitError(
          "qnn-convert-to-nhwc: the rewrites did not converge");
      signalPassFailure();
    }
  }
};
} // namespace
