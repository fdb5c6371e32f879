//===- Passes.td - qnn transformation passes ---------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QNNFakeQuantFromQDQ : Pass<"qnn-fake-quant-from-qdq", "::mlir::func::FuncOp"> {
  let summary = "Turn quant.qcast/quant.dcast pairs into qnn.fake_quant";
  let description = [{
    A `quant.dcast(quant.qcast(x))` pair is how quantization-aware models and
    QDQ exporters mark a tensor's parameters. This pass rewrites each
    `quant.dcast` of a `quant.qcast` into `qnn.fake_quant {qtype}` on the
    qcast's input (the qcast stays if something else uses it), which keeps
    the pair's rounding and clamping, and its parameters, through
    canonicalization (upstream folds the pair to its input) and is what
    `qnn-quantize` reads them from.
  }];
  let dependentDialects = ["::qmlir::qnn::QNNDialect"];
}

def QNNInstrument : Pass<"qnn-instrument", "::mlir::ModuleOp"> {
  let summary = "Put a qnn.observe on every tensor that needs parameters";
  let description = [{
    Inserts `qnn.observe` after every float or quantized tensor that depends
    on a function argument: the arguments of public functions and the
    results of ops computing from them (constants and values derived only
    from constants are weights, quantized from their data instead).
    Quantized tensors are observed dequantized, so a quantized model can be
    calibrated or compared with its float version like a float one;
    `quant.dcast` results (a float copy of an observed value) and values
    that already have a probe are not observed again. Results of
    `tensor.pad` are not observed: their padding is a constant (max pooling
    pads with -inf), and the quantizer gives a pad its source's parameters
    or folds it into the convolution or pooling that reads it.

    Ids come from locations, so they stay stable across runs of the same
    model: a name location `loc("conv1")` gives `conv1`, a file location
    `model.mlir:12:5`, an argument `main.arg0`; `:N` names result N of a
    multi-result op and `#K` the K-th later value with the same name (a TOSA
    op lowers to several linalg ops sharing its location).
  }];
  let dependentDialects = ["::qmlir::qnn::QNNDialect"];
}

def QNNExposeObserved : Pass<"qnn-expose-observed", "::mlir::ModuleOp"> {
  let summary = "Return every observed tensor from its function";
  let description = [{
    Replaces each `qnn.observe` by its operand and appends that operand
    (dequantized by a `quant.dcast` when it is quantized) to the function's
    results, recording the ids in order as the `qnn.observed` string array
    on the function. `quant-calibrate` runs the result to collect
    statistics with the ordinary runner.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
}

def QNNFeedObserved : Pass<"qnn-feed-observed", "::mlir::ModuleOp"> {
  let summary = "Feed the users of every observed tensor from a new argument";
  let description = [{
    Cuts each function at its probes: the users of every observed value
    (other than its probe, and other than a function argument) read a new
    function argument of the value's expressed type instead, quantized with
    the value's parameters by a `quant.qcast` when the value is quantized.
    The new arguments come after the old ones, their ids in order in the
    `qnn.fed` string array on the function.

    Given the float model's values of the same ids, each op then computes
    from exact inputs, and its probe measures the error it adds on its own
    rather than the error accumulated up to it (`quant-report`).
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
}

def QNNQuantize : Pass<"qnn-quantize", "::mlir::ModuleOp"> {
  let summary = "Rewrite float linalg ops into qnn ops from calibrated ranges";
  let description = [{
    Reads the id of every value from its `qnn.observe` (run `qnn-instrument`
    first), the statistics from `stats`, and rewrites float ops into qnn ops:

    - contractions (`linalg.matmul` including transposed `indexing_maps`,
      `batch_matmul`, `conv_2d_nchw_fchw`, `conv_2d_nhwc_hwcf`,
      `conv_2d_nhwc_fhwc`, depthwise convolutions, and generic contractions
      of `[B..., M, K]` activations with 2-D weights) with constant weights,
      folding a zero `tensor.pad` into the padding, a bias (an `outs`
      broadcast or a following add) and BatchNorm written as elementwise
      per-channel add/sub/mul/div into the weights and bias; weights are
      quantized at compile time (symmetric, narrow range, per channel by
      default), the bias to i32 at input scale x weight scale;
    - ReLU and clamps after an op fuse into its output range (a `qnn.clamp`
      that usually folds away), also across reshapes;
    - products of two activations (`[B..., M, K] x [B..., K, N]`, attention)
      become `qnn.matmul` with two per-tensor operands;
    - unary functions of a quantized value (an elementwise op of one
      activation whose body is arith/math arithmetic on it and constants:
      sigmoid, tanh, GELU, hard-swish, ...; a chain of them through single
      uses is composed) become one `qnn.table` computed at compile time;
    - elementwise add and mul of activations (one of them possibly read
      through a broadcast, copied to full size on its stored integers), max
      pooling, zero padding and insertion into zeros (on stored integers,
      with the zero point), and layout ops
      (`tensor.expand_shape`, `tensor.collapse_shape`, `linalg.transpose`)
      and `tensor.concat`; layout ops and max pooling keep their input's
      parameters;
    - `qnn.fake_quant` (quantization-aware training) gives the parameters of
      the value it follows, weights included, with no statistics needed.

    Values enter with `quant.qcast` and leave with `quant.dcast` only where a
    float op or a function result needs them. Ops that cannot be quantized
    stay in float with a remark, or fail the pass with `strict`.
  }];
  let options = [
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Statistics written by quant-calibrate">,
    Option<"method", "method", "std::string", /*default=*/"\"\"",
           "Range method for every tensor (minmax, ema, percentile[:P], mse, "
           "kl); default: the stats file's choice">,
    Option<"activationScheme", "activation-scheme",
           "::qmlir::qnn::ActivationScheme",
           /*default=*/"::qmlir::qnn::ActivationScheme::Asymmetric",
           "How ranges become activation parameters: asymmetric "
           "(zero point from the range) or symmetric",
           "::qmlir::qnn::activationSchemeValues()">,
    Option<"activationType", "activation-type", "::qmlir::qnn::ActivationType",
           /*default=*/"::qmlir::qnn::ActivationType::I8",
           "Activation storage: i8 or u8",
           "::qmlir::qnn::activationTypeValues()">,
    Option<"weightGranularity", "weight-granularity",
           "::qmlir::qnn::WeightGranularity",
           /*default=*/"::qmlir::qnn::WeightGranularity::PerChannel",
           "Scales of quantized weights: per-channel or per-tensor",
           "::qmlir::qnn::weightGranularityValues()">,
    Option<"rounding", "rounding", "::qmlir::qnn::RoundingMode",
           /*default=*/"::qmlir::qnn::RoundingMode::FixedPoint",
           "Rounding mode of the qnn ops: fixedpoint or fp32",
           "::qmlir::qnn::roundingModeValues()">,
    ListOption<"skip", "skip", "std::string",
               "Ids (or location names) of ops to keep in float">,
    Option<"strict", "strict", "bool", /*default=*/"false",
           "Fail instead of leaving an unquantizable op in float">,
    Option<"observe", "observe", "bool", /*default=*/"false",
           "Keep the probes: every observed tensor stays observed under its "
           "id, through its quantized twin (dequantized) when it has one">,
    Option<"biasCorrection", "bias-correction", "bool", /*default=*/"false",
           "Subtract the weights' mean quantization error on the calibration "
           "data (the input's channel means in the stats file) from each "
           "contraction's bias">,
  ];
  // Shown by -mlir-pass-statistics where LLVM keeps statistics (assertion
  // builds, LLVM_FORCE_ENABLE_STATS); Debian's release LLVM compiles them out.
  let statistics = [
    Statistic<"numReplaced", "ops-quantized",
              "Float ops replaced by qnn ops or folded into them">,
    Statistic<"numKeptInFloat", "ops-kept-in-float",
              "Ops left in float, each with a remark">,
  ];
  let dependentDialects = [
    "::qmlir::qnn::QNNDialect", "::mlir::quant::QuantDialect",
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

def QNNConvertToNHWC : Pass<"qnn-convert-to-nhwc", "::mlir::func::FuncOp"> {
  let summary = "Run NCHW convolutions and pooling in NHWC, transposing only "
                "at the edges";
  let description = [{
    ONNX and PyTorch models are NCHW. Their convolutions gather the im2col
    operand three elements at a time (one filter row) from strided
    positions, and NCHW depthwise convolutions have no kernel; in NHWC each
    gather is a run of contiguous channels, and depthwise channels fill the
    vector lanes (docs/Codegen.md).

    Every `qnn.conv2d` with `layout = nchw` whose filter is a constant
    (`quant.scast` of `arith.constant`) and every NCHW `qnn.max_pool2d` and
    `qnn.avg_pool2d` becomes its NHWC form between two `linalg.transpose`s
    (the filter constant is transposed FCHW -> HWCF at compile time, its
    per-channel axis moved with it). Transposes then sink through the
    elementwise ops whose operands are all transposed the same way
    (`qnn.add`, `qnn.mul`, `qnn.requantize`, `qnn.clamp`, `qnn.table`, and
    `qnn.concat` along the dimension the transpose moved; a broadcast
    operand of an elementwise op is rebuilt to read its source in the
    untransposed order), and a transpose
    of a transpose that restores the order disappears: between two
    convolutions, through residual additions, nothing is transposed; what
    is left is at the model's inputs and outputs.

    Integer results do not depend on the layout: the rewritten function
    computes the same bits. No other folding happens here (in particular
    not of `quant.dcast(quant.qcast(x))`, whose rounding must survive until
    `convert-qnn-to-linalg`).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::quant::QuantDialect", "::mlir::tensor::TensorDialect",
  ];
}

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
