//===- QNNDialect.td - qnn dialect definition --------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD
#define QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def QNN_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::qmlir::qnn";
  let summary = "Quantized neural-network operations over `!quant.uniform` tensors";
  let description = [{
    The `qnn` dialect holds the compute operations of quantized neural
    networks. Its operands and results are ranked tensors whose element types
    are the upstream `!quant.uniform` types (per-tensor or per-axis); the
    dialect defines no types of its own. Every operation has exact integer
    semantics, given in docs/Dialects/QNN.md, which the lowering to integer
    arithmetic implements bit for bit.

    Float boundaries use the upstream `quant.qcast` and `quant.dcast`.
    Layout-only operations stay upstream: `tensor.expand_shape`,
    `tensor.collapse_shape`, `tensor.reshape` and `linalg.transpose` work on
    quantized element types directly; a pad is `tensor.pad` with the zero
    point on the storage integers, between two `quant.scast`s.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def QNN_RoundingFixedPoint : I32EnumAttrCase<"FixedPoint", 0, "fixedpoint">;
def QNN_RoundingFP32 : I32EnumAttrCase<"FP32", 1, "fp32">;
def QNN_RoundingMode : I32EnumAttr<"RoundingMode",
    "how a real multiplier is applied to an integer", [
      QNN_RoundingFixedPoint, QNN_RoundingFP32]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::qmlir::qnn";
}
def QNN_RoundingModeAttr : EnumAttr<QNN_Dialect, QNN_RoundingMode, "rounding"> {
  let summary = "Rounding mode of a requantization";
  let description = [{
    `fixedpoint`: the multiplier becomes a Q31 integer and a power-of-two
    shift, applied with gemmlowp's SaturatingRoundingDoublingHighMul and
    RoundingDivideByPOT (TFLite). `fp32`: the multiplier is an f32 and the
    product is rounded half to even (XNNPACK, ONNX Runtime).
  }];
  let assemblyFormat = "$value";
}

def QNN_LayoutNCHW : I32EnumAttrCase<"NCHW", 0, "nchw">;
def QNN_LayoutNHWC : I32EnumAttrCase<"NHWC", 1, "nhwc">;
def QNN_Layout : I32EnumAttr<"Layout", "image data layout", [
      QNN_LayoutNCHW, QNN_LayoutNHWC]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::qmlir::qnn";
}
def QNN_LayoutAttr : EnumAttr<QNN_Dialect, QNN_Layout, "layout"> {
  let summary = "Image layout: `nchw` (filters FCHW) or `nhwc` (filters HWCF)";
  let assemblyFormat = "$value";
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QNN_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "!quant.uniform (per-tensor or per-axis)">;

def QNN_QuantTensor : RankedTensorOf<[QNN_UniformQuantizedType]>;

//===----------------------------------------------------------------------===//
// Base op class
//===----------------------------------------------------------------------===//

class QNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QNN_Dialect, mnemonic, traits>;

#endif // QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD
