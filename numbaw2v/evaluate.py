"""Word-vector benchmarks: Google-style analogies and word-pair similarity.

Both follow the rules of gensim's ``KeyedVectors.evaluate_word_analogies`` and
``evaluate_word_pairs`` so that numbers can be compared across the two
libraries:

- only the first ``restrict_vocab`` words of the vocabulary take part; with
  ``case_insensitive`` words are compared upper-cased, and a word written in
  several cases stands for its first (most frequent) row;
- a question or pair with a word outside that vocabulary is skipped, or with
  ``dummy4unknown`` counted as wrong / given similarity 0;
- an analogy ``a : b :: c : ?`` is answered by 3CosAdd over unit vectors: the
  rows of a, b, c are never answers, and of the five best remaining rows the
  first that is not a case variant of a, b or c is the prediction.

Analogy questions are answered in batches with one matrix product per batch.
Pearson and Spearman correlations and their two-sided p-values are computed
here with NumPy alone (Student t through the regularised incomplete beta
function), so SciPy is not needed.
"""
import logging
import math
import os

import numpy as np

from numbaw2v.errors import InputFileError, ParameterError
from numbaw2v.fileio import open_binary

logger = logging.getLogger(__name__)

TOTAL_SECTION = "Total accuracy"
MIN_PAIRS = 3                   # fewer pairs give no correlation (r = +-1 whatever the data)
NAN = float("nan")
_CANDIDATES = 5                 # answers inspected per question, as in gensim
_SCORE_BUDGET = 1 << 24         # float32 scores held at once while answering a batch


# --------------------------------------------------------------- vocabulary view
class _RestrictedVocab:
    """The first ``restrict_vocab`` words, optionally folded to upper case.

    ``lookup`` maps a (folded) word to its first row; ``canon[i]`` is the row
    that row i's folded word maps to.
    """

    def __init__(self, kv, restrict_vocab, case_insensitive):
        limit = len(kv) if restrict_vocab is None else max(0, min(int(restrict_vocab), len(kv)))
        keys = kv.index_to_key[:limit]
        folded = list(map(str.upper, keys)) if case_insensitive else keys
        self.size = limit
        self.fold = str.upper if case_insensitive else (lambda w: w)
        self.lookup = dict(zip(reversed(folded), range(limit - 1, -1, -1)))
        self.canon = np.fromiter(map(self.lookup.__getitem__, folded), dtype=np.int64, count=limit)

    def rows(self, words):
        """Row of each (already folded) word, -1 when outside the vocabulary."""
        get = self.lookup.get
        return np.fromiter((get(w, -1) for w in words), dtype=np.int64, count=len(words))


# ------------------------------------------------------------ evaluation files
def read_records(path, parse, what):
    """The records of an analogy or word-pair file, read by one rule.

    Lines are UTF-8 (a line that is not raises ``InputFileError`` naming it);
    blank lines and lines starting with '#' are skipped; ``parse(line)`` returns
    a record, or None for a malformed line, which is skipped and reported in one
    warning with its line number. A file without a single record raises
    ``InputFileError``.
    """
    records, malformed = [], []
    for line_no, line in _text_lines(path):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        record = parse(text)
        if record is None:
            malformed.append(line_no)
        else:
            records.append((line_no, record))
    if malformed:
        shown = ", ".join(map(str, malformed[:5])) + (", ..." if len(malformed) > 5 else "")
        logger.warning("%s: skipped %d line(s) that are not %s (line %s)", os.fspath(path),
                       len(malformed), what, shown)
    if not records:
        raise InputFileError(path, f"no {what} found")
    return records


def _text_lines(path):
    """(line number, line) of a UTF-8 text file, plain or compressed; bad UTF-8 names the line."""
    with open_binary(path) as fin:
        for line_no, raw in enumerate(fin, start=1):
            try:
                yield line_no, raw.decode("utf8")
            except UnicodeDecodeError as err:
                problem = f"not valid UTF-8 ({err.reason})"
                raise InputFileError(path, problem, line=line_no) from None


# -------------------------------------------------------------------- analogies
def _parse_analogy(text):
    if text.startswith(":"):
        return ("section", text[1:].strip())
    words = text.split()
    return ("question", tuple(words)) if len(words) == 4 else None


def read_analogies(path):
    """Sections of an analogy file as a list of ``(name, [(a, b, c, d), ...])``.

    Section headers are lines starting with ':'; other lines must hold four
    words (see :func:`read_records` for the rest of the rule). A question
    before the first header raises ``InputFileError``.
    """
    sections = []
    for line_no, (kind, value) in read_records(path, _parse_analogy,
                                               "analogy lines (': section' or 'a b c d')"):
        if kind == "section":
            sections.append((value, []))
        elif not sections:
            raise InputFileError(path, "a question before the first ': section' header",
                                 line=line_no)
        else:
            sections[-1][1].append(value)
    return sections


def answer_analogies(kv, questions, restrict_vocab=300000, case_insensitive=True,
                     similarity_function="most_similar"):
    """Answer ``a : b :: c : ?`` questions over the restricted vocabulary.

    ``similarity_function`` names the method as gensim's ``KeyedVectors`` does:
    'most_similar' (3CosAdd) or 'most_similar_cosmul' (3CosMul). Returns
    ``(known, correct)``: boolean arrays telling for each question whether
    all four words are in the vocabulary and whether the prediction equals d.
    """
    score = _ANALOGY_SCORES.get(similarity_function)
    if score is None:
        raise ParameterError(f"similarity_function must be one of {sorted(_ANALOGY_SCORES)}, "
                             f"got {similarity_function!r}")
    vocab = _RestrictedVocab(kv, restrict_vocab, case_insensitive)
    flat = [vocab.fold(w) for q in questions for w in q]
    rows = vocab.rows(flat).reshape(len(questions), 4)
    known = (rows >= 0).all(axis=1) if len(questions) else np.zeros(0, dtype=bool)
    correct = np.zeros(len(questions), dtype=bool)
    todo = np.flatnonzero(known)
    if len(todo) and vocab.size:
        unit = kv.fill_norms()[: vocab.size]
        batch = max(1, _SCORE_BUDGET // vocab.size)
        for start in range(0, len(todo), batch):
            chosen = todo[start:start + batch]
            correct[chosen] = _answer_batch(unit, vocab.canon, rows[chosen], score)
    return known, correct


def _cos_add(unit, a, b, c):
    """3CosAdd: cosine of every row with b + c - a (unit vectors)."""
    query = unit[b] + unit[c] - unit[a]
    norms = np.linalg.norm(query, axis=1, keepdims=True)
    query /= np.maximum(norms, np.finfo(np.float32).tiny)
    return query @ unit.T


def _cos_mul(unit, a, b, c):
    """3CosMul (Levy and Goldberg 2014): cos(x,b) cos(x,c) / (cos(x,a) + eps), cosines in [0, 1]."""
    def shifted(rows):
        return (1.0 + unit[rows] @ unit.T) / 2.0
    return shifted(b) * shifted(c) / (shifted(a) + 1e-6)


_ANALOGY_SCORES = {"most_similar": _cos_add, "most_similar_cosmul": _cos_mul}


def _answer_batch(unit, canon, rows, score=_cos_add):
    """Predictions for one batch of known questions (rows: (n, 4) canonical rows)."""
    a, b, c, expected = rows.T
    scores = score(unit, a, b, c)
    line = np.arange(len(rows))
    for col in (a, b, c):
        scores[line, col] = -np.inf
    # the best few rows by repeated argmax: sorted, and much cheaper than argpartition here
    k = min(_CANDIDATES, scores.shape[1])
    top = np.empty((len(rows), k), dtype=np.int64)
    exists = np.empty((len(rows), k), dtype=bool)
    for j in range(k):
        best = np.argmax(scores, axis=1)
        top[:, j] = best
        exists[:, j] = np.isfinite(scores[line, best])
        scores[line, best] = -np.inf
    cand = canon[top]
    usable = exists & (cand != a[:, None]) & (cand != b[:, None]) & (cand != c[:, None])
    first = np.argmax(usable, axis=1)
    n_exist = exists.sum(axis=1)
    # no usable candidate: gensim keeps the last one it looked at (or none at all)
    fallback = np.where(n_exist > 0, cand[line, np.maximum(n_exist - 1, 0)], -1)
    predicted = np.where(usable.any(axis=1), cand[line, first], fallback)
    return predicted == expected


def analogy_report(kv, path, restrict_vocab=300000, case_insensitive=True, dummy4unknown=False,
                   similarity_function="most_similar"):
    """Everything an analogy run measures, as a dict.

    Keys: 'score' (total accuracy), 'sections' (gensim-shaped list, last entry
    'Total accuracy'), 'questions' (valid lines), 'oov' (questions with an
    unknown word) and 'summary' (see :func:`summarize_analogies`).
    """
    parsed = read_analogies(path)
    questions = [q for _, qs in parsed for q in qs]
    if not questions:
        raise InputFileError(path, "no analogy questions found (only section headers)")
    known, correct = answer_analogies(kv, questions, restrict_vocab, case_insensitive,
                                      similarity_function)
    fold = str.upper if case_insensitive else (lambda w: w)
    sections, i = [], 0
    for name, qs in parsed:
        section = {"section": name, "correct": [], "incorrect": []}
        for q in qs:
            entry = tuple(fold(w) for w in q)
            if correct[i]:
                section["correct"].append(entry)
            elif known[i] or dummy4unknown:
                section["incorrect"].append(entry)
            i += 1
        sections.append(section)
        _log_section(section)
    total = {"section": TOTAL_SECTION,
             "correct": [q for s in sections for q in s["correct"]],
             "incorrect": [q for s in sections for q in s["incorrect"]]}
    sections.append(total)
    oov = int((~known).sum())
    logger.info("analogy questions with out-of-vocabulary words: %.1f%%",
                100.0 * oov / len(questions))
    score = _log_section(total)
    return {"score": score, "sections": sections, "questions": len(questions), "oov": oov,
            "summary": summarize_analogies(sections)}


def evaluate_word_analogies(kv, path, restrict_vocab=300000, case_insensitive=True,
                            dummy4unknown=False, similarity_function="most_similar"):
    """Accuracy on an analogy file in the Google format (``: section`` headers, ``a b c d`` lines).

    ``similarity_function``: 'most_similar' (3CosAdd, the default) or
    'most_similar_cosmul' (3CosMul), named as gensim's KeyedVectors methods.
    Returns ``(score, sections)`` shaped like gensim's: ``sections`` is a list of
    dicts with 'section', 'correct' and 'incorrect' (lists of 4-tuples), the last
    one being 'Total accuracy'; ``score`` is the total accuracy.
    """
    report = analogy_report(kv, path, restrict_vocab, case_insensitive, dummy4unknown,
                            similarity_function)
    return report["score"], report["sections"]


def section_accuracy(section):
    """Share of correct answers in a section dict (0.0 when it has none)."""
    done = len(section["correct"]) + len(section["incorrect"])
    return len(section["correct"]) / done if done else 0.0


def summarize_analogies(sections):
    """Per-section and semantic / syntactic / total counts and accuracies.

    Sections whose name starts with 'gram' (as in the Google set) are syntactic,
    the others semantic. Returns ``{'sections': [...], 'semantic': {...},
    'syntactic': {...}, 'total': {...}}``, each entry with 'correct', 'total'
    and 'accuracy'.
    """
    def entry(name, correct, total):
        return {"section": name, "correct": correct, "total": total,
                "accuracy": correct / total if total else 0.0}

    rows, groups = [], {"semantic": [0, 0], "syntactic": [0, 0]}
    for s in sections:
        if s["section"] == TOTAL_SECTION:
            continue
        ok, done = len(s["correct"]), len(s["correct"]) + len(s["incorrect"])
        rows.append(entry(s["section"], ok, done))
        group = groups["syntactic" if s["section"].startswith("gram") else "semantic"]
        group[0] += ok
        group[1] += done
    total = [groups["semantic"][i] + groups["syntactic"][i] for i in (0, 1)]
    return {"sections": rows,
            "semantic": entry("semantic", *groups["semantic"]),
            "syntactic": entry("syntactic", *groups["syntactic"]),
            "total": entry("total", *total)}


def _log_section(section):
    score = section_accuracy(section)
    done = len(section["correct"]) + len(section["incorrect"])
    if done:
        logger.info("%s: %.1f%% (%d/%d)", section["section"], 100.0 * score,
                    len(section["correct"]), done)
    return score


# ------------------------------------------------------------------- word pairs
def read_word_pairs(path, delimiter="\t"):
    """``(word1, word2, score)`` triples of a similarity file (one rule: :func:`read_records`)."""
    def parse(text):
        fields = text.split(delimiter)
        if len(fields) != 3:
            return None
        try:
            return fields[0].strip(), fields[1].strip(), float(fields[2])
        except ValueError:
            return None

    return [t for _, t in read_records(path, parse, f"'word{delimiter}word{delimiter}score' pairs")]


def evaluate_word_pairs(kv, path, delimiter="\t", restrict_vocab=300000, case_insensitive=True,
                        dummy4unknown=False):
    """Correlation of cosine similarities with human scores.

    Returns ``((pearson_r, p), (spearman_r, p), oov_percent)`` like gensim: the
    p-values are two-sided; ``oov_percent`` is the share of pairs with an unknown
    word (relative to the pairs used when ``dummy4unknown``). As in gensim (SciPy),
    a NaN score or vector, or a constant column, makes the correlations NaN (never
    a perfect score); fewer than 3 usable pairs give NaN too. Each case is logged.
    """
    triples = read_word_pairs(path, delimiter)
    vocab = _RestrictedVocab(kv, restrict_vocab, case_insensitive)
    rows = vocab.rows([vocab.fold(w) for t in triples for w in t[:2]]).reshape(len(triples), 2)
    gold = np.array([t[2] for t in triples], dtype=np.float64)
    known = (rows >= 0).all(axis=1)
    unit = kv.fill_norms()
    model = np.zeros(len(triples), dtype=np.float64)
    ia, ib = rows[known].T
    model[known] = np.einsum("ij,ij->i", unit[ia], unit[ib])
    keep = np.ones(len(triples), dtype=bool) if dummy4unknown else known
    gold, model = gold[keep], model[keep]
    if not len(gold):
        raise InputFileError(path, "no usable word pairs (every pair has an unknown word)")
    oov = int((~known).sum())
    oov_ratio = 100.0 * oov / (len(gold) if dummy4unknown else len(gold) + oov)
    _warn_degenerate(path, gold, model)
    pearson, spearman = pearson_r(gold, model), spearman_r(gold, model)
    logger.info("%s: Pearson %.4f, Spearman %.4f, pairs with unknown words %.1f%%",
                os.fspath(path), pearson[0], spearman[0], oov_ratio)
    return pearson, spearman, oov_ratio


def _warn_degenerate(path, gold, model):
    """Log why the correlations of these columns will be NaN, if they will."""
    for name, column in (("human scores", gold), ("model similarities", model)):
        bad = int((~np.isfinite(column)).sum())
        if bad:
            logger.warning("%s: %d of the %s are NaN or inf: the correlations are NaN",
                           os.fspath(path), bad, name)
        elif len(column) and np.all(column == column[0]):
            logger.warning("%s: the %s are all equal: the correlations are NaN",
                           os.fspath(path), name)
    if len(gold) < MIN_PAIRS:
        logger.warning("%s: only %d usable pair(s); correlations need at least %d: NaN",
                       os.fspath(path), len(gold), MIN_PAIRS)


# ------------------------------------------------------------------- statistics
def rank_average(values):
    """1-based ranks, tied values sharing the mean of their ranks."""
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts_group = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(starts_group) - 1
    starts = np.flatnonzero(starts_group)
    ends = np.r_[starts[1:], len(values)]
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = ((starts + ends - 1) / 2.0 + 1.0)[group]
    return ranks


def pearson_r(x, y):
    """Pearson correlation and its two-sided p-value.

    Both are NaN when undefined: a NaN or inf among the values, a constant
    column, or fewer than ``MIN_PAIRS`` pairs.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if _undefined(x, y):
        return NAN, NAN
    x, y = x - np.mean(x), y - np.mean(y)
    denom = math.sqrt(float(x @ x) * float(y @ y))
    r = float(x @ y) / denom if denom > 0.0 else NAN
    if math.isnan(r):
        return NAN, NAN
    r = max(-1.0, min(1.0, r))
    return r, correlation_pvalue(r, len(x))


def spearman_r(x, y):
    """Spearman rank correlation (average ranks for ties) and its two-sided p-value.

    NaN in the same cases as :func:`pearson_r` (NaN is not ranked).
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if _undefined(x, y):
        return NAN, NAN
    return pearson_r(rank_average(x), rank_average(y))


def _undefined(x, y):
    return (len(x) < MIN_PAIRS or not np.all(np.isfinite(x)) or not np.all(np.isfinite(y))
            or np.all(x == x[0]) or np.all(y == y[0]))


def correlation_pvalue(r, n):
    """Two-sided p-value of a correlation r over n pairs (t test with n - 2 degrees of freedom).

    With t = r sqrt(df / (1 - r^2)), P(|T| >= |t|) equals I_{1 - r^2}(df / 2, 1 / 2).
    """
    df = n - 2
    if df <= 0 or math.isnan(r):
        return float("nan")
    if abs(r) >= 1.0:
        return 0.0
    return regularized_beta(1.0 - r * r, df / 2.0, 0.5, one_minus_x=r * r)


def regularized_beta(x, a, b, one_minus_x=None):
    """The regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1.

    ``one_minus_x`` may give 1 - x exactly when x is within rounding of 1
    (for tiny correlations 1 - r^2 rounds to 1 but r^2 does not).
    """
    y = 1.0 - x if one_minus_x is None else one_minus_x
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log1p(-y) + b * math.log(y))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(y, b, a) / b


def _beta_fraction(x, a, b, max_terms=500, eps=1e-16):
    """Continued fraction of the incomplete beta function, by the modified Lentz method."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, max_terms + 1):
        for coef in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                     -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + coef * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + coef / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < eps:
            break
    return result
