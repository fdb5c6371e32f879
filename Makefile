# The two entry points a new user needs: `make demo` and `make check`.
# Both install missing Debian packages (as root), configure build/ and build.

BUILD ?= build
LLVM_PREFIX ?= /usr/lib/llvm-22

.PHONY: all deps build check demo doc clean diff-long fuzz check-sanitizers bench bench-calibration bench-models

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	$(CONFIGURE) -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

CONFIGURE = cmake -G Ninja -S . \
	  -DCMAKE_C_COMPILER=$(LLVM_PREFIX)/bin/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM_PREFIX)/bin/clang++ \
	  -DLLVM_USE_LINKER=lld \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

check: build
	scripts/check.sh $(BUILD)

demo: build
	examples/demo.sh $(BUILD)

# int8 matmul against oneDNN, OpenBLAS and the fp32 path (docs/Codegen.md).
# BENCH_KERNEL_TARGET=x86-64-v3 with DNNL_MAX_CPU_ISA=AVX2 compares the AVX2
# kernels on a wider machine.
BENCH_FLAGS ?= --benchmark_min_time=0.5
BENCH_KERNEL_TARGET ?=
# Threads of every party in bench and bench-models.
BENCH_THREADS ?= 1
bench: build
	cmake -DQMLIR_BENCH_KERNEL_TARGET=$(BENCH_KERNEL_TARGET) $(BUILD) >/dev/null
	ninja -C $(BUILD) qmlir-bench
	OMP_NUM_THREADS=$(BENCH_THREADS) /usr/bin/python3 bench/report.py $(BUILD)/bench/qmlir-bench $(BENCH_FLAGS)

# Whole models (torchvision CNNs, a transformer encoder) by the documented
# flow against PyTorch fp32 and int8 (onednn engine: Debian's torch has no
# fbgemm) and ONNX Runtime fp32 and QDQ int8, BENCH_THREADS threads for
# every party (docs/Codegen.md); needs python3-torch, python3-torchvision
# and npm. BENCH_MODELS=...,resnet50 widens it (any torchvision model name).
BENCH_MODELS ?= resnet18,mobilenet_v2,mobilenet_v3_small,transformer_encoder
ORT_NODE = $(BUILD)/npm/node_modules/onnxruntime-node
bench-models: build $(ORT_NODE)
	/usr/bin/python3 bench/models.py $(BUILD) $(BUILD)/bench-models --models $(BENCH_MODELS) \
	  --threads $(BENCH_THREADS) --ort $(BUILD)/npm/node_modules

# ONNX Runtime's CPU provider for bench-models; its install script fetches
# GPU parts and fails, the CPU binaries are in the package.
$(ORT_NODE):
	npm install --ignore-scripts --no-audit --no-fund --prefix $(BUILD)/npm onnxruntime-node

# Output SQNR of every range method on torchvision ResNet-18 and MobileNetV2
# (docs/Calibration.md); needs python3-torch and python3-torchvision.
bench-calibration: build
	/usr/bin/python3 bench/calibration_methods.py $(BUILD) $(BUILD)/bench-calibration

# Differential testing at length: SEEDS seeds of 10 x 20 random qnn graphs
# and 20 random float models each; a failure prints its seed and keeps the
# module under build/diff-long.
SEEDS ?= 20
diff-long: build
	@for seed in $$(seq 100 $$((99 + $(SEEDS)))); do \
	  PYTHONPATH=python /usr/bin/python3 test/Integration/Differential/random_graphs.py \
	    --seed $$seed --work $(BUILD)/diff-long/$$seed --quant-run $(BUILD)/bin/quant-run \
	    --quant-compile $(BUILD)/bin/quant-compile --aot x86_64-linux-gnu,aarch64-linux-gnu || exit 1; \
	  PYTHONPATH=python QMLIR_BIN=$(BUILD)/bin PATH=$(BUILD)/bin:$$PATH \
	    /usr/bin/python3 test/Integration/Differential/random_float_models.py --seed $$seed --models 20 \
	    --work $(BUILD)/diff-long/float-$$seed --aot x86_64-linux-gnu,aarch64-linux-gnu || exit 1; \
	done

# libFuzzer targets (parse + verify + pipelines, .npy/.npz, stats files),
# FUZZ_SECONDS each, in build-fuzz with AddressSanitizer; FUZZ_RUNS=N runs
# a fixed, seeded number of inputs instead (CI).
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
fuzz: deps
	$(CONFIGURE) -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DQMLIR_BUILD_FUZZERS=ON -DQMLIR_BUILD_BENCH=OFF -DLLVM_USE_SANITIZER=Address \
	  -DLLVM_USE_SANITIZE_COVERAGE=On >/dev/null
	ninja -C build-fuzz quant-opt-fuzzer npy-fuzzer stats-fuzzer
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_RUNS)

# The whole test suite with AddressSanitizer and UndefinedBehaviorSanitizer
# on qmlir's code, in build-sanitizers. User poisoning is off because LLVM's
# header-only allocators poison memory from instrumented code that the
# uninstrumented libMLIR.so then uses (false reports); leak checking is off
# because LLVM keeps global state alive on purpose. LLVM_UBSAN_FLAGS is set
# by LLVM's own build, not exported: without it UBSan would be off (vptr
# needs RTTI, which LLVM builds without).
check-sanitizers: deps
	$(CONFIGURE) -B build-sanitizers -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DLLVM_USE_SANITIZER="Address;Undefined" -DQMLIR_BUILD_BENCH=OFF \
	  -DLLVM_UBSAN_FLAGS="-fsanitize=undefined -fno-sanitize=vptr,function -fno-sanitize-recover=all" \
	  >/dev/null
	ninja -C build-sanitizers
	ASAN_OPTIONS=allow_user_poisoning=0:detect_leaks=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  scripts/check.sh build-sanitizers

doc: $(BUILD)/build.ninja
	ninja -C $(BUILD) qmlir-doc

clean:
	rm -rf $(BUILD)
