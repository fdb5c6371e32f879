//===- PlanMemory.cpp - Intermediate buffers in one workspace ---*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "qmlir/ABI/ABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/Transforms/BufferViewFlowAnalysis.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace qmlir {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {
/// An allocation to place, its size, and its life as the positions in the
/// entry block of its allocation and of its last use.
struct Buffer {
  memref::AllocOp alloc;
  uint64_t bytes;
  unsigned first, last;
  uint64_t offset = 0;
};
} // namespace

/// The allocations of `func`'s entry block the workspace can hold, with
/// their lives: static shape, identity layout, every use of every alias
/// within the entry block.
static SmallVector<Buffer> collectBuffers(func::FuncOp func) {
  Block &entry = func.getBody().front();
  DenseMap<Operation *, unsigned> position;
  for (auto [i, op] : llvm::enumerate(entry))
    position[&op] = i;
  BufferViewFlowAnalysis aliases(func);
  DataLayout layout = DataLayout::closest(func);
  SmallVector<Buffer> buffers;
  for (auto alloc : entry.getOps<memref::AllocOp>()) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
        type.getMemorySpace() || !alloc.getSymbolOperands().empty() ||
        !type.getElementType().isIntOrIndexOrFloat() ||
        type.getNumElements() == 0)
      continue;
    unsigned last = position.lookup(alloc);
    auto extendLife = [&](Value alias) {
      for (Operation *user : alias.getUsers()) {
        // Returned or freed by the code itself: its life is not ours.
        Operation *ancestor = entry.findAncestorOpInBlock(*user);
        if (!ancestor || isa<func::ReturnOp, memref::DeallocOp>(user))
          return false;
        last = std::max(last, position.lookup(ancestor));
      }
      return true;
    };
    if (!llvm::all_of(aliases.resolve(alloc.getResult()), extendLife))
      continue;
    uint64_t bytes = type.getNumElements() *
                     layout.getTypeSize(type.getElementType()).getFixedValue();
    buffers.push_back({alloc, bytes, position.lookup(alloc), last});
  }
  return buffers;
}

/// Gives each buffer an offset, largest first, at the lowest aligned
/// offset no buffer already placed and alive at the same time overlaps.
/// Returns the workspace size.
static uint64_t placeBuffers(MutableArrayRef<Buffer> buffers,
                             uint64_t alignment) {
  SmallVector<Buffer *> order;
  for (Buffer &b : buffers)
    order.push_back(&b);
  // Ties in program order, so that the plan depends on the IR alone.
  llvm::sort(order, [](const Buffer *a, const Buffer *b) {
    return std::make_tuple(b->bytes, a->first) <
           std::make_tuple(a->bytes, b->first);
  });
  uint64_t size = 0;
  SmallVector<Buffer *> placed;
  for (Buffer *b : order) {
    SmallVector<std::pair<uint64_t, uint64_t>> taken;
    for (Buffer *p : placed)
      if (p->first <= b->last && b->first <= p->last)
        taken.push_back({p->offset, p->offset + p->bytes});
    llvm::sort(taken);
    uint64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + b->bytes <= begin)
        break;
      offset = std::max(offset, llvm::alignTo(end, alignment));
    }
    b->offset = offset;
    size = std::max(size, offset + b->bytes);
    placed.push_back(b);
  }
  return llvm::alignTo(size, alignment);
}

namespace {
struct PlanMemoryPass : qmlir::impl::PlanMemoryPassBase<PlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    if (!llvm::isPowerOf2_64(alignment)) {
      emitError(getOperation().getLoc())
          << "qmlir-plan-memory: alignment must be a power of two, got "
          << static_cast<uint64_t>(alignment);
      return signalPassFailure();
    }
    SymbolTable symbols(getOperation());
    for (auto func : llvm::to_vector(getOperation().getOps<func::FuncOp>())) {
      if (func.isPrivate() || func.isDeclaration())
        continue;
      SmallVector<Buffer> buffers = collectBuffers(func);
      if (buffers.empty())
        continue;
      if (failed(plan(func, buffers, symbols)))
        return signalPassFailure();
    }
  }

  /// Moves `func`'s body into `@<func>_workspace`, its buffers views of
  /// the workspace argument, and makes `func` call it with a module-owned
  /// workspace.
  LogicalResult plan(func::FuncOp func, MutableArrayRef<Buffer> buffers,
                     SymbolTable &symbols) {
    std::string bodyName =
        (func.getSymName() + qmlir::abi::kWorkspaceSuffix).str();
    if (symbols.lookup(bodyName))
      return func.emitError()
             << "qmlir-plan-memory: cannot name the body of @"
             << func.getSymName() << " @" << bodyName << ": the symbol exists";
    uint64_t size = placeBuffers(buffers, alignment);
    MLIRContext *ctx = &getContext();
    Location loc = func.getLoc();
    OpBuilder b(func);
    auto arenaType =
        MemRefType::get({static_cast<int64_t>(size)}, b.getI8Type());
    IntegerAttr sizeAttr = b.getI64IntegerAttr(size);
    SmallVector<Type> inputs(func.getArgumentTypes());
    inputs.push_back(arenaType);
    auto body = func::FuncOp::create(
        b, loc, bodyName,
        FunctionType::get(ctx, inputs, func.getResultTypes()));
    symbols.insert(body);
    body.getBody().takeBody(func.getBody());
    Value arena = body.getBody().addArgument(arenaType, loc);
    if (ArrayAttr argAttrs = func.getAllArgAttrs()) {
      SmallVector<Attribute> all(argAttrs.getValue());
      all.push_back(DictionaryAttr::get(ctx));
      body.setAllArgAttrs(all);
    }
    if (ArrayAttr resAttrs = func.getAllResultAttrs())
      body.setAllResultAttrs(resAttrs);
    for (Buffer &buffer : buffers) {
      b.setInsertionPoint(buffer.alloc);
      Value offset = arith::ConstantIndexOp::create(b, buffer.alloc.getLoc(),
                                                    buffer.offset);
      buffer.alloc.replaceAllUsesWith(
          memref::ViewOp::create(b, buffer.alloc.getLoc(),
                                 buffer.alloc.getType(), arena, offset,
                                 ValueRange())
              .getResult());
      buffer.alloc.erase();
    }
    numPlanned += buffers.size();

    b.setInsertionPoint(func);
    auto global = memref::GlobalOp::create(
        b, loc, ("__qmlir_workspace_" + func.getSymName()).str(),
        b.getStringAttr("private"), arenaType, b.getUnitAttr(),
        /*constant=*/false, b.getI64IntegerAttr(alignment));
    symbols.insert(global);
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);
    SmallVector<Value> args(entry->getArguments());
    args.push_back(
        memref::GetGlobalOp::create(b, loc, arenaType, global.getSymName()));
    auto call = func::CallOp::create(b, loc, body, args);
    func::ReturnOp::create(b, loc, call.getResults());

    for (func::FuncOp f : {func, body})
      f->setAttr(qmlir::abi::kWorkspaceBytesAttrName, sizeAttr);
    StringRef cInterface = LLVM::LLVMDialect::getEmitCWrapperAttrName();
    if (func->hasAttr(cInterface))
      body->setAttr(cInterface, UnitAttr::get(ctx));
    return success();
  }
};
} // namespace
