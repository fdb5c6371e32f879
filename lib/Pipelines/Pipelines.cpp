//===- Pipelines.cpp - qmlir pass pipelines ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Pipelines/Pipelines.h"

#include "qmlir/Codegen/Passes.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void qmlir::buildNormalizePipeline(OpPassManager &pm) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(qnn::createQNNFakeQuantFromQDQ());
  func.addPass(tosa::createTosaOptionalDecompositionsPass());
  func.addPass(tosa::createTosaInferShapesPass());
  func.addPass(tosa::createTosaToLinalgNamed());
  func.addPass(tosa::createTosaToLinalg());
  func.addPass(createTosaToTensorPass());
  func.addPass(createTosaToArithPass());
  pm.addPass(createCanonicalizerPass());
}

void qmlir::buildQuantizePipeline(OpPassManager &pm,
                                  const QuantizeOptions &options) {
  buildNormalizePipeline(pm);
  pm.addPass(qnn::createQNNInstrument());
  qnn::QNNQuantizeOptions quantize;
  quantize.statsFile = options.stats;
  quantize.method = options.method;
  quantize.activationScheme = options.activationScheme;
  quantize.activationType = options.activationType;
  quantize.weightGranularity = options.weightGranularity;
  quantize.rounding = options.rounding;
  quantize.skip.assign(options.skip.begin(), options.skip.end());
  quantize.strict = options.strict;
  pm.addPass(qnn::createQNNQuantize(quantize));
  pm.addPass(createCanonicalizerPass());
}

LogicalResult
qmlir::buildLowerToLLVMPipeline(OpPassManager &pm,
                                const LowerToLLVMOptions &options) {
  std::string exportABI = "qnn-export-abi";
  if (!options.entry.empty())
    exportABI += "{entry=" + options.entry + "}";
  // Textual so that every step is a registered pass: -mlir-print-ir-after-all
  // and crash reproducers then show the whole lowering.
  std::string pipeline =
      exportABI +
      ",func.func(tosa-optional-decompositions,tosa-infer-shapes,"
      "tosa-to-linalg-named,tosa-to-linalg,tosa-to-tensor,tosa-to-arith),"
      "convert-qnn-to-linalg,func.func(convert-elementwise-to-linalg),"
      // The kernel pass reports an unknown target itself.
      "canonicalize,qnn-int8-kernels{target=" +
      options.target +
      "},canonicalize,"
      "func.func(linalg-fuse-elementwise-ops),"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "buffer-results-to-out-params{hoist-static-allocs "
      "modify-public-functions},"
      "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
      "qnn-strided-copies-to-linalg,func.func(convert-linalg-to-loops),convert-"
      "scf-to-cf,"
      "expand-strided-metadata,lower-affine,convert-math-to-llvm,"
      "convert-vector-to-llvm,finalize-memref-to-llvm,convert-to-llvm,"
      "reconcile-unrealized-casts";
  return parsePassPipeline(pipeline, pm);
}

void qmlir::registerQMLIRPipelines() {
  PassPipelineRegistration<QuantizeOptions>(
      "qnn-quantize-pipeline",
      "Quantize a float linalg or TOSA model into qnn from calibration "
      "statistics (or QAT fake_quant ranges)",
      buildQuantizePipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "qnn-lower-to-llvm",
      "Lower float, qnn or integer modules to the LLVM dialect, int8 "
      "contractions as kernels for `target`",
      [](OpPassManager &pm, const LowerToLLVMOptions &options) {
        if (failed(buildLowerToLLVMPipeline(pm, options)))
          llvm::report_fatal_error("qnn-lower-to-llvm: invalid pipeline");
      });
}

void qmlir::registerAllQMLIRPasses() {
  static bool registered = [] {
    mlir::registerAllPasses();
    registerQMLIRConversionPasses();
    registerQMLIRCodegenPasses();
    qnn::registerQNNPasses();
    registerQMLIRPipelines();
    return true;
  }();
  (void)registered;
}
