//===- Utils.h - Shared pieces of the qnn lowering --------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_QNNTOLINALG_UTILS_H
#define QMLIR_LIB_CONVERSION_QNNTOLINALG_UTILS_H

#include "Requantize.h"
#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace qmlir::qnn {

/// The quantization parameters of a quantized tensor value.
QuantParams paramsOf(mlir::Value value);

/// The storage type of a quantized tensor value's elements.
mlir::Type storageTypeOf(mlir::Value value);

/// `count` identity maps of `rank` dims.
llvm::SmallVector<mlir::AffineMap> identityMaps(mlir::MLIRContext *ctx,
                                                unsigned rank, unsigned count);

/// A map from `numDims` loops to the listed loop dimensions.
mlir::AffineMap projection(mlir::MLIRContext *ctx, unsigned numDims,
                           llvm::ArrayRef<unsigned> dims);

/// A tensor of `sizes` filled with `value`.
mlir::Value filledTensor(mlir::ImplicitLocOpBuilder &b,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Type elementType, mlir::TypedAttr value);

/// The size of dimension `dim` of `tensor`, static or dynamic.
mlir::OpFoldResult dimOf(mlir::ImplicitLocOpBuilder &b, mlir::Value tensor,
                         int64_t dim);

/// A storage-typed constant holding the integer `value`.
mlir::Value storageConstant(mlir::ImplicitLocOpBuilder &b,
                            mlir::Type storageType, int64_t value);

/// Pads the two spatial dimensions of an image with `value`.
mlir::Value padSpatial(mlir::ImplicitLocOpBuilder &b, mlir::Value image,
                       Layout layout, llvm::ArrayRef<int64_t> padding,
                       mlir::Value value);

/// Adds the columns of R(M_c, .) for `multipliers` to `table`; a multiplier
/// the rounding mode cannot represent is an error on `op`.
mlir::FailureOr<RescaleColumns>
rescaleColumns(mlir::Operation *op, ChannelTable &table,
               llvm::ArrayRef<double> multipliers, RoundingMode mode);

/// Requantizes the storage tensor `input` of quantized type `inType` to the
/// element type of `resultType`.
mlir::FailureOr<mlir::Value>
requantizeTensor(mlir::ImplicitLocOpBuilder &b, mlir::Operation *op,
                 mlir::Value input, mlir::RankedTensorType inType,
                 mlir::RankedTensorType resultType, RoundingMode mode);

} // namespace qmlir::qnn

#endif // QMLIR_LIB_CONVERSION_QNNTOLINALG_UTILS_H
