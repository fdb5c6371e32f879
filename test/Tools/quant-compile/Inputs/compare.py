"""Compares a raw output file with quant-run's .npy output, bit for bit."""
import sys

import numpy as np

want = np.load(sys.argv[2])
got = np.fromfile(sys.argv[1], dtype=want.dtype).reshape(want.shape)
same = np.array_equal(got.view(np.uint8), want.view(np.uint8))
print("%s: %s" % (sys.argv[3], "bit-exact" if same else "DIFFERS by up to %g" % np.abs(got - want).max()))
