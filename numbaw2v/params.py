"""The one table of ``Word2Vec`` parameters: name, default, type, allowed range and help.

The table drives the constructor (``check_params`` fills defaults, coerces and validates),
``Word2Vec.save``/``load`` (rows with ``saved``) and the flags of ``numbaw2v train``
(``add_arguments`` / ``kwargs_from_args``). A new hyperparameter is one new row here plus
the kernel that uses it; rules between parameters go in ``_cross_check``.
"""
import math
from dataclasses import dataclass

import numpy as np

from .errors import ParameterError

INT32_IDS = 2 ** 31 - 1      # word ids are int32 in the kernels
SEED_MAX = 2 ** 63 - 1


@dataclass(frozen=True)
class Param:
    """One parameter. ``kind`` is int, float or bool, or str, callable (a function such as
    ``trim_rule``) or tuple (the callbacks); ``low``/``high`` bound numbers (inclusive,
    or exclusive at the low end with ``low_open``); ``none`` says None is allowed (and
    ``default`` None means what ``help`` says). Rows that are not ``saved`` (functions
    and callbacks, which gensim does not store either) take their default after load."""
    name: str
    default: object
    kind: type
    help: str
    low: float = None
    high: float = None
    low_open: bool = False
    none: bool = False
    saved: bool = True        # stored by Word2Vec.save
    cli: bool = True          # a flag of `numbaw2v train`
    flags: tuple = ()         # extra CLI spellings: ((flag, constant value), ...)

    def rule(self):
        """The allowed values, in words (for messages and help)."""
        if self.kind in _OTHER_KINDS:
            text = _OTHER_KINDS[self.kind]
        elif self.kind is bool:
            text = "True/False (or 0/1)"
        else:
            noun = "an integer" if self.kind is int else "a finite number"
            lo = "" if self.low is None else f"{'>' if self.low_open else '>='} {self.low:g}"
            hi = "" if self.high is None else f"<= {self.high:g}"
            bounds = " and ".join(b for b in (lo, hi) if b)
            text = f"{noun} {bounds}".strip()
        return f"None or {text}" if self.none else text

    def check(self, value):
        """``value`` coerced to the parameter's type; ParameterError when it is not allowed."""
        if value is None and self.none:
            return None
        coerced = _coerce(self.kind, value)
        ok = coerced is not None
        if ok and self.kind in (int, float):
            ok = (self.low is None or (coerced > self.low if self.low_open else
                                       coerced >= self.low)) and \
                (self.high is None or coerced <= self.high)
        if not ok:
            raise ParameterError(f"{self.name} must be {self.rule()}, got {value!r}")
        return coerced


# kinds beyond numbers and flags: what the value must be, in words
_OTHER_KINDS = {
    str: "a string",
    callable: "a callable",
    tuple: "a sequence of callback objects (with on_train_begin, on_epoch_begin, "
           "on_epoch_end or on_train_end methods, as gensim's CallbackAny2Vec)",
}
CALLBACK_METHODS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


def _coerce_other(kind, value):
    if kind is str:
        return value if isinstance(value, str) else None
    if kind is callable:
        return value if callable(value) else None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return None
    items = tuple(value)
    if not all(any(callable(getattr(cb, m, None)) for m in CALLBACK_METHODS) for cb in items):
        return None
    return items


def _coerce(kind, value):
    """value as a Python bool/int/float of ``kind``, or None when it is not one."""
    if kind in _OTHER_KINDS:
        return _coerce_other(kind, value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value) if kind is bool else None
    if kind is bool:
        return bool(value) if isinstance(value, (int, np.integer)) and value in (0, 1) else None
    if isinstance(value, (int, np.integer)):
        return int(value) if kind is int else float(value)
    if kind is float and isinstance(value, (float, np.floating)) and math.isfinite(value):
        return float(value)
    return None


PARAMS = (
    Param("vector_size", 100, int, "dimensions of the word vectors", 1, 100_000),
    Param("window", 5, int, "maximum distance between the centre and a context word", 1, 10_000),
    Param("min_count", 5, int, "ignore words rarer than this", 0, 2 ** 62),
    Param("max_vocab_size", None, int,
          "while counting, forget the rarest words whenever more than this many are known "
          "(gensim's pruned scan; None: no limit)", 1, INT32_IDS, none=True),
    Param("max_final_vocab", None, int,
          "raise min_count so that at most this many words are kept (None: no limit)",
          1, INT32_IDS, none=True),
    Param("trim_rule", None, callable,
          "rule(word, count, min_count) -> RULE_DISCARD/RULE_KEEP/RULE_DEFAULT; used by the "
          "constructor's build_vocab only (not stored, as gensim)",
          none=True, saved=False, cli=False),
    Param("sorted_vocab", True, bool, "sort the vocabulary by descending frequency"),
    Param("null_word", False, bool, "add the padding word '\\0' (count 1) to the vocabulary"),
    Param("sample", 1e-3, float, "subsampling threshold for frequent words (0: off; below 1 a "
          "share of the corpus, from 1 on a count)", 0),
    Param("sg", 0, bool, "1 skip-gram, 0 CBOW", flags=(("--skipgram", 1), ("--cbow", 0))),
    Param("negative", 5, int, "negative samples per word (0: no negative sampling, needs hs=1)",
          0, 1000),
    Param("hs", 0, bool, "1 hierarchical softmax over a Huffman tree of the vocabulary (alone "
          "with negative=0, or besides negative sampling), 0 none"),
    Param("ns_exponent", 0.75, float, "exponent of the unigram distribution of negatives",
          -10, 10),
    Param("cbow_mean", True, bool, "CBOW: 1 average the context vectors, 0 sum them"),
    Param("alpha", None, float, "initial learning rate (default 0.05 CBOW, 0.025 skip-gram)",
          0, 1, low_open=True, none=True),
    Param("min_alpha", 1e-4, float, "final learning rate", 0, 1),
    Param("epochs", 5, int, "passes over the corpus", 0, 1_000_000),
    Param("workers", None, int, "threads (default: all cores)", 1, 4096, none=True),
    Param("seed", 1, int, "random seed", 0, SEED_MAX),
    Param("hashfxn", hash, callable,
          "hash function of seeded_vector(word, size) (gensim 4's initialisation does not "
          "use it)", saved=False, cli=False),
    Param("batch_words", None, int,
          "words per chunk, the unit of work of a thread; a context window never crosses "
          "one (None: from the corpus size, 1024 to 65536)", 1, INT32_IDS, none=True),
    Param("callbacks", (), tuple,
          "objects whose on_train_begin/on_epoch_begin/on_epoch_end/on_train_end(model) "
          "are called by the constructor's training", saved=False, cli=False),
    Param("comment", None, str, "a note stored with the model", none=True, cli=False),
    Param("shrink_windows", True, bool, "draw each word's window size in 1..window",
          flags=(("--no-shrink-windows", 0),)),
    Param("compute_loss", False, bool, "track the training loss"),
    Param("vocab_size", None, int, "the id range when sentences are integer id arrays",
          1, INT32_IDS, none=True, cli=False),
    Param("shared_negatives", True, bool,
          "skip-gram: 1 one set of negatives per window, 0 fresh negatives per context word"),
    Param("corpus_memory_limit", 16 << 20, int,
          "bytes of encoded corpus kept in memory; past it the corpus goes to a temporary file",
          0, 2 ** 62, saved=False),
    Param("progress", None, bool, "show a progress bar (None: on a terminal)", none=True,
          saved=False, cli=False),
)
BY_NAME = {p.name: p for p in PARAMS}


def defaults():
    """Every parameter's default, by name."""
    return {p.name: p.default for p in PARAMS}


def check_params(given):
    """All parameters, defaults filled in, coerced and checked; ParameterError on the first bad.

    ``given`` maps names to values; a name that is not a parameter is an error.
    """
    unknown = sorted(set(given) - set(BY_NAME))
    if unknown:
        raise ParameterError(f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    values = {p.name: p.check(given.get(p.name, p.default)) for p in PARAMS}
    _cross_check(values)
    return values


def _cross_check(values):
    if values["negative"] < 1 and not values["hs"]:
        raise ParameterError("negative must be >= 1 when hs=0: with negative=0 and hs=0 there "
                             "is no training objective; use negative > 0 (negative sampling), "
                             f"hs=1 (hierarchical softmax) or both, got negative="
                             f"{values['negative']}, hs=0")


# ------------------------------------------------------------------ command line
def _flag(p):
    return "--" + p.name.replace("_", "-")


def _cli_type(p):
    def parse(text):
        import argparse
        try:
            value = int(text) if p.kind in (int, bool) else float(text)
            return p.check(value)
        except (ValueError, ParameterError):
            raise argparse.ArgumentTypeError(f"must be {p.rule()}, got {text!r}") from None
    parse.__name__ = p.kind.__name__
    return parse


def _default_text(p):
    if p.default is None:
        return ""
    value = int(p.default) if p.kind is bool else p.default
    return f" (default {value:g})" if isinstance(value, float) else f" (default {value})"


def add_arguments(parser):
    """Add a flag to ``parser`` for every CLI parameter, with the table's default and help.

    A bool flag takes 0 or 1, and alone means 1 (``--compute-loss``).
    """
    for p in PARAMS:
        if not p.cli:
            continue
        where = parser.add_mutually_exclusive_group() if p.flags else parser
        extra = dict(nargs="?", const=True, metavar="0|1") if p.kind is bool else {}
        where.add_argument(_flag(p), dest=p.name, type=_cli_type(p), default=p.default,
                           help=p.help + _default_text(p), **extra)
        for flag, const in p.flags:
            where.add_argument(flag, dest=p.name, action="store_const", const=p.check(const),
                               help=f"same as {_flag(p)} {int(const)}")
    return parser


def kwargs_from_args(args):
    """The Word2Vec keyword arguments of parsed ``numbaw2v train`` arguments."""
    return {p.name: getattr(args, p.name) for p in PARAMS if p.cli}
