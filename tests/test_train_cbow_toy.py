"""End to end: numbaw2v's CBOW through numbaw2v's Trainer on a toy grammar.

Sentences follow "DET ADJ NOUN VERB DET NOUN ." with words drawn uniformly
from each class, so words of one class share their contexts: after training,
each word's nearest neighbours must be words of its own class.
"""
import numpy as np

from numbaw2v.models import CBOW
from numbaw2v.optim import Adam
from numbaw2v.trainer import Trainer
from numbaw2v.util import cos_similarity, create_contexts_target, most_similar, preprocess

CLASSES = {
    "det": ["the", "a", "every", "some"],
    "adj": ["big", "small", "red", "old", "quick"],
    "noun": ["cat", "dog", "bird", "fish", "horse"],
    "verb": ["sees", "eats", "likes", "chases", "finds"],
}
TEMPLATE = ["det", "adj", "noun", "verb", "det", "noun"]


def toy_text(n_sentences, seed):
    rng = np.random.default_rng(seed)
    words = []
    for _ in range(n_sentences):
        words += [CLASSES[c][rng.integers(len(CLASSES[c]))] for c in TEMPLATE]
        words[-1] += "."
    return " ".join(words)


def test_cbow_learns_word_classes(capsys):
    np.random.seed(0)
    corpus, word_to_id, id_to_word = preprocess(toy_text(1500, seed=1))
    contexts, target = create_contexts_target(corpus, window_size=2)
    model = CBOW(len(word_to_id), 16, 2, corpus, seed=0)
    trainer = Trainer(model, Adam(lr=0.01))
    assert trainer.uses_sparse()
    trainer.fit(contexts, target, max_epoch=6, batch_size=50, eval_interval=20,
                progress=False)
    losses = trainer.loss_list
    assert np.all(np.isfinite(losses))
    assert np.mean(losses[-5:]) < 0.75 * losses[0]
    assert not model.lazy_grads          # the Trainer restores dense mode

    class_of = {w: c for c, ws in CLASSES.items() for w in ws}
    W = model.word_vecs
    for word, cls in class_of.items():
        sims = [(cos_similarity(W[word_to_id[word]], W[i]), id_to_word[i])
                for i in range(len(id_to_word)) if id_to_word[i] != word]
        top = [w for _, w in sorted(sims, reverse=True)[:3]]
        assert all(class_of.get(w) == cls for w in top), (word, top)

    result = most_similar("cat", word_to_id, id_to_word, W, top=3)
    assert [class_of[w] for w, _ in result] == ["noun"] * 3
    assert "[query] cat" in capsys.readouterr().out
