//===- QNNOps.cpp - qnn operation verifiers ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Verifiers establish what the integer semantics in docs/Dialects/QNN.md
// assume: valid parameters, consistent shapes, and reductions that are exact
// in i32.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"
#include "qmlir/Dialect/QNN/Utils/LayoutUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace qmlir::qnn;

static constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

static RankedTensorType tensorTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Verifies `value` as a qnn tensor and returns its parameters.
static FailureOr<QuantParams> verifyValue(Operation *op, Value value,
                                          StringRef name) {
  RankedTensorType type = tensorTypeOf(value);
  if (failed(
          verifyQuantizedTensor([&] { return op->emitOpError(); }, type, name)))
    return failure();
  return getQuantParams(getUniformElementType(type));
}

static LogicalResult requirePerTensor(Operation *op, const QuantParams &params,
                                      StringRef name) {
  if (params.isPerAxis())
    return op->emitOpError() << name << " must be quantized per tensor";
  return success();
}

static LogicalResult
requireNarrowStorage(Operation *op, const QuantParams &params, StringRef name) {
  if (params.storageWidth > 16)
    return op->emitOpError() << name << " storage must be at most 16 bits, got "
                             << params.storageWidth;
  return success();
}

static bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static LogicalResult verifySameShape(Operation *op, RankedTensorType a,
                                     RankedTensorType b, StringRef aName,
                                     StringRef bName) {
  if (a.getRank() != b.getRank())
    return op->emitOpError()
           << aName << " rank " << a.getRank() << " differs from " << bName
           << " rank " << b.getRank();
  for (int64_t i = 0, e = a.getRank(); i < e; ++i)
    if (!dimsCompatible(a.getDimSize(i), b.getDimSize(i)))
      return op->emitOpError()
             << aName << " dimension " << i << " (" << a.getDimSize(i)
             << ") differs from " << bName << " (" << b.getDimSize(i) << ")";
  return success();
}

/// A reduction of `length` products must be exact in i32: the verifier turns
/// an overflow the lowering could not represent into a diagnostic.
static LogicalResult verifyAccumulation(Operation *op, int64_t length,
                                        const QuantParams &lhs,
                                        const QuantParams &rhs) {
  int64_t product = lhs.maxAbsOffset() * rhs.maxAbsOffset();
  int64_t bound;
  if (llvm::MulOverflow(length, product, bound) || bound > kInt32Max)
    return op->emitOpError()
           << "reduction of " << length << " products of magnitude up to "
           << product << " can overflow i32 accumulation";
  return success();
}

/// Bias: rank 1 (so per-axis means dimension 0), `channels` long, i32
/// storage, zero point 0 and scale s_lhs * s_rhs[c] for every channel c.
static LogicalResult verifyBias(Operation *op, Value bias,
                                const QuantParams &lhs, const QuantParams &rhs,
                                int64_t channels) {
  FailureOr<QuantParams> params = verifyValue(op, bias, "bias");
  if (failed(params))
    return failure();
  RankedTensorType type = tensorTypeOf(bias);
  if (type.getRank() != 1 || !dimsCompatible(type.getDimSize(0), channels))
    return op->emitOpError() << "bias must be a 1-D tensor of " << channels
                             << " elements, got " << type;
  if (params->storageWidth != 32 || !params->isSigned)
    return op->emitOpError() << "bias storage must be i32";
  for (int64_t zp : params->zeroPoints)
    if (zp != 0)
      return op->emitOpError() << "bias zero point must be 0, got " << zp;
  size_t count = std::max({params->scales.size(), rhs.scales.size()});
  for (size_t c = 0; c < count; ++c) {
    double expected = lhs.scales[0] * rhs.scales[rhs.isPerAxis() ? c : 0];
    double actual = params->scales[params->isPerAxis() ? c : 0];
    if (!scalesEqual(expected, actual))
      return op->emitOpError()
             << "bias scale " << actual << " of channel " << c
             << " must equal input scale x weight scale = " << expected;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  FailureOr<QuantParams> in = verifyValue(*this, getInput(), "input");
  FailureOr<QuantParams> out = verifyValue(*this, getOutput(), "output");
  if (failed(in) || failed(out))
    return failure();
  if (failed(verifySameShape(*this, tensorTypeOf(getInput()),
                             tensorTypeOf(getOutput()), "input", "output")))
    return failure();
  if (in->isPerAxis() && out->isPerAxis() && *in->axis != *out->axis)
    return emitOpError() << "input is quantized on dimension " << *in->axis
                         << " but output on dimension " << *out->axis;
  return success();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  FailureOr<QuantParams> lhs = verifyValue(*this, getLhs(), "lhs");
  FailureOr<QuantParams> rhs = verifyValue(*this, getRhs(), "rhs");
  FailureOr<QuantParams> res = verifyValue(*this, getResult(), "result");
  if (failed(lhs) || failed(rhs) || failed(res) ||
      failed(requirePerTensor(*this, *lhs, "lhs")) ||
      failed(requirePerTensor(*this, *res, "result")) ||
      failed(requireNarrowStorage(*this, *lhs, "lhs")) ||
      failed(requireNarrowStorage(*this, *rhs, "rhs")))
    return failure();

  RankedTensorType lhsType = tensorTypeOf(getLhs());
  RankedTensorType rhsType = tensorTypeOf(getRhs());
  RankedTensorType resType = tensorTypeOf(getResult());
  int64_t rank = lhsType.getRank();
  if (rank < 2)
    return emitOpError() << "lhs must have rank >= 2, got " << rank;
  if (rhsType.getRank() != 2 && rhsType.getRank() != rank)
    return emitOpError() << "rhs must have rank 2 or the rank of lhs (" << rank
                         << "), got " << rhsType.getRank();
  if (resType.getRank() != rank)
    return emitOpError() << "result rank " << resType.getRank()
                         << " differs from lhs rank " << rank;
  int64_t rhsRank = rhsType.getRank();
  if (rhs->isPerAxis() && *rhs->axis != rhsRank - 1)
    return emitOpError()
           << "rhs must be quantized per axis on its N dimension ("
           << rhsRank - 1 << "), got " << *rhs->axis;

  int64_t k = lhsType.getDimSize(rank - 1);
  if (ShapedType::isDynamic(k))
    return emitOpError("reduction dimension K must be static");
  if (!dimsCompatible(k, rhsType.getDimSize(rhsRank - 2)))
    return emitOpError() << "lhs K (" << k << ") differs from rhs K ("
                         << rhsType.getDimSize(rhsRank - 2) << ")";
  SmallVector<int64_t> expected(lhsType.getShape().drop_back());
  expected.push_back(rhsType.getDimSize(rhsRank - 1));
  for (int64_t i = 0; i + 2 < rhsRank; ++i)
    if (!dimsCompatible(lhsType.getDimSize(i), rhsType.getDimSize(i)))
      return emitOpError() << "batch dimension " << i << " differs: lhs "
                           << lhsType.getDimSize(i) << ", rhs "
                           << rhsType.getDimSize(i);
  for (int64_t i = 0; i < rank; ++i)
    if (!dimsCompatible(expected[i], resType.getDimSize(i)))
      return emitOpError() << "result dimension " << i << " is "
                           << resType.getDimSize(i) << ", expected "
                           << expected[i];

  if (failed(verifyAccumulation(*this, k, *lhs, *rhs)))
    return failure();
  if (getBias())
    return verifyBias(*this, getBias(), *lhs, *rhs, expected.back());
  return success();
}

//===----------------------------------------------------------------------===//
// Windowed ops (conv2d, pooling)
//===----------------------------------------------------------------------===//

/// Checks window attributes and that `result` has the batch size of `input`
/// and the spatial sizes the window produces.
static LogicalResult
verifyWindow(Operation *op, RankedTensorType input, RankedTensorType result,
             Layout layout, ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilations, ArrayRef<int64_t> padding) {
  if (input.getRank() != 4 || result.getRank() != 4)
    return op->emitOpError("input and result must have rank 4");
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2)
    return op->emitOpError(
        "kernel, strides and dilations must have 2 elements");
  if (padding.size() != 4)
    return op->emitOpError(
        "padding must have 4 elements [top, left, bottom, right]");
  if (llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }) ||
      llvm::any_of(kernel, [](int64_t k) { return k < 1; }))
    return op->emitOpError("kernel, strides and dilations must be positive");
  if (llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return op->emitOpError("padding must be non-negative");

  ImageDims dims(layout);
  if (!dimsCompatible(input.getDimSize(dims.n), result.getDimSize(dims.n)))
    return op->emitOpError()
           << "result batch " << result.getDimSize(dims.n)
           << " differs from input batch " << input.getDimSize(dims.n);
  int64_t spatial[2] = {dims.h, dims.w};
  for (int i = 0; i < 2; ++i) {
    int64_t size = input.getDimSize(spatial[i]);
    if (ShapedType::isDynamic(size))
      continue;
    int64_t padded = size + padding[i] + padding[i + 2];
    int64_t extent = dilations[i] * (kernel[i] - 1) + 1;
    if (padded < extent)
      return op->emitOpError() << "window extent " << extent
                               << " exceeds padded input size " << padded;
    int64_t expected = (padded - extent) / strides[i] + 1;
    if (!dimsCompatible(expected, result.getDimSize(spatial[i])))
      return op->emitOpError()
             << "result spatial dimension " << spatial[i] << " is "
             << result.getDimSize(spatial[i]) << ", expected " << expected;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  FailureOr<QuantParams> in = verifyValue(*this, getInput(), "input");
  FailureOr<QuantParams> filter = verifyValue(*this, getFilter(), "filter");
  FailureOr<QuantParams> res = verifyValue(*this, getResult(), "result");
  if (failed(in) || failed(filter) || failed(res) ||
      failed(requirePerTensor(*this, *in, "input")) ||
      failed(requirePerTensor(*this, *res, "result")) ||
      failed(requireNarrowStorage(*this, *in, "input")) ||
      failed(requireNarrowStorage(*this, *filter, "filter")))
    return failure();

  RankedTensorType inType = tensorTypeOf(getInput());
  RankedTensorType filterType = tensorTypeOf(getFilter());
  RankedTensorType resType = tensorTypeOf(getResult());
  if (filterType.getRank() != 4)
    return emitOpError("filter must have rank 4");
  if (!filterType.hasStaticShape())
    return emitOpError("filter must have a static shape");
  FilterDims fd(getLayout());
  int64_t f = filterType.getDimSize(fd.f), cg = filterType.getDimSize(fd.c);
  int64_t kernel[2] = {filterType.getDimSize(fd.h),
                       filterType.getDimSize(fd.w)};
  if (failed(verifyWindow(*this, inType, resType, getLayout(), kernel,
                          getStrides(), getDilations(), getPadding())))
    return failure();

  int64_t groups = getGroupsAttr().getInt();
  if (groups < 1)
    return emitOpError() << "groups must be positive, got " << groups;
  if (f % groups != 0)
    return emitOpError() << "filter count " << f
                         << " is not divisible by groups " << groups;
  ImageDims dims(getLayout());
  if (!dimsCompatible(inType.getDimSize(dims.c), cg * groups))
    return emitOpError() << "input has " << inType.getDimSize(dims.c)
                         << " channels, filter expects " << cg << " x "
                         << groups << " groups";
  if (!dimsCompatible(resType.getDimSize(dims.c), f))
    return emitOpError() << "result has " << resType.getDimSize(dims.c)
                         << " channels, filter has " << f;
  if (filter->isPerAxis() && *filter->axis != fd.f)
    return emitOpError() << "filter must be quantized per axis on its output "
                            "channel dimension ("
                         << fd.f << "), got " << *filter->axis;

  if (failed(
          verifyAccumulation(*this, cg * kernel[0] * kernel[1], *in, *filter)))
    return failure();
  if (getBias())
    return verifyBias(*this, getBias(), *in, *filter, f);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

/// Both operands and the result: per tensor, at most 16-bit inputs, one shape.
static FailureOr<std::pair<QuantParams, QuantParams>>
verifyBinary(Operation *op, Value lhs, Value rhs, Value result) {
  FailureOr<QuantParams> l = verifyValue(op, lhs, "lhs");
  FailureOr<QuantParams> r = verifyValue(op, rhs, "rhs");
  FailureOr<QuantParams> res = verifyValue(op, result, "result");
  if (failed(l) || failed(r) || failed(res) ||
      failed(requirePerTensor(op, *l, "lhs")) ||
      failed(requirePerTensor(op, *r, "rhs")) ||
      failed(requirePerTensor(op, *res, "result")) ||
      failed(requireNarrowStorage(op, *l, "lhs")) ||
      failed(requireNarrowStorage(op, *r, "rhs")) ||
      failed(verifySameShape(op, tensorTypeOf(lhs), tensorTypeOf(rhs), "lhs",
                             "rhs")) ||
      failed(verifySameShape(op, tensorTypeOf(lhs), tensorTypeOf(result), "lhs",
                             "result")))
    return failure();
  return std::make_pair(*l, *r);
}

LogicalResult AddOp::verify() {
  return verifyBinary(*this, getLhs(), getRhs(), getResult());
}

LogicalResult MulOp::verify() {
  auto operands = verifyBinary(*this, getLhs(), getRhs(), getResult());
  if (failed(operands))
    return failure();
  int64_t bound =
      operands->first.maxAbsOffset() * operands->second.maxAbsOffset();
  if (bound > kInt32Max)
    return emitOpError() << "product of offsets up to " << bound
                         << " overflows i32 (16-bit operands need zero points "
                            "near the middle of their range)";
  return success();
}

//===----------------------------------------------------------------------===//
// ClampOp
//===----------------------------------------------------------------------===//

LogicalResult ClampOp::verify() {
  FailureOr<QuantParams> in = verifyValue(*this, getInput(), "input");
  if (failed(in))
    return failure();
  int64_t lo = getMinAttr().getInt(), hi = getMaxAttr().getInt();
  if (lo > hi)
    return emitOpError() << "min " << lo << " is greater than max " << hi;
  if (lo < in->storageMin || hi > in->storageMax)
    return emitOpError() << "range [" << lo << ", " << hi
                         << "] is outside the storage range [" << in->storageMin
                         << ", " << in->storageMax << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// TableOp
//===----------------------------------------------------------------------===//

LogicalResult TableOp::verify() {
  FailureOr<QuantParams> in = verifyValue(*this, getInput(), "input");
  FailureOr<QuantParams> out = verifyValue(*this, getResult(), "result");
  if (failed(in) || failed(out) ||
      failed(verifySameShape(*this, tensorTypeOf(getInput()),
                             tensorTypeOf(getResult()), "input", "result")))
    return failure();
  // 2^16 entries would be a 128 KiB constant per op; wider inputs need an
  // interpolated table (TFLite's 16-bit form), which qnn does not have.
  if (in->storageWidth > 8)
    return emitOpError() << "input storage must be at most 8 bits, got "
                         << in->storageWidth;
  DenseIntElementsAttr table = getTable();
  auto tableType = cast<ShapedType>(table.getType());
  int64_t entries = int64_t{1} << in->storageWidth;
  if (tableType.getRank() != 1 || tableType.getDimSize(0) != entries)
    return emitOpError() << "table must have one dimension of " << entries
                         << " entries (one per input storage value), got "
                         << tableType;
  Type storage = getUniformElementType(getResult().getType()).getStorageType();
  if (tableType.getElementType() != storage)
    return emitOpError() << "table elements must be the result storage type "
                         << storage << ", got " << tableType.getElementType();
  for (auto [i, v] : llvm::enumerate(table.getValues<APInt>())) {
    int64_t x = out->isSigned ? v.getSExtValue()
                              : static_cast<int64_t>(v.getZExtValue());
    if (x < out->storageMin || x > out->storageMax)
      return emitOpError() << "table entry " << i << " (" << x
                           << ") is outside the result storage range ["
                           << out->storageMin << ", " << out->storageMax << "]";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

static LogicalResult verifyPool(Operation *op, Value input, Value result,
                                Layout layout, ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> padding) {
  RankedTensorType inType = tensorTypeOf(input);
  RankedTensorType resType = tensorTypeOf(result);
  int64_t dilations[2] = {1, 1};
  if (failed(verifyWindow(op, inType, resType, layout, kernel, strides,
                          dilations, padding)))
    return failure();
  ImageDims dims(layout);
  if (!dimsCompatible(inType.getDimSize(dims.c), resType.getDimSize(dims.c)))
    return op->emitOpError()
           << "result has " << resType.getDimSize(dims.c)
           << " channels, input has " << inType.getDimSize(dims.c);
  return success();
}

LogicalResult MaxPool2DOp::verify() {
  if (failed(verifyValue(*this, getInput(), "input")))
    return failure();
  if (getUniformElementType(getInput().getType()) !=
      getUniformElementType(getResult().getType()))
    return emitOpError("input and result must have the same element type");
  // Every window holds at least one input element: a maximum over padding
  // alone is not defined.
  ArrayRef<int64_t> kernel = getKernel(), padding = getPadding();
  if (kernel.size() == 2 && padding.size() == 4)
    for (int i = 0; i < 4; ++i)
      if (padding[i] >= kernel[i % 2])
        return emitOpError()
               << "padding " << padding[i]
               << " must be smaller than the kernel size " << kernel[i % 2];
  return verifyPool(*this, getInput(), getResult(), getLayout(), getKernel(),
                    getStrides(), getPadding());
}

LogicalResult AvgPool2DOp::verify() {
  FailureOr<QuantParams> in = verifyValue(*this, getInput(), "input");
  FailureOr<QuantParams> res = verifyValue(*this, getResult(), "result");
  if (failed(in) || failed(res) ||
      failed(requirePerTensor(*this, *in, "input")) ||
      failed(requirePerTensor(*this, *res, "result")) ||
      failed(verifyPool(*this, getInput(), getResult(), getLayout(),
                        getKernel(), getStrides(), getPadding())))
    return failure();
  int64_t window = getKernel()[0] * getKernel()[1];
  if (window * in->maxAbsOffset() > kInt32Max)
    return emitOpError() << "window of " << window
                         << " elements can overflow i32 accumulation";
  return success();
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  FailureOr<QuantParams> res = verifyValue(*this, getResult(), "result");
  if (failed(res) || failed(requirePerTensor(*this, *res, "result")))
    return failure();
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  RankedTensorType resType = tensorTypeOf(getResult());
  int64_t rank = resType.getRank(), dim = getDimAttr().getInt();
  if (dim < 0 || dim >= rank)
    return emitOpError() << "dim " << dim << " is out of range for rank "
                         << rank;
  int64_t total = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    std::string name = "input " + std::to_string(i);
    FailureOr<QuantParams> params = verifyValue(*this, input, name);
    if (failed(params) || failed(requirePerTensor(*this, *params, name)))
      return failure();
    RankedTensorType type = tensorTypeOf(input);
    if (type.getRank() != rank)
      return emitOpError() << name << " has rank " << type.getRank()
                           << ", result has rank " << rank;
    for (int64_t d = 0; d < rank; ++d)
      if (d != dim &&
          !dimsCompatible(type.getDimSize(d), resType.getDimSize(d)))
        return emitOpError()
               << name << " dimension " << d << " is " << type.getDimSize(d)
               << ", result has " << resType.getDimSize(d);
    if (ShapedType::isDynamic(total) || type.isDynamicDim(dim))
      total = ShapedType::kDynamic;
    else
      total += type.getDimSize(dim);
  }
  if (!dimsCompatible(total, resType.getDimSize(dim)))
    return emitOpError() << "result dimension " << dim << " is "
                         << resType.getDimSize(dim) << ", inputs sum to "
                         << total;
  return success();
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getId().empty())
    return emitOpError("id must not be empty");
  return success();
}

//===----------------------------------------------------------------------===//
// FakeQuantOp
//===----------------------------------------------------------------------===//

LogicalResult FakeQuantOp::verify() {
  RankedTensorType type = tensorTypeOf(getInput());
  if (std::optional<Type> qtype = getQtype()) {
    if (getMin() || getMax() || getAxis())
      return emitOpError("takes either qtype or min/max, not both");
    auto quantized = cast<quant::QuantizedType>(*qtype);
    if (quantized.getExpressedType() != type.getElementType())
      return emitOpError() << "qtype expresses " << quantized.getExpressedType()
                           << " but the input holds " << type.getElementType();
    return verifyQuantizedTensor(
        [&] { return emitOpError(); },
        RankedTensorType::get(type.getShape(), quantized), "qtype");
  }

  if (!getMin() || !getMax())
    return emitOpError("needs qtype, or both min and max");
  ArrayRef<double> mins = *getMin(), maxs = *getMax();
  if (mins.size() != maxs.size())
    return emitOpError() << "has " << mins.size() << " min values but "
                         << maxs.size() << " max values";
  if (IntegerAttr axis = getAxisAttr()) {
    int64_t a = axis.getInt();
    if (a < 0 || a >= type.getRank())
      return emitOpError() << "axis " << a << " is out of range for rank "
                           << type.getRank();
    if (!dimsCompatible(type.getDimSize(a), mins.size()))
      return emitOpError() << "has " << mins.size() << " ranges but dimension "
                           << a << " has size " << type.getDimSize(a);
  } else if (mins.size() != 1) {
    return emitOpError() << "has " << mins.size()
                         << " ranges but no axis; per-tensor takes one";
  }
  for (auto [lo, hi] : llvm::zip_equal(mins, maxs)) {
    if (!std::isfinite(lo) || !std::isfinite(hi))
      return emitOpError("range bounds must be finite");
    if (lo >= hi)
      return emitOpError() << "range [" << lo << ", " << hi << "] is empty";
  }
  int64_t bits = getNumBitsAttr().getInt();
  if (bits < 2 || bits > 16)
    return emitOpError() << "num_bits must be in [2, 16], got " << bits;
  return success();
}

#define GET_OP_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNOps.cpp.inc"
