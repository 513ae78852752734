"""gensim 4.4's installed ``gensim/test/test_keyedvectors.py``, run against numbaw2v.

The module is imported from the gensim package, unmodified; conftest.py rebinds
gensim's ``KeyedVectors`` to numbaw2v's during each test.
"""
import pytest

_gensim_tests = pytest.importorskip("gensim.test.test_keyedvectors")

TestKeyedVectors = _gensim_tests.TestKeyedVectors
Gensim320Test = _gensim_tests.Gensim320Test
LoadWord2VecFormatTest = _gensim_tests.LoadWord2VecFormatTest
