# The two entry points a new user needs: `make demo` and `make check`.
# Both install missing Debian packages (as root), configure build/ and build.

BUILD ?= build
LLVM_PREFIX ?= /usr/lib/llvm-22

.PHONY: all deps build check demo doc clean diff-long

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -G Ninja -S . -B $(BUILD) \
	  -DCMAKE_BUILD_TYPE=Release \
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

doc: $(BUILD)/build.ninja
	ninja -C $(BUILD) qmlir-doc

clean:
	rm -rf $(BUILD)
