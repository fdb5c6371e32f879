# -*- Python -*-

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QMLIR"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qmlir_obj_root, "test")
# Fuzz holds fuzzer inputs (replayed by scripts/fuzz.sh), not tests.
config.excludes = ["Inputs", "Fuzz", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
# Debian's interpreter (with numpy); the first python3 on PATH may lack it.
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%qmlir_src", config.qmlir_src_root))
config.substitutions.append(("%qmlir_bin", config.qmlir_tools_dir))
config.substitutions.append(("%qmlir_obj", config.qmlir_obj_root))
config.substitutions.append(("%qmlir_version", config.qmlir_version))
config.substitutions.append(("%llvm_version", config.llvm_version))

llvm_config.with_system_environment(
    ["HOME", "INCLUDE", "LIB", "TMP", "TEMP", "ASAN_OPTIONS", "UBSAN_OPTIONS"])
llvm_config.with_environment("PYTHONPATH", os.path.join(config.qmlir_src_root, "python"), append_path=True)
llvm_config.with_environment("PATH", config.qmlir_tools_dir, append_path=True)
config.environment["QMLIR_BIN"] = config.qmlir_tools_dir
# Tests run side by side: compiled code uses one OpenMP thread unless a test
# asks for more (--threads=N), rather than all cores each.
config.environment["OMP_NUM_THREADS"] = "1"
# FileCheck, not, count: Debian keeps them outside the default PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()

tool_dirs = [config.qmlir_tools_dir, config.llvm_tools_dir]
tools = ["quant-opt", "quant-run", "quant-calibrate", "quant-compile", "qmlir-lsp-server",
         "qmlir-capi-test"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Headless Chromium renders quant-report's HTML (scripts/install-deps.sh
# installs it).
if shutil.which("chromium"):
    config.available_features.add("chromium")

# PyTorch and torchvision build the model zoo (test/Integration/Zoo).
if subprocess.run([config.python_executable, "-c", "import torch, torchvision"],
                  capture_output=True).returncode == 0:
    config.available_features.add("torch")

# The int8 kernel targets this host runs natively (test/Codegen).
try:
    with open("/proc/cpuinfo") as f:
        flags = set(next(l for l in f if l.startswith("flags")).split())
except (OSError, StopIteration):
    flags = set()
if "avx2" in flags:
    config.available_features.add("host-avx2")
if {"avx512_vnni", "avx512bw", "avx512vl"} <= flags:
    config.available_features.add("host-avx512vnni")
if "avx_vnni" in flags or {"avx512_vnni", "avx512vl"} <= flags:
    config.available_features.add("host-avxvnni")
