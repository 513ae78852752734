"""Checkpoints of a distributed run: the model after a finished round, written atomically.

``checkpoint_dir/numbaw2v-checkpoint.npz`` holds both matrices, the vocabulary,
the number of rounds merged and the run's *plan* (parameters, pieces, round
size, merge rule, partitions). A new driver given the same directory and the
same plan resumes after that round; a different plan is refused with the
first difference named, so a checkpoint is never applied to another run.
"""
import json
import os

import numpy as np

from ..errors import ParameterError
from ..fileio import atomic_output

NAME = "numbaw2v-checkpoint.npz"
_FORMAT = "numbaw2v-distributed-checkpoint-1"


def path_in(directory):
    return os.path.join(os.fspath(directory), NAME)


def save(directory, plan, rounds_done, vocab, W_in, W_out, totals):
    """Write the checkpoint for ``rounds_done`` merged rounds."""
    os.makedirs(directory, exist_ok=True)
    meta = {"format": _FORMAT, "plan": plan, "rounds_done": int(rounds_done), "totals": totals}
    with atomic_output(path_in(directory)) as tmp, open(tmp, "wb") as f:
        np.savez(f, meta=np.asarray(json.dumps(meta)),
                 keys=np.asarray(vocab.index_to_key, dtype=str), counts=vocab.counts,
                 W_in=W_in, W_out=W_out)


def load(directory, plan):
    """(rounds_done, keys, counts, W_in, W_out, totals) of a matching checkpoint, or None."""
    path = path_in(directory)
    if not os.path.exists(path):
        return None
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        if meta.get("format") != _FORMAT:
            raise ParameterError(f"checkpoint_dir: {path} is not a numbaw2v distributed "
                                 "checkpoint")
        saved = meta["plan"]
        if saved != plan:
            diff = next(k for k in sorted(set(saved) | set(plan)) if saved.get(k) != plan.get(k))
            raise ParameterError(
                f"checkpoint_dir: {path} belongs to another run ({diff} was "
                f"{saved.get(diff)!r}, now {plan.get(diff)!r}); give an empty directory or "
                "the same corpus, sharding and parameters")
        return (meta["rounds_done"], [str(k) for k in z["keys"]], z["counts"].copy(),
                np.ascontiguousarray(z["W_in"]), np.ascontiguousarray(z["W_out"]),
                meta["totals"])
