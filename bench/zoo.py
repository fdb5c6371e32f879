"""Models for the benchmarks, built from Debian's python3-torch and
python3-torchvision: random weights (no pretrained weights can be
downloaded), BatchNorm statistics from four train-mode passes over N(0,1)
batches, so that activations have the shapes of a trained network (ReLU
zeros, one-signed pooled features, heavy tails); and a transformer encoder.
Deterministic for a given name, size and seed."""
import sys


def torch_modules():
    """torch and torchvision, or exit with the packages to install."""
    try:
        import torch
        import torchvision
    except ImportError:
        sys.exit("%s: needs python3-torch and python3-torchvision (apt-get install "
                 "them)" % sys.argv[0])
    return torch, torchvision


def torchvision_model(name, size, seed=0):
    """torchvision.models.<name>, in eval mode, with BatchNorm statistics."""
    torch, torchvision = torch_modules()
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)()
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(16, 3, size, size))
    return model.eval()


TRANSFORMER = "transformer_encoder"


def transformer_encoder(layers=4, width=256, tokens=64, seed=0):
    """(model, input shape): nn.TransformerEncoder layers, 4 heads, GELU,
    feed-forward 4x width, on [sequence, batch, width] (PyTorch 1.13's
    dynamic quantization breaks the batch-first fast path)."""
    torch, _ = torch_modules()
    torch.manual_seed(seed)
    layer = lambda: torch.nn.TransformerEncoderLayer(width, 4, 4 * width, activation="gelu")
    model = torch.nn.TransformerEncoder(layer(), layers)
    for copy in model.layers:  # the encoder deep-copies one layer: give each its own weights
        copy.load_state_dict(layer().state_dict())
    return model.eval(), (tokens, 1, width)


def zoo_model(name, size, seed=0):
    """(model in eval mode, input shape): a torchvision CNN on size x size
    images, or TRANSFORMER: 4 encoder layers of width 256 on 64 tokens."""
    if name != TRANSFORMER:
        return torchvision_model(name, size, seed), (1, 3, size, size)
    return transformer_encoder(seed=seed)


def export_onnx(model, shape, path, opset=13):
    torch, _ = torch_modules()
    torch.onnx.export(model, torch.randn(*shape), path, opset_version=opset)
