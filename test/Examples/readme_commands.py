"""Runs the shell blocks of README.md from "## quant-opt" up to "## Lowering"
in order, in a scratch directory that looks like the project root (examples/,
python/ and build/bin linked in), and stops at the first failing command.
Synopsis blocks (with [--optional] arguments) are skipped.

Usage: readme_commands.py README.md SOURCE_ROOT TOOLS_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys


def main():
    readme, root, tools, work = sys.argv[1:]
    text = open(readme).read()
    text = text[text.index("## quant-opt"):text.index("## Lowering")]
    os.makedirs(os.path.join(work, "build"), exist_ok=True)
    for name in ("examples", "python"):
        os.symlink(os.path.join(root, name), os.path.join(work, name))
    os.symlink(tools, os.path.join(work, "build", "bin"))
    ran = 0
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        if "[--" in block:
            continue
        for command in block.replace("\\\n", " ").splitlines():
            r = subprocess.run(["bash", "-c", command], cwd=work, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit("README command failed: %s\n%s" % (command, r.stderr.strip()))
            ran += 1
    print("ran %d README commands" % ran)


if __name__ == "__main__":
    main()
