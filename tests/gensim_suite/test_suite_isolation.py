"""The rebinding of conftest.py is confined to gensim's tests: elsewhere gensim is gensim."""
import pytest

from numbaw2v.vectors import KeyedVectors
from numbaw2v.word2vec import Word2Vec

pytest.importorskip("gensim")


def test_outside_the_gensim_tests_gensim_keeps_its_classes():
    import gensim.models
    import gensim.models.keyedvectors
    import gensim.models.word2vec
    assert gensim.models.Word2Vec is not Word2Vec
    assert gensim.models.word2vec.Word2Vec is not Word2Vec
    assert gensim.models.KeyedVectors is not KeyedVectors
    assert gensim.models.keyedvectors.KeyedVectors is not KeyedVectors
    assert gensim.models.keyedvectors.KeyedVectors.__module__ == "gensim.models.keyedvectors"


def test_xfail_table_names_real_gensim_tests():
    """Every key of the xfail table is a test of gensim's modules (no stale or misspelt entry)."""
    import importlib

    from xfails import FLAKY, XFAIL
    known = set()
    for name in ("gensim.test.test_keyedvectors", "gensim.test.test_word2vec"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            pytest.skip(f"{name} cannot be imported here")
        for attr in dir(module):
            cls = getattr(module, attr)
            if isinstance(cls, type) and cls.__module__ == name:
                known |= {f"{attr}.{m}" for m in dir(cls) if m.startswith("test")}
    assert set(XFAIL) | set(FLAKY) <= known, sorted((set(XFAIL) | set(FLAKY)) - known)
    assert all(isinstance(r, str) and r for r in [*XFAIL.values(), *FLAKY.values()])
