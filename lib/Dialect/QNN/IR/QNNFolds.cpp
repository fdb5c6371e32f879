//===- QNNFolds.cpp - qnn folders -------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Only folds that are exact on every input: none of these changes a stored
// value.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"

using namespace mlir;
using namespace qmlir::qnn;

/// Requantizing to the identical type maps every value to itself.
OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

/// A clamp covering the whole storage range is the identity; a clamp of a
/// clamp is one clamp with the intersected range (updated in place).
OpFoldResult ClampOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<ClampOp>()) {
    int64_t lo = std::max(getMinAttr().getInt(), inner.getMinAttr().getInt());
    int64_t hi = std::min(getMaxAttr().getInt(), inner.getMaxAttr().getInt());
    // Disjoint ranges: every value becomes the outer bound nearest to the
    // inner range, which is lo == hi after clamping the bounds.
    hi = std::max(hi, lo);
    if (lo > getMaxAttr().getInt())
      lo = hi = getMaxAttr().getInt();
    Builder b(getContext());
    getInputMutable().assign(inner.getInput());
    setMinAttr(b.getI64IntegerAttr(lo));
    setMaxAttr(b.getI64IntegerAttr(hi));
    return getResult();
  }
  QuantParams params = getQuantParams(getUniformElementType(getType()));
  if (getMinAttr().getInt() <= params.storageMin &&
      getMaxAttr().getInt() >= params.storageMax)
    return getInput();
  return {};
}

/// A table of a table is one table (updated in place); a table mapping every
/// storable value to itself between equal types is the identity.
OpFoldResult TableOp::fold(FoldAdaptor) {
  QuantParams in = getQuantParams(getUniformElementType(getInput().getType()));
  QuantParams out = getQuantParams(getUniformElementType(getType()));
  auto entry = [&](DenseIntElementsAttr table, bool isSigned, int64_t i) {
    APInt v = table.getValues<APInt>()[i];
    return isSigned ? v.getSExtValue() : static_cast<int64_t>(v.getZExtValue());
  };
  if (auto inner = getInput().getDefiningOp<TableOp>()) {
    DenseIntElementsAttr first = inner.getTable(), second = getTable();
    SmallVector<APInt> composed;
    for (int64_t i = 0, e = first.getNumElements(); i < e; ++i)
      composed.push_back(
          second.getValues<APInt>()[entry(first, in.isSigned, i) -
                                    in.storageIntegerMin()]);
    auto type = RankedTensorType::get({first.getNumElements()},
                                      second.getElementType());
    getInputMutable().assign(inner.getInput());
    setTableAttr(DenseIntElementsAttr::get(type, composed));
    return getResult();
  }
  if (getInput().getType() != getType())
    return {};
  for (int64_t q = in.storageMin; q <= in.storageMax; ++q)
    if (entry(getTable(), out.isSigned, q - in.storageIntegerMin()) != q)
      return {};
  return getInput();
}

/// A 1x1 window with unit strides and no padding selects every element.
OpFoldResult MaxPool2DOp::fold(FoldAdaptor) {
  auto isOne = [](int64_t v) { return v == 1; };
  if (getInput().getType() == getType() && llvm::all_of(getKernel(), isOne) &&
      llvm::all_of(getStrides(), isOne) &&
      llvm::all_of(getPadding(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

/// A concatenation of a single input of the result type is that input.
OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}
