//===- QuantizeMatchers.cpp - What qnn-quantize recognizes ------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "QuantizeMatchers.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Utils/LayoutUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

std::optional<SmallVector<float>> qnn::constantFloats(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<float> values;
  for (APFloat f : attr.getValues<APFloat>())
    values.push_back(f.convertToFloat());
  return values;
}

bool qnn::isZeroFill(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  FloatAttr value;
  return fill && matchPattern(fill.value(), m_Constant(&value)) &&
         value.getValue().isZero();
}

std::optional<double> qnn::scalarConstant(Value v) {
  FloatAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr.getValueAsDouble();
  return std::nullopt;
}

std::optional<SmallVector<double>>
qnn::channelConstant(Value operand, AffineMap map, unsigned channel) {
  if (std::optional<double> s = scalarConstant(operand))
    return SmallVector<double>{*s};
  auto type = dyn_cast<RankedTensorType>(operand.getType());
  if (!type)
    return std::nullopt;
  if (std::optional<SmallVector<float>> values = constantFloats(operand)) {
    for (auto [d, expr] : llvm::enumerate(map.getResults())) {
      if (type.getDimSize(d) == 1)
        continue;
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim || dim.getPosition() != channel)
        return std::nullopt;
    }
    if (llvm::all_equal(*values))
      return SmallVector<double>{(*values)[0]};
    return SmallVector<double>(values->begin(), values->end());
  }
  if (!map.isIdentity())
    return std::nullopt;
  if (auto bc = operand.getDefiningOp<linalg::BroadcastOp>()) {
    // The input keeps the dimensions not listed in `dimensions`.
    SmallVector<AffineExpr> kept;
    for (int64_t d = 0, e = type.getRank(); d < e; ++d)
      if (!llvm::is_contained(bc.getDimensions(), d))
        kept.push_back(getAffineDimExpr(d, operand.getContext()));
    return channelConstant(
        bc.getInput(),
        AffineMap::get(type.getRank(), 0, kept, operand.getContext()), channel);
  }
  if (auto g = operand.getDefiningOp<linalg::GenericOp>()) {
    Block &body = g.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    if (g.getNumDpsInputs() == 1 && body.getOperations().size() == 1 &&
        yield.getOperand(0) == body.getArgument(0) &&
        g.getIndexingMapsArray().back().isIdentity())
      return channelConstant(g.getDpsInputs()[0], g.getIndexingMapsArray()[0],
                             channel);
  }
  return std::nullopt;
}

FailureOr<ElementwiseBinary>
qnn::matchElementwise(RewriterBase &rewriter, Operation *op, unsigned channel) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getBlock()->getOperations().size() != 2)
    return failure();
  unsigned numInputs = linalgOp.getNumDpsInputs();
  Block *body = linalgOp.getBlock();
  Operation &compute = body->front();
  std::optional<ElementwiseBinary::Kind> kind =
      llvm::TypeSwitch<Operation *, std::optional<ElementwiseBinary::Kind>>(
          &compute)
          .Case([](arith::AddFOp) { return ElementwiseBinary::Add; })
          .Case([](arith::SubFOp) { return ElementwiseBinary::Sub; })
          .Case([](arith::MulFOp) { return ElementwiseBinary::Mul; })
          .Case([](arith::DivFOp) { return ElementwiseBinary::Div; })
          .Default([](Operation *) { return std::nullopt; });
  if (!kind || numInputs < 1 || numInputs > 2 ||
      compute.getOperand(0) != body->getArgument(0))
    return failure();
  if (linalgOp.getNumParallelLoops() != linalgOp.getNumLoops())
    return rewriter.notifyMatchFailure(op, "it reduces");
  SmallVector<AffineMap> maps = linalgOp.getIndexingMapsArray();
  if (!maps.back().isIdentity())
    return rewriter.notifyMatchFailure(op, "it writes through a permutation");
  // One input: `x op c` with a scalar constant captured by the body.
  if (numInputs == 1) {
    std::optional<double> c = scalarConstant(compute.getOperand(1));
    if (!c || !maps[0].isIdentity())
      return rewriter.notifyMatchFailure(
          op, "its second operand is neither an input nor a constant");
    return ElementwiseBinary{*kind, linalgOp.getDpsInputs()[0], Value(),
                             SmallVector<double>{*c}};
  }
  if (compute.getOperand(1) != body->getArgument(1))
    return rewriter.notifyMatchFailure(op, "its body reorders its inputs");
  Value lhs = linalgOp.getDpsInputs()[0], rhs = linalgOp.getDpsInputs()[1];
  bool commutes =
      *kind == ElementwiseBinary::Add || *kind == ElementwiseBinary::Mul;
  // Add and mul commute: a constant may come first (TOSA's bias add).
  if (commutes && !maps[0].isIdentity() && maps[1].isIdentity()) {
    std::swap(lhs, rhs);
    std::swap(maps[0], maps[1]);
  } else if (commutes && maps[0].isIdentity() && maps[1].isIdentity() &&
             channelConstant(lhs, maps[0], channel)) {
    std::swap(lhs, rhs);
  }
  ElementwiseBinary e{*kind, lhs, Value(), std::nullopt};
  if (!maps[0].isIdentity())
    return rewriter.notifyMatchFailure(op, "it broadcasts its first operand");
  if ((e.constant = channelConstant(rhs, maps[1], channel)))
    return e;
  e.otherMap = maps[1];
  if (maps[1].isIdentity() && rhs.getType() != lhs.getType())
    return rewriter.notifyMatchFailure(op, "its operands differ in type");
  // A broadcast reads each dimension of the operand either along a loop or
  // at index 0 of a unit dimension.
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  for (auto [d, expr] : llvm::enumerate(maps[1].getResults())) {
    auto cst = dyn_cast<AffineConstantExpr>(expr);
    if (!isa<AffineDimExpr>(expr) &&
        !(cst && cst.getValue() == 0 && rhsType.getDimSize(d) == 1))
      return rewriter.notifyMatchFailure(op, "it reads an operand through "
                                             "an affine map that is not a "
                                             "broadcast");
  }
  e.other = rhs;
  return e;
}

//===----------------------------------------------------------------------===//
// Unary functions
//===----------------------------------------------------------------------===//

/// The value of a splat float constant tensor or of a float scalar constant.
static std::optional<double> splatConstant(Value v) {
  DenseFPElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)) && attr.isSplat())
    return attr.getSplatValue<APFloat>().convertToDouble();
  return scalarConstant(v);
}

/// One body op as a real function of its (already evaluated) operands, or
/// nullopt for an op without a compile-time evaluation.
static std::optional<double> evaluateOp(Operation *op, ArrayRef<double> v) {
  using Fn = std::optional<double>;
  auto nanOr = [](double a, double b, double r) {
    return std::isnan(a) || std::isnan(b) ? NAN : r;
  };
  return llvm::TypeSwitch<Operation *, Fn>(op)
      .Case([&](arith::AddFOp) { return v[0] + v[1]; })
      .Case([&](arith::SubFOp) { return v[0] - v[1]; })
      .Case([&](arith::MulFOp) { return v[0] * v[1]; })
      .Case([&](arith::DivFOp) { return v[0] / v[1]; })
      .Case([&](arith::RemFOp) { return std::fmod(v[0], v[1]); })
      .Case([&](arith::NegFOp) { return -v[0]; })
      .Case([&](arith::MaximumFOp) {
        return nanOr(v[0], v[1], std::max(v[0], v[1]));
      })
      .Case([&](arith::MinimumFOp) {
        return nanOr(v[0], v[1], std::min(v[0], v[1]));
      })
      .Case([&](arith::MaxNumFOp) { return std::fmax(v[0], v[1]); })
      .Case([&](arith::MinNumFOp) { return std::fmin(v[0], v[1]); })
      .Case([&](arith::CmpFOp c) {
        return arith::applyCmpPredicate(c.getPredicate(), APFloat(v[0]),
                                        APFloat(v[1]))
                   ? 1.0
                   : 0.0;
      })
      .Case([&](arith::SelectOp) { return v[0] != 0 ? v[1] : v[2]; })
      .Case([&](arith::ExtFOp) { return v[0]; })
      .Case([&](math::AbsFOp) { return std::fabs(v[0]); })
      .Case([&](math::ExpOp) { return std::exp(v[0]); })
      .Case([&](math::Exp2Op) { return std::exp2(v[0]); })
      .Case([&](math::ExpM1Op) { return std::expm1(v[0]); })
      .Case([&](math::LogOp) { return std::log(v[0]); })
      .Case([&](math::Log1pOp) { return std::log1p(v[0]); })
      .Case([&](math::Log2Op) { return std::log2(v[0]); })
      .Case([&](math::Log10Op) { return std::log10(v[0]); })
      .Case([&](math::SqrtOp) { return std::sqrt(v[0]); })
      .Case([&](math::RsqrtOp) { return 1.0 / std::sqrt(v[0]); })
      .Case([&](math::CbrtOp) { return std::cbrt(v[0]); })
      .Case([&](math::PowFOp) { return std::pow(v[0], v[1]); })
      .Case([&](math::TanhOp) { return std::tanh(v[0]); })
      .Case([&](math::SinOp) { return std::sin(v[0]); })
      .Case([&](math::CosOp) { return std::cos(v[0]); })
      .Case([&](math::TanOp) { return std::tan(v[0]); })
      .Case([&](math::AtanOp) { return std::atan(v[0]); })
      .Case([&](math::Atan2Op) { return std::atan2(v[0], v[1]); })
      .Case([&](math::ErfOp) { return std::erf(v[0]); })
      .Case([&](math::ErfcOp) { return std::erfc(v[0]); })
      .Case([&](math::FloorOp) { return std::floor(v[0]); })
      .Case([&](math::CeilOp) { return std::ceil(v[0]); })
      .Case([&](math::RoundOp) { return std::round(v[0]); })
      .Case([&](math::RoundEvenOp) { return std::nearbyint(v[0]); })
      .Case([&](math::TruncOp) { return std::trunc(v[0]); })
      .Case([&](math::CopySignOp) { return std::copysign(v[0], v[1]); })
      .Case([&](math::FmaOp) { return std::fma(v[0], v[1], v[2]); })
      .Default([](Operation *) { return Fn(); });
}

/// Evaluates the body of `op` with the activation's block argument at `x`;
/// on failure `unsupported` is the op that has no evaluation.
static std::optional<double> evaluateBody(linalg::LinalgOp op, Value input,
                                          double x, Operation **unsupported) {
  Block *body = op.getBlock();
  DenseMap<Value, double> values;
  for (OpOperand *operand : op.getDpsInputOperands()) {
    Value arg = op.getMatchingBlockArgument(operand);
    if (operand->get() == input)
      values[arg] = x;
    else if (std::optional<double> c = splatConstant(operand->get()))
      values[arg] = *c;
  }
  auto lookup = [&](Value v) -> std::optional<double> {
    if (auto it = values.find(v); it != values.end())
      return it->second;
    if (v.getParentBlock() == body)
      return std::nullopt; // the init, or a non-float value
    return splatConstant(v);
  };
  for (Operation &inner : body->without_terminator()) {
    std::optional<double> r;
    if (auto cst = dyn_cast<arith::ConstantOp>(inner)) {
      if (auto f = dyn_cast<FloatAttr>(cst.getValue()))
        r = f.getValueAsDouble();
    } else if (inner.getNumResults() == 1) {
      SmallVector<double> operands;
      for (Value v : inner.getOperands()) {
        std::optional<double> o = lookup(v);
        if (!o)
          break;
        operands.push_back(*o);
      }
      if (operands.size() == inner.getNumOperands())
        r = evaluateOp(&inner, operands);
    }
    if (!r) {
      *unsupported = &inner;
      return std::nullopt;
    }
    values[inner.getResult(0)] = *r;
  }
  Value yielded = body->getTerminator()->getOperand(0);
  std::optional<double> result = lookup(yielded);
  if (!result)
    *unsupported = body->getTerminator();
  return result;
}

double ElementwiseUnary::evaluate(double x) const {
  Operation *unsupported = nullptr;
  // matchElementwiseUnary evaluated the body once: every op has a value.
  return *evaluateBody(op, input, x, &unsupported);
}

FailureOr<ElementwiseUnary> qnn::matchElementwiseUnary(RewriterBase &rewriter,
                                                       Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops() ||
      !linalgOp.getBlock())
    return failure();
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.getElementType().isF32())
    return failure();
  Value input;
  for (OpOperand *operand : linalgOp.getDpsInputOperands()) {
    if (splatConstant(operand->get()))
      continue;
    if (input)
      return failure(); // two activations
    input = operand->get();
    if (input.getType() != resultType ||
        !linalgOp.getMatchingIndexingMap(operand).isIdentity())
      return failure();
  }
  if (!input ||
      !linalgOp.getIndexingMapMatchingResult(cast<OpResult>(op->getResult(0)))
           .isIdentity())
    return failure();
  Operation *unsupported = nullptr;
  if (!evaluateBody(linalgOp, input, 0.0, &unsupported))
    return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
      diag << "'" << unsupported->getName()
           << "' in its body has no compile-time evaluation";
    });
  return ElementwiseUnary{linalgOp, input};
}

FailureOr<Clamp> qnn::matchClamp(RewriterBase &rewriter, Operation *op) {
  if (auto max = dyn_cast<linalg::MaxOp>(op)) {
    if (isZeroFill(max.getInputs()[1]))
      return Clamp{max.getInputs()[0], 0.0, INFINITY};
    return rewriter.notifyMatchFailure(op,
                                       "its second operand is not a zero fill");
  }
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1)
    return failure();
  Block &body = g.getRegion().front();
  auto isBound = [](Operation &inner) {
    return isa<arith::MaximumFOp, arith::MaxNumFOp, arith::MinimumFOp,
               arith::MinNumFOp>(inner);
  };
  if (body.getOperations().size() < 2 ||
      !llvm::all_of(body.without_terminator(), isBound))
    return failure();
  if (g.getNumParallelLoops() != g.getNumLoops() ||
      !llvm::all_of(g.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return rewriter.notifyMatchFailure(op, "it is not elementwise");
  Clamp c{g.getDpsInputs()[0], -INFINITY, INFINITY};
  Value cur = cast<linalg::YieldOp>(body.getTerminator()).getOperand(0);
  // Walk back from the yield through max/min with constants to the input.
  while (cur != body.getArgument(0)) {
    Operation *def = cur.getDefiningOp();
    std::optional<double> bound =
        def ? scalarConstant(def->getOperand(1)) : std::nullopt;
    if (!bound)
      return rewriter.notifyMatchFailure(op,
                                         "a bound is not a scalar constant");
    if (isa<arith::MaximumFOp, arith::MaxNumFOp>(def))
      c.lo = std::max(c.lo, *bound);
    else
      c.hi = std::min(c.hi, *bound);
    cur = def->getOperand(0);
  }
  if (c.lo == -INFINITY && c.hi == INFINITY)
    return rewriter.notifyMatchFailure(op, "its bounds are infinite");
  return c;
}

/// Permutes a row-major array of `shape` by `perm` (result dim i = source
/// dim perm[i]).
static SmallVector<float> transpose(ArrayRef<float> data,
                                    ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> perm) {
  SmallVector<int64_t> strides = computeStrides(shape);
  SmallVector<int64_t> outShape = applyPermutation(shape, perm);
  SmallVector<float> out(data.size());
  SmallVector<int64_t> index(shape.size(), 0);
  for (size_t flat = 0; flat < out.size(); ++flat) {
    int64_t src = 0;
    for (size_t i = 0; i < perm.size(); ++i)
      src += index[i] * strides[perm[i]];
    out[flat] = data[src];
    for (int64_t i = outShape.size() - 1; i >= 0; --i) {
      if (++index[i] < outShape[i])
        break;
      index[i] = 0;
    }
  }
  return out;
}

static SmallVector<int64_t> attrValues(DenseIntElementsAttr attr) {
  return llvm::to_vector(attr.getValues<int64_t>());
}

namespace {
/// The indexing maps of a matmul over loops (B..., M, N, K) with a result of
/// `rank` >= 2 dimensions: lhs (B..., M, K), rhs (B..., K, N), out
/// (B..., M, N).
struct MatmulMaps {
  AffineMap lhs, rhs, out;
  MatmulMaps(unsigned rank, MLIRContext *ctx) {
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> l, r, o;
    for (unsigned i = 0; i + 2 < rank; ++i) {
      l.push_back(d(i));
      r.push_back(d(i));
    }
    l.append({d(rank - 2), d(rank)});
    r.append({d(rank), d(rank - 1)});
    for (unsigned i = 0; i < rank; ++i)
      o.push_back(d(i));
    lhs = AffineMap::get(rank + 1, 0, l, ctx);
    rhs = AffineMap::get(rank + 1, 0, r, ctx);
    out = AffineMap::get(rank + 1, 0, o, ctx);
  }
  SmallVector<AffineMap> all() const { return {lhs, rhs, out}; }
};
} // namespace

FailureOr<FloatContraction> qnn::matchFloatContraction(RewriterBase &rewriter,
                                                       Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (generic && !linalg::isaContractionOpInterface(generic))
    return failure();
  if (!generic &&
      !isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::Conv2DNchwFchwOp,
           linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcOp,
           linalg::DepthwiseConv2DNhwcHwcOp, linalg::DepthwiseConv2DNhwcHwcmOp,
           linalg::DepthwiseConv2DNchwChwOp>(op))
    return failure();
  auto linalgOp = cast<linalg::LinalgOp>(op);
  FloatContraction c;
  c.op = op;
  c.result = op->getResult(0);
  c.input = linalgOp.getDpsInputs()[0];
  c.init = linalgOp.getDpsInits()[0];
  c.weightValue = linalgOp.getDpsInputs()[1];
  Value w = c.weightValue;
  if (auto fq = w.getDefiningOp<FakeQuantOp>())
    w = fq.getInput();
  std::optional<SmallVector<float>> weights = constantFloats(w);
  auto wType = dyn_cast<RankedTensorType>(w.getType());
  if (!weights || !wType || !wType.getElementType().isF32())
    return rewriter.notifyMatchFailure(
        op, "its right-hand operand is not a constant f32 tensor (a product "
            "of two activations)");
  SmallVector<int64_t> shape(wType.getShape());
  c.weights = *weights;
  c.weightShape = shape;
  c.weightDims = llvm::to_vector(llvm::seq<int64_t>(0, shape.size()));
  auto setConv = [&](Layout layout, DenseIntElementsAttr strides,
                     DenseIntElementsAttr dilations) {
    c.isConv = true;
    c.layout = layout;
    c.strides = attrValues(strides);
    c.dilations = attrValues(dilations);
    c.resultAxis = ImageDims(layout).c;
    c.weightAxis = FilterDims(layout).f;
  };
  MLIRContext *ctx = op->getContext();
  return llvm::TypeSwitch<Operation *, FailureOr<FloatContraction>>(op)
      .Case([&](linalg::MatmulOp mm) -> FailureOr<FloatContraction> {
        auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
        SmallVector<AffineMap> maps = mm.getIndexingMapsArray();
        if (maps[0] != AffineMap::get(3, 0, {d(0), d(2)}, ctx) ||
            maps[2] != AffineMap::get(3, 0, {d(0), d(1)}, ctx))
          return rewriter.notifyMatchFailure(
              op, "its left-hand operand or result is transposed");
        if (maps[1] == AffineMap::get(3, 0, {d(1), d(2)}, ctx)) {
          // [N, K] -> [K, N].
          c.weights = transpose(*weights, shape, {1, 0});
          c.weightShape = {shape[1], shape[0]};
          c.weightDims = {1, 0};
        } else if (maps[1] != AffineMap::get(3, 0, {d(2), d(1)}, ctx)) {
          return rewriter.notifyMatchFailure(
              op, "its right-hand map is neither [K, N] nor [N, K]");
        }
        c.weightAxis = c.resultAxis = 1;
        return c;
      })
      .Case([&](linalg::GenericOp) -> FailureOr<FloatContraction> {
        // A linear layer on [B..., M, K] activations (ONNX MatMul of rank
        // above 2 with 2-D weights).
        SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
        unsigned rank = maps[2].getNumResults(), k = rank;
        auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
        if (rank < 2 || generic.getNumLoops() != rank + 1 ||
            maps[0] != MatmulMaps(rank, ctx).lhs ||
            maps[2] != MatmulMaps(rank, ctx).out)
          return rewriter.notifyMatchFailure(
              op, "a contraction that is not a linear layer on [..., M, K]");
        if (maps[1] == AffineMap::get(rank + 1, 0, {d(rank - 1), d(k)}, ctx)) {
          c.weights = transpose(*weights, shape, {1, 0});
          c.weightShape = {shape[1], shape[0]};
          c.weightDims = {1, 0};
        } else if (maps[1] !=
                   AffineMap::get(rank + 1, 0, {d(k), d(rank - 1)}, ctx)) {
          return rewriter.notifyMatchFailure(
              op, "its right-hand map is neither [K, N] nor [N, K]");
        }
        c.weightAxis = 1;
        c.resultAxis = rank - 1;
        return c;
      })
      .Case([&](linalg::BatchMatmulOp bmm) -> FailureOr<FloatContraction> {
        if (bmm.hasUserDefinedMaps())
          return rewriter.notifyMatchFailure(op, "it has transposed operands");
        c.weightAxis = c.resultAxis = 2;
        return c;
      })
      .Case([&](linalg::Conv2DNchwFchwOp conv) {
        setConv(Layout::NCHW, conv.getStrides(), conv.getDilations());
        return c;
      })
      .Case([&](linalg::Conv2DNhwcHwcfOp conv) {
        setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
        return c;
      })
      .Case([&](linalg::Conv2DNhwcFhwcOp conv) {
        setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
        // FHWC -> HWCF.
        c.weights = transpose(*weights, shape, {1, 2, 3, 0});
        c.weightShape = {shape[1], shape[2], shape[3], shape[0]};
        c.weightDims = {3, 0, 1, 2};
        return c;
      })
      .Case([&](linalg::DepthwiseConv2DNhwcHwcOp conv) {
        setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
        // [KH, KW, C] is HWCF with one channel per group.
        c.weightShape = {shape[0], shape[1], 1, shape[2]};
        c.weightDims = {0, 1, 3};
        c.groups = shape[2];
        return c;
      })
      .Case([&](linalg::DepthwiseConv2DNhwcHwcmOp conv)
                -> FailureOr<FloatContraction> {
        // [N, OH, OW, C, M] then collapsed to C * M channels (TOSA's form).
        Value result = op->getResult(0);
        auto collapse =
            result.hasOneUse()
                ? dyn_cast<tensor::CollapseShapeOp>(*result.getUsers().begin())
                : nullptr;
        if (!collapse || collapse.getReassociationIndices().size() != 4 ||
            collapse.getReassociationIndices()[3] != ReassociationIndices{3, 4})
          return rewriter.notifyMatchFailure(
              op, "its [C, M] channels are not collapsed into one dimension");
        setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
        // [KH, KW, C, M]: filter c * M + m reads channel c.
        c.weightShape = {shape[0], shape[1], 1, shape[2] * shape[3]};
        c.weightDims = {0, 1, shape[3] == 1 ? 3 : -1, shape[2] == 1 ? 3 : -1};
        c.groups = shape[2];
        c.result = collapse.getResult();
        c.reshapes.push_back(collapse);
        return c;
      })
      .Case([&](linalg::DepthwiseConv2DNchwChwOp conv) {
        setConv(Layout::NCHW, conv.getStrides(), conv.getDilations());
        // [C, KH, KW] is FCHW with one channel per group.
        c.weightShape = {shape[0], 1, shape[1], shape[2]};
        c.weightDims = {0, 2, 3};
        c.groups = shape[0];
        return c;
      });
}

FailureOr<ActivationMatmul> qnn::matchActivationMatmul(RewriterBase &rewriter,
                                                       Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalg::isaContractionOpInterface(linalgOp) ||
      linalgOp.getNumDpsInputs() != 2)
    return failure();
  Value lhs = linalgOp.getDpsInputs()[0], rhs = linalgOp.getDpsInputs()[1];
  if (auto fq = rhs.getDefiningOp<FakeQuantOp>();
      constantFloats(fq ? fq.getInput() : rhs))
    return failure();
  SmallVector<AffineMap> maps = linalgOp.getIndexingMapsArray();
  unsigned rank = maps[2].getNumResults();
  if (rank < 2 || linalgOp.getNumLoops() != rank + 1 ||
      maps != MatmulMaps(rank, op->getContext()).all())
    return rewriter.notifyMatchFailure(
        op, "a product of two activations that is not [B..., M, K] x "
            "[B..., K, N]");
  if (!isZeroFill(linalgOp.getDpsInits()[0]))
    return rewriter.notifyMatchFailure(
        op, "a product of two activations into a non-zero init");
  return ActivationMatmul{op, lhs, rhs};
}

template <typename Pool>
static FailureOr<Pool> matchPoolOp(Operation *op, Layout layout) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  Pool p;
  p.op = op;
  p.input = linalgOp.getDpsInputs()[0];
  p.init = linalgOp.getDpsInits()[0];
  p.layout = layout;
  auto window = cast<RankedTensorType>(linalgOp.getDpsInputs()[1].getType());
  p.window.assign(window.getShape().begin(), window.getShape().end());
  auto get = [&](auto pool) {
    p.strides = attrValues(pool.getStrides());
    p.dilations = attrValues(pool.getDilations());
  };
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](linalg::PoolingNchwMaxOp pool) { get(pool); })
      .Case([&](linalg::PoolingNhwcMaxOp pool) { get(pool); })
      .Case([&](linalg::PoolingNchwSumOp pool) { get(pool); })
      .Case([&](linalg::PoolingNhwcSumOp pool) { get(pool); });
  return p;
}

FailureOr<MaxPool> qnn::matchMaxPool(Operation *op) {
  if (isa<linalg::PoolingNchwMaxOp>(op))
    return matchPoolOp<MaxPool>(op, Layout::NCHW);
  if (isa<linalg::PoolingNhwcMaxOp>(op))
    return matchPoolOp<MaxPool>(op, Layout::NHWC);
  return failure();
}

FailureOr<SumPool> qnn::matchSumPool(Operation *op) {
  if (isa<linalg::PoolingNchwSumOp>(op))
    return matchPoolOp<SumPool>(op, Layout::NCHW);
  if (isa<linalg::PoolingNhwcSumOp>(op))
    return matchPoolOp<SumPool>(op, Layout::NHWC);
  return failure();
}

std::optional<SmallVector<int64_t>> qnn::spatialPadding(tensor::PadOp pad,
                                                        Layout layout) {
  SmallVector<int64_t> low(pad.getStaticLow()), high(pad.getStaticHigh());
  if (low.size() != 4 || ShapedType::isDynamicShape(low) ||
      ShapedType::isDynamicShape(high))
    return std::nullopt;
  ImageDims dims(layout);
  for (int64_t d = 0; d < 4; ++d)
    if (d != dims.h && d != dims.w && (low[d] || high[d]))
      return std::nullopt;
  return SmallVector<int64_t>{low[dims.h], low[dims.w], high[dims.h],
                              high[dims.w]};
}
