# The two entry points a new user needs: `make demo` and `make check`.
# Both install missing Debian packages (as root), configure build/ and build.

BUILD ?= build
LLVM_PREFIX ?= /usr/lib/llvm-22

.PHONY: all deps build check demo doc clean diff-long fuzz check-sanitizers

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

# Differential testing at length: SEEDS seeds of 10 x 20 random graphs each;
# a failure prints its seed and keeps the module under build/diff-long.
SEEDS ?= 20
diff-long: build
	@for seed in $$(seq 100 $$((99 + $(SEEDS)))); do \
	  PYTHONPATH=python /usr/bin/python3 test/Integration/Differential/random_graphs.py \
	    --seed $$seed --work $(BUILD)/diff-long/$$seed --quant-run $(BUILD)/bin/quant-run || exit 1; \
	done

# libFuzzer targets (parse + verify + pipelines, .npy/.npz, stats files),
# FUZZ_SECONDS each, in build-fuzz with AddressSanitizer.
FUZZ_SECONDS ?= 60
fuzz: deps
	$(CONFIGURE) -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DQMLIR_BUILD_FUZZERS=ON -DLLVM_USE_SANITIZER=Address \
	  -DLLVM_USE_SANITIZE_COVERAGE=On >/dev/null
	ninja -C build-fuzz quant-opt-fuzzer npy-fuzzer stats-fuzzer
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

# The whole test suite with AddressSanitizer and UndefinedBehaviorSanitizer
# on qmlir's code, in build-sanitizers.
check-sanitizers: deps
	$(CONFIGURE) -B build-sanitizers -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DLLVM_USE_SANITIZER="Address;Undefined" >/dev/null
	ninja -C build-sanitizers
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 scripts/check.sh build-sanitizers

doc: $(BUILD)/build.ninja
	ninja -C $(BUILD) qmlir-doc

clean:
	rm -rf $(BUILD)
