//===- KernelEmitter.cpp - Packed contraction kernels -----------*- C++ -*-===//
//
// Part of the qmlir project.
//
// A contraction C[M][N] = sum_k A[M][K] B[K][N] with constant B becomes, on
// tensors, a loop nest over mr x (nr * lanes) output tiles whose body keeps
// the tile's accumulators in vector registers through the reduction (scf.for
// iter_args), reads B from a compile-time packed constant and A by
// broadcasting `group` adjacent k values of a row as one 32-bit lane (one
// f32 for the float kernels), and applies the fused consumer to the
// registers before one store per vector. Design notes: docs/Codegen.md.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace qmlir;

/// 1-D view of a static tensor whose non-unit dims are the ones wanted.
static Value flatten(ImplicitLocOpBuilder &b, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() == 1)
    return tensor;
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < type.getRank(); ++i)
    all[0].push_back(i);
  return tensor::CollapseShapeOp::create(b, tensor, all);
}

/// Calls an LLVM intrinsic through an always-inline llvm.func: a direct
/// llvm.call_intrinsic has unknown memory effects, which the buffer
/// deallocation pass refuses, while calls are understood (and inlined away
/// by LLVM).
namespace {

class IntrinsicCalls {
public:
  explicit IntrinsicCalls(ModuleOp module) : module(module) {}

  Value call(ImplicitLocOpBuilder &b, StringRef intrinsic, Type result,
             ValueRange args) {
    std::string name = ("__qmlir_" + intrinsic).str();
    std::replace(name.begin(), name.end(), '.', '_');
    auto func = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
    if (!func) {
      OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
      auto type =
          LLVM::LLVMFunctionType::get(result, llvm::to_vector(args.getTypes()));
      func = LLVM::LLVMFuncOp::create(mb, module.getLoc(), name, type,
                                      LLVM::Linkage::Internal);
      func.setAlwaysInline(true);
      Block *entry = func.addEntryBlock(mb);
      mb.setInsertionPointToStart(entry);
      Value r = LLVM::CallIntrinsicOp::create(mb, module.getLoc(), result,
                                              mb.getStringAttr(intrinsic),
                                              entry->getArguments())
                    .getResult(0);
      LLVM::ReturnOp::create(mb, module.getLoc(), r);
    }
    return LLVM::CallOp::create(b, func, args).getResult();
  }

private:
  ModuleOp module;
};

class KernelEmitter {
public:
  KernelEmitter(ImplicitLocOpBuilder &b, IntrinsicCalls &intrinsics,
                const Contraction &c, MicroKernel mk,
                std::optional<FusedConsumer> consumer)
      : b(b), intrinsics(intrinsics), c(c), mk(mk),
        consumer(std::move(consumer)) {}

  /// Emits the kernel; returns the value replacing the contraction (or the
  /// fused consumer) in its original shape.
  Value emit();
  /// The depthwise convolution kernel: channels in vector lanes, taps
  /// unrolled, one accumulator vector per (pixel, channel block).
  Value emitDepthwise();

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value add(Value x, int64_t v) {
    return v == 0 ? x : arith::AddIOp::create(b, x, index(v)).getResult();
  }
  Value mulAdd(Value x, int64_t s, Value y) {
    return arith::AddIOp::create(b, arith::MulIOp::create(b, x, index(s)), y);
  }

  /// An scf.for over [0, count) carrying `init`; `body(iv, carried)` builds
  /// the next values with `b` inside the loop.
  SmallVector<Value>
  loop(int64_t count, ValueRange init,
       llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body);
  /// A loop over output tiles carrying the output tensor, each iteration
  /// `work` multiply-adds. Its iterations write disjoint tiles: it is marked
  /// for qmlir-parallelize when there is enough work to share.
  Value tileLoop(int64_t count, int64_t work, Value out,
                 llvm::function_ref<Value(Value, Value)> body) {
    Value result = loop(count, ValueRange{out},
                        [&](Value iv, ValueRange iter) -> SmallVector<Value> {
                          return {body(iv, iter[0])};
                        })[0];
    // Below this, a parallel region's fork and join cost more than they save
    // (the 8 tail rows of a 128^3 matmul: 131072 multiply-adds).
    constexpr int64_t minParallelWork = 1 << 18;
    if (count * work >= minParallelWork)
      result.getDefiningOp()->setAttr(kParallelTilesAttrName, b.getUnitAttr());
    return result;
  }
  Value packA();
  Value packB();
  Value accumulatorStart();
  /// One tile: rows [i0, i0 + rows), packed vectors [0, vecs) of the column
  /// tile starting at column j0 and packed offset `base`.
  Value emitTile(Value out, Value i0, int64_t rows, Value j0, Value base,
                 int64_t vecs, bool partial);
  Value broadcastA(Value row, Value kIndex, int64_t count);
  Value loadARows(Value row0, Value row1, Value kIndex, int64_t count);
  Value dot(Value acc, Value a, Value bv);
  Value applyConsumer(Value acc, Value row, Value col, bool partial);
  Value restoreLayout(Value out);
  /// `out` ([M][padded N]) without its padding columns, contiguous.
  Value dropPadding(Value out, int64_t paddedN);
  /// The consumer's column and row operands as 1-D tensors.
  void flattenConsumerArgs() {
    if (consumer)
      for (auto [kind, tensor] : consumer->args)
        consumerArgs.push_back(kind == FusedConsumer::Acc ? Value()
                                                          : flatten(b, tensor));
  }

  ImplicitLocOpBuilder &b;
  IntrinsicCalls &intrinsics;
  const Contraction &c;
  MicroKernel mk;
  std::optional<FusedConsumer> consumer;

  Value a, packed, start;
  SmallVector<Value> consumerArgs;
  int64_t tileCols = 0, fullTiles = 0, tailVecs = 0, kGroups = 0;
  int64_t kFullGroups = 0, kTail = 0;
  int64_t tileSize(int64_t vecs) const {
    return kGroups * vecs * static_cast<int64_t>(mk.bWidth());
  }
  /// The accumulators' element type.
  Type accElement() {
    return c.isFloat() ? Type(b.getF32Type()) : Type(b.getI32Type());
  }
  /// Zero of `type`, a scalar or vector type.
  Value zero(Type type) {
    return arith::ConstantOp::create(b, b.getZeroAttr(type));
  }
};

} // namespace

/// Whether the kernel's A operand is A offset by 128 (its sign bit flipped):
/// vpdpbusd wants u8, sdot and smmla s8.
static bool flipsA(const MicroKernel &mk, const Contraction &c) {
  return mk.kind == MicroKernel::QuadU8S8 ? c.lhsSigned
                                          : mk.isQuad() && !c.lhsSigned;
}

SmallVector<Value> KernelEmitter::loop(
    int64_t count, ValueRange init,
    llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto op = scf::ForOp::create(
      b, b.getLoc(), index(0), index(count), index(1), init,
      [&](OpBuilder &nb, Location, Value iv, ValueRange iter) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        scf::YieldOp::create(b, body(iv, iter));
      });
  return llvm::to_vector_of<Value>(op.getResults());
}

/// A as a row-major [M][K] tensor of the kernel's A element type: an im2col
/// copy for convolutions, the extension to i16 for vpmaddwd, the 128 offset
/// for the i8 dot instructions (so that the kernel broadcasts straight from
/// memory).
Value KernelEmitter::packA() {
  Type elem = c.isFloat()   ? Type(b.getF32Type())
              : mk.isQuad() ? Type(b.getI8Type())
                            : Type(b.getI16Type());
  AffineMap lhsMap = c.op.getIndexingMapsArray()[0];
  auto lhsType = cast<RankedTensorType>(c.lhs().getType());
  bool plain = c.mDims.size() == 1 && c.kDims.size() == 1 &&
               lhsType.getRank() == 2 &&
               lhsMap.getResult(0) == b.getAffineDimExpr(c.mDims[0]) &&
               lhsMap.getResult(1) == b.getAffineDimExpr(c.kDims[0]);
  bool flip = flipsA(mk, c);
  if (plain && lhsType.getElementType() == elem && !flip)
    return c.lhs();
  // Loops: M dims (or one unit loop), then K dims.
  SmallVector<unsigned> mDims = c.mDims;
  unsigned numM = std::max<size_t>(mDims.size(), 1);
  SmallVector<AffineExpr> replacement(lhsMap.getNumDims(),
                                      b.getAffineConstantExpr(0));
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(mDims)) {
    replacement[d] = b.getAffineDimExpr(i);
    shape.push_back(c.ranges[d]);
  }
  if (mDims.empty())
    shape.push_back(1);
  for (auto [i, d] : llvm::enumerate(c.kDims)) {
    replacement[d] = b.getAffineDimExpr(numM + i);
    shape.push_back(c.ranges[d]);
  }
  unsigned loops = shape.size();
  AffineMap inMap = lhsMap.replaceDimsAndSymbols(replacement, {}, loops, 0);
  Value init = tensor::EmptyOp::create(b, shape, elem);
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  bool isSigned = c.lhsSigned;
  Value copy =
      linalg::GenericOp::create(
          b, init.getType(), ValueRange{c.lhs()}, ValueRange{init},
          ArrayRef<AffineMap>{inMap, b.getMultiDimIdentityMap(loops)},
          iterators,
          [&](OpBuilder &nb, Location loc, ValueRange args) {
            Value v = args[0];
            if (v.getType() != elem)
              v = isSigned
                      ? arith::ExtSIOp::create(nb, loc, elem, v).getResult()
                      : arith::ExtUIOp::create(nb, loc, elem, v).getResult();
            if (flip)
              v = arith::XOrIOp::create(
                  nb, loc, v,
                  arith::ConstantOp::create(nb, loc,
                                            nb.getIntegerAttr(elem, -128)));
            linalg::YieldOp::create(nb, loc, v);
          })
          .getResult(0);
  ReassociationIndices rows, cols;
  for (unsigned i = 0; i < loops; ++i)
    (i < numM ? rows : cols).push_back(i);
  if (loops == 2)
    return copy;
  return tensor::CollapseShapeOp::create(
      b, copy, ArrayRef<ReassociationIndices>{rows, cols});
}

/// B in kernel order: for each column tile, for each group of k, for each
/// vector of the tile, `bWidth` elements (bytes, or f32). Lane l of a
/// PairI16/Quad/F32Fma vector holds `group` consecutive k of column l; a
/// BlockS8S8 vector holds 8 k of two columns. Padding (k beyond K, columns
/// beyond N) is zero.
Value KernelEmitter::packB() {
  SmallVector<double> values;
  unsigned cols = mk.colsPerVector(), width = mk.bWidth();
  auto emitTileValues = [&](int64_t col0, int64_t vecs) {
    for (int64_t g = 0; g < kGroups; ++g)
      for (int64_t v = 0; v < vecs; ++v)
        for (unsigned e = 0; e < width; ++e) {
          // PairI16/Quad: e = lane * group + i; Block: e = col * 8 + i.
          int64_t col = col0 + v * cols + e / mk.group;
          int64_t kk = g * mk.group + e % mk.group;
          values.push_back(col < c.n && kk < c.k ? c.b(kk, col) : 0);
        }
  };
  for (int64_t t = 0; t < fullTiles; ++t)
    emitTileValues(t * tileCols, mk.nr);
  if (tailVecs)
    emitTileValues(fullTiles * tileCols, tailVecs);
  int64_t size = values.size();
  if (c.isFloat()) {
    SmallVector<float> floats(values.begin(), values.end());
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(RankedTensorType::get({size}, b.getF32Type()),
                                  ArrayRef<float>(floats)));
  }
  // Unsigned weights wrap to their bit pattern.
  SmallVector<int8_t> bytes = llvm::map_to_vector(
      values, [](double v) { return static_cast<int8_t>(int64_t(v)); });
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(RankedTensorType::get({size}, b.getI8Type()),
                                ArrayRef<int8_t>(bytes)));
}

/// The accumulators' start per output column: zero, or the correction
/// for an A offset by 128 (-128 sum_k B for vpdpbusd on signed A, +128 for
/// sdot/smmla on unsigned A).
Value KernelEmitter::accumulatorStart() {
  int64_t sign = 0;
  if (c.isFloat())
    return Value();
  if (mk.kind == MicroKernel::QuadU8S8 && c.lhsSigned)
    sign = -1;
  if ((mk.kind == MicroKernel::QuadS8S8 || mk.kind == MicroKernel::BlockS8S8) &&
      !c.lhsSigned)
    sign = 1;
  if (sign == 0)
    return Value();
  int64_t padded = fullTiles * tileCols + tailVecs * mk.colsPerVector();
  SmallVector<int32_t> start(padded, 0);
  for (int64_t j = 0; j < c.n; ++j) {
    int64_t sum = 0;
    for (int64_t kk = 0; kk < c.k; ++kk)
      sum += static_cast<int64_t>(c.b(kk, j));
    // Wraps like the i32 accumulation it corrects.
    start[j] = static_cast<int32_t>(static_cast<uint32_t>(sign * 128 * sum));
  }
  auto type = RankedTensorType::get({padded}, b.getI32Type());
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, ArrayRef<int32_t>(start)));
}

/// `count` (<= group) A values of `row` from column kIndex, zero-padded to
/// `group` and broadcast as i32 to every lane, in the kernel's A vector type
/// (an f32 A value broadcast as itself).
Value KernelEmitter::broadcastA(Value row, Value kIndex, int64_t count) {
  Type elem = cast<RankedTensorType>(a.getType()).getElementType();
  if (mk.kind == MicroKernel::F32Fma)
    return vector::BroadcastOp::create(
        b, VectorType::get({mk.lanes}, elem),
        tensor::ExtractOp::create(b, a, ValueRange{row, kIndex}));
  auto groupType = VectorType::get({mk.group}, elem);
  Value pad = arith::ConstantOp::create(b, b.getZeroAttr(elem));
  Value values = vector::TransferReadOp::create(
      b, VectorType::get({count}, elem), a, ValueRange{row, kIndex}, pad,
      ArrayRef<bool>{true});
  if (count != mk.group)
    values = vector::InsertStridedSliceOp::create(
        b, values, arith::ConstantOp::create(b, b.getZeroAttr(groupType)),
        ArrayRef<int64_t>{0}, ArrayRef<int64_t>{1});
  Type i32 = b.getI32Type();
  Value word = vector::ExtractOp::create(
      b, vector::BitCastOp::create(b, VectorType::get({1}, i32), values),
      int64_t{0});
  Value splat =
      vector::BroadcastOp::create(b, VectorType::get({mk.lanes}, i32), word);
  return vector::BitCastOp::create(
      b, VectorType::get({mk.lanes * 32 / elem.getIntOrFloatBitWidth()}, elem),
      splat);
}

/// smmla's A operand: 8 k of `row0` and 8 k of `row1` (zero-padded to 8
/// when `count` < 8).
Value KernelEmitter::loadARows(Value row0, Value row1, Value kIndex,
                               int64_t count) {
  Type i8 = b.getI8Type();
  Value pad = arith::ConstantOp::create(b, b.getZeroAttr(i8));
  Value result =
      arith::ConstantOp::create(b, b.getZeroAttr(VectorType::get({16}, i8)));
  Value rows[] = {row0, row1};
  for (auto [r, row] : llvm::enumerate(rows)) {
    Value values = vector::TransferReadOp::create(
        b, VectorType::get({count}, i8), a, ValueRange{row, kIndex}, pad,
        ArrayRef<bool>{true});
    result = vector::InsertStridedSliceOp::create(
        b, values, result, ArrayRef<int64_t>{8 * static_cast<int64_t>(r)},
        ArrayRef<int64_t>{1});
  }
  return result;
}

Value KernelEmitter::dot(Value acc, Value av, Value bv) {
  auto accType = cast<VectorType>(acc.getType());
  switch (mk.kind) {
  case MicroKernel::PairI16: {
    Value product = intrinsics.call(b, "llvm.x86.avx2.pmadd.wd", accType,
                                    ValueRange{av, bv});
    return arith::AddIOp::create(b, acc, product);
  }
  case MicroKernel::QuadU8S8:
    return intrinsics.call(b,
                           mk.lanes == 16 ? "llvm.x86.avx512.vpdpbusd.512"
                                          : "llvm.x86.avx512.vpdpbusd.256",
                           accType, ValueRange{acc, av, bv});
  case MicroKernel::QuadS8S8:
    return arm_neon::SdotOp::create(b, accType, acc, av, bv);
  case MicroKernel::BlockS8S8:
    return arm_neon::SmmlaOp::create(b, accType, acc, av, bv);
  case MicroKernel::F32Fma:
    return math::FmaOp::create(b, av, bv, acc);
  }
  llvm_unreachable("unknown micro-kernel");
}

/// Runs the consumer's body on `acc`, the lanes of output row `row` from
/// column `col` on.
Value KernelEmitter::applyConsumer(Value acc, Value row, Value col,
                                   bool partial) {
  Block &body = consumer->op.getRegion().front();
  IRMapping map;
  int64_t lanes = cast<VectorType>(acc.getType()).getNumElements();
  auto vectorOf = [&](Type t) { return VectorType::get({lanes}, t); };
  for (auto [arg, kind, tensor] :
       llvm::zip(body.getArguments(), llvm::make_first_range(consumer->args),
                 consumerArgs)) {
    Value v;
    if (kind == FusedConsumer::Acc) {
      v = acc;
    } else if (kind == FusedConsumer::Column) {
      Value pad = arith::ConstantOp::create(b, b.getZeroAttr(arg.getType()));
      v = vector::TransferReadOp::create(b, vectorOf(arg.getType()), tensor,
                                         ValueRange{col}, pad,
                                         ArrayRef<bool>{!partial});
    } else {
      Value at = kind == FusedConsumer::Row ? row : index(0);
      v = vector::BroadcastOp::create(
          b, vectorOf(arg.getType()),
          tensor::ExtractOp::create(b, tensor, ValueRange{at}));
    }
    map.map(arg, v);
  }
  // Scalars captured from outside the body are the same in every lane.
  auto captured = [&](Value v) {
    if (!map.contains(v))
      map.map(v, vector::BroadcastOp::create(b, vectorOf(v.getType()), v));
    return map.lookup(v);
  };
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto attr = cast<TypedAttr>(constant.getValue());
      map.map(constant.getResult(),
              arith::ConstantOp::create(
                  b, SplatElementsAttr::get(vectorOf(attr.getType()), attr)));
      continue;
    }
    for (Value operand : op.getOperands())
      captured(operand);
    // Elementwise ops apply lane by lane: the same op on vectors.
    Operation *clone = b.clone(op, map);
    for (OpResult result : clone->getResults())
      result.setType(vectorOf(result.getType()));
  }
  return captured(body.getTerminator()->getOperand(0));
}

Value KernelEmitter::emitTile(Value out, Value i0, int64_t rows, Value j0,
                              Value base, int64_t vecs, bool partial) {
  bool block = mk.kind == MicroKernel::BlockS8S8;
  auto accType = VectorType::get({mk.lanes}, accElement());
  // smmla accumulators cover row pairs.
  int64_t accRows = block ? (rows + 1) / 2 : rows;
  SmallVector<Value> init;
  for (int64_t r = 0; r < accRows; ++r)
    for (int64_t v = 0; v < vecs; ++v) {
      if (!start) {
        init.push_back(zero(accType));
        continue;
      }
      // Per column start; smmla's block [c00 c01 c10 c11] repeats the pair.
      Value col = add(j0, v * mk.colsPerVector());
      Value pad = zero(b.getI32Type());
      if (!block) {
        init.push_back(vector::TransferReadOp::create(
            b, accType, start, ValueRange{col}, pad, ArrayRef<bool>{true}));
        continue;
      }
      Value pair = vector::TransferReadOp::create(
          b, VectorType::get({2}, b.getI32Type()), start, ValueRange{col}, pad,
          ArrayRef<bool>{true});
      init.push_back(vector::ShuffleOp::create(b, pair, pair,
                                               ArrayRef<int64_t>{0, 1, 0, 1}));
    }

  int64_t step = vecs * mk.bWidth();
  auto accumulate = [&](Value kg, int64_t count, ValueRange accs) {
    Value kIndex = arith::MulIOp::create(b, kg, index(mk.group));
    Value offset = mulAdd(kg, step, base);
    SmallVector<Value> bv;
    Type bElem = cast<RankedTensorType>(packed.getType()).getElementType();
    for (int64_t v = 0; v < vecs; ++v) {
      Value bytes = vector::TransferReadOp::create(
          b, VectorType::get({mk.bWidth()}, bElem), packed,
          ValueRange{add(offset, v * mk.bWidth())}, zero(bElem),
          ArrayRef<bool>{true});
      if (mk.kind == MicroKernel::PairI16) {
        auto wide = VectorType::get({mk.bWidth()}, b.getI16Type());
        bytes = c.rhsSigned
                    ? arith::ExtSIOp::create(b, wide, bytes).getResult()
                    : arith::ExtUIOp::create(b, wide, bytes).getResult();
      }
      bv.push_back(bytes);
    }
    SmallVector<Value> next;
    for (int64_t r = 0; r < accRows; ++r) {
      Value row = add(i0, block ? 2 * r : r);
      Value av;
      if (block) {
        // An odd last row pairs with itself; its second half is never
        // stored.
        Value second = 2 * r + 1 < rows ? add(row, 1) : row;
        av = loadARows(row, second, kIndex, count);
      } else {
        av = broadcastA(row, kIndex, count);
      }
      for (int64_t v = 0; v < vecs; ++v)
        next.push_back(dot(accs[r * vecs + v], av, bv[v]));
    }
    return next;
  };

  SmallVector<Value> accs = init;
  if (kFullGroups > 0)
    accs = loop(kFullGroups, init, [&](Value kg, ValueRange carried) {
      return accumulate(kg, mk.group, carried);
    });
  if (kTail)
    accs = accumulate(index(kFullGroups), kTail, accs);

  for (int64_t r = 0; r < rows; ++r) {
    Value row = add(i0, r);
    for (int64_t v = 0; v < vecs; ++v) {
      bool last = partial && v == vecs - 1;
      Value acc = accs[(block ? r / 2 : r) * vecs + v];
      Value col = add(j0, v * mk.colsPerVector());
      if (block) {
        // Row r of the 2x2 block: lanes 2 (r % 2), 2 (r % 2) + 1.
        int64_t first = 2 * (r % 2);
        Value half = vector::ExtractStridedSliceOp::create(
            b, acc, ArrayRef<int64_t>{first}, ArrayRef<int64_t>{2},
            ArrayRef<int64_t>{1});
        acc = half;
      }
      Value value = acc;
      if (consumer)
        value = applyConsumer(acc, row, col, last);
      // In bounds: the output is padded to whole vectors.
      out = vector::TransferWriteOp::create(b, value, out, ValueRange{row, col},
                                            ArrayRef<bool>{true})
                .getResult();
    }
  }
  return out;
}

Value KernelEmitter::restoreLayout(Value out) {
  Operation *replaced =
      consumer ? consumer->op.getOperation() : c.op.getOperation();
  auto type = cast<RankedTensorType>(replaced->getResult(0).getType());
  AffineMap outMap = c.op.getIndexingMapsArray()[2];
  SmallVector<unsigned> order, kernelOrder;
  // Out dims before `split` form M: up to the last non-unit M dim, or the
  // leading unit dims when every M dim is a unit.
  int64_t split = 0;
  for (auto [r, expr] : llvm::enumerate(outMap.getResults())) {
    unsigned d = cast<AffineDimExpr>(expr).getPosition();
    if (c.ranges[d] == 1) {
      if (static_cast<int64_t>(r) == split && order.empty())
        split = r + 1;
      continue;
    }
    order.push_back(d);
    if (llvm::is_contained(c.mDims, d))
      split = r + 1;
  }
  for (unsigned d : llvm::concat<const unsigned>(c.mDims, c.nDims))
    if (c.ranges[d] != 1)
      kernelOrder.push_back(d);
  if (order == kernelOrder && split > 0 && split < type.getRank()) {
    if (type.getRank() == 2)
      return out;
    SmallVector<ReassociationIndices> groups(2);
    for (int64_t r = 0; r < type.getRank(); ++r)
      groups[r >= split].push_back(r);
    return tensor::ExpandShapeOp::create(b, type, out, groups);
  }
  // Another order (NCHW): a copy reading C[m][n] at the M and N indices
  // linearized in loop order, which is how the kernel flattened them.
  auto linearize = [&](ArrayRef<unsigned> dims) {
    AffineExpr e = b.getAffineConstantExpr(0);
    for (unsigned d : dims) {
      unsigned r = *outMap.getResultPosition(b.getAffineDimExpr(d));
      e = e * c.ranges[d] + b.getAffineDimExpr(r);
    }
    return e;
  };
  AffineMap readMap =
      AffineMap::get(type.getRank(), 0,
                     {linearize(c.mDims), linearize(c.nDims)}, b.getContext());
  Value init =
      tensor::EmptyOp::create(b, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, type, ValueRange{out}, ValueRange{init},
             ArrayRef<AffineMap>{readMap,
                                 b.getMultiDimIdentityMap(type.getRank())},
             iterators,
             [](OpBuilder &nb, Location loc, ValueRange args) {
               linalg::YieldOp::create(nb, loc, args[0]);
             })
      .getResult(0);
}

Value KernelEmitter::emit() {
  if (mk.mr > c.m) {
    // Few rows: spend the accumulator registers on more columns.
    mk.mr = std::max<int64_t>(c.m, mk.kind == MicroKernel::BlockS8S8 ? 2 : 1);
    int64_t accRows =
        mk.kind == MicroKernel::BlockS8S8 ? (mk.mr + 1) / 2 : mk.mr;
    mk.nr = std::clamp<int64_t>(mk.accRegs / accRows, mk.nr, 4);
  }
  tileCols = mk.nr * mk.colsPerVector();
  fullTiles = c.n / tileCols;
  int64_t rest = c.n % tileCols;
  tailVecs = llvm::divideCeil(rest, mk.colsPerVector());
  kGroups = llvm::divideCeil(c.k, mk.group);
  kFullGroups = c.k / mk.group;
  kTail = c.k % mk.group;

  a = packA();
  packed = packB();
  start = accumulatorStart();
  flattenConsumerArgs();

  Type elem = consumer ? consumer->elementType : accElement();
  // Whole vectors are stored: masked stores of narrow types are slow or
  // scalarized, a final slice is one copy.
  int64_t paddedN = fullTiles * tileCols + tailVecs * mk.colsPerVector();
  Value out = tensor::EmptyOp::create(b, ArrayRef<int64_t>{c.m, paddedN}, elem);
  bool partialTail = rest % mk.colsPerVector() != 0;

  using TileFn = llvm::function_ref<Value(Value, Value, Value, int64_t, bool)>;
  // fn(out, j0, base, vecs, partial) per column tile, for `rows` rows.
  auto columnTiles = [&](Value out, int64_t rows, TileFn fn) {
    if (fullTiles > 0)
      out = tileLoop(
          fullTiles, rows * tileCols * c.k, out, [&](Value t, Value iter) {
            return fn(iter, arith::MulIOp::create(b, t, index(tileCols)),
                      arith::MulIOp::create(b, t, index(tileSize(mk.nr))),
                      mk.nr, false);
          });
    if (tailVecs)
      out = fn(out, index(fullTiles * tileCols),
               index(fullTiles * tileSize(mk.nr)), tailVecs, partialTail);
    return out;
  };
  // fn(out, i0, rows) per row block.
  auto rowTiles = [&](Value out,
                      llvm::function_ref<Value(Value, Value, int64_t)> fn) {
    int64_t fullRows = c.m / mk.mr;
    if (fullRows > 0)
      out =
          tileLoop(fullRows, mk.mr * c.n * c.k, out, [&](Value t, Value iter) {
            return fn(iter, arith::MulIOp::create(b, t, index(mk.mr)), mk.mr);
          });
    if (c.m % mk.mr)
      out = fn(out, index(fullRows * mk.mr), c.m % mk.mr);
    return out;
  };

  // Rows outside when all of B stays in L2 (A rows are then reused from L1
  // across column tiles); otherwise column tiles outside, so each tile's B
  // panel stays in cache while A streams past it.
  constexpr int64_t l2Bytes = 256 * 1024;
  auto packedType = cast<RankedTensorType>(packed.getType());
  int64_t packedBytes =
      packedType.getNumElements() * packedType.getElementTypeBitWidth() / 8;
  if (packedBytes <= l2Bytes || fullTiles == 0) {
    out = rowTiles(out, [&](Value out, Value i0, int64_t rows) {
      return columnTiles(
          out, rows,
          [&](Value out, Value j0, Value base, int64_t vecs, bool partial) {
            return emitTile(out, i0, rows, j0, base, vecs, partial);
          });
    });
  } else {
    out = columnTiles(
        out, c.m,
        [&](Value out, Value j0, Value base, int64_t vecs, bool partial) {
          return rowTiles(out, [&](Value out, Value i0, int64_t rows) {
            return emitTile(out, i0, rows, j0, base, vecs, partial);
          });
        });
  }
  return restoreLayout(dropPadding(out, paddedN));
}

Value KernelEmitter::dropPadding(Value out, int64_t paddedN) {
  if (paddedN == c.n)
    return out;
  // A contiguous copy: later reshapes and returns need an identity layout.
  Type elem = cast<RankedTensorType>(out.getType()).getElementType();
  auto type = RankedTensorType::get({c.m, c.n}, elem);
  Value slice = tensor::ExtractSliceOp::create(
      b, type, out,
      ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(c.m), b.getIndexAttr(c.n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  Value init = tensor::EmptyOp::create(b, type.getShape(), elem);
  return linalg::CopyOp::create(b, ValueRange{slice}, ValueRange{init})
      .getResult(0);
}

Value KernelEmitter::emitDepthwise() {
  int64_t lanes = mk.lanes, taps = c.k, channels = c.n;
  int64_t fullBlocks = channels / lanes;
  bool tail = channels % lanes != 0;
  int64_t padded = llvm::divideCeil(channels, lanes) * lanes;
  Type accElem = accElement();
  auto accType = VectorType::get({lanes}, accElem);

  // Weights as accumulator elements [tap][padded channel].
  SmallVector<double> weights(taps * padded, 0);
  for (int64_t k = 0; k < taps; ++k)
    for (int64_t g = 0; g < channels; ++g)
      weights[k * padded + g] = c.b(k, g);
  auto wType = RankedTensorType::get({taps * padded}, accElem);
  Value wTensor = arith::ConstantOp::create(
      b, c.isFloat()
             ? DenseElementsAttr::get(
                   wType,
                   ArrayRef(SmallVector<float>(weights.begin(), weights.end())))
             : DenseElementsAttr::get(
                   wType, ArrayRef(SmallVector<int32_t>(weights.begin(),
                                                        weights.end()))));

  // Per tap, the input indices as a map of (M dims..., channel), on the
  // input without its unit dims after the channel.
  AffineMap lhsMap = c.op.getIndexingMapsArray()[0];
  unsigned channelPos =
      *lhsMap.getResultPosition(b.getAffineDimExpr(*c.channel));
  lhsMap = lhsMap.getSliceMap(0, channelPos + 1);
  flattenConsumerArgs();
  Value lhs = c.lhs();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  if (lhsType.getRank() > channelPos + 1) {
    SmallVector<ReassociationIndices> groups;
    for (unsigned i = 0; i < channelPos; ++i)
      groups.push_back({static_cast<int64_t>(i)});
    groups.emplace_back();
    for (int64_t i = channelPos; i < lhsType.getRank(); ++i)
      groups.back().push_back(i);
    lhs = tensor::CollapseShapeOp::create(b, lhs, groups);
  }
  unsigned numM = c.mDims.size();
  SmallVector<AffineMap> tapMaps;
  for (int64_t k = 0; k < taps; ++k) {
    SmallVector<AffineExpr> replacement(lhsMap.getNumDims(),
                                        b.getAffineConstantExpr(0));
    for (auto [i, d] : llvm::enumerate(c.mDims))
      replacement[d] = b.getAffineDimExpr(i);
    replacement[*c.channel] = b.getAffineDimExpr(numM);
    int64_t rest = k;
    for (unsigned d : llvm::reverse(c.kDims)) {
      replacement[d] = b.getAffineConstantExpr(rest % c.ranges[d]);
      rest /= c.ranges[d];
    }
    tapMaps.push_back(
        lhsMap.replaceDimsAndSymbols(replacement, {}, numM + 1, 0));
  }

  Type lhsElem = lhsType.getElementType();
  Type elem = consumer ? consumer->elementType : accElem;
  Value out = tensor::EmptyOp::create(b, ArrayRef<int64_t>{c.m, padded}, elem);

  auto pixel = [&](Value out, ArrayRef<Value> ivs, Value row, Value g0,
                   bool partial) {
    SmallVector<Value> dims(ivs);
    dims.push_back(g0);
    Value acc = zero(accType);
    Value pad = zero(lhsElem);
    for (int64_t k = 0; k < taps; ++k) {
      SmallVector<Value> indices;
      for (AffineExpr expr : tapMaps[k].getResults())
        indices.push_back(affine::AffineApplyOp::create(
            b, AffineMap::get(numM + 1, 0, expr), dims));
      Value x = vector::TransferReadOp::create(
          b, VectorType::get({lanes}, lhsElem), lhs, indices, pad,
          ArrayRef<bool>{!partial});
      Value w = vector::TransferReadOp::create(
          b, accType, wTensor, ValueRange{add(g0, k * padded)}, zero(accElem),
          ArrayRef<bool>{true});
      if (c.isFloat()) {
        acc = math::FmaOp::create(b, x, w, acc);
        continue;
      }
      x = c.lhsSigned ? arith::ExtSIOp::create(b, accType, x).getResult()
                      : arith::ExtUIOp::create(b, accType, x).getResult();
      acc = arith::AddIOp::create(b, acc, arith::MulIOp::create(b, x, w));
    }
    Value value = consumer ? applyConsumer(acc, row, g0, partial) : acc;
    return vector::TransferWriteOp::create(b, value, out, ValueRange{row, g0},
                                           ArrayRef<bool>{true})
        .getResult();
  };
  auto channelBlocks = [&](Value out, ArrayRef<Value> ivs) {
    Value row = index(0);
    for (auto [iv, d] : llvm::zip(ivs, c.mDims))
      row = mulAdd(row, c.ranges[d], iv);
    if (fullBlocks > 0)
      out = tileLoop(
          fullBlocks, lanes * taps, out, [&](Value blk, Value carried) {
            return pixel(carried, ivs, row,
                         arith::MulIOp::create(b, blk, index(lanes)), false);
          });
    if (tail)
      out = pixel(out, ivs, row, index(fullBlocks * lanes), true);
    return out;
  };
  // One loop per M dim, so input indices need no division.
  std::function<Value(Value, SmallVector<Value>)> nest =
      [&](Value out, SmallVector<Value> ivs) -> Value {
    if (ivs.size() == numM)
      return channelBlocks(out, ivs);
    // Each iteration covers the pixels of the M dims inside it.
    int64_t work = c.n * c.k;
    for (unsigned d : ArrayRef(c.mDims).drop_front(ivs.size() + 1))
      work *= c.ranges[d];
    return tileLoop(c.ranges[c.mDims[ivs.size()]], work, out,
                    [&](Value iv, Value carried) {
                      SmallVector<Value> inner(ivs);
                      inner.push_back(iv);
                      return nest(carried, inner);
                    });
  };
  out = nest(out, {});
  return restoreLayout(dropPadding(out, padded));
}

Value qmlir::emitKernel(RewriterBase &rewriter, const Contraction &c,
                        const MicroKernel &mk,
                        const std::optional<FusedConsumer> &consumer) {
  Operation *replaced =
      consumer ? consumer->op.getOperation() : c.op.getOperation();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(replaced);
  ImplicitLocOpBuilder b(c.op.getLoc(), rewriter);
  IntrinsicCalls intrinsics(c.op->getParentOfType<ModuleOp>());
  KernelEmitter emitter(b, intrinsics, c, mk, consumer);
  return c.channel ? emitter.emitDepthwise() : emitter.emit();
}
