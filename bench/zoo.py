"""Models for the benchmarks, built from Debian's python3-torchvision: random
weights (no pretrained weights can be downloaded), BatchNorm statistics from
four train-mode passes over N(0,1) batches, so that activations have the
shapes of a trained network (ReLU zeros, one-signed pooled features, heavy
tails). Deterministic for a given name, size and seed."""
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


def export_onnx(model, size, path, opset=13):
    torch, _ = torch_modules()
    torch.onnx.export(model, torch.randn(1, 3, size, size), path, opset_version=opset)
