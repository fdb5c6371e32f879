//===- Passes.td - qmlir target codegen passes -------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_PASSES_TD
#define QMLIR_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def Int8KernelsPass : Pass<"qmlir-int8-kernels", "::mlir::ModuleOp"> {
  let summary = "Rewrite integer contractions into packed, register-tiled "
                "dot-product kernels for a target";
  let description = [{
    Matches the integer contractions that `convert-qnn-to-linalg` produces
    (a `linalg.generic` accumulating products of extended 8-bit storage
    values into a zero-filled `i32` tensor) whose right-hand side is a
    constant: matmuls, batched matmuls against shared weights, and grouped
    convolutions with one group (as an implicit GEMM over an im2col copy of
    the input), and depthwise convolutions whose channels are the input's
    innermost dim (NHWC): those get their own kernel, channels in vector
    lanes and the taps unrolled. Every other contraction is left for the
    generic lowering.

    The constant weights are packed at compile time into the order the
    micro-kernel reads them: column tiles of `nr` vectors, `group` adjacent
    k values per i32 lane. The kernel keeps an `mr` x `nr` tile of
    accumulators in vector registers across the whole reduction, and turns
    each step into the target's dot instruction:

    | target | instruction | operands |
    |---|---|---|
    | `x86-64-v3` | `vpmaddwd` + `vpaddd` | int8 sign/zero-extended to i16 |
    | `avx-vnni` | 256-bit `vpdpbusd` | u8 x s8 |
    | `avx512-vnni` | 512-bit `vpdpbusd` | u8 x s8 |
    | `aarch64-dotprod` | `sdot` | s8 x s8 |
    | `aarch64-i8mm` | `smmla` | s8 x s8, 2x8 by 8x2 blocks |

    Every variant is exact: `vpmaddwd` on values extended to i16 cannot
    saturate (|a b + c d| <= 2 * 255^2), `vpdpbusd` and `sdot` add into i32
    without saturation, and the operand that must change signedness is
    offset by 128 (an xor of its sign bit), with the constant 128 * column
    sums of the weights folded into the accumulator start.

    When the contraction's only user is an elementwise `linalg.generic` of
    scalar `arith`/`math` ops over the accumulator, per-column and per-row
    operands (the quantized epilogue: zero-point corrections, bias,
    requantization, clamp and narrowing), that body is applied to the
    accumulator registers before they are stored: the `i32` tensor never
    reaches memory.

    `remark-skipped` reports every integer contraction the kernels do not
    take, and why (a non-constant right-hand side, unsigned weights on an
    i8-dot target, a depthwise window over 64 taps, ...).

    `target=host` picks the widest target of the machine the pass runs on;
    `target=generic` leaves the function unchanged.
  }];
  let options = [
    Option<"target", "target", "::qmlir::KernelTarget",
           /*default=*/"::qmlir::hostKernelTarget()",
           "Kernel target (default: host, the widest this machine runs)",
           "::qmlir::KernelTargetValues()">,
    Option<"remarkSkipped", "remark-skipped", "bool", /*default=*/"false",
           "Remark on each integer contraction left to the generic "
           "lowering, with the reason">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::arm_neon::ArmNeonDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FloatKernelsPass : Pass<"qmlir-float-kernels", "::mlir::ModuleOp"> {
  let summary = "Rewrite f32 contractions with constant weights into packed, "
                "register-tiled FMA kernels for a target";
  let description = [{
    The float counterpart of `qmlir-int8-kernels`, on the same emitter:
    `linalg` contractions (named or generic) that accumulate `f32` products
    `acc + lhs * rhs` into a zero-filled `f32` tensor, with a constant
    right-hand side. Matmuls, batched matmuls against shared weights and
    convolutions with one group become an implicit GEMM over an im2col copy
    of the input; depthwise convolutions whose channels are the input's
    innermost dim get the channel-vector kernel.

    The weights are packed at compile time into column tiles of `nr`
    vectors; an `mr` x `nr` tile of `f32` accumulators stays in registers
    through the whole reduction, each step one fused multiply-add of a
    broadcast A value and a packed B vector (`vfmadd231ps` on ymm or zmm,
    `fmla` on aarch64):

    | target | vector | accumulators (mr x nr vectors) |
    |---|---|---|
    | `x86-64-v3`, `avx-vnni` | ymm, 8 f32 | 6 x 2 |
    | `avx512-vnni` | zmm, 16 f32 | 12 x 2 |
    | `aarch64-dotprod`, `aarch64-i8mm` | q, 4 f32 | 8 x 3 |

    Each output is the sum over k in increasing order, each step rounded
    once (a fused multiply-add), whatever the target: the JIT and the
    executables of every target give the same bits. The generic lowering
    rounds the product and the sum separately, so results differ from it in
    the last bits.

    An elementwise consumer of the contraction (a bias add, an activation)
    runs on the accumulator registers, as for the integer kernels.

    `remark-skipped` reports every `f32` contraction the kernels do not
    take, and why; `target=generic` leaves the module unchanged.
  }];
  let options = [
    Option<"target", "target", "::qmlir::KernelTarget",
           /*default=*/"::qmlir::hostKernelTarget()",
           "Kernel target (default: host, the widest this machine runs)",
           "::qmlir::KernelTargetValues()">,
    Option<"remarkSkipped", "remark-skipped", "bool", /*default=*/"false",
           "Remark on each f32 contraction left to the generic lowering, "
           "with the reason">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def LinalgToNHWCPass : Pass<"qmlir-linalg-to-nhwc"> {
  let summary = "Rewrite NCHW linalg convolutions and pooling into NHWC, "
                "transposes sunk until they cancel";
  let description = [{
    The float counterpart of `qnn-convert-to-nhwc` (ONNX and PyTorch models
    are NCHW; the kernels want channels innermost): on the `linalg` ops a
    model keeps in float,

    - `linalg.conv_2d_nchw_fchw` and `linalg.depthwise_conv_2d_nchw_chw`
      with a constant filter (transposed at compile time to HWCF / HWC),
      `linalg.pooling_nchw_max` and `linalg.pooling_nchw_sum` become their
      NHWC forms between a transpose of the input and one of the result
      (a zero-filled init is filled again in NHWC);
    - a transpose sinks through a `tensor.pad` of a constant value (the pad
      amounts permuted), and through a `linalg.generic` that reads it whole:
      the generic is re-indexed to read the transpose's source (every other
      operand's map composed with the renaming of the loops). An elementwise
      generic, whose other full operands must be transposed alike (bias or
      scale broadcasts may not be), produces its result in the new layout
      and passes the transpose on to its users; a generic with one input
      and reduction loops (global average pooling, a mean) keeps its
      result's layout;
    - transposes that undo each other cancel.

    Integer results do not change. A float convolution sums its products in
    its NHWC loop order, (kh, kw, c) instead of (c, kh, kw), which can change
    the last bits of a result; every other op computes each output from the
    same values in the same order. Convolutions whose filter is not a
    constant keep NCHW.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ParallelizePass : Pass<"qmlir-parallelize", "::mlir::ModuleOp"> {
  let summary = "Run the outermost parallel loop of each kernel and of each "
                "large linalg op as an OpenMP worksharing loop";
  let description = [{
    Runs on bufferized code, before the remaining linalg ops become loops.

    - The kernels of `qmlir-int8-kernels` and `qmlir-float-kernels` mark the
      loops whose iterations write disjoint output tiles
      (`qmlir.parallel_tiles`): row blocks, column tiles, the pixels and
      channel blocks of a depthwise kernel.
    - A linalg op of the function body (elementwise steps, im2col and
      padding copies, pooling, transposes, ...) with at least
      `min-iterations` iterations is lowered to loops here, and its
      outermost loop with more than one iteration is marked the same way
      when it runs over a parallel dimension.

    The outermost marked loop of each nest, once it carries nothing but the
    buffers it writes through, becomes an `omp.wsloop` over the same range
    in an `omp.parallel` region of its own (libomp's static schedule: each
    thread takes one contiguous block of iterations); the loops inside it
    stay sequential. Each parallel region moves into an internal function of
    its own (`<function>_parallel`, numbered), called in its place: LLVM's
    OpenMP lowering analyzes the whole enclosing function once per region,
    which is quadratic when one function holds a whole model.

    Each output element is computed by one iteration, exactly as before:
    results are the same bits for any number of threads.
  }];
  let options = [
    Option<"minIterations", "min-iterations", "int64_t", /*default=*/"1 << 20",
           "Linalg ops with fewer iterations stay on the calling thread: a "
           "parallel region costs microseconds, and the loops LLVM "
           "vectorizes lose speed in one">,
  ];
  let dependentDialects = [
    "::mlir::func::FuncDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::omp::OpenMPDialect", "::mlir::scf::SCFDialect",
  ];
}

def ExportABIPass : Pass<"qmlir-export-abi", "::mlir::ModuleOp"> {
  let summary = "Mark public functions as entry points of compiled code";
  let description = [{
    Gives every public `func.func` the `llvm.emit_c_interface` attribute and
    records its tensor signature as `qnn.signature`, a `FunctionType` that
    survives the lowering to the LLVM dialect. Runners (`quant-run`, the
    executables of `quant-compile`) read it to know element types, storage
    types and shapes once the function takes memref descriptors.

    The compiled ABI, after `qnn-lower-to-llvm`, is
    `void _mlir_ciface_<name>(inputs..., outputs...)`, every argument a
    pointer to a memref descriptor, results written into caller-allocated
    buffers.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Only this function (default: every public function)">,
  ];
}

def StridedCopiesToLinalgPass : Pass<"qmlir-strided-copies-to-linalg"> {
  let summary = "Rewrite strided memref.copy into linalg.copy";
  let description = [{
    The LLVM lowering turns a `memref.copy` between non-contiguous buffers
    into a call to `memrefCopy` in MLIR's runner library, which compiled
    objects do not link. This pass rewrites those copies into `linalg.copy`,
    which becomes loops; copies between contiguous buffers stay (they become
    `llvm.memcpy`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def DistinctResultsPass : Pass<"qmlir-distinct-results", "::mlir::ModuleOp"> {
  let summary = "Give every result of an exported function its own buffer";
  let description = [{
    Copies a buffer that a function marked by `qmlir-export-abi` returns
    more than once into a fresh one, so that each result has a buffer of
    its own when `buffer-results-to-out-params` makes results
    caller-provided (upstream's hoisting of static allocations cannot take
    a buffer that fills two results). Runs after bufferization: a value
    becomes a repeated result late, when canonicalization folds an op away
    (`x * 1`, an identity reshape).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ExpandFloatOpsPass : Pass<"qmlir-expand-float-ops"> {
  let summary = "Decompose aggregated linalg ops and approximate math functions";
  let description = [{
    Brings the float ops a model keeps (outside quantized regions, or in a
    float model) to what every code path lowers: linalg ops with an
    aggregated form (`linalg.softmax`) become their generic reductions and
    elementwise steps, and the math functions (`exp`, `log`, `tanh`, `erf`,
    `sin`, ...) become upstream's polynomial approximations, computed in f32
    (f16 and bf16 are extended to f32 around them).

    Compiled code then calls no libm function: executables link without it,
    and the JIT and the executables of every target give the same bits.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FuseElementwisePass : Pass<"qmlir-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops, never into a reduction";
  let description = [{
    Upstream's elementwise fusion (`linalg-fuse-elementwise-ops`: producer
    into consumer when the producer has one use, reshapes folded by
    expansion, constant folding, the canonicalizations it relies on), except
    that a producer is not fused into a consumer with reduction loops. There
    it would be recomputed at every reduction step: a GELU or a quantize
    step fused into a matmul runs N times per element instead of once.
    Producers still fuse into elementwise consumers, and quantized
    epilogues into the kernels that produce their accumulators
    (`qmlir-int8-kernels`).
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def PlanMemoryPass : Pass<"qmlir-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place the intermediate buffers of public functions in one "
                "statically planned workspace";
  let description = [{
    Runs on bufferized code, before deallocations are inserted. In every
    public function with a body, the `memref.alloc`s of its entry block that
    have a static shape and an identity layout get an offset in one byte
    buffer, the workspace, and become `memref.view`s of it: no allocation
    is left on the call path for them.

    A buffer lives from its allocation to the last use of any of its
    aliases (views, loop-carried values, anything upstream's buffer view
    flow analysis relates to it), counted in the ops of the entry block, so
    a use inside a loop keeps it live for the whole loop. Two buffers whose
    lives overlap never share a byte; the rest reuse each other's space.
    Offsets are chosen greedily by size, largest first, each at the lowest
    `alignment`-aligned offset free over its whole life (the strategy of
    TFLite's arena planner). Buffers that a function returns or
    deallocates itself keep their allocation.

    A function `@f` with planned buffers becomes two:

    - `@f_workspace`, the body, taking the workspace as one more argument,
      a `memref<Nxi8>` (N bytes, `qnn.workspace_bytes` on both functions).
      Concurrent calls each need their own workspace;
    - `@f` with the original signature, which calls it with a workspace
      that lives in the module (`memref.global`, uninitialized: the
      object's .bss), allocated once at load time. It is not reentrant.

    Both keep `llvm.emit_c_interface` when `@f` had it.
  }];
  let options = [
    Option<"alignment", "alignment", "unsigned", /*default=*/"64",
           "Alignment of every buffer's offset, and of the module's "
           "workspace, in bytes (a power of two)">,
  ];
  let statistics = [
    Statistic<"numPlanned", "buffers-planned",
              "Allocations placed in a workspace">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
  ];
}

#endif // QMLIR_CODEGEN_PASSES_TD
