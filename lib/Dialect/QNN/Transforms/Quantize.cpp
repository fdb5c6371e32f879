//===- Quantize.cpp - Float linalg to qnn -----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// qnn-quantize walks each function in order and gives every float value it
// can a quantized twin: contractions (with bias, BatchNorm and activation
// folded in), elementwise add/mul, max pooling and layout ops become qnn or
// upstream ops on !quant.uniform tensors. Values enter through quant.qcast
// where a quantized op needs them and leave through quant.dcast where float
// code (or a function result) does; the float ops left without users are
// erased.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "qmlir/Calibration/Stats.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNQUANTIZE
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

//===----------------------------------------------------------------------===//
// Matching float linalg
//===----------------------------------------------------------------------===//

/// Values of a float constant tensor (splats expanded), row-major.
static std::optional<SmallVector<float>> constantFloats(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<float> values;
  for (APFloat f : attr.getValues<APFloat>())
    values.push_back(f.convertToFloat());
  return values;
}

static bool isZeroFill(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  FloatAttr value;
  return fill && matchPattern(fill.value(), m_Constant(&value)) &&
         value.getValue().isZero();
}

/// A float scalar constant.
static std::optional<double> scalarConstant(Value v) {
  FloatAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr.getValueAsDouble();
  return std::nullopt;
}

/// A per-channel constant: one value per index of loop `channel` (out of
/// `channels`), or a single broadcast value. Accepts a constant read through
/// a broadcasting map, a linalg.broadcast of a constant, or a generic that
/// only broadcasts a constant.
static std::optional<SmallVector<double>>
channelConstant(Value operand, AffineMap map, unsigned channel) {
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

namespace {
/// A parallel, single-result elementwise op: `x op y` where y is an
/// activation (`other`) or a per-channel/scalar constant (`constant`).
struct Elementwise {
  enum Kind { Add, Sub, Mul, Div } kind;
  Value x, other;
  std::optional<SmallVector<double>> constant;
};
} // namespace

/// Loop index of the channel dimension in an elementwise op's result.
static std::optional<Elementwise> matchElementwise(Operation *op,
                                                   unsigned channel) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  unsigned numInputs = linalgOp ? linalgOp.getNumDpsInputs() : 0;
  if (!linalgOp || numInputs < 1 || numInputs > 2 ||
      linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops() ||
      !linalgOp.getIndexingMapsArray().back().isIdentity())
    return std::nullopt;
  Block *body = linalgOp.getBlock();
  if (body->getOperations().size() != 2)
    return std::nullopt;
  Operation &compute = body->front();
  std::optional<Elementwise::Kind> kind =
      llvm::TypeSwitch<Operation *, std::optional<Elementwise::Kind>>(&compute)
          .Case([](arith::AddFOp) { return Elementwise::Add; })
          .Case([](arith::SubFOp) { return Elementwise::Sub; })
          .Case([](arith::MulFOp) { return Elementwise::Mul; })
          .Case([](arith::DivFOp) { return Elementwise::Div; })
          .Default([](Operation *) { return std::nullopt; });
  if (!kind || compute.getOperand(0) != body->getArgument(0))
    return std::nullopt;
  // One input: `x op c` with a scalar constant captured by the body.
  if (numInputs == 1) {
    std::optional<double> c = scalarConstant(compute.getOperand(1));
    if (!c || !linalgOp.getIndexingMapsArray()[0].isIdentity())
      return std::nullopt;
    return Elementwise{*kind, linalgOp.getDpsInputs()[0], Value(),
                       SmallVector<double>{*c}};
  }
  if (compute.getOperand(1) != body->getArgument(1))
    return std::nullopt;
  SmallVector<AffineMap> maps = linalgOp.getIndexingMapsArray();
  Value lhs = linalgOp.getDpsInputs()[0], rhs = linalgOp.getDpsInputs()[1];
  // Add and mul commute: a constant may come first (TOSA's bias add).
  if ((*kind == Elementwise::Add || *kind == Elementwise::Mul) &&
      !maps[0].isIdentity() && maps[1].isIdentity()) {
    std::swap(lhs, rhs);
    std::swap(maps[0], maps[1]);
  } else if ((*kind == Elementwise::Add || *kind == Elementwise::Mul) &&
             maps[0].isIdentity() && maps[1].isIdentity() &&
             channelConstant(lhs, maps[0], channel)) {
    std::swap(lhs, rhs);
  }
  Elementwise e{*kind, lhs, Value(), std::nullopt};
  if (!maps[0].isIdentity())
    return std::nullopt;
  if ((e.constant = channelConstant(rhs, maps[1], channel)))
    return e;
  if (maps[1].isIdentity() && rhs.getType() == lhs.getType()) {
    e.other = rhs;
    return e;
  }
  return std::nullopt;
}

namespace {
struct Clamp {
  Value input;
  double lo = -INFINITY, hi = INFINITY;
};
} // namespace

/// ReLU and clamps: a one-input generic of max/min with scalar constants,
/// or linalg.max against a zero fill.
static std::optional<Clamp> matchClamp(Operation *op) {
  if (auto max = dyn_cast<linalg::MaxOp>(op)) {
    if (isZeroFill(max.getInputs()[1]))
      return Clamp{max.getInputs()[0], 0.0, INFINITY};
    return std::nullopt;
  }
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      !llvm::all_of(g.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return std::nullopt;
  Block &body = g.getRegion().front();
  Clamp c{g.getDpsInputs()[0]};
  Value cur = cast<linalg::YieldOp>(body.getTerminator()).getOperand(0);
  // Walk back from the yield through max/min with constants to the input.
  while (cur != body.getArgument(0)) {
    Operation *def = cur.getDefiningOp();
    if (!def || def->getNumOperands() != 2)
      return std::nullopt;
    bool isMax = isa<arith::MaximumFOp, arith::MaxNumFOp>(def);
    bool isMin = isa<arith::MinimumFOp, arith::MinNumFOp>(def);
    std::optional<double> bound = scalarConstant(def->getOperand(1));
    if (!(isMax || isMin) || !bound)
      return std::nullopt;
    if (isMax)
      c.lo = std::max(c.lo, *bound);
    else
      c.hi = std::min(c.hi, *bound);
    cur = def->getOperand(0);
  }
  if (c.lo == -INFINITY && c.hi == INFINITY)
    return std::nullopt;
  return c;
}

/// The only user of `v`, if it has exactly one use.
static Operation *singleUser(Value v) {
  return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

namespace {
/// A float contraction normalized to the qnn forms: the weights as a
/// constant in qnn's layout (matmul [K, N] or [B, K, N]; conv FCHW or HWCF).
struct Contraction {
  Operation *op;
  Value input, init;
  SmallVector<float> weights;
  SmallVector<int64_t> weightShape;
  unsigned weightAxis; // output-channel dimension of the weights
  unsigned resultAxis; // output-channel dimension of the result
  bool isConv = false;
  Layout layout = Layout::NHWC;
  SmallVector<int64_t> strides{1, 1}, dilations{1, 1}, padding{0, 0, 0, 0};
  int64_t groups = 1;
  Value weightValue; // the float weight operand (for QAT fake_quant)
  /// The float value the qnn op replaces and the ops producing it from `op`
  /// (a depthwise multiplier's collapse of [C, M] into channels).
  Value result;
  SmallVector<Operation *> reshapes;
};
} // namespace

/// Permutes a row-major array of `shape` by `perm` (result dim i = source
/// dim perm[i]).
static SmallVector<float> transpose(ArrayRef<float> data,
                                    ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> perm) {
  SmallVector<int64_t> outShape, strides(shape.size(), 1);
  for (int64_t i = shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  for (int64_t p : perm)
    outShape.push_back(shape[p]);
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
  return llvm::map_to_vector(attr.getValues<int64_t>(),
                             [](int64_t v) { return v; });
}

/// The spatial padding of a tensor.pad feeding a pool or conv (which then
/// reads the pad's source), if it pads only H and W with static sizes.
static std::optional<SmallVector<int64_t>> spatialPadding(tensor::PadOp pad,
                                                          bool nchw) {
  SmallVector<int64_t> low(pad.getStaticLow()), high(pad.getStaticHigh());
  if (low.size() != 4 || ShapedType::isDynamicShape(low) ||
      ShapedType::isDynamicShape(high))
    return std::nullopt;
  unsigned h = nchw ? 2 : 1;
  for (unsigned d = 0; d < 4; ++d)
    if (d != h && d != h + 1 && (low[d] || high[d]))
      return std::nullopt;
  return SmallVector<int64_t>{low[h], low[h + 1], high[h], high[h + 1]};
}

/// Strides, dilations and window of a linalg pooling op.
static void poolAttributes(Operation *op, SmallVectorImpl<int64_t> &strides,
                           SmallVectorImpl<int64_t> &dilations) {
  auto get = [&](auto pool) {
    strides.assign(attrValues(pool.getStrides()));
    dilations.assign(attrValues(pool.getDilations()));
  };
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](linalg::PoolingNchwMaxOp p) { get(p); })
      .Case([&](linalg::PoolingNhwcMaxOp p) { get(p); })
      .Case([&](linalg::PoolingNchwSumOp p) { get(p); })
      .Case([&](linalg::PoolingNhwcSumOp p) { get(p); });
}

/// Recognizes a float contraction with constant weights (looking through a
/// qnn.fake_quant on them) and brings it to qnn's form.
static std::optional<Contraction> matchContraction(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInputs() != 2 ||
      linalgOp.getNumDpsInits() != 1)
    return std::nullopt;
  Contraction c;
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
    return std::nullopt;
  SmallVector<int64_t> shape(wType.getShape());
  MLIRContext *ctx = op->getContext();
  auto setConv = [&](Layout layout, DenseIntElementsAttr strides,
                     DenseIntElementsAttr dilations) {
    c.isConv = true;
    c.layout = layout;
    c.strides = attrValues(strides);
    c.dilations = attrValues(dilations);
    c.resultAxis = layout == Layout::NCHW ? 1 : 3;
  };

  if (auto mm = dyn_cast<linalg::MatmulOp>(op)) {
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = mm.getIndexingMapsArray();
    if (maps[0] != AffineMap::get(3, 0, {d(0), d(2)}, ctx) ||
        maps[2] != AffineMap::get(3, 0, {d(0), d(1)}, ctx))
      return std::nullopt;
    if (maps[1] == AffineMap::get(3, 0, {d(1), d(2)}, ctx)) {
      c.weights = transpose(*weights, shape, {1, 0}); // [N, K] -> [K, N]
      std::swap(shape[0], shape[1]);
    } else if (maps[1] == AffineMap::get(3, 0, {d(2), d(1)}, ctx)) {
      c.weights = *weights;
    } else {
      return std::nullopt;
    }
    c.weightShape = shape;
    c.weightAxis = 1;
    c.resultAxis = 1;
    return c;
  }
  if (isa<linalg::BatchMatmulOp>(op)) {
    if (!cast<linalg::BatchMatmulOp>(op).hasUserDefinedMaps())
      c.weights = *weights;
    else
      return std::nullopt;
    c.weightShape = shape;
    c.weightAxis = 2;
    c.resultAxis = 2;
    return c;
  }
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op)) {
    setConv(Layout::NCHW, conv.getStrides(), conv.getDilations());
    c.weights = *weights;
    c.weightShape = shape;
    c.weightAxis = 0;
    return c;
  }
  if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op)) {
    setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
    c.weights = *weights;
    c.weightShape = shape;
    c.weightAxis = 3;
    return c;
  }
  if (auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(op)) {
    setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
    c.weights = transpose(*weights, shape, {1, 2, 3, 0}); // FHWC -> HWCF
    c.weightShape = {shape[1], shape[2], shape[3], shape[0]};
    c.weightAxis = 3;
    return c;
  }
  if (auto conv = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op)) {
    setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
    c.weights = *weights; // [KH, KW, C] is HWCF with one channel per group
    c.weightShape = {shape[0], shape[1], 1, shape[2]};
    c.weightAxis = 3;
    c.groups = shape[2];
    return c;
  }
  if (auto conv = dyn_cast<linalg::DepthwiseConv2DNhwcHwcmOp>(op)) {
    // [N, OH, OW, C, M] then collapsed to C * M channels (TOSA's form).
    auto collapse = dyn_cast_if_present<tensor::CollapseShapeOp>(
        singleUser(op->getResult(0)));
    if (!collapse || collapse.getReassociationIndices().size() != 4 ||
        collapse.getReassociationIndices()[3] != ReassociationIndices{3, 4})
      return std::nullopt;
    setConv(Layout::NHWC, conv.getStrides(), conv.getDilations());
    c.weights = *weights; // [KH, KW, C, M]: filter c * M + m reads channel c
    c.weightShape = {shape[0], shape[1], 1, shape[2] * shape[3]};
    c.weightAxis = 3;
    c.groups = shape[2];
    c.result = collapse.getResult();
    c.reshapes.push_back(collapse);
    return c;
  }
  if (auto conv = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op)) {
    setConv(Layout::NCHW, conv.getStrides(), conv.getDilations());
    c.weights = *weights; // [C, KH, KW] is FCHW with one channel per group
    c.weightShape = {shape[0], 1, shape[1], shape[2]};
    c.weightAxis = 0;
    c.groups = shape[0];
    return c;
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The quantizer
//===----------------------------------------------------------------------===//

namespace {

struct Options {
  std::optional<calibration::Method> method;
  bool symmetric = false;
  bool unsignedActivations = false;
  bool perChannel = true;
  RoundingMode rounding = RoundingMode::FixedPoint;
  llvm::StringSet<> skip;
  bool strict = false;
};

class Quantizer {
public:
  Quantizer(func::FuncOp func, const Options &options,
            const calibration::StatsFile *stats)
      : func(func), options(options), stats(stats), b(func.getContext()) {}

  LogicalResult run();

private:
  // Parameters.
  FailureOr<quant::UniformQuantizedType> activationType(Value v, Operation *at);
  quant::UniformQuantizedType typeFromRange(double lo, double hi);
  std::optional<quant::QuantizedType> qatType(Value v);

  // Values.
  Value getQuantized(Value v, Operation *at);
  void map(Value floatValue, Value quantizedValue);
  RankedTensorType quantTensor(Value floatValue, Type element) {
    return cast<RankedTensorType>(floatValue.getType()).clone(element);
  }

  // Ops.
  LogicalResult quantizeContraction(Contraction &c);
  LogicalResult quantizeBinary(Operation *op, const Elementwise &e);
  LogicalResult quantizeClamp(Operation *op, const Clamp &c);
  LogicalResult quantizeMaxPool(Operation *op);
  LogicalResult quantizeAvgPool(Operation *op);
  LogicalResult quantizePad(tensor::PadOp op);
  LogicalResult quantizeLayout(Operation *op);
  LogicalResult quantizeConcat(tensor::ConcatOp op);
  LogicalResult quantizeFakeQuant(FakeQuantOp op);
  /// Follows single-use clamps, reshapes and a QAT fake_quant after `v`,
  /// appending them to `tail`; returns the last value.
  Value followTail(Value v, SmallVectorImpl<Operation *> &tail);
  /// Re-emits `tail` on the quantized `q` (of `v`'s chain) and maps values.
  Value emitTail(Value q, ArrayRef<Operation *> tail);

  LogicalResult keepFloat(Operation *op, const Twine &why);
  std::string idOf(Operation *op);
  void finish();

  func::FuncOp func;
  const Options &options;
  const calibration::StatsFile *stats;
  OpBuilder b;
  DenseMap<Value, std::string> ids;
  DenseMap<Value, Value> quantized;
  SmallVector<Operation *> handled;
  SmallVector<Operation *> unsupported;
  llvm::DenseSet<Operation *> handledSet;
  bool failedStrict = false;
};

} // namespace

std::string Quantizer::idOf(Operation *op) {
  for (Value r : op->getResults())
    if (auto it = ids.find(r); it != ids.end())
      return it->second;
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str();
  return "";
}

LogicalResult Quantizer::keepFloat(Operation *op, const Twine &why) {
  if (options.strict) {
    op->emitError() << "cannot quantize: " << why;
    failedStrict = true;
    return failure();
  }
  op->emitRemark() << "kept in float: " << why;
  return failure();
}

quant::UniformQuantizedType Quantizer::typeFromRange(double lo, double hi) {
  MLIRContext *ctx = func.getContext();
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  bool isUnsigned = options.unsignedActivations;
  int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
  double scale;
  int64_t zp;
  if (options.symmetric) {
    scale = std::max(-lo, hi) / 127.0;
    zp = isUnsigned ? 128 : 0;
  } else {
    scale = (hi - lo) / double(qmax - qmin);
    zp = scale > 0 ? static_cast<int64_t>(std::round(qmin - lo / scale)) : 0;
  }
  // A tensor that was always zero: any scale represents it exactly.
  if (!(scale > 0) || !std::isfinite(scale)) {
    scale = 1.0;
    zp = 0;
  }
  zp = std::clamp(zp, qmin, qmax);
  return quant::UniformQuantizedType::get(
      isUnsigned ? 0 : quant::QuantizationFlags::Signed,
      IntegerType::get(ctx, 8), Float32Type::get(ctx), scale, zp, qmin, qmax);
}

/// The parameters a quantization-aware model gives `v`: the qnn.fake_quant
/// producing it or one among its users (qtype, or a nudged min/max range).
std::optional<quant::QuantizedType> Quantizer::qatType(Value v) {
  SmallVector<FakeQuantOp> candidates;
  if (auto def = v.getDefiningOp<FakeQuantOp>())
    candidates.push_back(def);
  for (Operation *user : v.getUsers())
    if (auto fq = dyn_cast<FakeQuantOp>(user))
      candidates.push_back(fq);
  for (FakeQuantOp fq : candidates) {
    if (std::optional<Type> t = fq.getQtype())
      return cast<quant::QuantizedType>(*t);
    if (fq.getAxisAttr() || fq.getMin()->size() != 1)
      continue; // per-channel activation ranges: not a qnn activation type
    if (fq.getNumBitsAttr().getInt() != 8)
      continue;
    return fakeQuantActivationType(func.getContext(), (*fq.getMin())[0],
                                   (*fq.getMax())[0], fq.getNarrowRange(),
                                   options.unsignedActivations);
  }
  return std::nullopt;
}

FailureOr<quant::UniformQuantizedType>
Quantizer::activationType(Value v, Operation *at) {
  if (std::optional<quant::QuantizedType> t = qatType(v)) {
    if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(*t))
      return perTensor;
  }
  auto it = ids.find(v);
  if (it == ids.end()) {
    (void)keepFloat(at, "an operand has no calibration id (run "
                        "qnn-instrument first)");
    return failure();
  }
  const calibration::TensorStats *s = nullptr;
  if (stats) {
    auto found = stats->tensors.find(it->second);
    if (found != stats->tensors.end())
      s = &found->second;
  }
  if (!s) {
    (void)keepFloat(at, "no statistics for tensor '" + it->second + "'");
    return failure();
  }
  calibration::Method method;
  if (options.method)
    method = *options.method;
  else
    method = cantFail(calibration::Method::parse(
        s->method.empty() ? stats->defaultMethod : s->method));
  auto [lo, hi] = calibration::computeRange(*s, method);
  return typeFromRange(lo, hi);
}

void Quantizer::map(Value floatValue, Value quantizedValue) {
  quantized[floatValue] = quantizedValue;
}

Value Quantizer::getQuantized(Value v, Operation *at) {
  if (Value q = quantized.lookup(v))
    return q;
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.getElementType().isF32()) {
    (void)keepFloat(at, "operand is not an f32 tensor");
    return {};
  }
  FailureOr<quant::UniformQuantizedType> qtype = activationType(v, at);
  if (failed(qtype))
    return {};
  OpBuilder::InsertionGuard guard(b);
  if (Operation *def = v.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(cast<BlockArgument>(v).getOwner());
  Value q = quant::QuantizeCastOp::create(b, v.getLoc(), type.clone(*qtype), v);
  map(v, q);
  return q;
}

Value Quantizer::followTail(Value v, SmallVectorImpl<Operation *> &tail) {
  while (Operation *user = singleUser(v)) {
    if (isa<FakeQuantOp>(user)) {
      tail.push_back(user);
      return user->getResult(0);
    }
    if (matchClamp(user) ||
        isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(user)) {
      tail.push_back(user);
      v = user->getResult(0);
      continue;
    }
    break;
  }
  return v;
}

Value Quantizer::emitTail(Value q, ArrayRef<Operation *> tail) {
  auto element = cast<RankedTensorType>(q.getType()).getElementType();
  for (Operation *op : tail) {
    b.setInsertionPointAfter(op);
    Value result = op->getResult(0);
    if (std::optional<Clamp> c = matchClamp(op)) {
      auto t = cast<quant::UniformQuantizedType>(element);
      auto toStorage = [&](double x, int64_t fallback) {
        if (!std::isfinite(x))
          return fallback;
        double v = std::round(x / t.getScale()) + t.getZeroPoint();
        return static_cast<int64_t>(std::clamp<double>(v, t.getStorageTypeMin(),
                                                       t.getStorageTypeMax()));
      };
      q = ClampOp::create(
          b, op->getLoc(), q.getType(), q,
          b.getI64IntegerAttr(toStorage(c->lo, t.getStorageTypeMin())),
          b.getI64IntegerAttr(toStorage(c->hi, t.getStorageTypeMax())));
    } else if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
      Operation *clone = b.clone(*op);
      clone->setOperand(0, q);
      clone->getResult(0).setType(quantTensor(result, element));
      q = clone->getResult(0);
    }
    // A fake_quant only supplied the type; its value is q.
    map(result, q);
    handled.push_back(op);
    handledSet.insert(op);
  }
  return q;
}

/// Weights quantized symmetrically in narrow i8 range, per channel along
/// `axis` (or per tensor), unless a QAT type is given.
static std::pair<DenseElementsAttr, quant::QuantizedType>
quantizeWeights(MLIRContext *ctx, ArrayRef<float> w, ArrayRef<int64_t> shape,
                unsigned axis, bool perChannel,
                std::optional<quant::QuantizedType> given) {
  int64_t channels = shape[axis];
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  auto channelOf = [&](size_t i) { return (i / inner) % channels; };
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  int64_t qmin = -127, qmax = 127;
  if (given) {
    QuantParams p = getQuantParams(*given);
    scales = p.scales;
    zps = p.zeroPoints;
    qmin = p.storageMin;
    qmax = p.storageMax;
  } else {
    SmallVector<double> amax(perChannel ? channels : 1, 0.0);
    for (auto [i, v] : llvm::enumerate(w)) {
      double &m = amax[perChannel ? channelOf(i) : 0];
      m = std::max<double>(m, std::abs(v));
    }
    for (double m : amax)
      scales.push_back(m > 0 ? m / 127.0 : 1.0);
    zps.assign(scales.size(), 0);
  }
  SmallVector<int8_t> q;
  for (auto [i, v] : llvm::enumerate(w)) {
    size_t c = scales.size() == 1 ? 0 : channelOf(i);
    double x = std::round(v / scales[c]) + zps[c];
    q.push_back(static_cast<int8_t>(std::clamp<double>(x, qmin, qmax)));
  }
  auto i8 = IntegerType::get(ctx, 8);
  auto attr = DenseElementsAttr::get(RankedTensorType::get(shape, i8),
                                     ArrayRef<int8_t>(q));
  Type f32 = Float32Type::get(ctx);
  quant::QuantizedType type;
  if (scales.size() == 1)
    type =
        quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed, i8,
                                         f32, scales[0], zps[0], qmin, qmax);
  else
    type = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i8, f32, scales, zps, axis, qmin,
        qmax);
  return {attr, type};
}

LogicalResult Quantizer::quantizeContraction(Contraction &c) {
  MLIRContext *ctx = func.getContext();
  Value result = c.result;
  auto resultType = cast<RankedTensorType>(result.getType());
  int64_t channels = resultType.getDimSize(c.resultAxis);
  unsigned rank = resultType.getRank();

  // Bias from the init (zero fill or broadcast constant).
  SmallVector<double> scale(channels, 1.0), shift(channels, 0.0);
  if (!isZeroFill(c.init)) {
    if (!c.reshapes.empty())
      return keepFloat(c.op, "accumulates into a non-zero init");
    std::optional<SmallVector<double>> bias = channelConstant(
        c.init, AffineMap::getMultiDimIdentityMap(rank, ctx), c.resultAxis);
    if (!bias)
      return keepFloat(c.op, "accumulates into a non-constant init");
    for (int64_t i = 0; i < channels; ++i)
      shift[i] = (*bias)[bias->size() == 1 ? 0 : i];
  }
  // Fold per-channel affine ops after the contraction (bias add, BatchNorm
  // as sub/div/mul/add): y = scale * acc + shift.
  SmallVector<Operation *> affine;
  Value v = result;
  while (Operation *user = singleUser(v)) {
    std::optional<Elementwise> e = matchElementwise(user, c.resultAxis);
    if (!e || !e->constant || e->x != v)
      break;
    const SmallVector<double> &k = *e->constant;
    bool ok = true;
    for (int64_t i = 0; i < channels && ok; ++i) {
      double ki = k[k.size() == 1 ? 0 : i];
      switch (e->kind) {
      case Elementwise::Add:
        shift[i] += ki;
        break;
      case Elementwise::Sub:
        shift[i] -= ki;
        break;
      case Elementwise::Mul:
        scale[i] *= ki;
        shift[i] *= ki;
        break;
      case Elementwise::Div:
        ok = ki != 0;
        if (ok) {
          scale[i] /= ki;
          shift[i] /= ki;
        }
        break;
      }
    }
    if (!ok)
      break;
    affine.push_back(user);
    v = user->getResult(0);
  }
  SmallVector<Operation *> tail;
  Value final = followTail(v, tail);

  // Input: fold a zero pad of the spatial dimensions into the conv.
  Value input = c.input;
  if (auto pad = input.getDefiningOp<tensor::PadOp>(); pad && c.isConv) {
    Value cst = pad.getConstantPaddingValue();
    std::optional<SmallVector<int64_t>> p =
        spatialPadding(pad, c.layout == Layout::NCHW);
    if (cst && scalarConstant(cst) == 0.0 && p) {
      c.padding = *p;
      input = pad.getSource();
    }
  }

  Value qInput = getQuantized(input, c.op);
  if (!qInput)
    return failure();
  FailureOr<quant::UniformQuantizedType> outType = activationType(final, c.op);
  if (failed(outType))
    return failure();

  // Weights with the folded scale, quantized at compile time.
  SmallVector<float> weights(c.weights);
  int64_t inner = 1;
  for (size_t d = c.weightAxis + 1; d < c.weightShape.size(); ++d)
    inner *= c.weightShape[d];
  for (auto [i, w] : llvm::enumerate(weights))
    w *= scale[(i / inner) % channels];
  std::optional<quant::QuantizedType> given;
  if (auto fq = c.weightValue.getDefiningOp<FakeQuantOp>())
    if (fq.getQtype() && llvm::all_of(scale, [](double s) { return s == 1.0; }))
      given = cast<quant::QuantizedType>(*fq.getQtype());
  auto [wAttr, wType] = quantizeWeights(
      ctx, weights, c.weightShape, c.weightAxis, options.perChannel, given);

  b.setInsertionPoint(c.op);
  Location loc = c.op->getLoc();
  Value wConst = arith::ConstantOp::create(b, loc, wAttr);
  Value qWeights = quant::StorageCastOp::create(
      b, loc, RankedTensorType::get(c.weightShape, wType), wConst);

  // Bias: shift / (s_x * s_w[c]) in i32.
  auto xType = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(qInput.getType()).getElementType());
  QuantParams wp = getQuantParams(wType);
  SmallVector<int32_t> biasValues;
  SmallVector<double> biasScales;
  for (int64_t i = 0; i < channels; ++i) {
    double s = xType.getScale() * wp.scales[wp.isPerAxis() ? i : 0];
    biasScales.push_back(s);
    biasValues.push_back(static_cast<int32_t>(
        std::clamp<double>(std::round(shift[i] / s), INT32_MIN, INT32_MAX)));
  }
  Value qBias;
  if (llvm::any_of(biasValues, [](int32_t x) { return x != 0; })) {
    auto i32 = IntegerType::get(ctx, 32);
    auto attr = DenseElementsAttr::get(RankedTensorType::get({channels}, i32),
                                       ArrayRef<int32_t>(biasValues));
    quant::QuantizedType biasType;
    if (wp.isPerAxis())
      biasType = quant::UniformQuantizedPerAxisType::get(
          quant::QuantizationFlags::Signed, i32, Float32Type::get(ctx),
          biasScales, SmallVector<int64_t>(channels, 0), 0, INT32_MIN,
          INT32_MAX);
    else
      biasType = quant::UniformQuantizedType::get(
          quant::QuantizationFlags::Signed, i32, Float32Type::get(ctx),
          biasScales[0], 0, INT32_MIN, INT32_MAX);
    Value cst = arith::ConstantOp::create(b, loc, attr);
    qBias = quant::StorageCastOp::create(
        b, loc, RankedTensorType::get({channels}, biasType), cst);
  }

  auto qResultType = resultType.clone(*outType);
  Operation *qop;
  if (c.isConv)
    qop = Conv2DOp::create(
        b, loc, qResultType, qInput, qWeights, qBias,
        LayoutAttr::get(ctx, c.layout), b.getDenseI64ArrayAttr(c.strides),
        b.getDenseI64ArrayAttr(c.dilations), b.getDenseI64ArrayAttr(c.padding),
        b.getI64IntegerAttr(c.groups),
        RoundingModeAttr::get(ctx, options.rounding));
  else
    qop = MatmulOp::create(b, loc, qResultType, qInput, qWeights, qBias,
                           RoundingModeAttr::get(ctx, options.rounding));
  if (failed(mlir::verify(qop))) {
    qop->erase();
    return keepFloat(c.op, "the qnn op does not verify (see above)");
  }
  Value q = qop->getResult(0);
  affine.insert(affine.begin(), c.reshapes.begin(), c.reshapes.end());
  affine.insert(affine.begin(), c.op);
  for (Operation *op : affine) {
    map(op->getResult(0), q);
    handled.push_back(op);
    handledSet.insert(op);
  }
  emitTail(q, tail);
  return success();
}

LogicalResult Quantizer::quantizeBinary(Operation *op, const Elementwise &e) {
  if (e.kind != Elementwise::Add && e.kind != Elementwise::Mul)
    return keepFloat(op, "only add and mul of two activations are quantized");
  Value lhs = getQuantized(e.x, op);
  Value rhs = lhs ? getQuantized(e.other, op) : Value();
  if (!lhs || !rhs)
    return failure();
  SmallVector<Operation *> tail;
  Value final = followTail(op->getResult(0), tail);
  FailureOr<quant::UniformQuantizedType> outType = activationType(final, op);
  if (failed(outType))
    return failure();
  b.setInsertionPoint(op);
  auto type =
      cast<RankedTensorType>(op->getResult(0).getType()).clone(*outType);
  auto mode = RoundingModeAttr::get(func.getContext(), options.rounding);
  Value q =
      e.kind == Elementwise::Add
          ? AddOp::create(b, op->getLoc(), type, lhs, rhs, mode).getResult()
          : MulOp::create(b, op->getLoc(), type, lhs, rhs, mode).getResult();
  map(op->getResult(0), q);
  handled.push_back(op);
  handledSet.insert(op);
  emitTail(q, tail);
  return success();
}

LogicalResult Quantizer::quantizeClamp(Operation *op, const Clamp &c) {
  Value q = quantized.lookup(c.input);
  if (!q)
    return failure(); // input stays float, and so does the clamp
  emitTail(q, {op});
  return success();
}

LogicalResult Quantizer::quantizeAvgPool(Operation *op) {
  auto pool = cast<linalg::LinalgOp>(op);
  bool nchw = isa<linalg::PoolingNchwSumOp>(op);
  auto window = cast<RankedTensorType>(pool.getDpsInputs()[1].getType());
  double count = window.getNumElements();
  // The sum becomes an average through a division (or multiplication) by
  // the window size.
  Operation *user = singleUser(op->getResult(0));
  std::optional<Elementwise> e =
      user ? matchElementwise(user, 0) : std::nullopt;
  if (!isZeroFill(pool.getDpsInits()[0]) || !e || !e->constant ||
      e->constant->size() != 1 || e->x != op->getResult(0) ||
      !((e->kind == Elementwise::Div && (*e->constant)[0] == count) ||
        (e->kind == Elementwise::Mul &&
         scalesEqual((*e->constant)[0] * count, 1.0))))
    return keepFloat(op, "a sum pool that is not an average");
  Value input = pool.getDpsInputs()[0];
  SmallVector<int64_t> padding{0, 0, 0, 0};
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    Value cst = pad.getConstantPaddingValue();
    std::optional<SmallVector<int64_t>> p = spatialPadding(pad, nchw);
    if (!cst || scalarConstant(cst) != 0.0 || !p)
      return keepFloat(op, "padding the qnn op cannot express");
    padding = *p;
    input = pad.getSource();
  }
  SmallVector<int64_t> strides, dilations;
  poolAttributes(op, strides, dilations);
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    return keepFloat(op, "dilated pooling");
  Value q = getQuantized(input, op);
  if (!q)
    return failure();
  SmallVector<Operation *> tail;
  Value final = followTail(user->getResult(0), tail);
  FailureOr<quant::UniformQuantizedType> outType = activationType(final, op);
  if (failed(outType))
    return failure();
  b.setInsertionPoint(op);
  auto resultType =
      cast<RankedTensorType>(op->getResult(0).getType()).clone(*outType);
  // Zero padding divided by the whole window: padded positions count.
  auto qop = AvgPool2DOp::create(
      b, op->getLoc(), resultType, q,
      LayoutAttr::get(func.getContext(), nchw ? Layout::NCHW : Layout::NHWC),
      b.getDenseI64ArrayAttr(window.getShape()),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(padding),
      b.getBoolAttr(true),
      RoundingModeAttr::get(func.getContext(), options.rounding));
  if (failed(mlir::verify(qop))) {
    qop->erase();
    return keepFloat(op, "padding the qnn op cannot express");
  }
  for (Operation *o : {op, user}) {
    map(o->getResult(0), qop);
    handled.push_back(o);
    handledSet.insert(o);
  }
  emitTail(qop, tail);
  return success();
}

/// A zero pad of a quantized tensor pads its storage with the zero point.
LogicalResult Quantizer::quantizePad(tensor::PadOp op) {
  Value q = quantized.lookup(op.getSource());
  Value cst = op.getConstantPaddingValue();
  if (!q || !cst || scalarConstant(cst) != 0.0)
    return failure();
  auto type = cast<RankedTensorType>(q.getType());
  auto element = dyn_cast<quant::UniformQuantizedType>(type.getElementType());
  if (!element)
    return failure();
  b.setInsertionPoint(op);
  Location loc = op.getLoc();
  Type storage = element.getStorageType();
  Value ints = quant::StorageCastOp::create(b, loc, type.clone(storage), q);
  Value zp = arith::ConstantOp::create(
      b, loc, IntegerAttr::get(storage, element.getZeroPoint()));
  auto padded =
      tensor::PadOp::create(b, loc, op.getResultType().clone(storage), ints,
                            op.getMixedLowPad(), op.getMixedHighPad(), zp);
  Value out = quant::StorageCastOp::create(
      b, loc, op.getResultType().clone(element), padded);
  map(op.getResult(), out);
  handled.push_back(op);
  handledSet.insert(op);
  return success();
}

LogicalResult Quantizer::quantizeMaxPool(Operation *op) {
  auto pool = cast<linalg::LinalgOp>(op);
  bool nchw = isa<linalg::PoolingNchwMaxOp>(op);
  Value input = pool.getDpsInputs()[0];
  SmallVector<int64_t> padding{0, 0, 0, 0};
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    std::optional<SmallVector<int64_t>> p = spatialPadding(pad, nchw);
    if (!p)
      return keepFloat(op, "padding the qnn op cannot express");
    padding = *p;
    input = pad.getSource();
  }
  Value q = quantized.lookup(input);
  if (!q)
    return failure();
  SmallVector<int64_t> strides, dilations;
  poolAttributes(op, strides, dilations);
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    return keepFloat(op, "dilated pooling");
  auto window = cast<RankedTensorType>(pool.getDpsInputs()[1].getType());
  b.setInsertionPoint(op);
  auto qType = cast<RankedTensorType>(q.getType());
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType())
                        .clone(qType.getElementType());
  auto qop = MaxPool2DOp::create(
      b, op->getLoc(), resultType, q,
      LayoutAttr::get(func.getContext(), nchw ? Layout::NCHW : Layout::NHWC),
      b.getDenseI64ArrayAttr(window.getShape()),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(padding));
  if (failed(mlir::verify(qop))) {
    qop->erase();
    return keepFloat(op, "padding the qnn op cannot express");
  }
  map(op->getResult(0), qop);
  handled.push_back(op);
  handledSet.insert(op);
  return success();
}

LogicalResult Quantizer::quantizeLayout(Operation *op) {
  Value q = quantized.lookup(op->getOperand(0));
  if (!q)
    return failure();
  Type element = cast<RankedTensorType>(q.getType()).getElementType();
  Value result = op->getResult(0);
  b.setInsertionPoint(op);
  Value out;
  if (auto t = dyn_cast<linalg::TransposeOp>(op)) {
    auto type = quantTensor(result, element);
    Value init =
        tensor::EmptyOp::create(b, op->getLoc(), type.getShape(), element);
    out = linalg::TransposeOp::create(b, op->getLoc(), q, init,
                                      t.getPermutation())
              ->getResult(0);
  } else {
    Operation *clone = b.clone(*op);
    clone->setOperand(0, q);
    clone->getResult(0).setType(quantTensor(result, element));
    out = clone->getResult(0);
  }
  map(result, out);
  handled.push_back(op);
  handledSet.insert(op);
  return success();
}

LogicalResult Quantizer::quantizeConcat(tensor::ConcatOp op) {
  SmallVector<Value> inputs;
  for (Value in : op.getInputs()) {
    Value q = getQuantized(in, op);
    if (!q)
      return failure();
    inputs.push_back(q);
  }
  FailureOr<quant::UniformQuantizedType> outType =
      activationType(op.getResult(), op);
  if (failed(outType))
    return failure();
  b.setInsertionPoint(op);
  auto qop = ConcatOp::create(
      b, op.getLoc(), op.getType().clone(*outType), inputs,
      b.getI64IntegerAttr(op.getDim()),
      RoundingModeAttr::get(func.getContext(), options.rounding));
  map(op.getResult(), qop);
  handled.push_back(op);
  handledSet.insert(op);
  return success();
}

/// A QAT fake_quant on an activation becomes the quantization of its input
/// with the fake_quant's parameters (weights' fake_quants are read by their
/// contraction instead).
LogicalResult Quantizer::quantizeFakeQuant(FakeQuantOp op) {
  std::optional<quant::QuantizedType> t = qatType(op.getResult());
  auto type = dyn_cast_if_present<quant::UniformQuantizedType>(
      t.value_or(quant::QuantizedType()));
  if (!type || !op.getType().getElementType().isF32() ||
      matchPattern(op.getInput(), m_Constant()))
    return failure();
  Value q = quantized.lookup(op.getInput());
  b.setInsertionPoint(op);
  auto qType = op.getType().clone(type);
  if (!q)
    q = quant::QuantizeCastOp::create(b, op.getLoc(), qType, op.getInput());
  else if (q.getType() != qType)
    q = RequantizeOp::create(
        b, op.getLoc(), qType, q,
        RoundingModeAttr::get(func.getContext(), options.rounding));
  map(op.getResult(), q);
  handled.push_back(op);
  handledSet.insert(op);
  return success();
}

LogicalResult Quantizer::run() {
  // Ids from the probes; the probes themselves go.
  SmallVector<ObserveOp> probes;
  func.walk([&](ObserveOp op) { probes.push_back(op); });
  for (ObserveOp probe : probes) {
    ids[probe.getInput()] = probe.getId().str();
    probe.replaceAllUsesWith(probe.getInput());
    probe.erase();
  }

  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (handledSet.contains(op) || op->getNumResults() != 1)
      continue;
    std::string id = idOf(op);
    if (!id.empty() && options.skip.contains(id)) {
      op->emitRemark() << "kept in float: in the skip list";
      continue;
    }
    if (auto fq = dyn_cast<FakeQuantOp>(op)) {
      (void)quantizeFakeQuant(fq);
      continue;
    }
    if (std::optional<Contraction> c = matchContraction(op)) {
      (void)quantizeContraction(*c);
      continue;
    }
    if (isa<linalg::PoolingNchwMaxOp, linalg::PoolingNhwcMaxOp>(op)) {
      (void)quantizeMaxPool(op);
      continue;
    }
    if (isa<linalg::PoolingNchwSumOp, linalg::PoolingNhwcSumOp>(op)) {
      (void)quantizeAvgPool(op);
      continue;
    }
    if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      (void)quantizePad(pad);
      continue;
    }
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
            linalg::TransposeOp>(op)) {
      (void)quantizeLayout(op);
      continue;
    }
    if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
      (void)quantizeConcat(concat);
      continue;
    }
    if (std::optional<Clamp> c = matchClamp(op)) {
      (void)quantizeClamp(op, *c);
      continue;
    }
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (type && type.getRank() > 0)
      if (std::optional<Elementwise> e =
              matchElementwise(op, type.getRank() - 1))
        if (e->other) {
          (void)quantizeBinary(op, *e);
          continue;
        }
    // Anything else computing on activations has no quantized form.
    if (ids.count(op->getResult(0)))
      unsupported.push_back(op);
  }
  finish();
  // Report those still in use: a pad folded into a conv, say, is not.
  for (Operation *op : unsupported)
    if (!op->use_empty())
      (void)keepFloat(op,
                      op->getName().getStringRef() + " has no quantized form");
  return failure(failedStrict);
}

/// Float users of quantized values read them through one dcast; float ops
/// that were quantized are erased once unused.
void Quantizer::finish() {
  for (auto [floatValue, q] : quantized) {
    Value deq;
    for (OpOperand &use : llvm::make_early_inc_range(floatValue.getUses())) {
      Operation *user = use.getOwner();
      if (handledSet.contains(user) || isa<quant::QuantizeCastOp>(user))
        continue;
      if (!deq) {
        b.setInsertionPointAfterValue(q);
        deq = quant::DequantizeCastOp::create(b, floatValue.getLoc(),
                                              floatValue.getType(), q);
      }
      use.set(deq);
    }
  }
  // qcasts of values whose producer was quantized read the quantized twin.
  for (Operation *op : llvm::reverse(handled))
    if (op->use_empty())
      op->erase();
}

namespace {
struct QNNQuantizePass : qmlir::qnn::impl::QNNQuantizeBase<QNNQuantizePass> {
  using Base::Base;
  void runOnOperation() override {
    Options opts;
    if (!method.empty()) {
      llvm::Expected<calibration::Method> m =
          calibration::Method::parse(method);
      if (!m) {
        getOperation().emitError() << llvm::toString(m.takeError());
        return signalPassFailure();
      }
      opts.method = *m;
    }
    auto fail = [&](const Twine &message) {
      getOperation().emitError() << "qnn-quantize: " << message;
      signalPassFailure();
    };
    opts.symmetric = activationScheme == ActivationScheme::Symmetric;
    opts.unsignedActivations = activationType == ActivationType::U8;
    opts.perChannel = weightGranularity == WeightGranularity::PerChannel;
    opts.rounding = rounding;
    opts.strict = strict;
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
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isDeclaration())
        continue;
      if (!func.getBody().hasOneBlock())
        return fail("functions must have a single block");
      Quantizer q(func, opts, file ? &*file : nullptr);
      if (failed(q.run()))
        return signalPassFailure();
    }
  }
};
} // namespace
