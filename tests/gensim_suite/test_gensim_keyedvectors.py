"""gensim 4.4's installed ``gensim/test/test_keyedvectors.py``, run against numbaw2v.

The module is imported from the gensim package, unmodified; conftest.py rebinds
gensim's ``KeyedVectors`` to numbaw2v's during each test.
"""
import pytest

_gensim_tests = pytest.importorskip("gensim.test.test_keyedvectors")

TestKeyedVectors = _gensim_tests.TestKeyedVectors
Gensim320Test = _gensim_tests.Gensim320Test
LoadWord2VecFormatTest = _gensim_tests.LoadWord2VecFormatTest


def test_rebinding_takes_effect():
    """The vectors gensim's tests build are numbaw2v's, through every name they use."""
    import gensim.models
    import gensim.models.keyedvectors

    from numbaw2v.vectors import KeyedVectors
    assert gensim.models.KeyedVectors is KeyedVectors
    assert gensim.models.keyedvectors.KeyedVectors is KeyedVectors
    assert _gensim_tests.KeyedVectors is KeyedVectors
    case = _gensim_tests.TestKeyedVectors("test_most_similar")
    case.setUp()                              # gensim's own fixture loads its test vectors
    assert type(case.vectors) is KeyedVectors
