//===- matmul_bench.cpp - matmuls against oneDNN and OpenBLAS -----------===//
//
// Part of the qmlir project.
//
// One thread: for each (M, N, K) the project's int8 matmul (qnn.matmul with
// constant weights, compiled by quant-compile for the host with its
// kernels, requantization fused), oneDNN's u8s8s32 GEMM, the project's f32
// matmul (linalg.matmul through the same pipeline, its f32 kernels),
// OpenBLAS's and oneDNN's sgemm; and a 3x3 convolution int8 and f32.
// Counter "ops" is 2 M N K per second; bench/report.py runs each benchmark
// in a process of its own and turns the JSON into the tables of
// docs/Codegen.md.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Target.h"

#include <benchmark/benchmark.h>
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace {

template <typename T> struct Memref2D {
  T *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
};

template <typename T>
Memref2D<T> view(std::vector<T> &data, int64_t rows, int64_t cols) {
  return {data.data(), data.data(), 0, {rows, cols}, {cols, 1}};
}

void setOps(benchmark::State &state, int64_t m, int64_t n, int64_t k) {
  state.counters["ops"] = benchmark::Counter(
      2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate,
      benchmark::Counter::kIs1000);
}

template <typename T> std::vector<T> randomData(size_t size, int lo, int hi) {
  std::mt19937 gen(42);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(size);
  for (T &x : v)
    x = static_cast<T>(dist(gen));
  return v;
}

/// A model compiled by quant-compile: (A, C) descriptors, B inside.
template <typename T>
void qmlirMatmul(benchmark::State &state,
                 void (*fn)(Memref2D<T> *, Memref2D<T> *), int64_t m, int64_t n,
                 int64_t k) {
  auto a = std::is_integral_v<T> ? randomData<T>(m * k, -128, 127)
                                 : randomData<T>(m * k, -3, 3);
  std::vector<T> c(m * n);
  auto in = view(a, m, k);
  auto out = view(c, m, n);
  for (auto _ : state) {
    fn(&in, &out);
    benchmark::DoNotOptimize(c.data());
  }
  setOps(state, m, n, k);
}

void onednnU8S8S32(benchmark::State &state, int64_t m, int64_t n, int64_t k) {
  auto a = randomData<uint8_t>(m * k, 0, 255);
  auto b = randomData<int8_t>(k * n, -127, 127);
  std::vector<int32_t> c(m * n);
  int32_t co = 0;
  for (auto _ : state) {
    dnnl_status_t s =
        dnnl_gemm_u8s8s32('N', 'N', 'F', m, n, k, 1.0f, a.data(), k, 0,
                          b.data(), n, 0, 0.0f, c.data(), n, &co);
    if (s != dnnl_success)
      state.SkipWithError("dnnl_gemm_u8s8s32 failed");
    benchmark::DoNotOptimize(c.data());
  }
  setOps(state, m, n, k);
}

void openblasSgemm(benchmark::State &state, int64_t m, int64_t n, int64_t k) {
  auto a = randomData<float>(m * k, -3, 3);
  auto b = randomData<float>(k * n, -3, 3);
  std::vector<float> c(m * n);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f,
                a.data(), k, b.data(), n, 0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  setOps(state, m, n, k);
}

void onednnSgemm(benchmark::State &state, int64_t m, int64_t n, int64_t k) {
  auto a = randomData<float>(m * k, -3, 3);
  auto b = randomData<float>(k * n, -3, 3);
  std::vector<float> c(m * n);
  for (auto _ : state) {
    if (dnnl_sgemm('N', 'N', m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f,
                   c.data(), n) != dnnl_success)
      state.SkipWithError("dnnl_sgemm failed");
    benchmark::DoNotOptimize(c.data());
  }
  setOps(state, m, n, k);
}

template <typename T> struct Memref4D {
  T *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
};

extern "C" void _mlir_ciface_conv_int8(Memref4D<int8_t> *, Memref4D<int8_t> *);
extern "C" void _mlir_ciface_conv_f32(Memref4D<float> *, Memref4D<float> *);

/// The 3x3 convolution (NHWC 1x56x56x64 -> 64, padding 1), im2col
/// included: the GEMM of shape 3136x64x576 as a model computes it.
template <typename T>
void qmlirConv(benchmark::State &state,
               void (*fn)(Memref4D<T> *, Memref4D<T> *)) {
  auto x = randomData<T>(56 * 56 * 64, -128, 127);
  std::vector<T> y(56 * 56 * 64);
  Memref4D<T> in{
      x.data(), x.data(), 0, {1, 56, 56, 64}, {56 * 56 * 64, 56 * 64, 64, 1}};
  Memref4D<T> out{
      y.data(), y.data(), 0, {1, 56, 56, 64}, {56 * 56 * 64, 56 * 64, 64, 1}};
  for (auto _ : state) {
    fn(&in, &out);
    benchmark::DoNotOptimize(y.data());
  }
  setOps(state, 3136, 64, 576);
}

/// One dependent add per cycle: its rate is the core clock under scalar load,
/// from which bench/report.py estimates the int8 peak.
void clockRate(benchmark::State &state) {
  constexpr int64_t chain = 1 << 24;
  for (auto _ : state) {
    int64_t x = 0;
    for (int64_t i = 0; i < chain; ++i)
      asm volatile("add $1, %0" : "+r"(x));
    benchmark::DoNotOptimize(x);
  }
  state.counters["hz"] =
      benchmark::Counter(chain, benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1000);
}

} // namespace

// The compiled models, one pair per shape (QMLIR_BENCH_SHAPES from CMake).
#define QMLIR_SHAPE(M, N, K)                                                   \
  extern "C" void _mlir_ciface_mm_int8_##M##x##N##x##K(Memref2D<int8_t> *,     \
                                                       Memref2D<int8_t> *);    \
  extern "C" void _mlir_ciface_mm_f32_##M##x##N##x##K(Memref2D<float> *,       \
                                                      Memref2D<float> *);
QMLIR_BENCH_SHAPES
#undef QMLIR_SHAPE

int main(int argc, char **argv) {
  // The same thread count for every peer: OMP_NUM_THREADS, one if unset.
  // oneDNN's libgomp reads it when loaded, before main: `make bench` sets it.
  setenv("OMP_NUM_THREADS", "1", /*overwrite=*/0);
  int threads = std::atoi(std::getenv("OMP_NUM_THREADS"));
  openblas_set_num_threads(threads);
#define QMLIR_SHAPE(M, N, K)                                                   \
  benchmark::RegisterBenchmark("qmlir_int8/" #M "x" #N "x" #K,                 \
                               qmlirMatmul<int8_t>,                            \
                               _mlir_ciface_mm_int8_##M##x##N##x##K, M, N, K); \
  benchmark::RegisterBenchmark("onednn_u8s8s32/" #M "x" #N "x" #K,             \
                               onednnU8S8S32, M, N, K);                        \
  benchmark::RegisterBenchmark("openblas_sgemm/" #M "x" #N "x" #K,             \
                               openblasSgemm, M, N, K);                        \
  benchmark::RegisterBenchmark("qmlir_f32/" #M "x" #N "x" #K,                  \
                               qmlirMatmul<float>,                             \
                               _mlir_ciface_mm_f32_##M##x##N##x##K, M, N, K);  \
  benchmark::RegisterBenchmark("onednn_sgemm/" #M "x" #N "x" #K, onednnSgemm,  \
                               M, N, K);
  QMLIR_BENCH_SHAPES
#undef QMLIR_SHAPE
  benchmark::RegisterBenchmark("qmlir_int8_conv/3136x64x576", qmlirConv<int8_t>,
                               _mlir_ciface_conv_int8);
  benchmark::RegisterBenchmark("qmlir_f32_conv/3136x64x576", qmlirConv<float>,
                               _mlir_ciface_conv_f32);
  benchmark::RegisterBenchmark("clock", clockRate);
  std::string kernels = QMLIR_BENCH_KERNEL_TARGET;
  benchmark::AddCustomContext(
      "kernel_target",
      kernels.empty() ? qmlir::kernelTargetName(qmlir::hostKernelTarget()).str()
                      : kernels);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
