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


def zoo_model(name, size, seed=0):
    """(model in eval mode, input shape): a torchvision CNN on size x size
    images, or TRANSFORMER: 4 nn.TransformerEncoder layers of width 256, 4
    heads, GELU, on 64 tokens ([sequence, batch, width]: PyTorch 1.13's
    dynamic quantization breaks the batch-first fast path)."""
    if name != TRANSFORMER:
        return torchvision_model(name, size, seed), (1, 3, size, size)
    torch, _ = torch_modules()
    torch.manual_seed(seed)
    layer = lambda: torch.nn.TransformerEncoderLayer(256, 4, 1024, activation="gelu")
    model = torch.nn.TransformerEncoder(layer(), 4)
    for copy in model.layers:  # the encoder deep-copies one layer: give each its own weights
        copy.load_state_dict(layer().state_dict())
    return model.eval(), (64, 1, 256)


def export_onnx(model, shape, path, opset=13):
    torch, _ = torch_modules()
    torch.onnx.export(model, torch.randn(*shape), path, opset_version=opset)
