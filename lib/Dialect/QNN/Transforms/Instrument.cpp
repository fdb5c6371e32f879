//===- Instrument.cpp - Calibration probes ----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNINSTRUMENT
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir::qnn;

/// The id stem of a location: a name, a file position or a fallback.
static std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (llvm::sys::path::filename(file.getFilename().getValue()) + ":" +
            Twine(file.getLine()) + ":" + Twine(file.getColumn()))
        .str();
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return locationName(call.getCallee());
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::string name;
    for (Location l : fused.getLocations())
      name += (name.empty() ? "" : "+") + locationName(l);
    return name;
  }
  return "";
}

/// Float tensors, and quantized ones (observed dequantized).
static bool isObservable(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && isa<FloatType, quant::QuantizedType>(t.getElementType());
}

static bool isObserved(Value v) {
  return llvm::any_of(v.getUsers(),
                      [](Operation *user) { return isa<ObserveOp>(user); });
}

namespace {
struct InstrumentPass : qmlir::qnn::impl::QNNInstrumentBase<InstrumentPass> {
  void runOnOperation() override {
    llvm::StringMap<unsigned> uses;
    // Probes already there keep their ids; new ones avoid them.
    llvm::StringSet<> taken;
    getOperation().walk([&](ObserveOp op) { taken.insert(op.getId()); });
    auto uniqueId = [&](std::string stem) {
      std::string id;
      do {
        unsigned n = uses[stem]++;
        id = n ? stem + "#" + std::to_string(n) : stem;
      } while (!taken.insert(id).second);
      return id;
    };
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isDeclaration())
        continue;
      // Values computed from the arguments; everything else is a weight.
      llvm::DenseSet<Value> dynamic;
      OpBuilder b(func.getBody());
      for (BlockArgument arg : func.getArguments()) {
        dynamic.insert(arg);
        if (!isObservable(arg.getType()) || !func.isPublic() || isObserved(arg))
          continue;
        std::string id = uniqueId(
            (func.getSymName() + ".arg" + Twine(arg.getArgNumber())).str());
        auto probe = ObserveOp::create(b, arg.getLoc(), arg.getType(), arg,
                                       b.getStringAttr(id));
        arg.replaceAllUsesExcept(probe.getResult(), probe);
        dynamic.insert(probe.getResult());
      }
      func.getBody().walk([&](Operation *op) {
        if (op->getParentOp() != func)
          return;
        if (!llvm::any_of(op->getOperands(),
                          [&](Value v) { return dynamic.contains(v); }))
          return;
        for (OpResult result : op->getResults()) {
          dynamic.insert(result);
          // A dcast is a float copy of a value observed already.
          if (!isObservable(result.getType()) || isObserved(result) ||
              isa<ObserveOp, quant::DequantizeCastOp>(op))
            continue;
          std::string stem = locationName(op->getLoc());
          if (stem.empty())
            stem = op->getName().getStringRef().str();
          if (op->getNumResults() > 1)
            stem += ":" + std::to_string(result.getResultNumber());
          std::string id = uniqueId(stem);
          // A pad adds constants, not data (max pooling pads with -inf): it
          // is quantized with its source's parameters or folded into its
          // consumer. Its id stays taken so later ids do not shift.
          if (isa<tensor::PadOp>(op))
            continue;
          b.setInsertionPointAfter(op);
          auto probe = ObserveOp::create(b, op->getLoc(), result.getType(),
                                         result, b.getStringAttr(id));
          result.replaceAllUsesExcept(probe.getResult(), probe);
          // The walk has already moved past the new probe.
          dynamic.insert(probe.getResult());
        }
      });
    }
  }
};
} // namespace
