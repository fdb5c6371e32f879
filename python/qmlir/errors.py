"""The package's errors, importable without onnx."""


class OnnxImportError(Exception):
    """An ONNX model the importer cannot represent, naming the node."""
