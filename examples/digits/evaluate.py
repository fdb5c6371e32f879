"""Accuracy of a digits model (float or quantized) run by quant-run."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
from qmlir import tools  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = {"mlp": (1, 64), "cnn_linalg": (1, 1, 8, 8), "cnn_tosa": (1, 8, 8, 1)}


def input_shape(model):
    base = os.path.basename(model)
    for key, shape in SHAPES.items():
        if base.startswith(key):
            return shape
    raise ValueError("unknown model " + model)


def samples(model, split):
    """A data split shaped as the model's samples: [N, *argument shape]."""
    data = np.load(os.path.join(HERE, "data.npz"))
    x = data[split]
    shape = input_shape(model)
    if shape == (1, 8, 8, 1):
        return x.reshape(-1, 1, 8, 8, 1)
    return x.reshape((-1,) + shape)


def logits(model):
    return tools.run(model, samples(model, "test"))[0].reshape(-1, 10)


def accuracy(model):
    labels = np.load(os.path.join(HERE, "data.npz"))["labels"]
    return float((logits(model).argmax(1) == labels).mean())


if __name__ == "__main__":
    for m in sys.argv[1:]:
        print("%s: %.2f%%" % (m, 100 * accuracy(m)))
