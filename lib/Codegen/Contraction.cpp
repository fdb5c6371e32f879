//===- Contraction.cpp - Contractions the kernels take ----------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace qmlir;

/// Whether `v` extends `arg`, an integer of at most 8 bits; returns its
/// signedness.
static std::optional<bool> extensionOf(Value v, BlockArgument arg) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<arith::ExtSIOp, arith::ExtUIOp>(def) ||
      def->getOperand(0) != arg || !arg.getType().isSignlessInteger() ||
      arg.getType().getIntOrFloatBitWidth() > 8)
    return std::nullopt;
  return isa<arith::ExtSIOp>(def);
}

/// The product that `sum` adds to `acc`, if `sum` is an AddOp of `acc` and a
/// MulOp.
template <typename AddOp, typename MulOp>
static MulOp productOf(Value sum, BlockArgument acc) {
  auto add = sum.getDefiningOp<AddOp>();
  if (!add)
    return nullptr;
  Value prod = add.getLhs() == acc   ? add.getRhs()
               : add.getRhs() == acc ? add.getLhs()
                                     : Value();
  return prod ? prod.getDefiningOp<MulOp>() : nullptr;
}

/// Whether `op`'s body is acc + lhs * rhs of `type`; sets the signedness
/// of integer operands in `c`.
static bool matchBody(linalg::LinalgOp op, ContractionType type,
                      Contraction &c) {
  Block &body = *op.getBlock();
  Value sum = body.getTerminator()->getOperand(0);
  BlockArgument lhsArg = body.getArgument(0), rhsArg = body.getArgument(1),
                accArg = body.getArgument(2);
  if (type == ContractionType::F32) {
    auto mul = productOf<arith::AddFOp, arith::MulFOp>(sum, accArg);
    return mul && body.getOperations().size() == 3 &&
           llvm::all_of(body.getArgumentTypes(),
                        [](Type t) { return t.isF32(); }) &&
           llvm::is_contained({mul.getLhs(), mul.getRhs()}, lhsArg) &&
           llvm::is_contained({mul.getLhs(), mul.getRhs()}, rhsArg);
  }
  // acc + ext(lhs) * ext(rhs) on 8-bit values into i32.
  auto mul = productOf<arith::AddIOp, arith::MulIOp>(sum, accArg);
  if (!mul || !accArg.getType().isInteger(32) ||
      body.getOperations().size() != 5)
    return false;
  std::optional<bool> ls = extensionOf(mul.getLhs(), lhsArg);
  std::optional<bool> rs = extensionOf(mul.getRhs(), rhsArg);
  if (!ls || !rs) {
    ls = extensionOf(mul.getRhs(), lhsArg);
    rs = extensionOf(mul.getLhs(), rhsArg);
  }
  if (!ls || !rs)
    return false;
  c.lhsSigned = *ls;
  c.rhsSigned = *rs;
  return true;
}

/// Offsets in a tensor read through the projected permutation `map` of the
/// flattened (row-major) index space of `dims`.
static SmallVector<int64_t> flatOffsets(AffineMap map, ArrayRef<int64_t> shape,
                                        ArrayRef<unsigned> dims,
                                        ArrayRef<int64_t> ranges) {
  SmallVector<int64_t> stride = computeStrides(shape);
  // Stride of each loop dim in the tensor (0 when the map drops it).
  SmallVector<int64_t> dimStride(map.getNumDims(), 0);
  for (auto [r, expr] : llvm::enumerate(map.getResults()))
    dimStride[cast<AffineDimExpr>(expr).getPosition()] = stride[r];
  int64_t total = 1;
  for (unsigned d : dims)
    total *= ranges[d];
  SmallVector<int64_t> offsets(total);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rest = flat, offset = 0;
    for (unsigned d : llvm::reverse(dims)) {
      offset += (rest % ranges[d]) * dimStride[d];
      rest /= ranges[d];
    }
    offsets[flat] = offset;
  }
  return offsets;
}

/// The loops of `op` as M, N, K and the dims on all three operands
/// (depthwise channels, batches), each in loop order, from upstream's
/// convolution or contraction inference.
static LogicalResult classifyLoops(linalg::LinalgOp op,
                                   SmallVectorImpl<unsigned> &m,
                                   SmallVectorImpl<unsigned> &n,
                                   SmallVectorImpl<unsigned> &k,
                                   SmallVectorImpl<unsigned> &shared) {
  if (FailureOr<linalg::ConvolutionDimensions> conv =
          linalg::inferConvolutionDims(op);
      succeeded(conv)) {
    llvm::append_range(m, conv->batch);
    llvm::append_range(m, conv->outputImage);
    llvm::append_range(n, conv->outputChannel);
    llvm::append_range(k, conv->filterLoop);
    llvm::append_range(k, conv->inputChannel);
    llvm::append_range(shared, conv->depth);
  } else if (FailureOr<linalg::ContractionDimensions> mm =
                 linalg::inferContractionDims(op);
             succeeded(mm)) {
    llvm::append_range(m, mm->m);
    llvm::append_range(n, mm->n);
    llvm::append_range(k, mm->k);
    llvm::append_range(shared, mm->batch);
  } else {
    return failure();
  }
  for (SmallVectorImpl<unsigned> *dims : {&m, &n, &k, &shared})
    llvm::sort(*dims);
  return success();
}

FailureOr<Contraction> qmlir::matchContraction(RewriterBase &rewriter,
                                               linalg::LinalgOp op,
                                               ContractionType type) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
      !op.getBlock())
    return failure();
  Contraction c;
  c.op = op;
  c.type = type;
  if (!matchBody(op, type, c))
    return failure();

  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  Value init = fill ? fill.getInputs()[0] : Value();
  if (!init || !(c.isFloat() ? matchPattern(init, m_AnyZeroFloat())
                             : matchPattern(init, m_Zero())))
    return rewriter.notifyMatchFailure(op, "it accumulates into a non-zero "
                                           "init");
  DenseElementsAttr weights;
  if (!matchPattern(op.getDpsInputs()[1], m_Constant(&weights)))
    return rewriter.notifyMatchFailure(
        op, "its right-hand operand is not constant");
  c.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(c.ranges, ShapedType::isDynamic))
    return rewriter.notifyMatchFailure(op, "it has dynamic sizes");
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap lhsMap = maps[0], rhsMap = maps[1], outMap = maps[2];
  if (!rhsMap.isProjectedPermutation() || !outMap.isProjectedPermutation())
    return rewriter.notifyMatchFailure(
        op, "its weights or result are not read by plain loop indices");

  SmallVector<unsigned> shared;
  if (failed(classifyLoops(op, c.mDims, c.nDims, c.kDims, shared)))
    return rewriter.notifyMatchFailure(
        op, "its loops are neither a matmul's nor a convolution's");
  for (unsigned d : shared) {
    if (c.ranges[d] == 1)
      continue;
    if (c.channel)
      return rewriter.notifyMatchFailure(
          op, "more than one dimension is shared by both operands");
    c.channel = d;
  }
  // Every other loop must be a unit one.
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (c.ranges[d] != 1 && !llvm::is_contained(c.mDims, d) &&
        !llvm::is_contained(c.nDims, d) && !llvm::is_contained(c.kDims, d) &&
        c.channel != d)
      return rewriter.notifyMatchFailure(
          op, "a loop is neither M, N, K nor a channel");
  if (c.channel) {
    // Depthwise: one weight per (tap, channel); channels contiguous in the
    // input, so a vector of them is one load.
    if (llvm::any_of(c.nDims, [&](unsigned d) { return c.ranges[d] != 1; }))
      return rewriter.notifyMatchFailure(
          op, "a depthwise convolution with a channel multiplier");
    // The channel is the innermost input dim but for unit ones (the
    // channels-per-group dim of a grouped layout).
    ArrayRef<int64_t> lhsShape =
        cast<RankedTensorType>(op.getDpsInputs()[0].getType()).getShape();
    std::optional<unsigned> position =
        lhsMap.getResultPosition(getAffineDimExpr(*c.channel, op.getContext()));
    if (!position || llvm::any_of(lhsShape.drop_front(*position + 1),
                                  [](int64_t size) { return size != 1; }))
      return rewriter.notifyMatchFailure(
          op, "a depthwise convolution whose channels are not innermost");
    c.nDims.push_back(*c.channel);
  }
  if (c.nDims.empty() || c.kDims.empty())
    return rewriter.notifyMatchFailure(op, "it has no N or no K loop");
  for (unsigned d : c.mDims)
    c.m *= c.ranges[d];
  for (unsigned d : c.nDims)
    c.n *= c.ranges[d];
  for (unsigned d : c.kDims)
    c.k *= c.ranges[d];

  if (c.isFloat())
    llvm::append_range(c.rhs, weights.getValues<float>());
  else
    for (const APInt &v : weights.getValues<APInt>())
      c.rhs.push_back(c.rhsSigned ? v.getSExtValue()
                                  : static_cast<int64_t>(v.getZExtValue()));
  ArrayRef<int64_t> rhsShape = weights.getType().getShape();
  c.kOffset = flatOffsets(rhsMap, rhsShape, c.kDims, c.ranges);
  c.nOffset = flatOffsets(rhsMap, rhsShape, c.nDims, c.ranges);
  return c;
}

/// The dims of the contraction's result that the consumer input with `map`
/// ranges over, skipping unit extents; `std::nullopt` if some result is not
/// a plain dim.
static std::optional<SmallVector<unsigned>>
loopDimsOf(AffineMap map, ArrayRef<int64_t> shape, AffineMap outMap) {
  SmallVector<unsigned> dims;
  for (auto [r, expr] : llvm::enumerate(map.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim)
      return std::nullopt;
    if (shape[r] == 1)
      continue;
    dims.push_back(
        cast<AffineDimExpr>(outMap.getResult(dim.getPosition())).getPosition());
  }
  return dims;
}

std::optional<FusedConsumer> qmlir::matchFusedConsumer(const Contraction &c) {
  linalg::LinalgOp contraction = c.op;
  Value acc = contraction->getResult(0);
  if (!acc.hasOneUse())
    return std::nullopt;
  auto op = dyn_cast<linalg::GenericOp>(*acc.getUsers().begin());
  if (!op || op.getNumDpsInits() != 1 || op.getNumResults() != 1 ||
      !op.hasPureTensorSemantics() ||
      op.getNumParallelLoops() != op.getNumLoops())
    return std::nullopt;
  Block &body = op.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return std::nullopt;
  for (Operation &inner : body.without_terminator()) {
    bool scalar = llvm::all_of(inner.getResultTypes(),
                               [](Type t) { return t.isIntOrIndexOrFloat(); });
    if (!scalar || inner.getNumRegions() != 0 ||
        (!isa<arith::ConstantOp>(inner) &&
         !inner.hasTrait<OpTrait::Elementwise>()))
      return std::nullopt;
  }
  AffineMap outMap = contraction.getIndexingMapsArray()[2];
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!maps.back().isIdentity())
    return std::nullopt;
  FusedConsumer e;
  e.op = op;
  e.elementType =
      cast<RankedTensorType>(op.getResultTypes()[0]).getElementType();
  bool sawAcc = false;
  auto nonUnit = [&](ArrayRef<unsigned> dims) {
    return llvm::to_vector(llvm::make_filter_range(
        dims, [&](unsigned d) { return c.ranges[d] != 1; }));
  };
  for (auto [input, map] : llvm::zip(op.getDpsInputs(), maps)) {
    if (input == acc) {
      if (sawAcc || !map.isIdentity())
        return std::nullopt;
      sawAcc = true;
      e.args.push_back({FusedConsumer::Acc, Value()});
      continue;
    }
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !type.hasStaticShape() || !map.isProjectedPermutation())
      return std::nullopt;
    std::optional<SmallVector<unsigned>> dims =
        loopDimsOf(map, type.getShape(), outMap);
    if (!dims)
      return std::nullopt;
    FusedConsumer::ArgKind kind;
    if (dims->empty())
      kind = FusedConsumer::Scalar;
    else if (*dims == nonUnit(c.nDims))
      kind = FusedConsumer::Column;
    else if (*dims == nonUnit(c.mDims))
      kind = FusedConsumer::Row;
    else
      return std::nullopt;
    e.args.push_back({kind, input});
  }
  if (!sawAcc)
    return std::nullopt;
  return e;
}
