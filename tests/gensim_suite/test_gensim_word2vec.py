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


def test_rebinding_takes_effect():
    """The models and vectors gensim's tests build are numbaw2v's."""
    import gensim.models

    from numbaw2v.vectors import KeyedVectors
    from numbaw2v.word2vec import Word2Vec
    assert gensim.models.Word2Vec is Word2Vec and _gensim_tests.word2vec.Word2Vec is Word2Vec
    assert _gensim_tests.keyedvectors.KeyedVectors is KeyedVectors
    model = _gensim_tests.word2vec.Word2Vec(_gensim_tests.sentences, min_count=1, epochs=1,
                                            workers=1)
    assert type(model) is Word2Vec and type(model.wv) is KeyedVectors
