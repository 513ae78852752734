"""One training run of one Python system, in a process of its own (used by bench/compare.py).

    python bench/_runner.py numbaw2v|gensim|gensim-stream --corpus PLAIN.txt --sg 0|1 --workers N \
        --epochs 5 --alpha A --result OUT.json [--vectors OUT.bin] [--seed S] [--hs]

Builds the vocabulary and trains with the protocol settings below, each step
timed around the library call alone (imports and saving are outside the
clocks), saves the vectors in the word2vec binary format when asked, and
writes a JSON report, with this process's peak resident size (VmHWM) and its
private resident size (RssAnon) at the end.

--hs trains with hierarchical softmax instead of negative sampling
(``hs=1, negative=0``). When a system's constructor refuses a setting
(TypeError or ValueError, e.g. numbaw2v before it has ``hs``), the report is
``{"unsupported": "<the error>"}`` and the exit code 0: the harness shows a
"not supported" row instead of a failure.
"""
import argparse
import contextlib
import json
import logging
import os
import time

# The settings every system trains with (bench/compare.py passes them on to the binaries too).
PROTOCOL = {"vector_size": 100, "window": 5, "negative": 5, "sample": 1e-3, "min_count": 5}
SEED = 1
HS = {"hs": 1, "negative": 0}       # --hs: hierarchical softmax in place of negative sampling


@contextlib.contextmanager
def numbaw2v_warnings_off():
    """numbaw2v's warnings silenced for the block (a bench that restarts or raises the
    learning rate on purpose), the logger's level restored after it."""
    log = logging.getLogger("numbaw2v.word2vec")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


class Unsupported(Exception):
    """A system's constructor refused the settings asked for (the message says which)."""


def settings(hs, **extra):
    """The protocol's keyword arguments, with hierarchical softmax when ``hs``."""
    return dict(PROTOCOL, **(HS if hs else {}), **extra)


def numbaw2v_model(hs=False, **kwargs):
    """A numbaw2v Word2Vec with the protocol settings; Unsupported if it refuses them."""
    from numbaw2v import Word2Vec

    try:
        return Word2Vec(**settings(hs, **kwargs), progress=False)
    except (TypeError, ValueError, NotImplementedError) as exc:
        raise Unsupported(f"numbaw2v: {type(exc).__name__}: {exc}") from exc


def train_numbaw2v(args):
    """numbaw2v: build_vocab (which also encodes the corpus) then train, both on the plain file."""
    model = numbaw2v_model(args.hs, sg=args.sg, alpha=args.alpha, epochs=args.epochs,
                           workers=args.workers, seed=args.seed)
    vocab_s = _timed(model.build_vocab, corpus_file=args.corpus)
    train_s, (trained, raw) = _timed_result(
        model.train, corpus_file=args.corpus, total_words=model.corpus_total_words,
        epochs=model.epochs)
    return model, _report(model, vocab_s, train_s, trained, raw)


def _train_gensim(args, stream):
    """gensim with the protocol settings, reading the plain file as ``corpus_file`` (its
    fastest mode) or, with ``stream``, as a LineSentence stream (its default mode)."""
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    model = Word2Vec(**dict(settings(args.hs), hs=int(args.hs)), sg=args.sg, alpha=args.alpha,
                     epochs=args.epochs, workers=args.workers, seed=args.seed)
    source = {"corpus_iterable": LineSentence(args.corpus)} if stream else \
        {"corpus_file": args.corpus}
    vocab_s = _timed(model.build_vocab, **source)
    sizes = {} if stream else {"total_words": model.corpus_total_words}
    train_s, (trained, raw) = _timed_result(
        model.train, total_examples=model.corpus_count, epochs=model.epochs, **source, **sizes)
    return model, _report(model, vocab_s, train_s, trained, raw)


def train_gensim(args):
    """gensim in its fastest input mode (corpus_file); negative sampling, or hs with --hs."""
    return _train_gensim(args, stream=False)


def train_gensim_stream(args):
    """gensim reading the plain file as a stream of sentences (LineSentence), its default mode.

    The learning rate then falls with the progress of the whole run. In corpus_file mode
    each of gensim's threads measures progress by its own share of an epoch (its
    sentences over all of them), so with W threads the rate only falls by 1/W of an
    epoch's step within an epoch and jumps at the next: a higher rate on average.
    """
    return _train_gensim(args, stream=True)


SYSTEMS = {"numbaw2v": train_numbaw2v, "gensim": train_gensim,
           "gensim-stream": train_gensim_stream}


def _timed(func, **kwargs):
    return _timed_result(func, **kwargs)[0]


def _timed_result(func, **kwargs):
    t0 = time.perf_counter()
    result = func(**kwargs)
    return time.perf_counter() - t0, result


def _report(model, vocab_s, train_s, trained, raw):
    return {"vocab_s": vocab_s, "train_s": train_s,
            "trained_words": int(trained), "raw_words": int(raw),
            "corpus_words": int(model.corpus_total_words),
            "vocab_size": len(model.wv.index_to_key)}


def proc_status_kb(pid="self", fields=("VmHWM", "RssAnon")):
    """The kB fields of /proc/PID/status asked for, as a dict (missing ones are 0).

    VmHWM is the peak resident size of the process's own address space (not
    ``ru_maxrss``: on Linux that also holds the parent's resident size at
    fork/exec); RssAnon is its private resident memory right now (no
    file-backed pages such as Numba's shared LLVM library). Returns all zeros
    when the file cannot be read (e.g. the process just ended).
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fin:
            return parse_status(fin.read(), fields)
    except OSError:
        return dict.fromkeys(fields, 0)


def parse_status(text, fields=("VmHWM", "RssAnon")):
    """``{"VmHWM": 1234, ...}`` (kB) from the text of a /proc/PID/status file."""
    found = dict.fromkeys(fields, 0)
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in found:
            try:
                found[name] = int(rest.split()[0])
            except (IndexError, ValueError):
                pass
    return found


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("system", choices=sorted(SYSTEMS))
    p.add_argument("--corpus", required=True,
                   help="plain (uncompressed) text, one sentence per line")
    p.add_argument("--sg", type=int, choices=(0, 1), required=True)
    p.add_argument("--workers", type=int, required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--result", required=True, help="where to write the JSON report")
    p.add_argument("--vectors", help="save the vectors here (word2vec binary format)")
    p.add_argument("--seed", type=int, default=SEED, help="random seed (default %(default)s)")
    p.add_argument("--hs", action="store_true", help="hierarchical softmax (hs=1, negative=0)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        model, report = SYSTEMS[args.system](args)
    except Unsupported as exc:
        model, report = None, {"unsupported": str(exc)}
    if args.vectors and model is not None:
        model.wv.save_word2vec_format(args.vectors, binary=True)
    status = proc_status_kb()
    report["peak_kb"], report["anon_kb"] = status["VmHWM"], status["RssAnon"]
    tmp = args.result + ".part"
    with open(tmp, "w", encoding="utf8") as fout:
        json.dump(report, fout)
    os.replace(tmp, args.result)


if __name__ == "__main__":
    main()
