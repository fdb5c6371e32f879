//===- QuantizeMatchers.h - What qnn-quantize recognizes --------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Pure matchers over float linalg/tensor IR: each recognizes one kind of op
// the quantizer has a qnn form for and returns its parameters, changing
// nothing. A matcher fails silently on ops of another kind; on an op of its
// kind that it cannot take it reports why through the rewriter
// (notifyMatchFailure), which qnn-quantize puts into its remark.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZEMATCHERS_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZEMATCHERS_H

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace qmlir::qnn {

/// Values of a float constant tensor (splats expanded), row-major.
std::optional<llvm::SmallVector<float>> constantFloats(mlir::Value v);

/// Whether `v` is a linalg.fill of 0.
bool isZeroFill(mlir::Value v);

/// A float scalar constant.
std::optional<double> scalarConstant(mlir::Value v);

/// A per-channel constant: one value per index of loop `channel`, or a
/// single broadcast value. Accepts a constant read through a broadcasting
/// map, a linalg.broadcast of a constant, or a generic that only broadcasts
/// a constant.
std::optional<llvm::SmallVector<double>>
channelConstant(mlir::Value operand, mlir::AffineMap map, unsigned channel);

/// A parallel, single-result elementwise op `x op y`, where y is an
/// activation (`other`) or a per-channel or scalar constant (`constant`).
struct ElementwiseBinary {
  enum Kind { Add, Sub, Mul, Div } kind;
  mlir::Value x, other;
  std::optional<llvm::SmallVector<double>> constant;
  /// How the op reads `other`: the identity, or a broadcast (a per-channel
  /// scale of squeeze-and-excitation, say).
  mlir::AffineMap otherMap;
};

/// Recognizes a linalg op whose body is one add, sub, mul or div; a
/// per-channel constant operand is read along loop `channel` of the result.
mlir::FailureOr<ElementwiseBinary>
matchElementwise(mlir::RewriterBase &rewriter, mlir::Operation *op,
                 unsigned channel);

/// A parallel elementwise op of one f32 activation whose body computes
/// `f(x)` from scalar constants alone (splat constant inputs included): any
/// unary function, from `x * 0.5` to GELU.
struct ElementwiseUnary {
  mlir::linalg::LinalgOp op;
  mlir::Value input;
  /// `f(x)` in double precision, with the body's ops as real functions
  /// (NaN and infinities as IEEE arithmetic gives them).
  double evaluate(double x) const;
};

/// Recognizes an ElementwiseUnary; reports the first body op it cannot
/// evaluate at compile time.
mlir::FailureOr<ElementwiseUnary>
matchElementwiseUnary(mlir::RewriterBase &rewriter, mlir::Operation *op);

/// ReLU and clamps: the input and the bounds (infinite when absent).
struct Clamp {
  mlir::Value input;
  double lo, hi;
};

/// Recognizes a one-input generic of max/min against scalar constants, or
/// linalg.max against a zero fill.
mlir::FailureOr<Clamp> matchClamp(mlir::RewriterBase &rewriter,
                                  mlir::Operation *op);

/// A float contraction normalized to the qnn forms: the weights as a
/// constant in qnn's layout (matmul [K, N] or [B, K, N]; conv FCHW or HWCF).
struct FloatContraction {
  mlir::Operation *op;
  mlir::Value input, init;
  llvm::SmallVector<float> weights;
  llvm::SmallVector<int64_t> weightShape;
  /// For each dimension of the weight operand as written, its dimension in
  /// `weightShape`, or -1 when it was merged with another.
  llvm::SmallVector<int64_t> weightDims;
  unsigned weightAxis; // output-channel dimension of the weights
  unsigned resultAxis; // output-channel dimension of the result
  bool isConv = false;
  Layout layout = Layout::NHWC;
  llvm::SmallVector<int64_t> strides{1, 1}, dilations{1, 1},
      padding{0, 0, 0, 0};
  int64_t groups = 1;
  mlir::Value weightValue; // the float weight operand (for QAT fake_quant)
  /// The float value the qnn op replaces and the ops producing it from `op`
  /// (a depthwise multiplier's collapse of [C, M] into channels).
  mlir::Value result;
  llvm::SmallVector<mlir::Operation *> reshapes;
};

/// Recognizes a linalg matmul, batch matmul, 2-D convolution or depthwise
/// convolution with constant f32 weights (looking through a qnn.fake_quant
/// on them) and brings it to qnn's form.
mlir::FailureOr<FloatContraction>
matchFloatContraction(mlir::RewriterBase &rewriter, mlir::Operation *op);

/// A product of two activations (attention's Q K^T and P V): a linalg
/// matmul or batch matmul with untransposed operands, or a generic
/// [B..., M, K] x [B..., K, N] contraction, into a zero fill.
struct ActivationMatmul {
  mlir::Operation *op;
  mlir::Value lhs, rhs;
};

/// Recognizes an ActivationMatmul whose right-hand operand is not a
/// constant (constant weights are a FloatContraction).
mlir::FailureOr<ActivationMatmul>
matchActivationMatmul(mlir::RewriterBase &rewriter, mlir::Operation *op);

/// A 2-D pooling window.
struct PoolWindow {
  mlir::Operation *op;
  mlir::Value input, init;
  Layout layout;
  llvm::SmallVector<int64_t> window, strides, dilations;
};
struct MaxPool : PoolWindow {};
/// A sum pool; qnn has it as an average when a division by the window
/// size follows.
struct SumPool : PoolWindow {};

/// Recognizes linalg's NCHW and NHWC max pooling.
mlir::FailureOr<MaxPool> matchMaxPool(mlir::Operation *op);
/// Recognizes linalg's NCHW and NHWC sum pooling.
mlir::FailureOr<SumPool> matchSumPool(mlir::Operation *op);

/// The spatial padding [top, left, bottom, right] of a tensor.pad feeding a
/// pool or conv (which then reads the pad's source), if it pads only H and
/// W with static sizes.
std::optional<llvm::SmallVector<int64_t>>
spatialPadding(mlir::tensor::PadOp pad, Layout layout);

} // namespace qmlir::qnn

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZEMATCHERS_H
