"""A scripted JSON-RPC session with qmlir-lsp-server: opens a file holding a
valid and an invalid qnn op, prints the diagnostics it publishes and the hover
text of the valid op's result.

Usage: lsp.py SERVER FILE.mlir
"""
import json
import subprocess
import sys


def send(proc, message):
    body = json.dumps(dict(message, jsonrpc="2.0")).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("lsp.py: the server closed its output")
        line = line.strip()
        if not line:
            break
        name, value = line.split(b":", 1)
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(proc.stdout.read(length))


def wait_for(proc, predicate):
    while True:
        message = receive(proc)
        if predicate(message):
            return message


def main():
    server, path = sys.argv[1:]
    text = open(path).read()
    uri = "file://" + path
    proc = subprocess.Popen([server], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    send(proc, {"id": 1, "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    wait_for(proc, lambda m: m.get("id") == 1)
    send(proc, {"method": "initialized", "params": {}})
    send(proc, {"method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "mlir",
                                            "version": 1, "text": text}}})
    diagnostics = wait_for(
        proc, lambda m: m.get("method") == "textDocument/publishDiagnostics")
    for d in diagnostics["params"]["diagnostics"]:
        print("diagnostic line %d: %s" % (d["range"]["start"]["line"] + 1,
                                          d["message"]))
    # Hover on the first qnn op's result name.
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines) if "qnn." in l and "=" in l)
    send(proc, {"id": 2, "method": "textDocument/hover",
                "params": {"textDocument": {"uri": uri},
                           "position": {"line": line,
                                        "character": lines[line].index("%") + 1}}})
    hover = wait_for(proc, lambda m: m.get("id") == 2)
    print("hover:", json.dumps(hover.get("result")))
    send(proc, {"id": 3, "method": "shutdown"})
    wait_for(proc, lambda m: m.get("id") == 3)
    send(proc, {"method": "exit"})
    proc.wait(timeout=10)


if __name__ == "__main__":
    main()
