"""Run gensim's own Word2Vec and KeyedVectors tests against numbaw2v.

gensim's test modules are imported from the installed gensim package (never
copied here). For each of their tests, an autouse fixture rebinds gensim's
class names to numbaw2v's classes and puts them back afterwards, so other
test files that compare against the real gensim are not affected:

- ``gensim.models.Word2Vec`` and ``gensim.models.word2vec.Word2Vec``;
- ``gensim.models.KeyedVectors`` and ``gensim.models.keyedvectors.KeyedVectors``;
- the names the test modules bound at import (``KeyedVectors`` in
  ``gensim.test.test_keyedvectors``).

Expected failures live in ``xfails.py``; they are applied here as strict
xfail marks, so a test that starts passing shows up. A summary of passed /
failed per gensim module is printed at the end of the run.
"""
import importlib.util

import pytest

from xfails import FLAKY, XFAIL

HAVE_GENSIM = importlib.util.find_spec("gensim") is not None
MODULES = ("gensim.test.test_keyedvectors", "gensim.test.test_word2vec")


def numbaw2v_bindings(test_module):
    """(object, attribute name, numbaw2v replacement) for every name to rebind."""
    import gensim.models
    import gensim.models.keyedvectors
    import gensim.models.word2vec

    from numbaw2v.vectors import KeyedVectors
    from numbaw2v.word2vec import Word2Vec

    targets = [(gensim.models, "Word2Vec", Word2Vec),
               (gensim.models.word2vec, "Word2Vec", Word2Vec),
               (gensim.models, "KeyedVectors", KeyedVectors),
               (gensim.models.keyedvectors, "KeyedVectors", KeyedVectors)]
    module = importlib.import_module(test_module)
    for attr, replacement in (("Word2Vec", Word2Vec), ("KeyedVectors", KeyedVectors)):
        if hasattr(module, attr):
            targets.append((module, attr, replacement))
    return targets


def _gensim_module(item):
    """The gensim test module an item comes from (by its file here), or None."""
    local = item.path.name                    # test_gensim_word2vec.py -> test_word2vec
    return next((m for m in MODULES
                 if local == m.rsplit(".", 1)[1].replace("test_", "test_gensim_") + ".py"),
                None)


@pytest.fixture(autouse=True)
def rebind_to_numbaw2v(request, monkeypatch, tmp_path):
    """During each gensim test, gensim's class names mean numbaw2v's classes.

    The test also runs in a temporary directory: some write files (vec.txt) where they run.
    """
    test_module = _gensim_module(request.node) if HAVE_GENSIM else None
    if test_module is None:
        yield
        return
    monkeypatch.chdir(tmp_path)
    for owner, attr, replacement in numbaw2v_bindings(test_module):
        monkeypatch.setattr(owner, attr, replacement)
    yield


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _gensim_module(item) is None:
            continue
        key = f"{item.cls.__name__}.{item.name}" if item.cls else item.name
        reason = XFAIL.get(key)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
        elif key in FLAKY:
            item.add_marker(pytest.mark.xfail(reason=FLAKY[key], strict=False))


_counts = {}


def gensim_outcome(report):
    """(file name, outcome) of the report that settles a gensim test method, else None.

    Only methods of gensim's classes count (``file::Class::test``); a test settles at
    its call, or at its setup when that does not pass (skips, errors).
    """
    parts = report.nodeid.split("::")
    module = parts[0].rsplit("/", 1)[-1]
    if len(parts) != 3 or not module.startswith("test_gensim_"):
        return None
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return None
    if hasattr(report, "wasxfail"):
        return module, "xfailed" if report.outcome == "skipped" else "xpassed"
    return module, report.outcome


def pytest_runtest_logreport(report):
    settled = gensim_outcome(report)
    if settled is not None:
        module, outcome = settled
        row = _counts.setdefault(module, {})
        row[outcome] = row.get(outcome, 0) + 1


def pytest_terminal_summary(terminalreporter):
    if not _counts:
        return
    terminalreporter.section("gensim's own tests against numbaw2v")
    for line in summary_lines(_counts):
        terminalreporter.write_line(line)


def summary_lines(counts):
    kinds = ("passed", "failed", "xfailed", "xpassed", "skipped")
    lines = [f"{'module':34} " + " ".join(f"{k:>8}" for k in kinds) + "    total"]
    for module in sorted(counts):
        row = counts[module]
        lines.append(f"{module:34} " + " ".join(f"{row.get(k, 0):>8}" for k in kinds)
                     + f" {sum(row.values()):>8}")
    return lines
