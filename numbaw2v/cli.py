"""The ``numbaw2v`` command: train, query, evaluate, convert and plot word vectors.

Every subcommand is a small function taking the parsed arguments and
returning the exit code. Vector files are read and written by extension:
``.bin`` word2vec binary, ``.txt``/``.vec`` word2vec text, ``.npz`` native
KeyedVectors, ``.nw2v`` a whole Word2Vec model (optionally ``.gz``/``.bz2``/
``.xz`` compressed for the word2vec formats). Errors print one line,
``numbaw2v: error: ...``, and exit non-zero; Ctrl-C exits 130.
"""
import argparse
import json
import logging
import os
import sys

from numbaw2v import __version__

MODEL_EXT = ".nw2v"
EVAL_SETS = (("analogies", "questions-words"), ("wordsim", "wordsim353"), ("simlex", "simlex999"))


class CommandError(Exception):
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
    return KeyedVectors.load_word2vec_format(path, binary=None if kind is None else kind == "binary")


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
    from numbaw2v.formats import format_of
    if format_of(path) is None and not (allow_model and path.endswith(MODEL_EXT)):
        models = f", or {MODEL_EXT} for the whole model" if allow_model else ""
        raise CommandError(f"{path}: unknown output format; use .bin (word2vec binary), "
                           f".txt/.vec (word2vec text), .npz (native){models}")


# ---------------------------------------------------------------------- train
def cmd_train(args):
    from numbaw2v.word2vec import Word2Vec
    _check_output(args.output, allow_model=True)
    from numbaw2v.params import kwargs_from_args
    model = Word2Vec(corpus_file=list(args.corpus), **kwargs_from_args(args),
                     progress=False if args.no_progress else None)
    if args.output.endswith(MODEL_EXT):
        model.save(args.output)
    else:
        save_vectors(model.wv, args.output)
    print(f"{args.output}: {len(model.wv)} words x {model.wv.vector_size} dimensions", file=sys.stderr)
    if getattr(model, "interrupted", False):
        print("numbaw2v: training was interrupted; the saved vectors are partly trained", file=sys.stderr)
        return 130
    return 0


# ---------------------------------------------------------------------- demo
DEMO_PROBES = ("king", "woman", "france", "music", "ship", "good", "three", "london", "horse")


def _demo_output(corpus):
    stem = os.path.basename(corpus.rstrip("/")).split(".")[0] or "vectors"
    return os.path.join("vectors", f"{stem}.bin")


def cmd_demo(args):
    import time

    from numbaw2v import evaluate
    from numbaw2v.word2vec import Word2Vec
    out = args.output or _demo_output(args.corpus[0])
    _check_output(out, allow_model=True)
    try:
        analogies, no_analogies = _eval_path(args.analogies, "questions-words"), None
    except OSError as err:              # offline: still train, and say why there is no score
        analogies, no_analogies = None, _error_text(err)
    t0 = time.perf_counter()
    model = Word2Vec(corpus_file=list(args.corpus), sg=args.sg, epochs=args.epochs,
                     workers=args.workers, progress=True)
    kv = model.wv
    if out.endswith(MODEL_EXT):
        model.save(out)
    else:
        save_vectors(kv, out)
    words_per_s = model.corpus_total_words * args.epochs / max(model.train_seconds, 1e-9)
    print(f"\n{', '.join(args.corpus)}: {model.corpus_total_words:,} words, vocabulary "
          f"{len(kv):,}; vocabulary {model.vocab_seconds:.1f} s, training {model.train_seconds:.1f} s "
          f"({words_per_s:,.0f} words/s); total {time.perf_counter() - t0:.1f} s; saved {out}")
    probes = [w for w in DEMO_PROBES if w in kv][:6]
    for word in probes:
        near = ", ".join(f"{w} {s:.2f}" for w, s in kv.most_similar(word, topn=6))
        print(f"  {word:>8}: {near}")
    if all(w in kv for w in ("king", "man", "woman")):
        guess = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
        print("  king - man + woman = " + ", ".join(f"{w} {s:.2f}" for w, s in guess))
    if analogies is None:
        print(f"analogy accuracy skipped: {no_analogies}")
        return 0
    report = evaluate.analogy_report(kv, analogies, restrict_vocab=30000)
    summary = report["summary"]
    print("Google analogies (30,000 most frequent words): " + ", ".join(
        f"{k} {100 * summary[k]['accuracy']:.1f}% of {summary[k]['total']}"
        for k in ("semantic", "syntactic", "total")))
    return 130 if model.interrupted else 0


# ------------------------------------------------------------------- queries
def _print_neighbours(pairs):
    width = max((len(w) for w, _ in pairs), default=4)
    for word, score in pairs:
        print(f"{word:<{width}}  {score:.4f}")


def cmd_similar(args):
    kv = load_vectors(args.vectors)
    _print_neighbours(kv.most_similar(positive=args.words, negative=args.negative or None,
                                      topn=args.topn, restrict_vocab=args.restrict_vocab))
    return 0


def cmd_analogy(args):
    kv = load_vectors(args.vectors)
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
        pearson, spearman, oov = evaluate.evaluate_word_pairs(kv, path, restrict_vocab=args.restrict_vocab)
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
    lines = [f"{results['vectors']}: {results['words']} words, "
             f"restrict_vocab={results['restrict_vocab']}", "",
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
    lines += [f"  questions skipped for unknown words: {ana['oov']} of {ana['questions']} ({share:.1f}%)",
              "", f"  {'word pairs':<12}  {'Spearman':>8}  {'Pearson':>8}  {'OOV':>6}"]
    for _, name in EVAL_SETS[1:]:
        r = results[name]
        lines.append(f"  {name:<12}  {r['spearman']:>8.4f}  {r['pearson']:>8.4f}  {r['oov_percent']:>5.1f}%")
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
    kv = load_vectors(args.vectors)
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
    with atomic_output(args.output) as tmp:
        with open(tmp, "wb") as fout:
            fig.savefig(fout, format=os.path.splitext(args.output)[1].lstrip(".") or "png", dpi=120)
    plt.close(fig)
    print(f"{args.output}: {len(args.words)} words", file=sys.stderr)
    return 0


# -------------------------------------------------------------------- parser
def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _add_train(sub, common):
    p = sub.add_parser("train", parents=[common], help="train word vectors on text files or named corpora",
                       description="Train CBOW or skip-gram word2vec. The output format follows OUT's "
                                   "extension: .bin, .txt/.vec, .npz (KeyedVectors) or .nw2v (whole model).")
    p.add_argument("corpus", nargs="+", metavar="CORPUS",
                   help="text file (plain/.gz/.bz2/.xz, one sentence per line), glob or corpus name")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="where to write the result")
    from numbaw2v.params import add_arguments
    add_arguments(p)      # one flag per Word2Vec parameter, from numbaw2v/params.py
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("demo", parents=[common], help="train on a corpus and show what the vectors know",
                       description="Fetch CORPUS if it is a known name, train on all cores with a "
                                   "progress bar, save the vectors, then print nearest neighbours, an "
                                   "analogy and the Google analogy accuracy.")
    p.add_argument("corpus", nargs="*", default=["text8"], metavar="CORPUS",
                   help="corpus name, file or glob (default: text8)")
    p.add_argument("-o", "--output", default=None, metavar="OUT",
                   help="where to save the vectors (default vectors/<corpus>.bin)")
    p.add_argument("--sg", type=int, choices=(0, 1), default=0, help="1 skip-gram, 0 CBOW (default)")
    p.add_argument("--epochs", type=int, default=5, help="passes over the corpus (default 5)")
    p.add_argument("--workers", type=_positive_int, default=None, help="threads (default: all cores)")
    p.add_argument("--analogies", default=None, metavar="PATH",
                   help="Google analogy file (default: the named set questions-words)")
    p.set_defaults(func=cmd_demo)


def _add_queries(sub, common):
    p = sub.add_parser("similar", parents=[common], help="nearest neighbours of words",
                       description="Words closest (cosine) to the mean of WORDs minus the --negative words.")
    p.add_argument("vectors", metavar="VECTORS", help=".bin, .txt, .vec, .npz or .nw2v file")
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("--negative", nargs="+", metavar="WORD", default=[], help="words to subtract")
    p.add_argument("--topn", type=_positive_int, default=10, help="how many neighbours (default 10)")
    p.add_argument("--restrict-vocab", type=_positive_int, default=None,
                   help="search only the N most frequent words")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("analogy", parents=[common], help="A is to B as C is to ?",
                       description="Answer 'A is to B as C is to ?' by the words closest to B - A + C.")
    p.add_argument("vectors", metavar="VECTORS", help=".bin, .txt, .vec, .npz or .nw2v file")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("c", metavar="C")
    p.add_argument("--topn", type=_positive_int, default=5, help="how many answers (default 5)")
    p.add_argument("--restrict-vocab", type=_positive_int, default=None,
                   help="search only the N most frequent words")
    p.set_defaults(func=cmd_analogy)


def _add_eval(sub, common):
    p = sub.add_parser("eval", parents=[common], help="analogy accuracy and word-similarity correlations",
                       description="Google analogies (per section, semantic/syntactic/total), WordSim-353 "
                                   "and SimLex-999. Sets not given by path are taken from the named "
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
                       description="Formats by extension: .bin, .txt/.vec (optionally .gz/.bz2/.xz), "
                                   ".npz; the input may also be a .nw2v model.")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--limit", type=int, default=None, help="keep only the first N words")
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("plot", parents=[common], help="2-D PCA projection of chosen words to an image",
                       description="Project the vectors of WORDs on their two principal components "
                                   "and save a scatter plot (needs matplotlib).")
    p.add_argument("vectors", metavar="VECTORS")
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="image file, e.g. words.png")
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
    parser = _Parser(prog="numbaw2v", description="word2vec with Numba: train, query and evaluate word vectors.")
    parser.add_argument("--version", action="version", version=f"numbaw2v {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress messages (logging)")
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
    if isinstance(err, KeyError) and err.args:
        return str(err.args[0])
    return str(err) or type(err).__name__


def main(argv=None):
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("numbaw2v: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()   # output piped into e.g. `head`: nothing more to say
        return 0
    except (CommandError, ValueError, KeyError, OSError) as err:
        if args.verbose:
            logging.exception("details")
        print(f"numbaw2v: error: {_error_text(err)}", file=sys.stderr)
        return 1
