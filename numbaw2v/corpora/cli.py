"""The ``numbaw2v corpora`` subcommand: list, fetch, path, normalise.

The top-level command calls :func:`register` with its subparsers; the parser
it adds runs :func:`run`, which returns the exit code.
"""
import argparse
import sys

from numbaw2v import corpora
from numbaw2v.cli_checks import check_writable, positive_float, refuse_overwriting_inputs
from numbaw2v.corpora import registry
from numbaw2v.corpora.normalise import normalise_file
from numbaw2v.errors import Numbaw2vError


def register(subparsers):
    """Add the ``corpora`` subcommand (and its own subcommands) to ``subparsers``."""
    parser = subparsers.add_parser(
        "corpora", help="list, fetch and prepare named corpora; normalise raw text",
        description="Named corpora are cached in $NUMBAW2V_DATA, corpora/cache/ of a source "
                    "checkout, or the user cache directory.")
    sub = parser.add_subparsers(dest="corpora_command", metavar="COMMAND")
    sub.required = True

    sub.add_parser("list", help="names, sizes, licences, and whether each is cached")

    p = sub.add_parser("fetch", help="download, verify and prepare corpora")
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--timeout", type=positive_float, default=30.0,
                   help="network timeout in seconds (> 0, default 30)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("path", help="print the local path of a corpus (fetching it if needed)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--no-fetch", action="store_true", help="fail instead of downloading")
    p.add_argument("--timeout", type=positive_float, default=30.0,
                   help="network timeout in seconds (> 0, default 30)")

    p = sub.add_parser("normalise", help="raw text -> text8-style training text (streaming)")
    p.add_argument("input", metavar="IN", help="plain, .gz, .bz2 or .xz text")
    p.add_argument("output", metavar="OUT", help="written atomically; .gz/.bz2/.xz compress")
    p.add_argument("--lines", action="store_true",
                   help="each input line is a paragraph (default: blank lines separate them)")

    parser.set_defaults(func=run)
    return parser


def _size(n):
    if n is None:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _list(out):
    aliases = {target: alias for alias, target in registry.ALIASES.items()}
    rows = [("NAME", "KIND", "DOWNLOAD", "CACHED", "LICENCE")]
    for entry in corpora.list_corpora():
        name = entry.name + (f" ({aliases[entry.name]})" if entry.name in aliases else "")
        rows.append((name, entry.kind, _size(entry.size),
                     "yes" if corpora.is_cached(entry.name) else "no", entry.licence))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[4], file=out)
    print(f"cache: {corpora.cache_dir()}", file=out)


def _dispatch(args, out):
    command = args.corpora_command
    if command == "list":
        _list(out)
    elif command == "fetch":
        for name in args.names:
            print(corpora.fetch(name, timeout=args.timeout, progress=not args.quiet), file=out)
    elif command == "path":
        print(corpora.path(args.name, fetch=not args.no_fetch, timeout=args.timeout,
                           progress=True), file=out)
    elif command == "normalise":
        refuse_overwriting_inputs(args.output, [args.input])
        check_writable(args.output)
        paragraphs, words = normalise_file(args.input, args.output, lines=args.lines)
        print(f"{args.output}: {paragraphs} paragraphs, {words} words", file=sys.stderr)
    else:
        raise ValueError(f"unknown corpora command {command!r}")
    return 0


def run(args, out=None):
    """Run a parsed ``corpora`` command; return the exit code (errors: message, 1)."""
    out = out or sys.stdout
    try:
        return _dispatch(args, out)
    except (Numbaw2vError, registry.UnknownCorpusError, OSError) as exc:
        print(f"numbaw2v: error: {exc}", file=sys.stderr)
        return 1


def main(argv=None):
    """Stand-alone entry: ``python -m numbaw2v.corpora.cli list``."""
    parser = argparse.ArgumentParser(prog="numbaw2v")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["corpora", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
