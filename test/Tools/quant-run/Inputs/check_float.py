"""Compares quant-run's float results with numpy on the same models."""
import sys

import numpy as np

kind, inp, got = sys.argv[1], np.load(sys.argv[2]), np.load(sys.argv[3])
if kind == "linalg":
    w = np.array([[0.5, -1.0, 2.0, 0.25], [1.5, 0.5, -0.5, 1.0], [-2.0, 1.0, 0.0, 0.75]], np.float32)
    b = np.array([0.1, -0.2, 0.3, -0.4], np.float32)
    want = np.maximum(inp @ w + b, 0)
else:
    w = np.array([[1.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], np.float32)
    b = np.array([0.0, 1.0, -1.0], np.float32)
    c = np.clip(inp @ w.T + b, 0, 6)  # [S, 1, 4, 4, 3]
    want = c.reshape(c.shape[0], 1, 2, 2, 2, 2, 3).max(axis=(3, 5))
assert got.shape == want.shape, (got.shape, want.shape)
assert got.dtype == np.float32
np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
print("%s: %d values match numpy" % (kind, got.size))
