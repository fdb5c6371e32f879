//===- Parallelize.cpp - qmlir-parallelize ----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "KernelEmitter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

namespace qmlir {
#define GEN_PASS_DEF_PARALLELIZEPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

/// Whether every value `loop` carries is a memref it yields unchanged,
/// directly or through the loops inside it: the iterations only write
/// through it.
static bool carriesOnlyBuffers(scf::ForOp loop) {
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  for (auto [arg, yielded] :
       llvm::zip(loop.getRegionIterArgs(), yield.getOperands())) {
    if (!isa<MemRefType>(arg.getType()))
      return false;
    Value value = yielded;
    // A loop result that is its init, carried unchanged.
    while (auto inner = value.getDefiningOp<scf::ForOp>()) {
      unsigned i = cast<OpResult>(value).getResultNumber();
      auto innerYield = cast<scf::YieldOp>(inner.getBody()->getTerminator());
      if (innerYield.getOperand(i) != inner.getRegionIterArgs()[i] &&
          !carriesOnlyBuffers(inner))
        return false;
      value = inner.getInitArgs()[i];
    }
    if (value != arg)
      return false;
  }
  return true;
}

/// The tile loop as an OpenMP worksharing loop over the same range, in a
/// parallel region of its own; the buffers it carried are read from outside.
static omp::ParallelOp parallelize(scf::ForOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto parallel = omp::ParallelOp::create(b, loc);
  b.setInsertionPointToStart(&parallel.getRegion().emplaceBlock());
  auto wsloop = omp::WsloopOp::create(b, loc);
  omp::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&wsloop.getRegion().emplaceBlock());
  omp::LoopNestOperands range;
  range.loopLowerBounds.push_back(loop.getLowerBound());
  range.loopUpperBounds.push_back(loop.getUpperBound());
  range.loopSteps.push_back(loop.getStep());
  auto nest = omp::LoopNestOp::create(b, loc, range);
  Block *body = &nest.getRegion().emplaceBlock();
  Value iv = body->addArgument(b.getIndexType(), loc);
  b.setInsertionPointToStart(body);
  IRMapping map;
  map.map(loop.getInductionVar(), iv);
  map.map(loop.getRegionIterArgs(), loop.getInitArgs());
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, map);
  omp::YieldOp::create(b, loc);
  loop.replaceAllUsesWith(loop.getInitArgs());
  loop.erase();
  return parallel;
}

/// Moves `parallel` into an internal function of its own, called in its
/// place: LLVM's OpenMP lowering analyzes the whole enclosing function once
/// per parallel region, quadratic in a function that holds a whole model
/// (MobileNetV2's calibration JIT: 57 s, against 23 s without threads).
static void outline(omp::ParallelOp parallel, func::FuncOp parent,
                    SymbolTable &symbols) {
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(parallel->getRegions(), captured);
  // Constants are rematerialized inside; the rest become arguments.
  SmallVector<Value> args = llvm::to_vector(llvm::make_filter_range(
      captured, [](Value v) { return !matchPattern(v, m_Constant()); }));
  OpBuilder b(parent);
  b.setInsertionPointAfter(parent);
  Location loc = parallel.getLoc();
  auto fn =
      func::FuncOp::create(b, loc, (parent.getSymName() + "_parallel").str(),
                           b.getFunctionType(ValueRange(args).getTypes(), {}));
  fn.setPrivate();
  fn->setAttr("llvm.linkage",
              LLVM::LinkageAttr::get(b.getContext(), LLVM::Linkage::Internal));
  symbols.insert(fn);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping map;
  map.map(args, entry->getArguments());
  for (Value v : captured)
    if (!map.contains(v))
      map.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  b.clone(*parallel, map);
  func::ReturnOp::create(b, loc);
  b.setInsertionPoint(parallel);
  func::CallOp::create(b, loc, fn, args);
  parallel.erase();
}

/// Lowers `op`, a linalg op on buffers, to loops and marks the outermost
/// one when it runs over a parallel dim (unit loops skipped): its iterations
/// write disjoint outputs.
static LogicalResult lowerToLoops(RewriterBase &rewriter, linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::LinalgLoops> loops = linalg::linalgOpToLoops(rewriter, op);
  if (failed(loops))
    return failure();
  for (auto [loop, iterator, range] : llvm::zip(*loops, iterators, ranges)) {
    if (range == 1)
      continue;
    if (iterator == utils::IteratorType::parallel)
      loop->setAttr(kParallelTilesAttrName, rewriter.getUnitAttr());
    break;
  }
  rewriter.eraseOp(op);
  return success();
}

namespace {

struct ParallelizePass : qmlir::impl::ParallelizePassBase<ParallelizePass> {
  using Base::Base;

  void runOnOperation() override {
    SymbolTable symbols(getOperation());
    for (auto fn : llvm::to_vector(getOperation().getOps<func::FuncOp>()))
      if (!fn.isExternal() && failed(parallelizeFunction(fn, symbols)))
        return signalPassFailure();
  }

  LogicalResult parallelizeFunction(func::FuncOp fn, SymbolTable &symbols) {
    // Linalg ops of the function body with enough work to share.
    SmallVector<linalg::LinalgOp> large;
    for (Block &block : fn.getBody())
      for (auto op : block.getOps<linalg::LinalgOp>()) {
        SmallVector<int64_t> ranges = op.getStaticLoopRanges();
        if (op.hasPureBufferSemantics() &&
            !llvm::any_of(ranges, ShapedType::isDynamic) &&
            llvm::product_of(ranges) >= minIterations)
          large.push_back(op);
      }
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : large)
      if (failed(lowerToLoops(rewriter, op)))
        return failure();

    SmallVector<scf::ForOp> outermost;
    fn->walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      if (!loop->hasAttr(kParallelTilesAttrName) || !carriesOnlyBuffers(loop))
        return WalkResult::advance();
      outermost.push_back(loop);
      // Tile loops inside it stay sequential in each thread.
      return WalkResult::skip();
    });
    for (scf::ForOp loop : outermost)
      outline(parallelize(loop), fn, symbols);
    return success();
  }
};

} // namespace
