"""Bad input to the layer API raises ValueError naming the argument."""
import numpy as np
import pytest

from numbaw2v.layers import Embedding, EmbeddingDot, NegativeSamplingLoss, SigmoidWithLoss
from numbaw2v.models import CBOW, SkipGram
from numbaw2v.optim import SGD
from numbaw2v.sampling import AliasTable, UnigramSampler
from numbaw2v.trainer import Trainer
from numbaw2v.util import create_contexts_target

W = np.zeros((5, 3))


@pytest.mark.parametrize("bad,name", [
    (np.array([0, 5]), "idx"), (np.array([-1]), "idx"), (np.array([0.0, 1.0]), "idx"),
    (np.array([True]), "idx"), (np.array([2**63], dtype=np.uint64), "idx"),
])
def test_embedding_forward_rejects_bad_ids(bad, name):
    with pytest.raises(ValueError, match="^" + name):
        Embedding(W).forward(bad)


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((2, 2), dtype=int), [[0.0]],
                                 np.zeros((0, 2)), np.zeros((2, 2), dtype=np.float16)])
def test_layers_reject_bad_weights(bad):
    with pytest.raises(ValueError, match="^W"):
        Embedding(bad)
    with pytest.raises(ValueError, match="^W"):
        EmbeddingDot(bad)


def test_embedding_backward_checks_dout_shape():
    layer = Embedding(W)
    layer.forward(np.array([1, 2]))
    with pytest.raises(ValueError, match="^dout"):
        layer.backward(np.zeros((2, 4)))


def test_embedding_dot_checks_h_and_idx():
    layer = EmbeddingDot(W)
    with pytest.raises(ValueError, match="^h"):
        layer.forward(np.zeros((2, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="^idx"):
        layer.forward(np.zeros((2, 3)), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="^idx"):
        layer.forward(np.zeros((2, 3)), np.array([0, 9]))
    layer.forward(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="^dout"):
        layer.backward(np.zeros(3))


def test_sigmoid_with_loss_checks_labels():
    layer = SigmoidWithLoss()
    with pytest.raises(ValueError, match="^t"):
        layer.forward(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="^t"):
        layer.forward(np.zeros(2), np.array([0, 2]))
    with pytest.raises(ValueError, match="^x"):
        layer.forward(np.array(["a", "b"]), np.zeros(2))


def test_negative_sampling_loss_checks_corpus_target_and_h():
    with pytest.raises(ValueError, match="^corpus"):
        NegativeSamplingLoss(W, np.array([0, 1, 7]))
    with pytest.raises(ValueError, match="^corpus"):
        NegativeSamplingLoss(W, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="^sample_size"):
        NegativeSamplingLoss(W, np.array([0, 1]), sample_size=-1)
    layer = NegativeSamplingLoss(W, np.array([0, 1, 2, 3, 4]), sample_size=2, seed=0)
    with pytest.raises(ValueError, match="^target"):
        layer.forward(np.zeros((2, 3)), np.array([0, 5]))
    with pytest.raises(ValueError, match="^h"):
        layer.forward(np.zeros((3, 3)), np.array([0, 1]))


@pytest.mark.parametrize("cls", [CBOW, SkipGram])
def test_models_check_arguments(cls):
    corpus = np.arange(10)
    with pytest.raises(ValueError, match="^corpus"):
        cls(5, 3, 1, corpus)
    with pytest.raises(ValueError, match="^window_size"):
        cls(10, 3, 0, corpus)
    with pytest.raises(ValueError, match="^hidden_size"):
        cls(10, 0, 1, corpus)
    with pytest.raises(ValueError, match="^vocab_size"):
        cls(-1, 3, 1, corpus)
    with pytest.raises(ValueError, match="^dtype"):
        cls(10, 3, 1, corpus, dtype=np.int32)
    model = cls(10, 3, 1, corpus, seed=0)
    with pytest.raises(ValueError, match="^contexts"):
        model.forward(np.zeros((4, 3), dtype=int), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="^contexts"):
        model.forward(np.zeros((4, 2)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="^contexts"):
        model.forward(np.full((4, 2), 10), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="^target"):
        model.forward(np.zeros((4, 2), dtype=int), np.zeros(4))
    with pytest.raises(ValueError, match="^contexts"):
        model.forward(np.zeros((3, 2), dtype=int), np.zeros(4, dtype=int))


@pytest.mark.parametrize("weights", [[1.0, -0.5], [0.0, 0.0], [1.0, np.nan], [[1.0]], []])
def test_alias_table_rejects_bad_weights(weights):
    with pytest.raises(ValueError, match="^weights"):
        AliasTable(weights)


def test_unigram_sampler_rejects_bad_corpus():
    with pytest.raises(ValueError, match="^corpus"):
        UnigramSampler(np.array([0, -1]), 0.75, 2)
    with pytest.raises(ValueError, match="^corpus"):
        UnigramSampler(np.array([0.5]), 0.75, 2)


def test_trainer_and_util_check_arguments():
    corpus = np.arange(10)
    model = CBOW(10, 3, 1, corpus, seed=0)
    x, t = create_contexts_target(corpus, 1)
    with pytest.raises(ValueError, match="^t"):
        Trainer(model, SGD()).fit(x, t[:-1], progress=False)
    with pytest.raises(ValueError, match="^batch_size"):
        Trainer(model, SGD()).fit(x, t, batch_size=100, progress=False)
    with pytest.raises(ValueError, match="^window_size"):
        create_contexts_target(corpus, 0)
    with pytest.raises(ValueError, match="^sparse"):
        Trainer(object(), SGD(), sparse=True).uses_sparse()


def test_negative_samples_from_a_custom_sampler_are_checked():
    from reference import FixedSampler

    layer = NegativeSamplingLoss(W, np.arange(5), sample_size=2,
                                 sampler=FixedSampler(np.array([[0, 5], [1, 2]])))
    with pytest.raises(ValueError, match="^negative samples"):
        layer.forward(np.zeros((2, 3)), np.array([0, 1]))
    big = UnigramSampler(np.arange(9), 0.75, 2, seed=0)    # knows ids up to 8 > 4
    layer = NegativeSamplingLoss(W, np.arange(5), sample_size=2, sampler=big)
    with pytest.raises(ValueError, match="^negative samples"):   # 100 draws, ids up to 8
        layer.forward(np.zeros((50, 3)), np.zeros(50, dtype=int))
