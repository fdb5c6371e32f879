"""Calibration arrays for the tests: digits samples, and broken variants."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
x = np.load(os.path.join(root, "examples", "digits", "data.npz"))["calib"][:20]
np.save(os.path.join(out, "calib.npy"), x.reshape(-1, 1, 64))
bad = x.reshape(-1, 1, 64).copy()
bad[7, 0, 3] = np.nan
np.save(os.path.join(out, "nan.npy"), bad)
bad[7, 0, 3] = np.inf
np.save(os.path.join(out, "inf.npy"), bad)
np.save(os.path.join(out, "wrong_shape.npy"), x.reshape(-1, 1, 8, 8))
