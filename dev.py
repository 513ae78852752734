#!/usr/bin/env python3
"""Set up numbaw2v in ./.venv and run the main job or the tests. Needs only Python >= 3.10.

    python3 dev.py run [CORPUS ...] [demo options]   # train, show neighbours and analogy accuracy
    python3 dev.py test [pytest options]              # the whole test suite

The virtual environment is created on first use and refreshed whenever
pyproject.toml changes; everything is installed from this checkout. `run` trains on
text8 when it is cached or can be downloaded, and otherwise on the sample corpus inside
the package. When pip cannot install (offline, no local wheels), the Python running
this script is used instead of .venv if it has the dependencies.
"""
import hashlib
import importlib.util
import os
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
BIN = os.path.join(VENV, "Scripts" if os.name == "nt" else "bin")
PYTHON = os.path.join(BIN, "python")
STAMP = os.path.join(VENV, ".numbaw2v-installed")
EXTRAS = "[test,bench,plot,wmd,distributed]"
SHARED_EVAL = os.path.join(ROOT, "..", "shared", "eval", "questions-words.txt")
NEEDED = {"run": ("numpy", "numba", "tqdm"), "test": ("numpy", "numba", "tqdm", "pytest",
                                                      "hypothesis")}


def _this_python(command, why):
    """Fall back to the running interpreter when it has what ``command`` needs."""
    missing = [m for m in NEEDED[command] if importlib.util.find_spec(m) is None]
    if missing:
        sys.exit(f"dev.py: cannot install into {VENV} ({why}) and this Python lacks "
                 f"{', '.join(missing)}; connect to the network or install them")
    print(f"dev.py: {why}; using {sys.executable} and its installed packages", flush=True)
    return sys.executable


def _fingerprint():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return hashlib.sha256(f.read() + EXTRAS.encode()).hexdigest()


def _stamp():
    if not os.path.exists(STAMP):
        return None
    with open(STAMP) as f:
        return f.read()


def setup(command="run"):
    """Create .venv and install the project with its extras, unless already up to date.

    Returns the Python to run; offline that may be the running interpreter.
    """
    want = _fingerprint()
    if os.path.exists(PYTHON) and _stamp() == want:
        return PYTHON
    if not os.path.exists(PYTHON):
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing numbaw2v and its dependencies into .venv", flush=True)
    try:
        # setuptools too: pyproject.toml's SPDX license string needs setuptools >= 77
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip",
                        "setuptools>=77"], check=True)
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", ROOT + EXTRAS],
                       check=True)
    except subprocess.CalledProcessError:    # e.g. offline, with no local wheels
        return _this_python(command, "pip install failed")
    with open(STAMP, "w") as f:
        f.write(want)
    return PYTHON


def _env(python):
    if python == PYTHON:
        return None
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (ROOT, os.environ.get("PYTHONPATH")) if p))


def run(python, args):
    """numbaw2v demo: text8 (cached or downloadable) or the embedded sample, or the corpora
    given."""
    cmd = [python, "-m", "numbaw2v", "demo", *args]
    if "--analogies" not in args and os.path.exists(SHARED_EVAL):
        cmd += ["--analogies", os.path.normpath(SHARED_EVAL)]
    return subprocess.call(cmd, cwd=ROOT, env=_env(python))


def test(python, args):
    return subprocess.call([python, "-m", "pytest", "-q", *args], cwd=ROOT, env=_env(python))


def main(argv):
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    python = setup("test" if argv[0] == "test" else "run")
    if argv[0] == "run":
        return run(python, argv[1:])
    if argv[0] == "test":
        return test(python, argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
