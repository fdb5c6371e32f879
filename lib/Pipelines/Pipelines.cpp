//===- Pipelines.cpp - qmlir pass pipelines ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Pipelines/Pipelines.h"

#include "qmlir/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace qmlir;

qnn::QNNQuantizeOptions QuantizeOptions::quantizeOptions() const {
  qnn::QNNQuantizeOptions options;
  options.statsFile = stats;
  options.method = method;
  options.activationScheme = activationScheme;
  options.activationType = activationType;
  options.weightGranularity = weightGranularity;
  options.rounding = rounding;
  options.skip.assign(skip.begin(), skip.end());
  options.strict = strict;
  options.observe = observe;
  options.biasCorrection = biasCorrection;
  return options;
}

/// TOSA to linalg, tensor and arith, on each function.
static void addTosaToLinalgPasses(OpPassManager &func) {
  func.addPass(tosa::createTosaOptionalDecompositionsPass());
  func.addPass(tosa::createTosaInferShapesPass());
  func.addPass(tosa::createTosaToLinalgNamed());
  func.addPass(tosa::createTosaToLinalg());
  func.addPass(createTosaToTensorPass());
  func.addPass(createTosaToArithPass());
}

void qmlir::buildNormalizePipeline(OpPassManager &pm) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(qnn::createQNNFakeQuantFromQDQ());
  addTosaToLinalgPasses(func);
  pm.addPass(createCanonicalizerPass());
}

void qmlir::buildQuantizePipeline(OpPassManager &pm,
                                  const QuantizeOptions &options) {
  buildNormalizePipeline(pm);
  pm.addPass(qnn::createQNNInstrument());
  pm.addPass(qnn::createQNNQuantize(options.quantizeOptions()));
  pm.addPass(createCanonicalizerPass());
}

void qmlir::buildLowerToLLVMPipeline(OpPassManager &pm,
                                     const LowerToLLVMOptions &options) {
  pm.addPass(createExportABIPass(ExportABIPassOptions{options.entry}));
  // Neither folds: upstream folds dcast(qcast(x)) to x, which drops the
  // rounding and clamping the pair stands for.
  pm.addNestedPass<func::FuncOp>(qnn::createQNNConvertToNHWC());
  pm.addPass(createConvertQNNToLinalg());
  addTosaToLinalgPasses(pm.nest<func::FuncOp>());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createExpandFloatOpsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createLinalgToNHWCPass());
  pm.addPass(createInt8KernelsPass(Int8KernelsPassOptions{options.target}));
  pm.addPass(createFloatKernelsPass(FloatKernelsPassOptions{options.target}));
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createDistinctResultsPass());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferLoopHoistingPass());
  pm.addPass(createPlanMemoryPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createStridedCopiesToLinalgPass());
  if (options.parallel)
    pm.addPass(createParallelizePass());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  if (options.parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void qmlir::registerQMLIRPipelines() {
  PassPipelineRegistration<>(
      "qnn-normalize-pipeline",
      "TOSA to linalg and QDQ pairs to qnn.fake_quant: the model "
      "quant-calibrate and qnn-quantize-pipeline instrument",
      buildNormalizePipeline);
  PassPipelineRegistration<QuantizeOptions>(
      "qnn-quantize-pipeline",
      "Quantize a float linalg or TOSA model into qnn from calibration "
      "statistics (or QAT fake_quant ranges)",
      buildQuantizePipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "qnn-lower-to-llvm",
      "Lower float, qnn or integer modules to the LLVM dialect, int8 "
      "contractions as kernels for `target`",
      buildLowerToLLVMPipeline);
}
