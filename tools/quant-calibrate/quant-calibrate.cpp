//===- quant-calibrate.cpp - Collect calibration statistics -----*- C++ -*-===//
//
// Part of the qmlir project.
//
// quant-calibrate model.mlir --data=calib.npy [--data=...] [--method=...]
//                 -o stats.json
//
// Normalizes and instruments the model as qnn-quantize-pipeline does (so the
// ids agree), JIT-runs it on every sample and streams the statistics of every
// probed tensor into a stats file (docs/Calibration.md).
//
//===----------------------------------------------------------------------===//

#include "qmlir/ABI/ABI.h"
#include "qmlir/Calibration/Stats.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runner/Runner.h"
#include "qmlir/Tools/ToolContext.h"
#include "qmlir/Tools/ToolOptions.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::cat(toolOptions()),
                                            llvm::cl::desc("<model.mlir>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string>
    entry("entry", llvm::cl::cat(toolOptions()),
          llvm::cl::desc("Function to calibrate (default: main)"),
          llvm::cl::init("main"));
static llvm::cl::list<std::string>
    data("data", llvm::cl::cat(toolOptions()),
         llvm::cl::desc("Calibration samples: an .npy per function "
                        "argument (samples along axis 0), or one "
                        ".npz holding all of them"));
static llvm::cl::list<std::string> methods(
    "method", llvm::cl::cat(toolOptions()),
    llvm::cl::desc("Range method: minmax (default), ema, percentile[:P], "
                   "mse, kl; ID=METHOD sets it for one tensor"));
static llvm::cl::opt<std::string> output("o", llvm::cl::cat(toolOptions()),
                                         llvm::cl::desc("Stats file"),
                                         llvm::cl::Required);
static llvm::cl::opt<std::string>
    progress("progress", llvm::cl::cat(toolOptions()),
             llvm::cl::desc("auto (bar on a terminal), bar, "
                            "lines or none"),
             llvm::cl::init("auto"));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "quant-calibrate") << message << "\n";
  return 1;
}

static void printVersion(llvm::raw_ostream &os) {
  os << "qmlir " QMLIR_VERSION " (quant-calibrate)\n";
}

/// Rejects NaN and Inf in float calibration data, naming the sample.
static llvm::Error checkFinite(const npy::Array &a, size_t input) {
  if (a.dtype != npy::DType::F32)
    return llvm::Error::success();
  auto *values = reinterpret_cast<const float *>(a.data.data());
  int64_t n = a.numElements();
  int64_t perSample = a.shape.empty() || n == 0 ? 1 : n / a.shape[0];
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i]))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "calibration input " + llvm::Twine(input) +
              " has a non-finite "
              "value (" +
              (std::isnan(values[i]) ? "NaN" : "Inf") + ") in sample " +
              llvm::Twine(i / perSample));
  return llvm::Error::success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::AddExtraVersionPrinter(printVersion);
  // One by default: calibration time is mostly the JIT compiling the
  // instrumented model, which OpenMP lengthens more than threads save
  // (MobileNetV2, 16 samples: 24.5 s on one thread, 34.7 s on two).
  llvm::cl::opt<unsigned> &threads = threadsOption(/*init=*/1);
  parseToolOptions(argc, argv,
                   "qmlir calibration: statistics of every tensor of a float "
                   "model over calibration data\n");

  calibration::StatsFile stats;
  llvm::StringMap<std::string> perTensor;
  for (llvm::StringRef m : methods) {
    auto [id, method] = m.rsplit('=');
    if (method.empty())
      std::swap(id, method);
    if (llvm::Error err = calibration::Method::parse(method).takeError())
      return fail(llvm::toString(std::move(err)));
    if (id.empty())
      stats.defaultMethod = method.str();
    else
      perTensor[id] = method.str();
  }
  if (progress != "auto" && progress != "bar" && progress != "lines" &&
      progress != "none")
    return fail("--progress must be auto, bar, lines or none");
  bool bar =
      progress == "bar" ||
      (progress == "auto" && llvm::sys::Process::StandardErrIsDisplayed());

  if (llvm::Error err = calibration::StatsFile::checkWritable(output))
    return fail(llvm::toString(std::move(err)));

  ToolContext tool;
  MLIRContext &context = tool.getContext();
  llvm::Expected<OwningOpRef<ModuleOp>> module = tool.parseModel(inputFile);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  llvm::Expected<std::vector<npy::Array>> read = readArrays(data);
  if (!read)
    return fail(llvm::toString(read.takeError()));
  std::vector<npy::Array> &arrays = *read;
  for (auto [i, a] : llvm::enumerate(arrays))
    if (llvm::Error err = checkFinite(a, i))
      return fail(llvm::toString(std::move(err)));

  // The same normalization and ids as qnn-quantize-pipeline.
  PassManager pm(&context, ModuleOp::getOperationName());
  buildNormalizePipeline(pm);
  pm.addPass(qnn::createQNNInstrument());
  pm.addPass(qnn::createQNNExposeObserved());
  if (failed(pm.run(**module)))
    return fail("instrumenting the model failed");
  auto func = (*module)->lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return fail("no function @" + entry + " in the module");
  auto observed = func->getAttrOfType<ArrayAttr>(abi::kObservedAttrName);
  if (!observed)
    return fail("@" + entry + " has no float tensor to calibrate");
  size_t first = func.getNumResults() - observed.size();
  std::vector<std::string> ids;
  for (Attribute a : observed)
    ids.push_back(cast<StringAttr>(a).str());

  llvm::Expected<std::unique_ptr<CompiledFunction>> fn =
      CompiledFunction::create(**module, entry, hostKernelTarget(), threads);
  if (!fn)
    return fail(llvm::toString(fn.takeError()));

  stats.model = inputFile;
  stats.order = ids;
  for (const std::string &id : ids) {
    calibration::TensorStats &s = stats.tensors[id];
    if (auto it = perTensor.find(id); it != perTensor.end())
      s.method = it->second;
  }
  for (auto &entry : perTensor)
    if (!stats.tensors.count(entry.getKey()))
      return fail("--method names tensor '" + entry.getKey() +
                  "', which the model does not have");

  int64_t lastShown = -1, calibrated = 0;
  llvm::Error err = (*fn)->runEach(
      arrays,
      [&](int64_t s, int64_t samples,
          const std::vector<npy::Array> &results) -> llvm::Error {
        for (size_t i = first; i < results.size(); ++i) {
          // qnn-instrument probes every float type.
          std::vector<float> values = results[i].floats();
          if (llvm::any_of(values, [](float v) { return !std::isfinite(v); }))
            return llvm::createStringError(
                llvm::inconvertibleErrorCode(),
                "tensor '" + ids[i - first] + "' is not finite on sample " +
                    llvm::Twine(s) +
                    " (the float model overflows or divides by zero)");
          stats.tensors[ids[i - first]].add(values, results[i].shape);
        }
        ++calibrated;
        int64_t total = std::max<int64_t>(samples, 1), done = s + 1;
        if (bar) {
          int width = 30, filled = width * done / total;
          llvm::errs() << "\rcalibrating [" << std::string(filled, '#')
                       << std::string(width - filled, ' ') << "] " << done
                       << "/" << total;
          if (done == total)
            llvm::errs() << "\n";
        } else if (progress != "none") {
          int64_t tenth = 10 * done / total;
          if (tenth != lastShown && (tenth > lastShown || done == total)) {
            lastShown = tenth;
            llvm::errs() << "calibrated " << done << "/" << total
                         << " samples\n";
          }
        }
        return llvm::Error::success();
      });
  if (err)
    return fail(llvm::toString(std::move(err)));
  if (calibrated == 0)
    return fail("the calibration data holds no samples");
  if (llvm::Error err = stats.write(output))
    return fail(llvm::toString(std::move(err)));
  return 0;
}
