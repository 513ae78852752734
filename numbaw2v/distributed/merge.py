"""Merging the row deltas the partitions send back after a round.

A delta is (rows int32[k], values float32[k, d]) for each matrix: the rows a
partition's training changed and by how much. Six rules:

- ``"contract"`` (the default): a row's ``n`` updates in one round are modelled
  as a contraction toward a local optimum ``e``: after ``n`` updates from ``x0``
  the row moved by ``(1 - q**n) (e - x0)``, ``q = 1 - c``, where ``c`` (the
  *contraction*) is the share of the remaining way one update covers. Applying
  all partitions' ``N = sum n_w`` updates in sequence would move it by
  ``(1 - q**N) (e - x0)``, hence the merged delta
  ``(1 - q**N) / sum_w (1 - q**n_w) * sum_w delta_w``: the sum for rows that few
  updates touched (rare words are not diluted), the mean for rows that every
  partition saturates (frequent words and negatives do not overshoot). The
  counts ``n_w`` come from the worker (``worker.update_counts``);
- ``"mean"``: plain averaging over all P partitions (what periodic model
  averaging does): a row touched by one partition moves by 1/P of its update;
- ``"touched"``: each row averaged over the partitions that touched it;
- ``"sum"``: the deltas added, as if the partitions' updates had been applied
  one after the other from the same starting point (asynchronous SGD with a
  staleness of one round);
- ``"sqrt"``: the sum divided by the square root of the number of partitions that
  touched the row (between ``"sum"`` and ``"touched"``);
- ``"split"``: ``"sum"`` for the input vectors (W_in) and ``"touched"`` for the
  output rows (W_out), whose frequent rows every partition moves (as centres and
  as negatives).

bench/distributed.py compares them. On 5 M words of gutenberg-dev (2 epochs, 1
thread per worker; one process: CBOW analogy 0.099 / WS-353 0.243, skip-gram
0.114 / 0.346) with rounds of 2^18 words, "contract"
with c = 0.002 gave CBOW 0.097/0.253 with 2 workers and 0.089/0.329 with 4, and
skip-gram 0.103/0.336 with 4: within the issue's bars (-0.02 analogy, -0.03
WS-353), where "sum" collapses with 4 workers (CBOW 0.003 with 2^20-word rounds)
and "sqrt" dilutes (skip-gram, 4 workers, 2^20-word rounds: 0.072/0.213). Hence
the defaults: "contract" with c = 0.002 (``DEFAULT_CONTRACTION``). On the whole
corpus (5 epochs) it also holds with the longer rounds of
``driver.default_round_words``; neither c = 0.0005 nor a c that follows the
learning rate rescued 4 workers at 2^22-word rounds (analogy 0.280 and 0.274
against 0.323-0.325 for one process).

The rows travel packed (``pack_rows``): as 16-bit integers with one float32 scale
per row by default ("int16", half the bytes), or exactly ("float32").
"""
import numpy as np

from ..kernels.delta import add_int16_rows, pack_int16, unpack_int16

RULES = ("contract", "sum", "touched", "mean", "split", "sqrt")
DEFAULT_RULE = "contract"
DEFAULT_CONTRACTION = 0.002


def rule_for(rule, matrix):
    """The rule one matrix ("in" or "out") is merged with."""
    if rule == "split":
        return "sum" if matrix == "in" else "touched"
    return rule


def saturation(n, c):
    """1 - (1 - c)**n: the share of the way to its local optimum ``n`` updates move a row."""
    return -np.expm1(np.asarray(n, dtype=np.float64) * np.log1p(-float(c)))


def contraction_scale(counts, c):
    """Per-row factor of the summed deltas for the "contract" rule.

    ``counts`` is [P, k] (updates of each row in each partition). Returns
    ``(1 - (1-c)**sum_w n_w) / sum_w (1 - (1-c)**n_w)``: 1 where every n_w*c is
    small (the sum), 1/(partitions with a saturated row) where they are large (the
    mean of those). Rows no partition counted get 1.
    """
    counts = np.asarray(counts, dtype=np.float64)
    denom = saturation(counts, c).sum(axis=0)
    num = saturation(counts.sum(axis=0), c)
    out = np.ones(denom.shape[0], dtype=np.float64)
    ok = denom > 0
    out[ok] = num[ok] / denom[ok]
    return out


def merge_rows(deltas, rule, n_parts, contraction=DEFAULT_CONTRACTION):
    """Merge [(rows, values[, counts]), ...] into (rows, summed values scaled by the rule).

    Each partition's rows are unique. ``counts`` (one per row: the row's updates in
    that partition this round) are needed by the "contract" rule only. The values
    are added in partition order (the same sum whatever the rows' layout). When no
    partition changed a row the values are float32[0, d].
    """
    if rule not in RULES or rule == "split":
        raise ValueError(f"merge must be one of {', '.join(RULES)}, got {rule!r}")
    dim = np.shape(deltas[0][1])[1] if deltas else 0
    deltas = [tuple(d) for d in deltas if d[0].shape[0]]
    if not deltas:
        return np.empty(0, dtype=np.int32), np.empty((0, dim), dtype=np.float32)
    if rule == "contract" and any(len(d) < 3 for d in deltas):
        raise ValueError("the 'contract' rule needs per-row update counts")
    hi = max(int(d[0].max()) for d in deltas) + 1
    touched = np.zeros(hi, dtype=np.int32)
    for d in deltas:
        touched[d[0]] += 1
    uniq = np.flatnonzero(touched).astype(np.int32)
    touched = touched[uniq].astype(np.float32)
    pos = np.full(hi, -1, dtype=np.int64)
    pos[uniq] = np.arange(uniq.shape[0])
    total = None
    counts = np.zeros((len(deltas), uniq.shape[0]), dtype=np.float64) \
        if rule == "contract" else None
    for w, d in enumerate(deltas):            # in partition order
        rows, values = d[0], np.asarray(d[1], dtype=np.float32)
        every = rows.shape[0] == uniq.shape[0] and np.array_equal(rows, uniq)
        if total is None and every:
            total = values.copy()                 # 0 + x: the same bits as adding to zeros
        else:
            if total is None:
                total = np.zeros((uniq.shape[0], values.shape[1]), dtype=np.float32)
            if every:
                total += values
            else:
                total[pos[rows]] += values
        if counts is not None:
            counts[w, pos[rows]] = d[2]
    if rule == "mean":
        total /= np.float32(n_parts)
    elif rule == "touched":
        total /= touched[:, None]
    elif rule == "sqrt":
        total /= np.sqrt(touched)[:, None]
    elif rule == "contract":
        total *= contraction_scale(counts, contraction).astype(np.float32)[:, None]
    return uniq, total


def apply_merged(W, rows, values):
    """Add merged values to W's rows in place (rows unique and sorted).

    Replicas apply the same values with the same function, so they stay equal to
    W bit for bit.
    """
    if rows.shape[0] == 0:
        return
    if rows.shape[0] == W.shape[0]:           # every row
        W += values
    else:
        W[rows] += values



WIRE_FORMATS = ("int16", "float32")
DEFAULT_WIRE = "int16"


def pack_rows(values, wire=DEFAULT_WIRE):
    """Rows of float32 values as they travel: (values, None), or for "int16" (q, scale).

    "int16" (``kernels.delta.pack_int16``) sends each row as 16-bit integers times
    one float32 scale, half the bytes, within 1.5e-5 of the row's largest entry.
    """
    values = np.ascontiguousarray(values, dtype=np.float32)
    if wire == "float32":
        return values, None
    if wire != "int16":
        raise ValueError(f"wire must be one of {', '.join(WIRE_FORMATS)}, got {wire!r}")
    q = np.empty(values.shape, dtype=np.int16)
    scale = np.empty(values.shape[0], dtype=np.float32)
    pack_int16(values, q, scale)
    return q, scale


def unpack_rows(packed):
    """float32 rows from ``pack_rows``'s output."""
    q, scale = packed
    if scale is None:
        return q
    out = np.empty(q.shape, dtype=np.float32)
    unpack_int16(q, scale, out)
    return out


def apply_packed(W, rows, packed):
    """Add packed rows (``pack_rows``) to W's ``rows`` in place: the driver's master copy
    and every worker's replica do it with the same numbers, so they stay equal."""
    q, scale = packed
    if scale is None:
        apply_merged(W, rows, q)
    else:
        add_int16_rows(W, rows, q, scale)
