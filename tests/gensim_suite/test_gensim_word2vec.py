"""gensim 4.4's installed ``gensim/test/test_word2vec.py``, run against numbaw2v.

The module is imported from the gensim package, unmodified; conftest.py rebinds
gensim's ``Word2Vec`` and ``KeyedVectors`` to numbaw2v's during each test.
"""
import pytest

pytest.importorskip("gensim")
pytest.importorskip("testfixtures", reason="gensim's test_word2vec.py imports testfixtures")
_gensim_tests = pytest.importorskip("gensim.test.test_word2vec")

TestWord2VecModel = _gensim_tests.TestWord2VecModel
TestWMD = _gensim_tests.TestWMD
TestWord2VecSentenceIterators = _gensim_tests.TestWord2VecSentenceIterators
TestWord2VecScripts = _gensim_tests.TestWord2VecScripts
