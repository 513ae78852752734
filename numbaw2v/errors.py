"""The exception types numbaw2v raises on purpose.

Each inherits from the built-in type a Python (or gensim) user already
catches, so ``except ValueError`` keeps working, and from ``Numbaw2vError`` so
that the command line can catch the project's own errors and nothing else.
Messages name the thing at fault: the parameter and its allowed range, or the
file with the line or byte offset where known.
"""


class Numbaw2vError(Exception):
    """Base of every error numbaw2v raises on purpose."""


class ParameterError(Numbaw2vError, ValueError):
    """A parameter is missing, of the wrong type or outside its allowed range."""


class InputFileError(Numbaw2vError, ValueError):
    """A file cannot be read as what it should be: damaged, truncated, wrong format.

    ``path``, ``line`` and ``offset`` say where, when known.
    """

    def __init__(self, path, problem, line=None, offset=None):
        self.path, self.problem, self.line, self.offset = path, problem, line, offset
        where = str(path)
        if line is not None:
            where += f": line {line}"
        if offset is not None:
            where += f" (byte offset {offset})"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):       # pickles (for worker processes) with the fields, not the message
        return self.__class__, (self.path, self.problem, self.line, self.offset)


class TruncatedFileError(InputFileError, EOFError):
    """A file ends before the data its header or format promises."""


class OutputFileError(Numbaw2vError, OSError):
    """An output cannot be written (exists as a directory, read-only, is one of the inputs)."""


class ModelStateError(Numbaw2vError, ValueError):
    """The model's arrays do not match its vocabulary or each other (checked before kernels run)."""


class ObjectiveError(Numbaw2vError, RuntimeError, ValueError):
    """The model lacks the training objective a method needs (``score`` without hs=1,
    ``predict_output_word`` without negative sampling).

    A ``RuntimeError``, as gensim raises there, and a ``ValueError`` like ParameterError.
    """


class VocabularyError(Numbaw2vError, RuntimeError, ValueError):
    """The vocabulary is empty or missing (gensim users catch RuntimeError, others ValueError)."""


class WordDecodeError(InputFileError, UnicodeDecodeError):
    """A word of a vector file is not valid in the file's encoding (``unicode_errors='strict'``).

    Still a ``UnicodeDecodeError`` (what gensim raises), and an ``InputFileError``
    carrying the path and the byte offset of the record.
    """

    def __init__(self, path, err, line=None, offset=None):
        UnicodeDecodeError.__init__(self, err.encoding, err.object, err.start, err.end, err.reason)
        self.path, self.line, self.offset = path, line, offset
        self.problem = f"word is not valid {err.encoding} ({err.reason})"
        self._message = InputFileError(path, self.problem, line, offset).args[0]

    def __str__(self):
        return self._message

    def __reduce__(self):
        # plain fields, no nested exception object: pickling helpers that rewrite how
        # exceptions pickle (tblib, which Dask installs) rebuild nested ones without their state
        return _rebuild_word_decode_error, (self.__class__, self.path, self.encoding,
                                            self.object, self.start, self.end, self.reason,
                                            self.line, self.offset)


def _rebuild_word_decode_error(cls, path, encoding, data, start, end, reason, line, offset):
    return cls(path, UnicodeDecodeError(encoding, data, start, end, reason), line, offset)


class UnsafePickleError(InputFileError):
    """A pickle (as gensim saves models) names something numbaw2v will not load or call.

    Raised before the named callable could run; the message names it.
    """


class WrongKindOfFileError(InputFileError, AttributeError):
    """A file holds another kind of object than asked for: vectors given to ``Word2Vec.load``.

    Also an ``AttributeError``, which is what gensim raises in that case.
    """
