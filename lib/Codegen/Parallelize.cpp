//===- Parallelize.cpp - qmlir-parallelize ----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "KernelEmitter.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace qmlir {
#define GEN_PASS_DEF_PARALLELIZEPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

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
static void parallelize(scf::ForOp loop) {
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

struct ParallelizePass : qmlir::impl::ParallelizePassBase<ParallelizePass> {
  using Base::Base;

  void runOnOperation() override {
    // Linalg ops of the function body with enough work to share.
    SmallVector<linalg::LinalgOp> large;
    for (Block &block : getOperation().getBody())
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
        return signalPassFailure();

    SmallVector<scf::ForOp> outermost;
    getOperation()->walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      if (!loop->hasAttr(kParallelTilesAttrName) || !carriesOnlyBuffers(loop))
        return WalkResult::advance();
      outermost.push_back(loop);
      // Tile loops inside it stay sequential in each thread.
      return WalkResult::skip();
    });
    for (scf::ForOp loop : outermost)
      parallelize(loop);
  }
};

} // namespace
