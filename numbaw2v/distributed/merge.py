"""Merging the row deltas the partitions send back after a round.

A delta is (rows int32[k], values float32[k, d]) for each matrix: the rows a
partition's training changed and by how much. Five rules:

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

bench/distributed.py compares them. The default is "sqrt": on 5 M words of
gutenberg-dev (2 epochs, CBOW; one machine: analogy 0.100, WS-353 0.242) "sum" matched
one machine with 2 workers (0.100/0.229) but collapsed with 4 (0.002/0.044); "touched"
and "mean" never diverged but fell to 0.049/0.040 with 4; "sqrt" gave 0.091/0.178
with 2 and 0.079/0.149 with 4, the best of the rules that stay stable.
"""
import numpy as np

RULES = ("sum", "touched", "mean", "split", "sqrt")
DEFAULT_RULE = "sqrt"


def rule_for(rule, matrix):
    """The rule one matrix ("in" or "out") is merged with."""
    if rule == "split":
        return "sum" if matrix == "in" else "touched"
    return rule


def merge_rows(deltas, rule, n_parts):
    """Merge [(rows, values), ...] into (rows, summed values scaled by the rule)."""
    if rule not in RULES or rule == "split":
        raise ValueError(f"merge must be one of {', '.join(RULES)}, got {rule!r}")
    deltas = [(r, v) for r, v in deltas if r.shape[0]]
    if not deltas:
        return np.empty(0, dtype=np.int32), None
    uniq = np.unique(np.concatenate([r for r, _ in deltas]))
    total = np.zeros((uniq.shape[0], deltas[0][1].shape[1]), dtype=np.float32)
    touched = np.zeros(uniq.shape[0], dtype=np.float32)
    for rows, values in deltas:             # in partition order; a partition's rows are unique
        at = np.searchsorted(uniq, rows)
        total[at] += values
        touched[at] += 1
    if rule == "mean":
        total /= np.float32(n_parts)
    elif rule == "touched":
        total /= touched[:, None]
    elif rule == "sqrt":
        total /= np.sqrt(touched)[:, None]
    return uniq.astype(np.int32), total


def apply_merged(W, rows, values):
    """Add merged values to W's rows in place; returns the new rows (what goes to workers)."""
    if rows.shape[0] == 0:
        return np.empty((0, W.shape[1]), dtype=W.dtype)
    W[rows] += values
    return W[rows]
