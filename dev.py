#!/usr/bin/env python3
"""Set up numbaw2v in ./.venv and run the main job or the tests. Needs only Python >= 3.10.

    python3 dev.py run [CORPUS ...] [demo options]   # train, show neighbours and analogy accuracy
    python3 dev.py test [pytest options]              # the whole test suite

The virtual environment is created on first use and refreshed whenever
pyproject.toml changes; everything is installed from this checkout.
"""
import hashlib
import os
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
BIN = os.path.join(VENV, "Scripts" if os.name == "nt" else "bin")
PYTHON = os.path.join(BIN, "python")
STAMP = os.path.join(VENV, ".numbaw2v-installed")
EXTRAS = "[test,bench,plot]"
SHARED_EVAL = os.path.join(ROOT, "..", "shared", "eval", "questions-words.txt")


def _fingerprint():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return hashlib.sha256(f.read() + EXTRAS.encode()).hexdigest()


def setup():
    """Create .venv and install the project with its extras, unless already up to date."""
    if not os.path.exists(PYTHON):
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = _fingerprint()
    if os.path.exists(STAMP) and open(STAMP).read() == want:
        return
    print("installing numbaw2v and its dependencies into .venv", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", ROOT + EXTRAS], check=True)
    with open(STAMP, "w") as f:
        f.write(want)


def run(args):
    """numbaw2v demo: text8 by default, or the corpora/files given."""
    cmd = [PYTHON, "-m", "numbaw2v", "demo", *args]
    if "--analogies" not in args and os.path.exists(SHARED_EVAL):
        cmd += ["--analogies", os.path.normpath(SHARED_EVAL)]
    return subprocess.call(cmd, cwd=ROOT)


def test(args):
    return subprocess.call([PYTHON, "-m", "pytest", "-q", *args], cwd=ROOT)


def main(argv):
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    setup()
    if argv[0] == "run":
        return run(argv[1:])
    if argv[0] == "test":
        return test(argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
