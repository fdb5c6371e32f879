//===- QuantUtils.cpp - Quantization knowledge shared by passes -*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace qmlir::qnn;

NudgedRange qmlir::qnn::nudgeRange(double min, double max, int64_t numBits,
                                   bool narrowRange) {
  NudgedRange r;
  r.qmin = narrowRange ? 1.0f : 0.0f;
  r.qmax = static_cast<float>((1ll << numBits) - 1);
  float mn = static_cast<float>(min), mx = static_cast<float>(max);
  r.scale = (mx - mn) / (r.qmax - r.qmin);
  float z = r.qmin - mn / r.scale;
  r.zeroPoint = z < r.qmin ? r.qmin : z > r.qmax ? r.qmax : std::round(z);
  r.min = (r.qmin - r.zeroPoint) * r.scale;
  r.max = (r.qmax - r.zeroPoint) * r.scale;
  return r;
}

quant::UniformQuantizedType
qmlir::qnn::fakeQuantActivationType(MLIRContext *ctx, double min, double max,
                                    bool narrowRange, bool isUnsigned) {
  NudgedRange r = nudgeRange(min, max, 8, narrowRange);
  int64_t shift = isUnsigned ? 0 : -128;
  return quant::UniformQuantizedType::get(
      isUnsigned ? 0 : quant::QuantizationFlags::Signed,
      IntegerType::get(ctx, 8), Float32Type::get(ctx), r.scale,
      static_cast<int64_t>(r.zeroPoint) + shift,
      static_cast<int64_t>(r.qmin) + shift,
      static_cast<int64_t>(r.qmax) + shift);
}
