"""qmlir: quantization of neural networks with MLIR.

The package drives qmlir's tools (quant-opt, quant-run, ...) and holds an
independent numpy reference of the qnn dialect's arithmetic (reference.py).
"""
