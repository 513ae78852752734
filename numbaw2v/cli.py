"""The ``numbaw2v`` command: train, query, evaluate, convert and plot word vectors.

Every subcommand is a small function taking the parsed arguments and
returning the exit code. Vector files are read and written by extension:
``.bin`` word2vec binary, ``.txt``/``.vec`` word2vec text, ``.npz`` native
KeyedVectors, ``.nw2v`` a whole Word2Vec model (optionally ``.gz``/``.bz2``/
``.xz`` compressed for the word2vec formats). Errors print one line,
``numbaw2v: error: ...``, and exit non-zero. Before any work starts, a writing
command checks that its output is not one of its inputs and can be written.
Ctrl-C exits 130 and SIGTERM 143; an interrupted ``train`` first saves what it trained.
"""
import argparse
import importlib.util
import json
import logging
import os
import signal
import sys

from numbaw2v import __version__
from numbaw2v.cli_checks import (
    STDIN,
    check_writable,
    corpus_files,
    int_at_least,
    refuse_overwriting_inputs,
)
from numbaw2v.errors import Numbaw2vError

MODEL_EXT = ".nw2v"
EVAL_SETS = (("analogies", "questions-words"), ("wordsim", "wordsim353"), ("simlex", "simlex999"))


class CommandError(Numbaw2vError):
    """A user-facing failure: its message is printed as the one error line."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line instead of usage + message."""

    def error(self, message):
        self.exit(2, f"numbaw2v: error: {message} (see '{self.prog} --help')\n")


# ------------------------------------------------------------------ vector files
def load_vectors(path):
    """KeyedVectors from any supported file, chosen by extension (a model gives its ``wv``)."""
    from numbaw2v.formats import format_of
    from numbaw2v.vectors import KeyedVectors
    path = os.fspath(path)
    if path.endswith(MODEL_EXT):
        from numbaw2v.word2vec import Word2Vec
        return Word2Vec.load(path).wv
    kind = format_of(path)
    if kind == "native":
        return KeyedVectors.load(path)
    binary = None if kind is None else kind == "binary"
    return KeyedVectors.load_word2vec_format(path, binary=binary)


def save_vectors(kv, path, limit=None):
    """Write ``kv`` in the format named by the extension of ``path``."""
    from numbaw2v.formats import format_of
    from numbaw2v.vectors import KeyedVectors
    kind = format_of(path)
    if kind in ("binary", "text"):
        kv.save_word2vec_format(path, binary=kind == "binary", limit=limit)
    elif kind == "native":
        if limit is not None and limit < len(kv):
            n = max(0, limit)
            counts = None if kv.counts is None else kv.counts[:n]
            kv = KeyedVectors(kv.vectors[:n], kv.index_to_key[:n], counts)
        kv.save(path)
    else:
        raise CommandError(f"{path}: unknown output format; use .bin, .txt, .vec or .npz"
                           f" (or {MODEL_EXT} for a trained model)")


def _check_output(path, allow_model):
    """Before any work: a known format, and a file can be written there now."""
    from numbaw2v.formats import format_of
    if format_of(path) is None and not (allow_model and path.endswith(MODEL_EXT)):
        models = f", or {MODEL_EXT} for the whole model" if allow_model else ""
        raise CommandError(f"{path}: unknown output format; use .bin (word2vec binary), "
                           f".txt/.vec (word2vec text), .npz (native){models}")
    check_writable(path)


def _require_words(kv, words):
    """The word lookups of a query, checked up front: one error naming the missing words."""
    missing = [w for w in words if w not in kv]
    if missing:
        raise CommandError(f"not in the vocabulary: {', '.join(map(repr, missing))}")


def _save_model_or_vectors(model, path):
    if path.endswith(MODEL_EXT):
        model.save(path)
    else:
        save_vectors(model.wv, path)


# ---------------------------------------------------------------------- train
def _inputs_of(args):
    """The files a writing command reads (``-`` is stdin); its output must be none of them.

    ``demo`` checks its own after choosing its corpus; ``corpora normalise`` in corpora/cli.py.
    """
    if args.command == "train":
        _stdin_corpus(args.corpus)
        return corpus_files(args.corpus)
    if args.command == "convert":
        return [args.input]
    if args.command == "plot":
        return [args.vectors]
    return []


def _stdin_corpus(corpus):
    """Check a ``-`` corpus: given once, and stdin is a pipe or file, not a terminal."""
    if corpus.count(STDIN) > 1:
        raise CommandError("'-' (standard input) can be given only once as a corpus")
    if STDIN in corpus and sys.stdin is not None and sys.stdin.isatty():
        raise CommandError("corpus '-' reads standard input, which is a terminal: pipe the text "
                           "in, e.g. zcat corpus.txt.gz | numbaw2v train - -o vectors.bin")


def cmd_train(args):
    from numbaw2v.word2vec import Word2Vec
    _check_output(args.output, allow_model=True)
    from numbaw2v.params import kwargs_from_args
    progress = False if args.no_progress else None
    if args.checkpoint_dir and not args.scheduler:
        raise CommandError("--checkpoint-dir needs --scheduler (it is for distributed runs)")
    if args.scheduler:
        model = _train_on_cluster(args, kwargs_from_args(args), progress)
    else:
        model = Word2Vec(corpus_file=list(args.corpus), **kwargs_from_args(args),
                         progress=progress)
    if args.output.endswith(MODEL_EXT):
        model.save(args.output)
    else:
        save_vectors(model.wv, args.output)
    print(f"{args.output}: {len(model.wv)} words x {model.wv.vector_size} dimensions",
          file=sys.stderr)
    if getattr(model, "interrupted", False):
        # The engine's handler records the signal during training (model.stop_signal);
        # outside training the CLI's own handler does (_received).
        how = getattr(model, "stop_signal", "") or _signal_name(_received.get("signal", 2))
        print(f"numbaw2v: training was interrupted ({how}); {args.output} holds the partly "
              "trained vectors", file=sys.stderr)
        return 128 + int(signal.Signals[how])
    return 0


def _train_on_cluster(args, kwargs, progress):
    """``train --scheduler``: data-parallel training on a Dask cluster (numbaw2v.distributed)."""
    # numbaw2v.distributed imports Dask only when used: ask for it here, for one clear error
    if importlib.util.find_spec("distributed") is None:
        raise CommandError("--scheduler needs Dask: pip install 'numbaw2v[distributed]'")
    from numbaw2v.distributed import connect, train
    with connect(args.scheduler) as client:
        return train(client, list(args.corpus), checkpoint_dir=args.checkpoint_dir,
                     progress=progress, **kwargs)


# ---------------------------------------------------------------------- demo
def cmd_demo(args):
    from numbaw2v import demo
    if args.corpus:
        files, label, reason = demo.corpus_inputs(args.corpus)
        online = None
    else:
        files, label, reason, online = demo.choose_corpus()
    out = args.output or demo.default_output(args.corpus[0] if args.corpus else files[0])
    if args.output is None:
        os.makedirs(os.path.dirname(out), exist_ok=True)
    refuse_overwriting_inputs(out, corpus_files(files))
    _check_output(out, allow_model=True)
    model = demo.run(files, label, reason, output=out, save=_save_model_or_vectors,
                     analogies=args.analogies, online=online, sg=args.sg, epochs=args.epochs,
                     workers=args.workers)
    return _interrupted_code() if model.interrupted else 0


# ------------------------------------------------------------------- queries
def _print_neighbours(pairs):
    width = max((len(w) for w, _ in pairs), default=4)
    for word, score in pairs:
        print(f"{word:<{width}}  {score:.4f}")


def cmd_similar(args):
    kv = load_vectors(args.vectors)
    _require_words(kv, args.words + args.negative)
    _print_neighbours(kv.most_similar(positive=args.words, negative=args.negative or None,
                                      topn=args.topn, restrict_vocab=args.restrict_vocab))
    return 0


def cmd_analogy(args):
    kv = load_vectors(args.vectors)
    _require_words(kv, [args.a, args.b, args.c])
    _print_neighbours(kv.most_similar(positive=[args.b, args.c], negative=[args.a],
                                      topn=args.topn, restrict_vocab=args.restrict_vocab))
    return 0


# ---------------------------------------------------------------------- eval
def _eval_path(given, name):
    if given:
        return given
    from numbaw2v import corpora  # imported lazily: downloads are rarely needed
    return corpora.path(name)


def cmd_eval(args):
    from numbaw2v import evaluate
    kv = load_vectors(args.vectors)
    results = {"vectors": args.vectors, "words": len(kv), "restrict_vocab": args.restrict_vocab}
    path = _eval_path(args.analogies, "questions-words")
    report = evaluate.analogy_report(kv, path, restrict_vocab=args.restrict_vocab)
    results["analogies"] = {"path": os.fspath(path), "questions": report["questions"],
                            "oov": report["oov"], **report["summary"]}
    for option, name in EVAL_SETS[1:]:
        path = _eval_path(getattr(args, option), name)
        pearson, spearman, oov = evaluate.evaluate_word_pairs(
            kv, path, restrict_vocab=args.restrict_vocab)
        results[name] = {"path": os.fspath(path), "pearson": pearson[0], "pearson_p": pearson[1],
                         "spearman": spearman[0], "spearman_p": spearman[1], "oov_percent": oov}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(format_eval_table(results))
    return 0


def format_eval_table(results):
    """The human-readable report of :func:`cmd_eval`."""
    ana = results["analogies"]
    lines = [(f"{results['vectors']}: {results['words']} words, "
              f"restrict_vocab={results['restrict_vocab']}"), "",
             f"analogies ({ana['path']})"]
    width = max([len(s["section"]) for s in ana["sections"]] + [9])
    lines.append(f"  {'section':<{width}}  {'correct':>7}  {'total':>6}  {'accuracy':>8}")

    def row(entry, name=None):
        return (f"  {name or entry['section']:<{width}}  {entry['correct']:>7}  {entry['total']:>6}"
                f"  {100 * entry['accuracy']:>7.2f}%")

    lines += [row(s) for s in ana["sections"]]
    lines.append("  " + "-" * (width + 27))
    lines += [row(ana[k], k) for k in ("semantic", "syntactic", "total")]
    share = 100.0 * ana["oov"] / ana["questions"] if ana["questions"] else 0.0
    lines += [(f"  questions skipped for unknown words: {ana['oov']} of {ana['questions']}"
               f" ({share:.1f}%)"),
              "", f"  {'word pairs':<12}  {'Spearman':>8}  {'Pearson':>8}  {'OOV':>6}"]
    for _, name in EVAL_SETS[1:]:
        r = results[name]
        lines.append(f"  {name:<12}  {r['spearman']:>8.4f}  {r['pearson']:>8.4f}"
                     f"  {r['oov_percent']:>5.1f}%")
    return "\n".join(lines)


# ------------------------------------------------------------------- convert
def cmd_convert(args):
    _check_output(args.output, allow_model=False)
    kv = load_vectors(args.input)
    save_vectors(kv, args.output, limit=args.limit)
    n = len(kv) if args.limit is None else min(len(kv), args.limit)
    print(f"{args.output}: {n} words x {kv.vector_size} dimensions", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------- plot
def pca_2d(matrix):
    """Rows of ``matrix`` projected on their two main directions (centred SVD)."""
    import numpy as np
    centred = matrix - matrix.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    if vt.shape[0] < 2:
        vt = np.vstack([vt, np.zeros((2 - vt.shape[0], vt.shape[1]), dtype=vt.dtype)])
    return centred @ vt[:2].T


def cmd_plot(args):
    if len(args.words) < 2:
        raise CommandError("plot needs at least two words")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CommandError("plot needs matplotlib: pip install matplotlib") from None
    check_writable(args.output)
    kv = load_vectors(args.vectors)
    _require_words(kv, args.words)
    points = pca_2d(kv[args.words].astype("float64"))
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.scatter(points[:, 0], points[:, 1], s=16)
    for word, (x, y) in zip(args.words, points):
        ax.annotate(word, (x, y), xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title(args.title or os.path.basename(args.vectors))
    fig.tight_layout()
    from numbaw2v.fileio import atomic_output
    with atomic_output(args.output) as tmp, open(tmp, "wb") as fout:
        fig.savefig(fout, format=os.path.splitext(args.output)[1].lstrip(".") or "png", dpi=120)
    plt.close(fig)
    print(f"{args.output}: {len(args.words)} words", file=sys.stderr)
    return 0


# -------------------------------------------------------------------- parser
_positive_int = int_at_least(1)


def _add_train(sub, common):
    p = sub.add_parser(
        "train", parents=[common], help="train word vectors on text files or named corpora",
        description="Train CBOW or skip-gram word2vec. The output format follows OUT's "
                    "extension: .bin, .txt/.vec, .npz (KeyedVectors) or .nw2v (whole model).")
    p.add_argument("corpus", nargs="+", metavar="CORPUS",
                   help="text file (plain/.gz/.bz2/.xz, one sentence per line), glob or "
                        "corpus name")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="where to write the result")
    from numbaw2v.params import add_arguments
    add_arguments(p)      # one flag per Word2Vec parameter, from numbaw2v/params.py
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="train on a Dask cluster: its scheduler (tcp://HOST:8786), or local:N for "
                        "N local worker processes (needs numbaw2v[distributed])")
    p.add_argument("--checkpoint-dir", default=None, metavar="DIR",
                   help="with --scheduler: save the model there during training and resume "
                        "from it")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("demo", parents=[common],
                       help="train on a corpus and show what the vectors know",
                       description="Train on text8 (from the cache, or downloaded when the "
                                   "network answers) or else on the sample corpus inside the "
                                   "package; or on the corpora given. Save the vectors, then "
                                   "print nearest neighbours, an analogy and the Google analogy "
                                   "accuracy.")
    p.add_argument("corpus", nargs="*", default=[], metavar="CORPUS",
                   help="corpus name, file or glob, or 'sample' (default: text8 if cached or "
                        "downloadable, else the embedded sample)")
    p.add_argument("-o", "--output", default=None, metavar="OUT",
                   help="where to save the vectors (default vectors/<corpus>.bin)")
    p.add_argument("--sg", type=int, choices=(0, 1), default=0,
                   help="1 skip-gram, 0 CBOW (default)")
    p.add_argument("--epochs", type=int_at_least(1), default=5,
                   help="passes over the corpus (default 5)")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="threads (default: all cores)")
    p.add_argument("--analogies", default=None, metavar="PATH",
                   help="Google analogy file (default: the named set questions-words)")
    p.set_defaults(func=cmd_demo)


def _add_queries(sub, common):
    p = sub.add_parser("similar", parents=[common], help="nearest neighbours of words",
                       description="Words closest (cosine) to the mean of WORDs minus the "
                                   "--negative words.")
    p.add_argument("vectors", metavar="VECTORS", help=".bin, .txt, .vec, .npz or .nw2v file")
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("--negative", nargs="+", metavar="WORD", default=[], help="words to subtract")
    p.add_argument("--topn", type=_positive_int, default=10,
                   help="how many neighbours (default 10)")
    p.add_argument("--restrict-vocab", type=_positive_int, default=None,
                   help="search only the N most frequent words")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("analogy", parents=[common], help="A is to B as C is to ?",
                       description="Answer 'A is to B as C is to ?' by the words closest to "
                                   "B - A + C.")
    p.add_argument("vectors", metavar="VECTORS", help=".bin, .txt, .vec, .npz or .nw2v file")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("c", metavar="C")
    p.add_argument("--topn", type=_positive_int, default=5, help="how many answers (default 5)")
    p.add_argument("--restrict-vocab", type=_positive_int, default=None,
                   help="search only the N most frequent words")
    p.set_defaults(func=cmd_analogy)


def _add_eval(sub, common):
    p = sub.add_parser("eval", parents=[common],
                       help="analogy accuracy and word-similarity correlations",
                       description="Google analogies (per section, semantic/syntactic/total), "
                                   "WordSim-353 and SimLex-999. Sets not given by path are taken "
                                   "from the named "
                                   "corpora (fetched when missing).")
    p.add_argument("vectors", metavar="VECTORS", help=".bin, .txt, .vec, .npz or .nw2v file")
    p.add_argument("--analogies", metavar="PATH", help="analogy file (default: questions-words)")
    p.add_argument("--wordsim", metavar="PATH", help="word-pair file (default: wordsim353)")
    p.add_argument("--simlex", metavar="PATH", help="word-pair file (default: simlex999)")
    p.add_argument("--restrict-vocab", type=_positive_int, default=300000,
                   help="only the N most frequent words take part (default 300000)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=cmd_eval)


def _add_convert_plot(sub, common):
    p = sub.add_parser("convert", parents=[common], help="convert between vector file formats",
                       description="Formats by extension: .bin, .txt/.vec (optionally "
                                   ".gz/.bz2/.xz), "
                                   ".npz; the input may also be a .nw2v model.")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--limit", type=int_at_least(1), default=None,
                   help="keep only the first N words (N >= 1)")
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("plot", parents=[common],
                       help="2-D PCA projection of chosen words to an image",
                       description="Project the vectors of WORDs on their two principal components "
                                   "and save a scatter plot (needs matplotlib).")
    p.add_argument("vectors", metavar="VECTORS")
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="image file, e.g. words.png")
    p.add_argument("--title", default=None, help="plot title (default: the vectors file name)")
    p.set_defaults(func=cmd_plot)


def _add_corpora(sub):
    try:
        from numbaw2v.corpora import cli as corpora_cli
    except ImportError:
        return
    corpora_cli.register(sub)


def build_parser():
    """The argument parser of the ``numbaw2v`` command."""
    parser = _Parser(prog="numbaw2v",
                     description="word2vec with Numba: train, query and evaluate word vectors.")
    parser.add_argument("--version", action="version", version=f"numbaw2v {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show progress messages (logging)")
    common = _Parser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show progress messages (logging)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_train(sub, common)
    _add_queries(sub, common)
    _add_eval(sub, common)
    _add_convert_plot(sub, common)
    _add_corpora(sub)
    return parser


def _error_text(err):
    return str(err) or type(err).__name__


# ------------------------------------------------------------------- signals
_received = {}


def _signal_name(signum):
    return signal.Signals(signum).name


def _interrupted_code():
    """128 + the signal that stopped the command (SIGINT 130, SIGTERM 143)."""
    return 128 + int(_received.get("signal", signal.SIGINT))


def _stop(signum, frame):
    """SIGINT and SIGTERM both stop the command the way Ctrl-C does."""
    _received["signal"] = signum
    raise KeyboardInterrupt


def _install_signal_handlers():
    """Route SIGINT/SIGTERM to :func:`_stop`; returns what to restore (main thread only)."""
    _received.clear()
    try:
        return {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:          # not the main thread (main() called from a thread)
        return {}


def main(argv=None):
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s: %(message)s")
    previous = _install_signal_handlers()
    try:
        refuse_overwriting_inputs(getattr(args, "output", None), _inputs_of(args))
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        how = _signal_name(_received.get("signal", signal.SIGINT))
        print(f"numbaw2v: interrupted ({how}); nothing was written", file=sys.stderr)
        return _interrupted_code()
    except BrokenPipeError:
        sys.stderr.close()   # output piped into e.g. `head`: nothing more to say
        return 0
    except (Numbaw2vError, OSError) as err:   # the project's errors; OSError names the file
        if args.verbose:
            logging.getLogger("numbaw2v").exception("details")
        print(f"numbaw2v: error: {_error_text(err)}", file=sys.stderr)
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
