//===- LayoutUtils.h - Dimensions of images and filters ---------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Where each dimension sits in the images (NCHW, NHWC) and filters (FCHW,
// HWCF) of qnn's windowed ops. Header-only: the verifiers use it as well.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_UTILS_LAYOUTUTILS_H
#define QMLIR_DIALECT_QNN_UTILS_LAYOUTUTILS_H

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

namespace qmlir::qnn {

/// Positions of the batch, channel and spatial dimensions of an image.
struct ImageDims {
  int64_t n, c, h, w;
  constexpr explicit ImageDims(Layout layout)
      : n(0), c(layout == Layout::NCHW ? 1 : 3),
        h(layout == Layout::NCHW ? 2 : 1), w(layout == Layout::NCHW ? 3 : 2) {}
};

/// Positions of the output channel, input channel and kernel dimensions of
/// a filter: FCHW with NCHW images, HWCF with NHWC images.
struct FilterDims {
  int64_t f, c, h, w;
  constexpr explicit FilterDims(Layout layout)
      : f(layout == Layout::NCHW ? 0 : 3), c(layout == Layout::NCHW ? 1 : 2),
        h(layout == Layout::NCHW ? 2 : 0), w(layout == Layout::NCHW ? 3 : 1) {}
};

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_UTILS_LAYOUTUTILS_H
