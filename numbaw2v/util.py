"""The book's small utilities for word vectors.

``most_similar`` and ``analogy`` print their answers like the book's and
also return them as a list of ``(word, similarity)`` pairs.
"""
import numpy as np


def preprocess(text):
    """Lower-case, split off full stops, split on spaces.

    Returns ``(corpus, word_to_id, id_to_word)``; ids are given in order of
    first appearance.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    words = text.lower().replace(".", " .").split(" ")
    word_to_id, id_to_word = {}, {}
    for word in words:
        if word not in word_to_id:
            word_to_id[word] = len(word_to_id)
            id_to_word[word_to_id[word]] = word
    corpus = np.array([word_to_id[w] for w in words], dtype=np.int64)
    return corpus, word_to_id, id_to_word


def create_contexts_target(corpus, window_size=1):
    """Every position with a full window: contexts (n, 2*window_size) and target (n,)."""
    corpus = np.asarray(corpus)
    if corpus.ndim != 1 or not np.issubdtype(corpus.dtype, np.integer):
        raise ValueError("corpus must be a one-dimensional array of integer word ids")
    if int(window_size) != window_size or window_size < 1:
        raise ValueError(f"window_size must be a positive integer, got {window_size}")
    w = int(window_size)
    n = max(corpus.shape[0] - 2 * w, 0)
    target = corpus[w:w + n].copy()
    offsets = [o for o in range(-w, w + 1) if o != 0]
    contexts = np.empty((n, 2 * w), dtype=corpus.dtype)
    for k, o in enumerate(offsets):
        contexts[:, k] = corpus[w + o:w + o + n]
    return contexts, target


def convert_one_hot(corpus, vocab_size):
    """One-hot int32 encoding of a 1-D or 2-D array of ids."""
    corpus = np.asarray(corpus)
    if corpus.ndim not in (1, 2) or not np.issubdtype(corpus.dtype, np.integer):
        raise ValueError("corpus must be a 1-D or 2-D array of integer word ids")
    if corpus.size and (corpus.min() < 0 or corpus.max() >= vocab_size):
        raise ValueError(f"corpus has ids outside [0, {vocab_size})")
    one_hot = np.zeros(corpus.shape + (vocab_size,), dtype=np.int32)
    np.put_along_axis(one_hot, corpus[..., None], 1, axis=-1)
    return one_hot


def cos_similarity(x, y, eps=1e-8):
    """Cosine similarity of two vectors (eps keeps zero vectors finite)."""
    nx = x / (np.sqrt(np.sum(x ** 2)) + eps)
    ny = y / (np.sqrt(np.sum(y ** 2)) + eps)
    return np.dot(nx, ny)


def _row_cosines(word_matrix, query_vec, eps=1e-8):
    W = np.asarray(word_matrix, dtype=np.float64)
    q = np.asarray(query_vec, dtype=np.float64)
    norms = np.sqrt(np.sum(W ** 2, axis=1)) + eps
    return (W / norms[:, None]) @ (q / (np.sqrt(np.sum(q ** 2)) + eps))


def most_similar(query, word_to_id, id_to_word, word_matrix, top=5):
    """Print and return the ``top`` words closest to ``query`` by cosine similarity."""
    if query not in word_to_id:
        print(f"{query} is not found")
        return []
    print("\n[query] " + query)
    query_id = word_to_id[query]
    similarity = _row_cosines(word_matrix, word_matrix[query_id])
    return _report_top(similarity, id_to_word, top, lambda i: i == query_id)


def normalize(x):
    """Scale x (a vector, or each row of a matrix) to unit length, in place when float."""
    if x.ndim == 2:
        s = np.sqrt((x * x).sum(1))
        x /= s.reshape((s.shape[0], 1))
    elif x.ndim == 1:
        s = np.sqrt((x * x).sum())
        x /= s
    return x


def analogy(a, b, c, word_to_id, id_to_word, word_matrix, top=5, answer=None):
    """a : b = c : ?  Print and return the ``top`` words nearest to b - a + c.

    As in the book the score is ``word_matrix @ normalize(b - a + c)``, so
    pass a row-normalised matrix for cosine scores; a, b and c are skipped.
    """
    for word in (a, b, c):
        if word not in word_to_id:
            print(f"{word} is not found")
            return []
    print(f"\n[analogy] {a}:{b} = {c}:?")

    def vec(w):
        return word_matrix[word_to_id[w]]

    query_vec = normalize((vec(b) - vec(a) + vec(c)).astype(np.float64))
    similarity = np.dot(word_matrix, query_vec)
    if answer is not None:
        print(f"==>{answer}:{np.dot(word_matrix[word_to_id[answer]], query_vec)}")
    return _report_top(similarity, id_to_word, top,
                       lambda i: np.isnan(similarity[i]) or id_to_word[i] in (a, b, c))


def _report_top(similarity, id_to_word, top, skip):
    """The ``top`` best (word, score) pairs, printed one per line as the book does.

    Scans words from the most similar down, passing over ids for which ``skip`` is true.
    """
    result = []
    for i in np.argsort(-similarity, kind="stable"):
        i = int(i)
        if skip(i):
            continue
        result.append((id_to_word[i], float(similarity[i])))
        print(f" {id_to_word[i]}: {similarity[i]}")
        if len(result) >= top:
            break
    return result


def clip_grads(grads, max_norm):
    """Scale all grads in place so that their joint L2 norm is at most max_norm."""
    total_norm = np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads))
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for g in grads:
            g *= rate
    return rate
