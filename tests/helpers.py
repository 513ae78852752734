"""Helpers shared by several test modules."""
from numbaw2v import corpora


def place_ready(cache, name, text):
    """Put a hand-made ready file into the corpus cache and mark it verified.

    Its content is not the registry's download, so without the mark the
    ready-file check would (rightly) refuse it.
    """
    (cache / name).write_text(text)
    corpora.mark_verified(str(cache / name))
