//===- ABI.cpp - The interface of compiled models ---------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/ABI/ABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::abi;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::string typeName(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// The numpy dtype holding values of `element` (storage type for quantized).
static llvm::Expected<npy::DType> dtypeOf(Type element) {
  bool isSigned = true;
  if (auto q = dyn_cast<quant::QuantizedType>(element)) {
    isSigned = q.isSigned();
    element = q.getStorageType();
  }
  if (element.isF32())
    return npy::DType::F32;
  if (element.isF16())
    return npy::DType::F16;
  if (element.isF64())
    return npy::DType::F64;
  if (auto i = dyn_cast<IntegerType>(element)) {
    isSigned = isSigned && !i.isUnsigned();
    switch (i.getWidth()) {
    case 1:
      return npy::DType::Bool;
    case 4: // i4 storage travels one value per byte
    case 8:
      return isSigned ? npy::DType::I8 : npy::DType::U8;
    case 16:
      return isSigned ? npy::DType::I16 : npy::DType::U16;
    case 32:
      if (isSigned)
        return npy::DType::I32;
      break;
    case 64:
      if (isSigned)
        return npy::DType::I64;
      break;
    }
  }
  return error("element type " + typeName(element) +
               " cannot be exchanged with numpy");
}

llvm::Expected<TensorSpec> abi::tensorSpec(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return error("type " + typeName(type) + " is not a ranked tensor");
  llvm::Expected<npy::DType> dtype = dtypeOf(tensor.getElementType());
  if (!dtype)
    return dtype.takeError();
  TensorSpec spec{*dtype, SmallVector<int64_t>(tensor.getShape()),
                  typeName(type)};
  Type element = tensor.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    element = q.getStorageType();
  if (element.isInteger() && element.getIntOrFloatBitWidth() < 8)
    spec.subByteBits = element.getIntOrFloatBitWidth();
  return spec;
}

llvm::Expected<FunctionType> abi::entrySignature(ModuleOp module,
                                                 StringRef entry) {
  Operation *op = module.lookupSymbol(entry);
  if (!op)
    return error("no function @" + entry + " in the module");
  if (auto func = dyn_cast<func::FuncOp>(op))
    return func.getFunctionType();
  if (auto attr = op->getAttrOfType<TypeAttr>(kSignatureAttrName))
    if (auto type = dyn_cast<FunctionType>(attr.getValue()))
      return type;
  return error("@" + entry +
               " is neither a func.func nor a function lowered by "
               "qnn-lower-to-llvm (no qnn.signature)");
}

llvm::Expected<EntrySpecs> abi::entrySpecs(ModuleOp module, StringRef entry) {
  llvm::Expected<FunctionType> signature = entrySignature(module, entry);
  if (!signature)
    return signature.takeError();
  EntrySpecs specs;
  for (auto [types, out] : {std::pair(signature->getInputs(), &specs.inputs),
                            std::pair(signature->getResults(), &specs.outputs)})
    for (Type t : types) {
      llvm::Expected<TensorSpec> spec = tensorSpec(t);
      if (!spec)
        return spec.takeError();
      out->push_back(std::move(*spec));
    }
  return specs;
}

uint64_t abi::workspaceBytes(ModuleOp module, StringRef entry) {
  Operation *op = module.lookupSymbol(entry);
  if (!op)
    return 0;
  auto bytes = op->getAttrOfType<IntegerAttr>(kWorkspaceBytesAttrName);
  return bytes ? bytes.getValue().getZExtValue() : 0;
}
