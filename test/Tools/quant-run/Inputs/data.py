"""Writes the arrays the quant-run tests read, good and malformed."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
r = np.random.RandomState(0)
np.save(os.path.join(out, "x.npy"), r.randn(2, 3).astype(np.float32))
np.save(os.path.join(out, "xs.npy"), r.randn(5, 2, 3).astype(np.float32))
np.save(os.path.join(out, "img.npy"), r.randn(3, 1, 4, 4, 2).astype(np.float32))
np.save(os.path.join(out, "x64.npy"), r.randn(2, 3))
np.save(os.path.join(out, "bad_shape.npy"), r.randn(2, 4).astype(np.float32))
np.save(os.path.join(out, "bad_rank.npy"), r.randn(2, 3, 1, 1).astype(np.float32))
a = np.array([1, 2, 3], dtype=np.int32)
b = np.array([[10, 20, 30], [40, 50, 60]], dtype=np.int32)
np.save(os.path.join(out, "a.npy"), a)
np.save(os.path.join(out, "b2.npy"), b)
np.save(os.path.join(out, "b3.npy"), np.zeros((3, 3), dtype=np.int32))
np.savez(os.path.join(out, "ab.npz"), a, b)
np.savez_compressed(os.path.join(out, "compressed.npz"), a, b)
with open(os.path.join(out, "x.npy"), "rb") as f:
    good = f.read()
with open(os.path.join(out, "truncated.npy"), "wb") as f:
    f.write(good[:-5])
with open(os.path.join(out, "garbage.npy"), "wb") as f:
    f.write(b"not an array")
np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(r.randn(2, 3).astype(np.float32)))
