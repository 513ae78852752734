"""The vocabulary of a sharded corpus: word counts merged by a tree reduction on the cluster.

Each partition's count is (types in first-seen order, counts). Merging two in
corpus order keeps the first operand's types first and appends the second's
new types in their order, so the merged types are in first-seen order of the
whole corpus and the counts are sums: exactly what one scan of all the files
finds. ``min_count``, ``max_vocab_size``, subsampling and the negative table
are then applied once, on the driver, by ``vocab.prepare`` as on one machine.
``max_vocab_size`` (gensim's pruned scan, which depends on the order sentences
are seen in) cannot be replayed from merged counts: a run whose corpus has more
word types than ``max_vocab_size`` raises a ParameterError.
"""
import numpy as np

from ..errors import ParameterError
from ..vocab import RawVocab, prepare


def merge_counts(a, b):
    """Two partition counts (dicts of types, counts, words, sentences, undecodable), in order."""
    index = {t: i for i, t in enumerate(a["types"])}
    where = np.fromiter((index.get(t, -1) for t in b["types"]), dtype=np.int64,
                        count=len(b["types"]))   # a loop over word types, not tokens
    new = where < 0
    types = list(a["types"]) + [t for t, n in zip(b["types"], new) if n]
    counts = np.concatenate([np.asarray(a["counts"], dtype=np.int64),
                             np.asarray(b["counts"], dtype=np.int64)[new]])
    np.add.at(counts, where[~new], np.asarray(b["counts"], dtype=np.int64)[~new])
    return {"types": types, "counts": counts,
            "words": a["words"] + b["words"], "sentences": a["sentences"] + b["sentences"],
            "undecodable": a["undecodable"] + b["undecodable"]}


def tree_reduce(client, futures, key_prefix="numbaw2v-vocab-merge"):
    """Merge a list of count futures pairwise on the cluster (log2 levels); one future back."""
    level = 0
    while len(futures) > 1:
        nxt = []
        for i in range(0, len(futures) - 1, 2):
            nxt.append(client.submit(merge_counts, futures[i], futures[i + 1], pure=False,
                                     key=f"{key_prefix}-{level}-{i // 2}-{id(futures)}"))
        if len(futures) % 2:
            nxt.append(futures[-1])
        futures = nxt
        level += 1
    return futures[0]


def vocab_from_counts(merged, min_count, max_vocab_size, sample, ns_exponent, **options):
    """The Vocab (as one machine builds it) of merged counts.

    ``options``: ``vocab.prepare``'s max_final_vocab, sorted_vocab, null_word."""
    counts = np.asarray(merged["counts"], dtype=np.int64)
    alive = np.flatnonzero(counts > 0)
    if max_vocab_size is not None and alive.shape[0] > max_vocab_size:
        raise ParameterError(
            f"max_vocab_size={max_vocab_size}: the corpus has {alive.shape[0]} word types and "
            "gensim's pruned scan cannot be replayed on a cluster; leave max_vocab_size "
            "unset (None) and use min_count or max_final_vocab")
    raw = RawVocab([merged["types"][i] for i in alive], counts[alive])
    return prepare(raw, min_count=min_count, sample=sample, ns_exponent=ns_exponent,
                   **options).vocab
