//===- Quantizer.cpp - Float linalg to qnn, one function --------*- C++ -*-===//
//
// Part of the qmlir project.
//
// The quantizer walks a function in order and gives every float value it
// can a quantized twin: contractions (with bias, BatchNorm and activation
// folded in), elementwise add/mul, pooling and layout ops become qnn or
// upstream ops on !quant.uniform tensors. Values enter through quant.qcast
// where a quantized op needs them and leave through quant.dcast where float
// code (or a function result) does; the float ops left without users are
// erased.
//
//===----------------------------------------------------------------------===//

#include "Quantizer.h"

#include "QuantizeMatchers.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"
#include "qmlir/Dialect/QNN/Utils/LayoutUtils.h"
#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

/// The only user of `v`, if it has exactly one use.
static Operation *singleUser(Value v) {
  return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}

namespace {
/// A quantized constant: storage integers and their type.
struct QuantizedWeights {
  DenseElementsAttr values;
  quant::QuantizedType type;
};
} // namespace

/// Encodes `w` with the per-channel (along `axis`) or per-tensor `p`:
/// round(w / s) + zp, clamped to the storage range, in p's storage type.
static QuantizedWeights encodeWeights(MLIRContext *ctx, ArrayRef<float> w,
                                      ArrayRef<int64_t> shape,
                                      const QuantParams &p) {
  int64_t inner = 1, channels = 1;
  if (p.axis) {
    channels = shape[*p.axis];
    for (size_t d = *p.axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
  }
  SmallVector<APInt> q;
  for (auto [i, v] : llvm::enumerate(w)) {
    size_t c = p.isPerAxis() ? (i / inner) % channels : 0;
    double x = std::clamp<double>(std::round(v / p.scales[c]) + p.zeroPoints[c],
                                  p.storageMin, p.storageMax);
    q.push_back(APInt(p.storageWidth, static_cast<int64_t>(x), p.isSigned,
                      /*implicitTrunc=*/true));
  }
  auto storage = IntegerType::get(ctx, p.storageWidth);
  QuantizedWeights result;
  result.values =
      DenseElementsAttr::get(RankedTensorType::get(shape, storage), q);
  unsigned flags = p.isSigned ? quant::QuantizationFlags::Signed : 0;
  Type f32 = Float32Type::get(ctx);
  if (p.isPerAxis())
    result.type = quant::UniformQuantizedPerAxisType::get(
        flags, storage, f32, p.scales, p.zeroPoints, *p.axis, p.storageMin,
        p.storageMax);
  else
    result.type = quant::UniformQuantizedType::get(flags, storage, f32,
                                                   p.scales[0], p.zeroPoints[0],
                                                   p.storageMin, p.storageMax);
  return result;
}

/// Symmetric parameters in narrow i8 range, per channel along `axis` or per
/// tensor, from the largest magnitude of each channel.
static QuantParams symmetricWeightParams(ArrayRef<float> w,
                                         ArrayRef<int64_t> shape, unsigned axis,
                                         bool perChannel) {
  int64_t channels = perChannel ? shape[axis] : 1, inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  SmallVector<double> amax(channels, 0.0);
  for (auto [i, v] : llvm::enumerate(w)) {
    double &m = amax[perChannel ? (i / inner) % channels : 0];
    m = std::max<double>(m, std::abs(v));
  }
  QuantParams p;
  for (double m : amax)
    p.scales.push_back(m > 0 ? m / 127.0 : 1.0);
  p.zeroPoints.assign(p.scales.size(), 0);
  if (p.scales.size() > 1)
    p.axis = axis;
  p.storageMin = -127;
  p.storageMax = 127;
  p.storageWidth = 8;
  p.isSigned = true;
  return p;
}

namespace {

/// Keeps the reasons the matchers give for not taking the op being
/// quantized, for the remark when it stays in float, and the ops created
/// while quantizing it, which take its location.
struct MatchFailures : RewriterBase::Listener {
  Operation *current = nullptr;
  SmallVector<std::string> reasons;
  llvm::SetVector<Operation *> inserted;
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    if (current)
      inserted.insert(op);
  }
  void notifyOperationErased(Operation *op) override { inserted.remove(op); }
  void
  notifyMatchFailure(Location loc,
                     function_ref<void(Diagnostic &)> reasonCallback) override {
    if (!current || loc != current->getLoc())
      return;
    Diagnostic diag(loc, DiagnosticSeverity::Remark);
    reasonCallback(diag);
    reasons.push_back(diag.str());
  }
};

class Quantizer {
public:
  Quantizer(func::FuncOp func, const QuantizerOptions &options,
            const calibration::StatsFile *stats, QuantizeSummary &summary)
      : func(func), options(options), stats(stats), summary(summary),
        rewriter(func.getContext(), &failures) {}

  LogicalResult run();

private:
  // Parameters.
  FailureOr<quant::UniformQuantizedType> activationType(Value v, Operation *at);
  quant::UniformQuantizedType typeFromRange(double lo, double hi);
  std::optional<quant::QuantizedType> qatType(Value v);
  FailureOr<QuantizedWeights> quantizeWeights(const FloatContraction &c,
                                              ArrayRef<float> weights,
                                              bool scaled);

  // Values.
  Value getQuantized(Value v, Operation *at);
  void map(Value floatValue, Value quantizedValue) {
    quantized[floatValue] = quantizedValue;
  }
  void markHandled(Operation *op) {
    handled.push_back(op);
    handledSet.insert(op);
  }
  RankedTensorType quantTensor(Value floatValue, Type element) {
    return cast<RankedTensorType>(floatValue.getType()).clone(element);
  }
  /// Follows single-use clamps, reshapes and a QAT fake_quant after `v`,
  /// appending them to `tail`; returns the last value.
  Value followTail(Value v, SmallVectorImpl<Operation *> &tail);
  /// Re-emits `tail` on the quantized `q` (of `v`'s chain) and maps values.
  Value emitTail(Value q, ArrayRef<Operation *> tail);

  // Ops: dispatch, then one overload per kind.
  /// Whether some kind took `op` (it may still have kept it in float).
  bool dispatch(Operation *op);
  LogicalResult quantize(FakeQuantOp op);
  LogicalResult quantize(tensor::PadOp op);
  LogicalResult quantize(tensor::InsertSliceOp op);
  LogicalResult quantize(tensor::ConcatOp op);
  LogicalResult quantize(tensor::ExpandShapeOp op) { return relayout(op); }
  LogicalResult quantize(tensor::CollapseShapeOp op) { return relayout(op); }
  LogicalResult quantize(tensor::ExtractSliceOp op) { return relayout(op); }
  LogicalResult quantize(linalg::TransposeOp op);
  LogicalResult quantize(FloatContraction &c);
  LogicalResult quantize(const ActivationMatmul &m);
  LogicalResult quantize(const MaxPool &pool);
  LogicalResult quantize(const SumPool &pool);
  LogicalResult quantize(Operation *op, const Clamp &c);
  LogicalResult quantize(Operation *op, const ElementwiseBinary &e);
  LogicalResult quantize(const ElementwiseUnary &u, Value q);
  /// The two operands of an op on activations, quantized, and the type of
  /// its result (after the clamps and reshapes `tail` that follow it).
  struct TwoActivations {
    Value lhs, rhs;
    SmallVector<Operation *> tail;
    quant::UniformQuantizedType out;
  };
  FailureOr<TwoActivations> quantizeOperands(Operation *op, Value lhs,
                                             Value rhs);
  void correctBias(const FloatContraction &c, ArrayRef<float> weights,
                   const QuantizedWeights &qw, Value input,
                   MutableArrayRef<double> shift);
  Value
  onStorage(Operation *op, Value q,
            function_ref<Value(Value ints, Value zp, Type storage)> build);
  /// A layout op (reshape, slice) on the quantized input: same parameters.
  LogicalResult relayout(Operation *op);

  LogicalResult keepFloat(Operation *op, const Twine &why);
  /// Whether the rounding mode can apply each multiplier (fixedpoint cannot
  /// from 2^30 up: docs/Dialects/QNN.md, R(M, x)).
  bool representable(ArrayRef<double> multipliers) const;
  std::string idOf(Operation *op);
  void locate(ArrayRef<Operation *> replaced);
  void reobserve();
  void finish();

  func::FuncOp func;
  const QuantizerOptions &options;
  const calibration::StatsFile *stats;
  QuantizeSummary &summary;
  MatchFailures failures;
  IRRewriter rewriter;
  /// In probe order, the order `observe` puts the probes back in.
  llvm::MapVector<Value, std::string> ids;
  /// Each float op a dispatch replaced, to the first of them: the ops one
  /// qnn op stands for.
  DenseMap<Operation *, Operation *> chains;
  /// In insertion order, so that the dcasts finish() adds come out the same
  /// on every run.
  llvm::MapVector<Value, Value> quantized;
  SmallVector<Operation *> handled;
  llvm::DenseSet<Operation *> handledSet;
  /// Ops no kind took, with the reasons the matchers gave.
  SmallVector<std::pair<Operation *, SmallVector<std::string>>> unsupported;
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

bool Quantizer::representable(ArrayRef<double> multipliers) const {
  return options.rounding != RoundingMode::FixedPoint ||
         llvm::all_of(multipliers, [](double m) {
           return succeeded(quantizeMultiplier(m));
         });
}

/// The scale of a per-tensor quantized activation.
static double activationScale(Value v) {
  return getQuantParams(getUniformElementType(v.getType())).scales[0];
}

static constexpr llvm::StringLiteral kUnrepresentable =
    "its input and output ranges are 2^30 or more apart, a multiplier the "
    "fixedpoint rounding mode cannot represent";

LogicalResult Quantizer::keepFloat(Operation *op, const Twine &why) {
  ++summary.keptInFloat;
  if (options.strict) {
    emitError(op->getLoc()) << "cannot quantize: " << why;
    failedStrict = true;
    return failure();
  }
  emitRemark(op->getLoc()) << "kept in float: " << why;
  return failure();
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

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

/// The weights of `c` (already multiplied by the folded per-channel scale
/// when `scaled`), quantized with the type of a QAT fake_quant on them or
/// symmetrically in narrow i8 range.
FailureOr<QuantizedWeights>
Quantizer::quantizeWeights(const FloatContraction &c, ArrayRef<float> weights,
                           bool scaled) {
  MLIRContext *ctx = func.getContext();
  auto fq = c.weightValue.getDefiningOp<FakeQuantOp>();
  // A folded scale changes the values the QAT type was trained for.
  if (!fq || !fq.getQtype() || scaled)
    return encodeWeights(ctx, weights, c.weightShape,
                         symmetricWeightParams(weights, c.weightShape,
                                               c.weightAxis,
                                               options.perChannel));
  QuantParams given =
      getQuantParams(cast<quant::QuantizedType>(*fq.getQtype()));
  if (given.axis) {
    int64_t axis = c.weightDims[*given.axis];
    if (axis < 0)
      return keepFloat(c.op, "the weights' quantization axis does not survive "
                             "their reshape into channels");
    given.axis = axis;
  }
  return encodeWeights(ctx, weights, c.weightShape, given);
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

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
  OpBuilder::InsertionGuard guard(rewriter);
  if (Operation *def = v.getDefiningOp())
    rewriter.setInsertionPointAfter(def);
  else
    rewriter.setInsertionPointToStart(cast<BlockArgument>(v).getOwner());
  Value q = quant::QuantizeCastOp::create(rewriter, v.getLoc(),
                                          type.clone(*qtype), v);
  map(v, q);
  return q;
}

Value Quantizer::followTail(Value v, SmallVectorImpl<Operation *> &tail) {
  while (Operation *user = singleUser(v)) {
    if (isa<FakeQuantOp>(user)) {
      tail.push_back(user);
      return user->getResult(0);
    }
    if (succeeded(matchClamp(rewriter, user)) ||
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
    rewriter.setInsertionPointAfter(op);
    Value result = op->getResult(0);
    if (FailureOr<Clamp> c = matchClamp(rewriter, op); succeeded(c)) {
      auto t = cast<quant::UniformQuantizedType>(element);
      auto toStorage = [&](double x, int64_t fallback) {
        if (!std::isfinite(x))
          return fallback;
        double v = std::round(x / t.getScale()) + t.getZeroPoint();
        return static_cast<int64_t>(std::clamp<double>(v, t.getStorageTypeMin(),
                                                       t.getStorageTypeMax()));
      };
      q = ClampOp::create(
          rewriter, op->getLoc(), q.getType(), q,
          rewriter.getI64IntegerAttr(toStorage(c->lo, t.getStorageTypeMin())),
          rewriter.getI64IntegerAttr(toStorage(c->hi, t.getStorageTypeMax())));
    } else if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
      Operation *clone = rewriter.clone(*op);
      clone->setOperand(0, q);
      clone->getResult(0).setType(quantTensor(result, element));
      q = clone->getResult(0);
    }
    // A fake_quant only supplied the type; its value is q.
    map(result, q);
    markHandled(op);
  }
  return q;
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

bool Quantizer::dispatch(Operation *op) {
  bool taken = llvm::TypeSwitch<Operation *, bool>(op)
                   .Case<FakeQuantOp, tensor::PadOp, tensor::InsertSliceOp,
                         tensor::ConcatOp, tensor::ExpandShapeOp,
                         tensor::CollapseShapeOp, tensor::ExtractSliceOp,
                         linalg::TransposeOp>([&](auto op) {
                     (void)quantize(op);
                     return true;
                   })
                   .Default(false);
  if (taken)
    return true;
  if (FailureOr<FloatContraction> c = matchFloatContraction(rewriter, op);
      succeeded(c))
    return (void)quantize(*c), true;
  if (FailureOr<ActivationMatmul> m = matchActivationMatmul(rewriter, op);
      succeeded(m))
    return (void)quantize(*m), true;
  if (FailureOr<MaxPool> pool = matchMaxPool(op); succeeded(pool))
    return (void)quantize(*pool), true;
  if (FailureOr<SumPool> pool = matchSumPool(op); succeeded(pool))
    return (void)quantize(*pool), true;
  if (FailureOr<Clamp> c = matchClamp(rewriter, op); succeeded(c))
    return (void)quantize(op, *c), true;
  if (FailureOr<ElementwiseUnary> u = matchElementwiseUnary(rewriter, op);
      succeeded(u)) {
    // A float island (a layer norm's sqrt, say) stays float rather than
    // gaining a quantization step it did not have.
    Value q = quantized.lookup(u->input);
    if (!q) {
      (void)rewriter.notifyMatchFailure(
          op, "its input stays in float (a unary function becomes a table "
              "after a quantized op)");
      return false;
    }
    return (void)quantize(*u, q), true;
  }
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || type.getRank() == 0)
    return false;
  FailureOr<ElementwiseBinary> e =
      matchElementwise(rewriter, op, type.getRank() - 1);
  if (failed(e))
    return false;
  if (!e->other) {
    (void)rewriter.notifyMatchFailure(
        op, "an operand is a constant, which qnn.add and qnn.mul do not take");
    return false;
  }
  (void)quantize(op, *e);
  return true;
}

/// The share of a convolution's output positions at which kernel offset
/// `k` (of `kernel`) reads inside an input of `size` rather than padding.
static SmallVector<double> insideShare(int64_t size, int64_t kernel,
                                       int64_t stride, int64_t dilation,
                                       int64_t before, int64_t after) {
  int64_t out =
      (size + before + after - dilation * (kernel - 1) - 1) / stride + 1;
  SmallVector<double> share;
  for (int64_t k = 0; k < kernel; ++k) {
    int64_t inside = 0;
    for (int64_t o = 0; o < out; ++o) {
      int64_t at = o * stride - before + k * dilation;
      inside += at >= 0 && at < size;
    }
    share.push_back(out > 0 ? static_cast<double>(inside) / out : 0.0);
  }
  return share;
}

/// Bias correction: the mean error the quantized weights add to output
/// channel o on the calibration data, sum_k (dequant(q) - w)[o, k] E[x_k],
/// taken out of its bias. E[x_k] is the input's channel mean from the stats
/// file; a convolution's kernel offsets that read padding at some output
/// positions count E[x_k] for the share that reads the input.
void Quantizer::correctBias(const FloatContraction &c, ArrayRef<float> weights,
                            const QuantizedWeights &qw, Value input,
                            MutableArrayRef<double> shift) {
  if (c.weightValue.getDefiningOp<FakeQuantOp>()) {
    emitRemark(c.op->getLoc()) << "no bias correction: quantization-aware "
                                  "weights, trained with their bias";
    return;
  }
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t axis = c.isConv ? ImageDims(c.layout).c : inputType.getRank() - 1;
  int64_t inDim = c.isConv ? FilterDims(c.layout).c
                           : static_cast<int64_t>(c.weightShape.size()) - 2;
  const calibration::TensorStats *s = nullptr;
  if (auto id = ids.find(input); stats && id != ids.end())
    if (auto found = stats->tensors.find(id->second);
        found != stats->tensors.end())
      s = &found->second;
  int64_t perGroup = c.weightShape[inDim];
  if (!s || static_cast<int64_t>(s->axisMeans.size()) != inputType.getRank() ||
      static_cast<int64_t>(s->axisMeans[axis].size()) != perGroup * c.groups) {
    emitRemark(c.op->getLoc())
        << "no bias correction: the stats file has no channel means of its "
           "input (calibrate again)";
    return;
  }
  ArrayRef<double> means = s->axisMeans[axis];
  QuantParams p = getQuantParams(qw.type);
  SmallVector<int64_t> weightStrides(c.weightShape.size(), 1);
  for (size_t d = weightStrides.size() - 1; d > 0; --d)
    weightStrides[d - 1] = weightStrides[d] * c.weightShape[d];
  int64_t outPerGroup = c.weightShape[c.weightAxis] / c.groups;
  // Per kernel row and column (all 1 for a matmul).
  SmallVector<double> rows{1.0}, cols{1.0};
  int64_t kh = -1, kw = -1;
  if (c.isConv) {
    ImageDims image(c.layout);
    FilterDims filter(c.layout);
    kh = filter.h;
    kw = filter.w;
    rows =
        insideShare(inputType.getDimSize(image.h), c.weightShape[kh],
                    c.strides[0], c.dilations[0], c.padding[0], c.padding[2]);
    cols =
        insideShare(inputType.getDimSize(image.w), c.weightShape[kw],
                    c.strides[1], c.dilations[1], c.padding[1], c.padding[3]);
  }
  auto coord = [&](size_t i, int64_t dim) {
    return dim < 0 ? 0 : (i / weightStrides[dim]) % c.weightShape[dim];
  };
  for (auto [i, q] : llvm::enumerate(qw.values.getValues<APInt>())) {
    int64_t o = coord(i, c.weightAxis);
    int64_t k = (o / outPerGroup) * perGroup + coord(i, inDim);
    size_t ch = p.isPerAxis() ? o : 0;
    double stored = p.isSigned ? static_cast<double>(q.getSExtValue())
                               : static_cast<double>(q.getZExtValue());
    double dequantized = (stored - p.zeroPoints[ch]) * p.scales[ch];
    shift[o] -= (dequantized - weights[i]) * means[k] * rows[coord(i, kh)] *
                cols[coord(i, kw)];
  }
}

LogicalResult Quantizer::quantize(FloatContraction &c) {
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
    FailureOr<ElementwiseBinary> e =
        matchElementwise(rewriter, user, c.resultAxis);
    if (failed(e) || !e->constant || e->x != v)
      break;
    const SmallVector<double> &k = *e->constant;
    bool ok = true;
    for (int64_t i = 0; i < channels && ok; ++i) {
      double ki = k[k.size() == 1 ? 0 : i];
      switch (e->kind) {
      case ElementwiseBinary::Add:
        shift[i] += ki;
        break;
      case ElementwiseBinary::Sub:
        shift[i] -= ki;
        break;
      case ElementwiseBinary::Mul:
        scale[i] *= ki;
        shift[i] *= ki;
        break;
      case ElementwiseBinary::Div:
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
    std::optional<SmallVector<int64_t>> p = spatialPadding(pad, c.layout);
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
  FailureOr<QuantizedWeights> qw = quantizeWeights(
      c, weights, llvm::any_of(scale, [](double s) { return s != 1.0; }));
  if (failed(qw))
    return failure();

  rewriter.setInsertionPoint(c.op);
  Location loc = c.op->getLoc();
  Value wConst = arith::ConstantOp::create(rewriter, loc, qw->values);
  Value qWeights = quant::StorageCastOp::create(
      rewriter, loc, RankedTensorType::get(c.weightShape, qw->type), wConst);

  if (options.biasCorrection)
    correctBias(c, weights, *qw, input, shift);

  // Bias: shift / (s_x * s_w[c]) in i32.
  auto xType = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(qInput.getType()).getElementType());
  QuantParams wp = getQuantParams(qw->type);
  SmallVector<int32_t> biasValues;
  SmallVector<double> biasScales;
  for (int64_t i = 0; i < channels; ++i) {
    double s = xType.getScale() * wp.scales[wp.isPerAxis() ? i : 0];
    biasScales.push_back(s);
    biasValues.push_back(static_cast<int32_t>(
        std::clamp<double>(std::round(shift[i] / s), INT32_MIN, INT32_MAX)));
  }
  SmallVector<double> multipliers;
  for (double s : biasScales)
    multipliers.push_back(s / outType->getScale());
  if (!representable(multipliers))
    return keepFloat(c.op, kUnrepresentable);
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
    Value cst = arith::ConstantOp::create(rewriter, loc, attr);
    qBias = quant::StorageCastOp::create(
        rewriter, loc, RankedTensorType::get({channels}, biasType), cst);
  }

  auto qResultType = resultType.clone(*outType);
  auto mode = RoundingModeAttr::get(ctx, options.rounding);
  Operation *qop;
  if (c.isConv)
    qop = Conv2DOp::create(rewriter, loc, qResultType, qInput, qWeights, qBias,
                           LayoutAttr::get(ctx, c.layout),
                           rewriter.getDenseI64ArrayAttr(c.strides),
                           rewriter.getDenseI64ArrayAttr(c.dilations),
                           rewriter.getDenseI64ArrayAttr(c.padding),
                           rewriter.getI64IntegerAttr(c.groups), mode);
  else
    qop = MatmulOp::create(rewriter, loc, qResultType, qInput, qWeights, qBias,
                           mode);
  if (failed(mlir::verify(qop))) {
    rewriter.eraseOp(qop);
    return keepFloat(c.op, "the qnn op does not verify (see above)");
  }
  Value q = qop->getResult(0);
  affine.insert(affine.begin(), c.reshapes.begin(), c.reshapes.end());
  affine.insert(affine.begin(), c.op);
  for (Operation *op : affine) {
    map(op->getResult(0), q);
    markHandled(op);
  }
  emitTail(q, tail);
  return success();
}

FailureOr<Quantizer::TwoActivations>
Quantizer::quantizeOperands(Operation *op, Value lhs, Value rhs) {
  TwoActivations t;
  t.lhs = getQuantized(lhs, op);
  t.rhs = t.lhs ? getQuantized(rhs, op) : Value();
  if (!t.lhs || !t.rhs)
    return failure();
  Value final = followTail(op->getResult(0), t.tail);
  FailureOr<quant::UniformQuantizedType> outType = activationType(final, op);
  if (failed(outType))
    return failure();
  t.out = *outType;
  return t;
}

/// Both operands quantized per tensor, no bias: qnn.matmul with a
/// non-constant right-hand side.
LogicalResult Quantizer::quantize(const ActivationMatmul &m) {
  Operation *op = m.op;
  FailureOr<TwoActivations> t = quantizeOperands(op, m.lhs, m.rhs);
  if (failed(t))
    return failure();
  if (!representable(activationScale(t->lhs) * activationScale(t->rhs) /
                     t->out.getScale()))
    return keepFloat(op, kUnrepresentable);
  rewriter.setInsertionPoint(op);
  auto qop = MatmulOp::create(
      rewriter, op->getLoc(), quantTensor(op->getResult(0), t->out), t->lhs,
      t->rhs, Value(),
      RoundingModeAttr::get(func.getContext(), options.rounding));
  if (failed(mlir::verify(qop))) {
    rewriter.eraseOp(qop);
    return keepFloat(op, "the qnn op does not verify (see above)");
  }
  map(op->getResult(0), qop);
  markHandled(op);
  emitTail(qop, t->tail);
  return success();
}

LogicalResult Quantizer::quantize(Operation *op, const ElementwiseBinary &e) {
  if (e.kind != ElementwiseBinary::Add && e.kind != ElementwiseBinary::Mul)
    return keepFloat(op, "only add and mul of two activations are quantized");
  FailureOr<TwoActivations> t = quantizeOperands(op, e.x, e.other);
  if (failed(t))
    return failure();
  Value lhs = t->lhs, rhs = t->rhs;
  double a = activationScale(lhs), b = activationScale(rhs),
         out = t->out.getScale();
  if (!representable(e.kind == ElementwiseBinary::Add
                         ? SmallVector<double>{a / out, b / out}
                         : SmallVector<double>{a * b / out}))
    return keepFloat(op, kUnrepresentable);
  rewriter.setInsertionPoint(op);
  auto type = quantTensor(op->getResult(0), t->out);
  // qnn's binary ops take operands of one shape: a broadcast operand is
  // materialized on its stored integers (as a pad is).
  if (e.otherMap && !e.otherMap.isIdentity()) {
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    auto element = cast<quant::QuantizedType>(rhsType.getElementType());
    Value ints = quant::StorageCastOp::create(
        rewriter, op->getLoc(), rhsType.clone(element.getStorageType()), rhs);
    rhs = buildStorageBroadcast(rewriter, op->getLoc(), ints, e.otherMap,
                                type.getShape(), element);
  }
  auto mode = RoundingModeAttr::get(func.getContext(), options.rounding);
  Value q = e.kind == ElementwiseBinary::Add
                ? AddOp::create(rewriter, op->getLoc(), type, lhs, rhs, mode)
                      .getResult()
                : MulOp::create(rewriter, op->getLoc(), type, lhs, rhs, mode)
                      .getResult();
  map(op->getResult(0), q);
  markHandled(op);
  emitTail(q, t->tail);
  return success();
}

/// A chain of unary functions (GELU as x/sqrt(2), erf, +1 through single
/// uses, say) becomes one table of their composition, rounded once. Entry `i`
/// is quant.qcast (f32 division, ties to even, NaN to the zero point,
/// saturation) of the composition at quant.dcast of storage value `lo + i`,
/// with every function evaluated in double.
LogicalResult Quantizer::quantize(const ElementwiseUnary &u, Value q) {
  Operation *op = u.op;
  auto inType = dyn_cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(q.getType()).getElementType());
  if (!inType || inType.getStorageTypeIntegralWidth() > 8)
    return keepFloat(op, "a table needs a per-tensor input of at most 8 bits");
  SmallVector<ElementwiseUnary> chain{u};
  while (Operation *user = singleUser(chain.back().op->getResult(0))) {
    std::string id = idOf(user);
    FailureOr<ElementwiseUnary> next = matchElementwiseUnary(rewriter, user);
    if (failed(next) || (!id.empty() && options.skip.contains(id)))
      break;
    chain.push_back(*next);
  }
  Operation *last = chain.back().op;
  SmallVector<Operation *> tail;
  Value final = followTail(last->getResult(0), tail);
  FailureOr<quant::UniformQuantizedType> outType = activationType(final, last);
  if (failed(outType))
    return failure();
  unsigned width = inType.getStorageTypeIntegralWidth();
  int64_t lo = getQuantParams(inType).storageIntegerMin();
  float scale = static_cast<float>(outType->getScale());
  auto storage = cast<IntegerType>(outType->getStorageType());
  SmallVector<APInt> entries;
  for (int64_t i = 0, e = int64_t{1} << width; i < e; ++i) {
    double x = static_cast<float>(lo + i - inType.getZeroPoint()) *
               static_cast<float>(inType.getScale());
    for (const ElementwiseUnary &f : chain)
      x = f.evaluate(x);
    float y = static_cast<float>(x) / scale;
    int64_t v = outType->getZeroPoint();
    if (!std::isnan(y))
      v = static_cast<int64_t>(std::clamp<double>(
          std::nearbyint(double(y)) + v, outType->getStorageTypeMin(),
          outType->getStorageTypeMax()));
    entries.push_back(APInt(storage.getWidth(), v, /*isSigned=*/true,
                            /*implicitTrunc=*/true));
  }
  rewriter.setInsertionPoint(last);
  auto table = DenseIntElementsAttr::get(
      RankedTensorType::get({int64_t(entries.size())}, storage), entries);
  Value result =
      TableOp::create(rewriter, last->getLoc(),
                      quantTensor(last->getResult(0), *outType), q, table);
  for (const ElementwiseUnary &f : chain)
    markHandled(f.op);
  map(last->getResult(0), result);
  emitTail(result, tail);
  return success();
}

LogicalResult Quantizer::quantize(Operation *op, const Clamp &c) {
  Value q = quantized.lookup(c.input);
  if (!q)
    return failure(); // input stays float, and so does the clamp
  emitTail(q, {op});
  return success();
}

LogicalResult Quantizer::quantize(const SumPool &pool) {
  Operation *op = pool.op;
  double count = pool.window[0] * pool.window[1];
  // The sum becomes an average through a division (or multiplication) by
  // the window size.
  Operation *user = singleUser(op->getResult(0));
  FailureOr<ElementwiseBinary> e =
      user ? matchElementwise(rewriter, user, 0)
           : FailureOr<ElementwiseBinary>(failure());
  if (!isZeroFill(pool.init) || failed(e) || !e->constant ||
      e->constant->size() != 1 || e->x != op->getResult(0) ||
      !((e->kind == ElementwiseBinary::Div && (*e->constant)[0] == count) ||
        (e->kind == ElementwiseBinary::Mul &&
         scalesEqual((*e->constant)[0] * count, 1.0))))
    return keepFloat(op, "a sum pool that is not an average");
  Value input = pool.input;
  SmallVector<int64_t> padding{0, 0, 0, 0};
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    Value cst = pad.getConstantPaddingValue();
    std::optional<SmallVector<int64_t>> p = spatialPadding(pad, pool.layout);
    if (!cst || scalarConstant(cst) != 0.0 || !p)
      return keepFloat(op, "padding the qnn op cannot express");
    padding = *p;
    input = pad.getSource();
  }
  if (llvm::any_of(pool.dilations, [](int64_t d) { return d != 1; }))
    return keepFloat(op, "dilated pooling");
  Value q = getQuantized(input, op);
  if (!q)
    return failure();
  SmallVector<Operation *> tail;
  Value final = followTail(user->getResult(0), tail);
  FailureOr<quant::UniformQuantizedType> outType = activationType(final, op);
  if (failed(outType))
    return failure();
  // Zero padding divided by the whole window: padded positions count.
  if (!representable(activationScale(q) /
                     (outType->getScale() * pool.window[0] * pool.window[1])))
    return keepFloat(op, kUnrepresentable);
  rewriter.setInsertionPoint(op);
  auto qop = AvgPool2DOp::create(
      rewriter, op->getLoc(), quantTensor(op->getResult(0), *outType), q,
      LayoutAttr::get(func.getContext(), pool.layout),
      rewriter.getDenseI64ArrayAttr(pool.window),
      rewriter.getDenseI64ArrayAttr(pool.strides),
      rewriter.getDenseI64ArrayAttr(padding), rewriter.getBoolAttr(true),
      RoundingModeAttr::get(func.getContext(), options.rounding));
  if (failed(mlir::verify(qop))) {
    rewriter.eraseOp(qop);
    return keepFloat(op, "padding the qnn op cannot express");
  }
  for (Operation *o : {op, user}) {
    map(o->getResult(0), qop);
    markHandled(o);
  }
  emitTail(qop, tail);
  return success();
}

/// Rebuilds a data-movement op that fills with real 0 on the stored
/// integers of the per-tensor quantized `q`, filling with its zero point:
/// `build(ints, zp, storage)` makes the op on storage; the result keeps q's
/// parameters.
Value Quantizer::onStorage(
    Operation *op, Value q,
    function_ref<Value(Value ints, Value zp, Type storage)> build) {
  auto type = cast<RankedTensorType>(q.getType());
  auto element = dyn_cast<quant::UniformQuantizedType>(type.getElementType());
  if (!element)
    return {};
  rewriter.setInsertionPoint(op);
  Location loc = op->getLoc();
  Type storage = element.getStorageType();
  Value ints =
      quant::StorageCastOp::create(rewriter, loc, type.clone(storage), q);
  Value zp = arith::ConstantOp::create(
      rewriter, loc, IntegerAttr::get(storage, element.getZeroPoint()));
  Value moved = build(ints, zp, storage);
  Value out = quant::StorageCastOp::create(
      rewriter, loc, cast<RankedTensorType>(moved.getType()).clone(element),
      moved);
  map(op->getResult(0), out);
  markHandled(op);
  return out;
}

/// A zero pad of a quantized tensor pads its storage with the zero point.
LogicalResult Quantizer::quantize(tensor::PadOp op) {
  Value q = quantized.lookup(op.getSource());
  Value cst = op.getConstantPaddingValue();
  if (!q || !cst || scalarConstant(cst) != 0.0)
    return failure();
  return success(onStorage(op, q, [&](Value ints, Value zp, Type storage) {
    return tensor::PadOp::create(rewriter, op.getLoc(),
                                 op.getResultType().clone(storage), ints,
                                 op.getMixedLowPad(), op.getMixedHighPad(), zp)
        .getResult();
  }));
}

/// A quantized tensor inserted into zeros (a transposed convolution's
/// spread input) is inserted on its storage into the zero point.
LogicalResult Quantizer::quantize(tensor::InsertSliceOp op) {
  Value q = quantized.lookup(op.getSource());
  if (!q || !isZeroFill(op.getDest()))
    return failure();
  return success(onStorage(op, q, [&](Value ints, Value zp, Type storage) {
    Location loc = op.getLoc();
    Value init = tensor::EmptyOp::create(rewriter, loc,
                                         op.getDestType().getShape(), storage);
    Value fill = linalg::FillOp::create(rewriter, loc, zp, init).getResult(0);
    return tensor::InsertSliceOp::create(
               rewriter, loc, ints, fill, op.getMixedOffsets(),
               op.getMixedSizes(), op.getMixedStrides())
        .getResult();
  }));
}

LogicalResult Quantizer::quantize(const MaxPool &pool) {
  Operation *op = pool.op;
  Value input = pool.input;
  SmallVector<int64_t> padding{0, 0, 0, 0};
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    std::optional<SmallVector<int64_t>> p = spatialPadding(pad, pool.layout);
    if (!p)
      return keepFloat(op, "padding the qnn op cannot express");
    padding = *p;
    input = pad.getSource();
  }
  if (llvm::any_of(pool.dilations, [](int64_t d) { return d != 1; }))
    return keepFloat(op, "dilated pooling");
  // A float input (a float op's result, an argument) is quantized here, as
  // for every other op: the pool then shares its parameters.
  Value q = getQuantized(input, op);
  if (!q)
    return failure();
  rewriter.setInsertionPoint(op);
  auto qType = cast<RankedTensorType>(q.getType());
  auto qop =
      MaxPool2DOp::create(rewriter, op->getLoc(),
                          quantTensor(op->getResult(0), qType.getElementType()),
                          q, LayoutAttr::get(func.getContext(), pool.layout),
                          rewriter.getDenseI64ArrayAttr(pool.window),
                          rewriter.getDenseI64ArrayAttr(pool.strides),
                          rewriter.getDenseI64ArrayAttr(padding));
  if (failed(mlir::verify(qop))) {
    rewriter.eraseOp(qop);
    return keepFloat(op, "padding the qnn op cannot express");
  }
  map(op->getResult(0), qop);
  markHandled(op);
  return success();
}

LogicalResult Quantizer::quantize(linalg::TransposeOp op) {
  Value q = quantized.lookup(op.getInput());
  if (!q)
    return failure();
  Type element = cast<RankedTensorType>(q.getType()).getElementType();
  rewriter.setInsertionPoint(op);
  auto type = quantTensor(op->getResult(0), element);
  Value init =
      tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(), element);
  Value out = linalg::TransposeOp::create(rewriter, op.getLoc(), q, init,
                                          op.getPermutation())
                  ->getResult(0);
  map(op->getResult(0), out);
  markHandled(op);
  return success();
}

LogicalResult Quantizer::relayout(Operation *op) {
  Value q = quantized.lookup(op->getOperand(0));
  if (!q)
    return failure();
  Type element = cast<RankedTensorType>(q.getType()).getElementType();
  rewriter.setInsertionPoint(op);
  Operation *clone = rewriter.clone(*op);
  clone->setOperand(0, q);
  clone->getResult(0).setType(quantTensor(op->getResult(0), element));
  map(op->getResult(0), clone->getResult(0));
  markHandled(op);
  return success();
}

LogicalResult Quantizer::quantize(tensor::ConcatOp op) {
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
  SmallVector<double> multipliers;
  for (Value in : inputs)
    multipliers.push_back(activationScale(in) / outType->getScale());
  if (!representable(multipliers))
    return keepFloat(op, kUnrepresentable);
  rewriter.setInsertionPoint(op);
  auto qop = ConcatOp::create(
      rewriter, op.getLoc(), op.getType().clone(*outType), inputs,
      rewriter.getI64IntegerAttr(op.getDim()),
      RoundingModeAttr::get(func.getContext(), options.rounding));
  map(op.getResult(), qop);
  markHandled(op);
  return success();
}

/// A QAT fake_quant on an activation becomes the quantization of its input
/// with the fake_quant's parameters (weights' fake_quants are read by their
/// contraction instead).
LogicalResult Quantizer::quantize(FakeQuantOp op) {
  std::optional<quant::QuantizedType> t = qatType(op.getResult());
  auto type = dyn_cast_if_present<quant::UniformQuantizedType>(
      t.value_or(quant::QuantizedType()));
  if (!type || !op.getType().getElementType().isF32() ||
      matchPattern(op.getInput(), m_Constant()))
    return failure();
  Value q = quantized.lookup(op.getInput());
  rewriter.setInsertionPoint(op);
  auto qType = op.getType().clone(type);
  if (!q)
    q = quant::QuantizeCastOp::create(rewriter, op.getLoc(), qType,
                                      op.getInput());
  else if (q.getType() != qType)
    q = RequantizeOp::create(
        rewriter, op.getLoc(), qType, q,
        RoundingModeAttr::get(func.getContext(), options.rounding));
  map(op.getResult(), q);
  markHandled(op);
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

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
      emitRemark(op->getLoc()) << "kept in float: in the skip list";
      summary.skipped.insert(id);
      ++summary.keptInFloat;
      continue;
    }
    failures.current = op;
    failures.reasons.clear();
    failures.inserted.clear();
    size_t handledBefore = handled.size();
    bool taken = dispatch(op);
    failures.current = nullptr;
    locate(ArrayRef(handled).drop_front(handledBefore));
    // Anything else computing on activations has no quantized form.
    if (!taken && ids.count(op->getResult(0)))
      unsupported.emplace_back(op, std::move(failures.reasons));
  }
  summary.replaced += handled.size();
  finish();
  // Report those still in use: a pad folded into a conv, say, is not.
  for (auto &[op, reasons] : unsupported) {
    if (op->use_empty())
      continue;
    std::string why =
        (op->getName().getStringRef() + " has no quantized form").str();
    if (!reasons.empty())
      why += ": " + llvm::join(reasons, "; ");
    (void)keepFloat(op, why);
  }
  return failure(failedStrict);
}

/// The ops created for the float ops `replaced` (a contraction with its bias,
/// BatchNorm and ReLU, say) take the fused location of all of them, so that
/// each qnn op names the float ops it stands for. Casts keep the location of
/// the value they convert.
void Quantizer::locate(ArrayRef<Operation *> replaced) {
  if (replaced.empty())
    return;
  SmallVector<Location> locs;
  for (Operation *op : replaced) {
    locs.push_back(op->getLoc());
    chains[op] = replaced.front();
  }
  Location loc = rewriter.getFusedLoc(locs);
  for (Operation *op : failures.inserted)
    if (!isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(op))
      op->setLoc(loc);
}

/// With `observe`, the probe of each float value moves to its quantized twin
/// (observed dequantized), or stays on it when it is still computed in
/// float. Values only the rest of their own chain read (a convolution's
/// output before its bias and ReLU) are folded into the qnn op that computes
/// the chain's last one, and are not observed.
void Quantizer::reobserve() {
  for (auto &[v, id] : ids) {
    Value target = quantized.lookup(v);
    Operation *def = v.getDefiningOp();
    if (def && handledSet.contains(def)) {
      Operation *chain = chains.lookup(def);
      if (!target || llvm::all_of(v.getUsers(), [&](Operation *user) {
            return chains.lookup(user) == chain;
          }))
        continue;
    }
    if (!target)
      target = v;
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointAfterValue(target);
    auto probe = ObserveOp::create(rewriter, target.getLoc(), target.getType(),
                                   target, rewriter.getStringAttr(id));
    if (target == v)
      v.replaceAllUsesExcept(probe.getResult(), probe);
  }
}

/// Float users of quantized values read them through one dcast per
/// quantized value (float values sharing a twin share it); float ops that
/// were quantized are erased once unused.
void Quantizer::finish() {
  // While each value still has its float users.
  if (options.observe)
    reobserve();
  DenseMap<std::pair<Value, Type>, Value> dcasts;
  for (auto [floatValue, q] : quantized) {
    for (OpOperand &use : llvm::make_early_inc_range(floatValue.getUses())) {
      Operation *user = use.getOwner();
      if (handledSet.contains(user) || isa<quant::QuantizeCastOp>(user))
        continue;
      Value &deq = dcasts[{q, floatValue.getType()}];
      if (!deq) {
        rewriter.setInsertionPointAfterValue(q);
        deq = quant::DequantizeCastOp::create(rewriter, floatValue.getLoc(),
                                              floatValue.getType(), q);
      }
      use.set(deq);
    }
  }
  // Last first, so that each op's users are gone before it.
  for (Operation *op : llvm::reverse(handled))
    if (op->use_empty())
      op->erase();
}

LogicalResult qnn::quantizeFunction(func::FuncOp func,
                                    const QuantizerOptions &options,
                                    const calibration::StatsFile *stats,
                                    QuantizeSummary &summary) {
  return Quantizer(func, options, stats, summary).run();
}
