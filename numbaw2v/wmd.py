"""Word Mover's Distance between two documents (Kusner et al. 2015).

Each document is a bag of keys with weights count / length; moving one unit of
weight from key a to key b costs the Euclidean distance of their vectors. The
distance is the cost of the cheapest plan that turns one bag into the other,
solved exactly by the optional POT package (``pip install 'numbaw2v[wmd]'``).
"""
import logging

import numpy as np

logger = logging.getLogger(__name__)


def _solver():
    try:
        from ot import emd2
    except ImportError as err:
        raise ImportError("KeyedVectors.wmdistance needs the optional POT package: "
                          "pip install 'numbaw2v[wmd]' (or pip install POT)") from err
    return emd2


def _bag(document):
    """(distinct keys in first-seen order, their share of the document) as float64."""
    counts = {}
    for key in document:
        counts[key] = counts.get(key, 0) + 1
    return list(counts), np.array(list(counts.values()), dtype=np.float64) / len(document)


def _pairwise_euclidean(a, b):
    """Distances of every row of ``a`` to every row of ``b``, from the differences.

    Taken from the differences (not |a|^2 + |b|^2 - 2ab, which rounds), so equal
    vectors are exactly 0.0 apart and a document is exactly 0.0 from itself.
    Documents are short: the (m, n, d) temporary stays small.
    """
    return np.sqrt(np.square(a[:, None, :] - b[None, :, :]).sum(axis=2))


def word_movers_distance(kv, document1, document2, norm=True):
    """WMD between two lists of keys of ``kv``, with unit vectors when ``norm``.

    Keys not in ``kv`` are dropped (logged). A document left empty gives inf, as
    in gensim; two documents whose vectors all coincide give 0.0.
    """
    emd2 = _solver()
    doc1 = [key for key in document1 if key in kv]
    doc2 = [key for key in document2 if key in kv]
    dropped = (len(document1) - len(doc1), len(document2) - len(doc2))
    if any(dropped):
        logger.info("wmdistance: dropped %d and %d unknown keys from documents 1 and 2", *dropped)
    if not doc1 or not doc2:
        logger.warning("wmdistance: a document has no key in the vocabulary; distance is inf")
        return float("inf")
    keys1, mass1 = _bag(doc1)
    keys2, mass2 = _bag(doc2)
    source = kv.get_normed_vectors() if norm else kv.vectors
    v1 = source[kv._indices(keys1)].astype(np.float64)
    v2 = source[kv._indices(keys2)].astype(np.float64)
    cost = _pairwise_euclidean(v1, v2)
    if not cost.any():
        return 0.0
    return float(emd2(mass1, mass2, cost))
