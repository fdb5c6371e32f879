//===- Runner.cpp - JIT-compile and run a model function --------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runner/Runner.h"

#include "qmlir/Pipelines/Pipelines.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace qmlir;
using abi::TensorSpec;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

CompiledFunction::~CompiledFunction() = default;

void CompiledFunction::widenSubByte(std::vector<npy::Array> &outputs) const {
  // Compiled code stores an i4 in the low bits of its byte; widen it so the
  // byte holds the value.
  for (auto [out, spec] : llvm::zip_equal(outputs, outputSpecs)) {
    if (!spec.subByteBits)
      continue;
    unsigned shift = 8 - spec.subByteBits;
    bool isSigned = spec.dtype == npy::DType::I8;
    for (char &byte : out.data) {
      auto u = static_cast<uint8_t>(byte << shift);
      byte = isSigned ? static_cast<char>(static_cast<int8_t>(u) >> shift)
                      : static_cast<char>(u >> shift);
    }
  }
}

llvm::Expected<std::unique_ptr<CompiledFunction>>
CompiledFunction::create(ModuleOp module, StringRef entry,
                         KernelTarget kernelTarget, unsigned threads) {
  llvm::Expected<abi::EntrySpecs> specs = abi::entrySpecs(module, entry);
  if (!specs)
    return specs.takeError();
  for (auto [i, spec] : llvm::enumerate(specs->outputs))
    if (llvm::any_of(spec.shape, ShapedType::isDynamic))
      return error("result " + llvm::Twine(i) + " has dynamic shape " +
                   spec.typeName + "; results must have static shapes");
  std::unique_ptr<CompiledFunction> fn(new CompiledFunction);
  fn->inputSpecs = std::move(specs->inputs);
  fn->outputSpecs = std::move(specs->outputs);

  // The JIT runs here: kernels for another machine would die of SIGILL.
  if (!canRun(kernelTarget, llvm::sys::getProcessTriple(), hostFeatures()))
    return error("this machine cannot run " +
                 kernelTargetName(kernelTarget).str() +
                 " kernels (use quant-compile to build them for another)");
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  LowerToLLVMOptions options;
  options.entry = entry.str();
  options.target = kernelTarget;
  options.parallel = threads != 1;
  buildLowerToLLVMPipeline(pm, options);
  if (failed(pm.run(module)))
    return error("lowering to LLVM failed");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ExecutionEngineOptions engineOptions;
  auto transformer = makeOptimizingTransformer(
      /*optLevel=*/2, /*sizeLevel=*/0, /*targetMachine=*/nullptr);
  engineOptions.transformer = transformer;
  SmallVector<StringRef, 2> libs{QMLIR_C_RUNNER_UTILS};
  if (options.parallel) {
    std::string message;
    auto omp = llvm::sys::DynamicLibrary::getPermanentLibrary(QMLIR_OMP_LIBRARY,
                                                              &message);
    if (!omp.isValid())
      return error("cannot load the OpenMP runtime: " + message);
    // The thread count of the parallel regions this (calling) thread opens.
    if (threads > 1) {
      void *setThreads = omp.getAddressOfSymbol("omp_set_num_threads");
      if (!setThreads)
        return error(QMLIR_OMP_LIBRARY
                     " has no omp_set_num_threads: not an OpenMP runtime");
      reinterpret_cast<void (*)(int)>(setThreads)(threads);
    }
    libs.push_back(QMLIR_OMP_LIBRARY);
  }
  engineOptions.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine)
    return error("JIT compilation failed: " +
                 llvm::toString(engine.takeError()));
  fn->engine = std::move(*engine);
  fn->symbol = ("_mlir_ciface_" + entry).str();
  return fn;
}

namespace {
/// A ranked memref descriptor: allocated and aligned pointers, offset, then
/// sizes and strides, all 64-bit words.
struct Descriptor {
  SmallVector<int64_t> words;
  Descriptor(char *data, ArrayRef<int64_t> shape) {
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(0);
    words.append(shape.begin(), shape.end());
    llvm::append_range(words, computeStrides(shape));
  }
};
} // namespace

llvm::Error CompiledFunction::runEach(
    const std::vector<npy::Array> &inputs,
    llvm::function_ref<llvm::Error(int64_t, int64_t,
                                   const std::vector<npy::Array> &)>
        consume) {
  if (inputs.size() != inputSpecs.size())
    return error("the function takes " + llvm::Twine(inputSpecs.size()) +
                 " inputs, got " + llvm::Twine(inputs.size()));
  // Sample count: inputs with one extra leading dimension carry samples.
  std::optional<int64_t> samples;
  SmallVector<bool> sampled;
  for (auto [i, array, spec] : llvm::enumerate(inputs, inputSpecs)) {
    std::string what = "input " + std::to_string(i);
    if (array.dtype != spec.dtype)
      return error(what + ": dtype " + npy::name(array.dtype) +
                   " does not match " + spec.typeName + " (expects " +
                   npy::name(spec.dtype) + ")");
    bool extra = array.shape.size() == spec.shape.size() + 1;
    if (!extra && array.shape.size() != spec.shape.size())
      return error(what + ": rank " + llvm::Twine(array.shape.size()) +
                   " fits neither " + spec.typeName + " nor samples of it");
    ArrayRef<int64_t> shape = ArrayRef(array.shape).drop_front(extra ? 1 : 0);
    for (auto [d, expected] : llvm::enumerate(spec.shape))
      if (!ShapedType::isDynamic(expected) && shape[d] != expected)
        return error(what + ": shape dimension " + llvm::Twine(d) + " is " +
                     llvm::Twine(shape[d]) + ", " + spec.typeName + " needs " +
                     llvm::Twine(expected));
    sampled.push_back(extra);
    if (!extra)
      continue;
    if (samples && *samples != array.shape[0])
      return error(what + ": " + llvm::Twine(array.shape[0]) +
                   " samples, other inputs have " + llvm::Twine(*samples));
    samples = array.shape[0];
  }

  int64_t count = samples.value_or(1);
  std::vector<npy::Array> outputs;
  for (const TensorSpec &spec : outputSpecs) {
    npy::Array out;
    out.dtype = spec.dtype;
    out.shape.assign(spec.shape.begin(), spec.shape.end());
    out.data.resize(out.numElements() * npy::itemSize(spec.dtype));
    outputs.push_back(std::move(out));
  }

  for (int64_t s = 0; s < count; ++s) {
    std::vector<Descriptor> descriptors;
    for (auto [array, extra] : llvm::zip_equal(inputs, sampled)) {
      ArrayRef<int64_t> shape = ArrayRef(array.shape).drop_front(extra ? 1 : 0);
      int64_t bytes = npy::itemSize(array.dtype);
      for (int64_t d : shape)
        bytes *= d;
      // The runner never writes inputs: the ABI's inputs are read-only.
      char *data =
          const_cast<char *>(array.data.data()) + (extra ? s * bytes : 0);
      descriptors.emplace_back(data, shape);
    }
    for (auto [out, spec] : llvm::zip_equal(outputs, outputSpecs))
      descriptors.emplace_back(out.data.data(), spec.shape);
    SmallVector<void *> pointers, args;
    for (Descriptor &d : descriptors)
      pointers.push_back(d.words.data());
    for (void *&p : pointers)
      args.push_back(&p);
    if (llvm::Error err = engine->invokePacked(symbol, args))
      return err;
    widenSubByte(outputs);
    if (llvm::Error err = consume(s, samples ? count : 0, outputs))
      return err;
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<npy::Array>>
CompiledFunction::run(const std::vector<npy::Array> &inputs) {
  std::vector<npy::Array> stacked;
  llvm::Error err = runEach(
      inputs,
      [&](int64_t s, int64_t samples,
          const std::vector<npy::Array> &outputs) -> llvm::Error {
        if (s == 0)
          for (const npy::Array &out : outputs) {
            npy::Array all;
            all.dtype = out.dtype;
            if (samples)
              all.shape.push_back(samples);
            all.shape.insert(all.shape.end(), out.shape.begin(),
                             out.shape.end());
            all.data.resize(out.data.size() * std::max<int64_t>(samples, 1));
            stacked.push_back(std::move(all));
          }
        for (auto [all, out] : llvm::zip_equal(stacked, outputs))
          std::copy(out.data.begin(), out.data.end(),
                    all.data.begin() + s * out.data.size());
        return llvm::Error::success();
      });
  if (err)
    return std::move(err);
  return stacked;
}
