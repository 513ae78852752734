"""The vocabulary: raw counts, gensim's trimming rules, subsampling and the negative table.

Building a vocabulary has gensim 4.4's three steps:

1. the raw vocabulary (``RawVocab``): every word type of a corpus with its count, in the
   order the types were first seen. With ``max_vocab_size`` the counts are those of
   gensim's pruned scan (``replay_pruned_scan``): whenever a sentence leaves more than
   ``max_vocab_size`` types, the types rarer than a threshold that grows by one at every
   pruning are forgotten (their count restarts from zero if they come back);
2. the kept words (``prepare``): ``trim_rule`` and the effective ``min_count`` (raised by
   ``max_final_vocab``) choose them; a fresh vocabulary is sorted by descending count
   (ties: the later-seen word first, as gensim sorts) and an update appends the new words;
3. the per-word tables of ``Vocab``: subsampling keep-probabilities and the alias table
   of count**ns_exponent used to draw negatives.

``RULE_DISCARD``, ``RULE_KEEP`` and ``RULE_DEFAULT`` have gensim's values (1, 2, 0), so
``gensim.utils``'s constants work as they are.
"""
import collections
import itertools
import logging
import math
from dataclasses import dataclass

import numpy as np

from .errors import ParameterError, VocabularyError
from .sampling import AliasTable

logger = logging.getLogger(__name__)

RULE_DEFAULT = 0      # apply min_count
RULE_DISCARD = 1      # drop the word whatever its count
RULE_KEEP = 2         # keep the word whatever its count
NULL_WORD = "\0"      # gensim's padding pseudo-word (``null_word=1``)
NO_PRIOR_VOCAB = ("You cannot do an online vocabulary-update of a model which has no prior "
                  "vocabulary: build the vocabulary with a corpus first (update=False)")


class Vocab:
    """Words (``index_to_key``) with their counts and per-word tables.

    Holds per-word counts, the subsampling keep-probabilities (computed from the counts
    and ``sample`` unless ``keep_prob`` is given, as after an online update) and the
    unigram**ns_exponent alias table used to draw negatives.
    """

    def __init__(self, index_to_key, counts, sample=1e-3, ns_exponent=0.75, keep_prob=None):
        self.index_to_key = list(index_to_key)
        self.counts = np.asarray(counts, dtype=np.int64)
        if len(self.index_to_key) != self.counts.shape[0]:
            raise ValueError("index_to_key and counts differ in length")
        if not self.index_to_key:
            raise VocabularyError("the vocabulary is empty")
        self.key_to_index = {k: i for i, k in enumerate(self.index_to_key)}
        self.sample = float(sample)
        self.ns_exponent = float(ns_exponent)
        if keep_prob is None:
            keep_prob = keep_probabilities(self.counts, self.sample)
        self.keep_prob = np.asarray(keep_prob, dtype=np.float64)
        if self.keep_prob.shape != self.counts.shape:
            raise ValueError("keep_prob and counts differ in length")
        self.table = AliasTable(negative_weights(self.counts, self.ns_exponent))

    def __len__(self):
        return len(self.index_to_key)

    def ids_of(self, types):
        """int32 vocabulary id of each word type (-1: not in the vocabulary), e.g. the
        mapping of a scan's provisional ids (a loop over word types, not tokens)."""
        index = self.key_to_index
        return np.fromiter((index.get(t, -1) for t in types), dtype=np.int32, count=len(types))

    @property
    def total_words(self):
        return int(self.counts.sum())


# ------------------------------------------------------------------ raw vocabulary
class RawVocab:
    """Word types in first-seen order with their counts (gensim's ``raw_vocab`` dict).

    ``as_dict()`` gives the dict gensim users know (made once, then kept: changes made to
    that dict are what ``prepare`` reads).
    """

    def __init__(self, keys, counts):
        self._keys = list(keys)
        self._counts = np.asarray(counts, dtype=np.int64)
        self._dict = None

    @classmethod
    def from_mapping(cls, word_freq, name="word_freq"):
        """From a mapping word -> count (``build_vocab_from_freq``); counts must be ints >= 0."""
        if not isinstance(word_freq, collections.abc.Mapping):
            raise ParameterError(f"{name} must be a dict of word -> count, got "
                                 f"{type(word_freq).__name__}")
        raw = cls([], [])
        raw._dict = word_freq
        raw._read_dict()
        return raw

    def arrays(self):
        """(keys, int64 counts); read from the dict again when there is one (it may have
        changed since), so read both at once rather than ``keys`` then ``counts``."""
        if self._dict is not None:
            self._read_dict()
        return self._keys, self._counts

    def _read_dict(self):
        """Check the dict's words and counts and take them as the arrays."""
        values = list(self._dict.values())
        bad = next((i for i, v in enumerate(values)
                    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer))
                    or v < 0), None)
        if bad is not None:
            key = list(self._dict)[bad]
            raise ParameterError(f"the count of {key!r} must be an integer >= 0, "
                                 f"got {values[bad]!r}")
        odd = next((k for k in self._dict if not isinstance(k, (str, int, np.integer))
                    or isinstance(k, bool)), None)
        if odd is not None:
            raise ParameterError(f"word {odd!r} is {type(odd).__name__}: words must be str "
                                 "(or int ids)")
        self._keys = list(self._dict)
        self._counts = np.asarray(values, dtype=np.int64).reshape(-1)

    @property
    def keys(self):
        return self.arrays()[0]

    @property
    def counts(self):
        return self.arrays()[1]

    def __len__(self):
        return len(self._dict) if self._dict is not None else len(self._keys)

    def as_dict(self):
        if self._dict is None:
            self._dict = collections.defaultdict(int, zip(self._keys, self._counts.tolist()))
        return self._dict


def first_seen_order(ids_blocks, n_types):
    """Type indices ordered by their first occurrence in the id stream (absent types last).

    One compiled pass over the ids (``kernels.vocab.first_positions``), which stops
    reading blocks once every type has been seen.
    """
    from .kernels.vocab import NOT_SEEN, first_positions

    first = np.full(n_types, NOT_SEEN, dtype=np.int64)
    base = seen = 0
    for block in ids_blocks:
        block = np.ascontiguousarray(block, dtype=np.int32)
        seen += first_positions(block, base, first)
        base += block.shape[0]
        if seen == n_types:
            break
    return np.argsort(first, kind="stable")


def raw_from_scan(scan, max_vocab_size=None, trim_rule=None):
    """The RawVocab of a text.Scan: its counts, or those of gensim's pruned scan.

    For integer-id corpora the types are put in first-seen order (the scan numbers
    them by id) and ids that never occur are left out.
    """
    types, counts = scan.types, np.asarray(scan.counts, dtype=np.int64)
    if max_vocab_size is not None and int(np.count_nonzero(counts)) > max_vocab_size:
        counts, stamps = replay_pruned_scan(scan, max_vocab_size, trim_rule)
        alive = np.flatnonzero(counts > 0)
        order = alive[np.argsort(stamps[alive], kind="stable")]
    elif types and not isinstance(types[0], str):       # integer ids, numbered by id
        order = first_seen_order(_typed_blocks(scan), len(types))
        order = order[counts[order] > 0]
    else:
        order = np.flatnonzero(counts > 0)
    return RawVocab([types[i] for i in order], counts[order])


def _typed_blocks(scan):
    """The scan's ids block by block, as indices of ``scan.types``."""
    for block in scan.sink.blocks():
        yield scan.merge[block] if scan.merge is not None else block


def replay_pruned_scan(scan, max_vocab_size, trim_rule=None):
    """Counts and insertion stamps of gensim's scan with ``max_vocab_size`` pruning.

    The compiled kernel counts the tokens and stops at every sentence end that leaves
    more than ``max_vocab_size`` live types; the pruning itself (a loop over types,
    which may call ``trim_rule``) is done here. Returns (counts, stamps): a type with a
    zero count was pruned for good; stamps order the survivors as gensim's dict does.
    """
    return replay_pruned_blocks(_typed_blocks(scan), scan.sentence_lengths, scan.types,
                                max_vocab_size, trim_rule)


ENDS_PIECE = 1 << 16        # sentence lengths turned into sentence ends at a time


class _SentenceEnds:
    """A corpus's absolute sentence ends, made from its lengths (an array or a memmap)
    ``piece`` at a time, so that a spilled corpus's ends are never all in memory.

    ``ends`` is the window the kernel reads: every end not checked yet, up to the first
    end past the position last asked for (or the corpus's last end).
    """

    def __init__(self, lengths, piece=ENDS_PIECE):
        self.lengths, self.piece = lengths, max(1, int(piece))
        self.made = 0           # lengths turned into ends so far
        self.last = 0           # the last end made (the window's last entry)
        self.ends = np.zeros(0, dtype=np.int64)

    def cover(self, stop, si):
        """Drop the ``si`` ends already checked and make ends until one is past ``stop``:
        the new window starts at the first unchecked end."""
        parts = [self.ends[si:]]
        while self.last <= stop and self.made < len(self.lengths):
            chunk = np.asarray(self.lengths[self.made:self.made + self.piece], dtype=np.int64)
            self.made += chunk.shape[0]
            new = self.last + np.cumsum(chunk)
            self.last = int(new[-1])
            parts.append(new)
        self.ends = np.ascontiguousarray(np.concatenate(parts))


def replay_pruned_blocks(blocks, lengths, types, max_vocab_size, trim_rule=None,
                         ends_piece=ENDS_PIECE):
    """``replay_pruned_scan`` over id ``blocks`` (indices of ``types``) and the corpus's
    sentence ``lengths``; the ends are made ``ends_piece`` lengths at a time."""
    from .kernels.vocab import PRUNE, count_until_full

    n = len(types)
    counts = np.zeros(n, dtype=np.int64)
    stamps = np.zeros(n, dtype=np.int64)
    state = np.zeros(2, dtype=np.int64)                  # live types, next stamp
    ends = _SentenceEnds(lengths, ends_piece)
    si, min_reduce, base = 0, 1, 0
    # the empty block at the end checks the sentence ends after the last token
    for block in itertools.chain(blocks, [np.empty(0, dtype=np.int32)]):
        block = np.ascontiguousarray(block, dtype=np.int32)
        ends.cover(base + block.shape[0], si)
        si, pos = 0, base
        while True:
            status, pos, si = count_until_full(block, base, pos, ends.ends, si, counts, stamps,
                                               state, int(max_vocab_size))
            if status != PRUNE:
                break
            live = np.flatnonzero(counts > 0)           # the table is full: prune it
            keys = None if trim_rule is None else [types[i] for i in live]
            drop = live[~keep_mask(keys, counts[live], min_reduce, trim_rule)]
            counts[drop] = 0
            state[0] -= drop.shape[0]
            logger.debug("pruned %d word types with count < %d (%d left)", drop.shape[0],
                         min_reduce, state[0])
            min_reduce += 1
        base += block.shape[0]
    if min_reduce > 1:
        logger.info("max_vocab_size=%d pruned the raw vocabulary %d times", max_vocab_size,
                    min_reduce - 1)
    return counts, stamps


# ------------------------------------------------------------------ keeping words
def keep_mask(keys, counts, min_count, trim_rule=None):
    """Which words stay: ``count >= min_count``, overridden word by word by ``trim_rule``.

    ``trim_rule(word, count, min_count)`` returns RULE_KEEP, RULE_DISCARD or
    RULE_DEFAULT (None counts as RULE_DEFAULT); anything else is a ParameterError.
    """
    counts = np.asarray(counts, dtype=np.int64)
    mask = counts >= min_count
    if trim_rule is None:
        return mask
    for i, (key, count) in enumerate(zip(keys, counts.tolist())):   # a loop over types
        verdict = trim_rule(key, count, min_count)
        if verdict is None:
            continue
        if isinstance(verdict, (int, np.integer)) and verdict in (RULE_KEEP, RULE_DISCARD,
                                                                   RULE_DEFAULT):
            if verdict == RULE_KEEP:
                mask[i] = True
            elif verdict == RULE_DISCARD:
                mask[i] = False
            continue
        raise ParameterError(
            f"trim_rule returned {verdict!r} for the word {key!r}: it must return "
            "RULE_DISCARD (1), RULE_KEEP (2) or RULE_DEFAULT (0)")
    return mask


def effective_min_count(counts, min_count, max_final_vocab=None):
    """``min_count``, raised so that at most about ``max_final_vocab`` words pass (gensim's rule).

    The count of the (max_final_vocab + 1)-th most frequent word plus one, when that is
    higher than ``min_count``; words tied at the boundary all go.
    """
    if max_final_vocab is None:
        return int(min_count)
    counts = np.asarray(counts, dtype=np.int64)
    calc = 1
    if max_final_vocab < counts.shape[0]:
        calc = int(np.partition(-counts, max_final_vocab)[max_final_vocab] * -1) + 1
    return max(calc, int(min_count))


def threshold_count(sample, total):
    """The count t of gensim's subsampling: ``sample * total``, or for ``sample >= 1`` an
    absolute count (``int(sample * golden ratio squared)``; infinite, so every word is
    kept, past the largest float)."""
    if sample < 1.0:
        return float(sample) * float(total)
    t = float(sample) * (3 + math.sqrt(5)) / 2
    return float(int(t)) if math.isfinite(t) else math.inf


def keep_probabilities(counts, sample, total=None):
    """The C word2vec's subsampling: keep a word with (sqrt(f/t) + 1) * t/f, at most 1.

    f is the word's count and t is ``threshold_count(sample, total)``, ``total`` being
    the sum of ``counts`` unless given."""
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones(counts.shape[0], dtype=np.float64)
    t = threshold_count(sample, counts.sum() if total is None else total)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (np.sqrt(counts / t) + 1.0) * t / counts
    p[~np.isfinite(p)] = 1.0
    return np.minimum(p, 1.0)


def negative_weights(counts, ns_exponent):
    """Unnormalised negative-sampling weights count**ns_exponent (all ones if the exponent is 0)."""
    with np.errstate(divide="ignore"):      # 0 ** negative: inf, set to 0 below
        w = np.asarray(counts, dtype=np.float64) ** float(ns_exponent)
    w[~np.isfinite(w)] = 0.0          # a zero count with a negative exponent is never drawn
    if not np.any(w > 0):
        w = np.ones_like(w)
    return w


@dataclass
class Prepared:
    """What ``prepare`` decided: the new Vocab (None on a dry run) and gensim's report."""
    vocab: object
    report: dict
    effective_min_count: int


def prepare(raw, old=None, *, min_count, sample, ns_exponent, trim_rule=None,
            max_final_vocab=None, sorted_vocab=True, null_word=False, update=False,
            dry_run=False):
    """Apply min_count / trim_rule / max_final_vocab to ``raw`` and compute the tables.

    A fresh vocabulary (``update=False``) holds the kept words (sorted by descending
    count with ``sorted_vocab``); an update keeps ``old``'s words in place, adds the
    counts of this corpus to theirs and appends the new kept words in first-seen
    order. Subsampling probabilities are those of gensim: computed from this corpus's
    counts of the words kept now (other words keep theirs). Returns a ``Prepared``.
    """
    keys, counts = raw.arrays()
    eff = effective_min_count(counts, min_count, max_final_vocab)
    mask = keep_mask(keys, counts, eff, trim_rule)
    kept = np.flatnonzero(mask)
    report = {"drop_unique": int(counts.shape[0] - kept.shape[0])}
    drop_total = int(counts[~mask].sum())
    retain_total = int(counts[kept].sum())
    kept_keys = [keys[i] for i in kept]
    kept_counts = counts[kept]
    added = []
    if update:
        if old is None:
            raise VocabularyError(NO_PRIOR_VOCAB)
        index = old.key_to_index
        is_new = np.fromiter((k not in index for k in kept_keys), dtype=bool,
                             count=len(kept_keys))
        added = [k for k, new in zip(kept_keys, is_new) if new]
        logger.info("vocabulary update: %d new words, %d words seen before (%.2f%% and "
                    "%.2f%% of %d types)", len(added), int((~is_new).sum()),
                    100 * len(added) / max(len(keys), 1),
                    100 * int((~is_new).sum()) / max(len(keys), 1), len(keys))
    else:
        logger.info("effective_min_count=%d keeps %d of %d word types (%d of %d words)", eff,
                    kept.shape[0], counts.shape[0], retain_total, retain_total + drop_total)

    probs = keep_probabilities(kept_counts, sample, retain_total)
    below = probs < 1.0                 # none when sample=0: then every probability is 1
    downsample_unique = int(np.count_nonzero(below))
    downsample_total = float(np.sum(np.where(below, probs * kept_counts, kept_counts)))
    report.update(retain_total=retain_total, downsample_unique=downsample_unique,
                  downsample_total=int(downsample_total), num_retained_words=len(kept_keys))
    logger.info("sample=%g downsamples %d most-common words, leaving about %d of %d words",
                sample, downsample_unique, int(downsample_total), retain_total)
    result = Prepared(None, report, eff)
    if dry_run:
        return result

    if update:
        n_old = len(old)
        index_to_key = old.index_to_key + added
        new_index = {k: n_old + i for i, k in enumerate(added)}
        all_counts = np.concatenate([old.counts, np.zeros(len(added), dtype=np.int64)])
        keep_prob = np.concatenate([old.keep_prob, np.ones(len(added))])
        # every known word gets this corpus's count, kept now or not (as gensim)
        raw_rows = np.fromiter((old.key_to_index.get(k, new_index.get(k, -1)) for k in keys),
                               dtype=np.int64, count=len(keys))
        seen = raw_rows >= 0
        np.add.at(all_counts, raw_rows[seen], counts[seen])
        keep_prob[raw_rows[kept]] = probs       # every kept word is known or added
    else:
        index_to_key, all_counts, keep_prob = kept_keys, kept_counts, probs
    if null_word and NULL_WORD not in (old.key_to_index if update else set(index_to_key)):
        if index_to_key and not isinstance(index_to_key[0], str):
            raise ParameterError("null_word=1 adds the word '\\0', which a vocabulary of "
                                 "integer ids cannot hold")
        index_to_key = index_to_key + [NULL_WORD]
        all_counts = np.append(all_counts, 1)
        keep_prob = np.append(keep_prob, keep_probabilities([1], sample, retain_total))
    if sorted_vocab and not update and index_to_key:
        order = np.lexsort((-np.arange(len(index_to_key)), -np.asarray(all_counts)))
        index_to_key = [index_to_key[i] for i in order]
        all_counts, keep_prob = np.asarray(all_counts)[order], np.asarray(keep_prob)[order]
    if not index_to_key:
        top = int(counts.max()) if counts.size else 0
        rule = " and trim_rule" if trim_rule is not None else ""
        raise VocabularyError(
            f"the vocabulary is empty after min_count={eff}{rule}: no word occurs {eff} times "
            f"or more (the most frequent occurs {top} times); lower min_count"
            + (" or raise max_final_vocab" if max_final_vocab is not None else ""))
    result.vocab = Vocab(index_to_key, all_counts, sample, ns_exponent, keep_prob=keep_prob)
    return result
