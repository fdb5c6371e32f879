#!/usr/bin/env bash
# Installs the Debian 12 packages qmlir needs. As root it runs apt-get; as
# another user it names the missing packages and exits non-zero.
set -euo pipefail

packages=(
  # LLVM/MLIR 22, the one pinned toolchain (see ../shared/TOOLCHAIN.md).
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  # LLVM's OpenMP runtime: the kernels' threads (JIT and x86_64 executables).
  libomp-22-dev
  # Build; clang's runtimes for the sanitizer and fuzzer builds.
  cmake ninja-build ccache libclang-rt-22-dev
  # aarch64: cross toolchain and user-mode emulation for compiled models.
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  # Python side: tests, reference implementations, ONNX front end and its
  # conformance data.
  python3 python3-numpy python3-pytest python3-onnx libonnx-testdata
  # The package installed with pip into a venv (test/python/pip-install.test).
  python3-pip python3-venv python3-setuptools
  # The model zoo of the tests (test/Integration/Zoo) and the benchmarks'
  # PyTorch peer.
  python3-torch python3-torchvision
  # quant-report's HTML page is rendered in headless Chromium by a test.
  chromium
  # bench/: Google Benchmark and the peers measured side by side.
  libbenchmark-dev libdnnl-dev libopenblas-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "error: missing Debian packages: ${missing[*]}" >&2
  echo "       install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
