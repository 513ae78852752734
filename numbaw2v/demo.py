"""``numbaw2v demo``: train on text8, or on the embedded sample offline, and show the result.

Which corpus is used when none is named:

1. text8, when it is in the corpus cache;
2. text8, when its server answers a quick connection probe and the download succeeds;
3. otherwise the sample shipped inside the package (``numbaw2v/data/sample.txt.xz``,
   2.5 M words of public-domain Project Gutenberg text; see ``corpora/README.md``).

The choice and its reason are printed in one line. The probe is bounded by a short
timeout (DNS lookup included), so a machine without network never waits on it.
"""
import os
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "sample.txt.xz")
SAMPLE_NAME = "sample"
SAMPLE_TEXT = "the embedded sample (2.5 M words of Project Gutenberg text)"
DEFAULT_CORPUS = "text8"
PROBE_TIMEOUT = 3.0
PROBES = ("king", "woman", "france", "music", "ship", "good", "three", "london", "horse")


# --------------------------------------------------------------- network probe
def _endpoint(url):
    """(host, port) a download of ``url`` connects to first: its proxy, if one is set."""
    parts = urllib.parse.urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
        parts = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname, port


def reachable(url, timeout=PROBE_TIMEOUT):
    """None if a TCP connection to the server of ``url`` opens within ``timeout``, else why not.

    The probe runs in a daemon thread so that a slow DNS lookup, which ignores socket
    timeouts, cannot hold the caller longer than ``timeout``.
    """
    host, port = _endpoint(url)
    outcome = []

    def probe():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(None)
        except OSError as err:
            outcome.append(f"cannot reach {host} ({err.strerror or err})")

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    return outcome[0] if outcome else f"no answer from {host} within {timeout:g} s"


# ------------------------------------------------------------- corpus choice
def choose_corpus(timeout=PROBE_TIMEOUT):
    """(files, label, reason, online) for a demo run without a named corpus."""
    from numbaw2v import corpora
    from numbaw2v.corpora import registry
    if corpora.is_cached(DEFAULT_CORPUS):
        return [corpora.path(DEFAULT_CORPUS, fetch=False)], DEFAULT_CORPUS, "it is cached", None
    url = registry.get(DEFAULT_CORPUS).urls[0]
    offline = reachable(url, timeout)
    if offline is None:
        try:
            return [corpora.fetch(DEFAULT_CORPUS, timeout=30.0)], DEFAULT_CORPUS, "downloaded", True
        except OSError as err:      # DownloadError and its kinds are OSErrors
            offline = f"its download failed ({err})"
        return [SAMPLE], SAMPLE_TEXT, f"text8 is not cached and {offline}", True
    return [SAMPLE], SAMPLE_TEXT, f"text8 is not cached and {offline}", False


def corpus_inputs(requested):
    """Files, label and reason for the corpora the user named (``sample`` is the sample)."""
    files = [SAMPLE if c == SAMPLE_NAME else c for c in requested]
    label = SAMPLE_TEXT if requested == [SAMPLE_NAME] else ", ".join(requested)
    return files, label, "as asked"


def _eval_file(given, online):
    """The analogy file, or (None, why not). Offline, the named set is used only if cached."""
    if given:
        return given, None
    from numbaw2v import corpora
    try:
        return corpora.path("questions-words", fetch=online is not False), None
    except OSError as err:
        return None, str(err)


def default_output(label_source):
    """vectors/<stem>.bin for the first corpus (vectors/sample.bin for the sample)."""
    stem = os.path.basename(label_source.rstrip("/")).split(".")[0] or "vectors"
    return os.path.join("vectors", f"{stem}.bin")


# ------------------------------------------------------------------ the run
def run(files, label, reason, *, output, save, analogies=None, online=None, sg=0, epochs=5,
        workers=None, out=None):
    """Train on ``files``, save with ``save(model, output)``, print neighbours and analogies."""
    from numbaw2v import evaluate
    from numbaw2v.word2vec import Word2Vec
    out = out or sys.stdout
    print(f"corpus: {label} ({reason})", file=out, flush=True)
    analogies, no_analogies = _eval_file(analogies, online)
    t0 = time.perf_counter()
    model = Word2Vec(corpus_file=files, sg=sg, epochs=epochs, workers=workers, progress=True)
    save(model, output)
    kv = model.wv
    words_per_s = model.corpus_total_words * epochs / max(model.train_seconds, 1e-9)
    print(f"\n{model.corpus_total_words:,} words, vocabulary {len(kv):,}; "
          f"vocabulary {model.vocab_seconds:.1f} s, training {model.train_seconds:.1f} s "
          f"({words_per_s:,.0f} words/s); total {time.perf_counter() - t0:.1f} s; saved {output}",
          file=out)
    for word in [w for w in PROBES if w in kv][:6]:
        near = ", ".join(f"{w} {s:.2f}" for w, s in kv.most_similar(word, topn=6))
        print(f"  {word:>8}: {near}", file=out)
    if all(w in kv for w in ("king", "man", "woman")):
        guess = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
        print("  king - man + woman = " + ", ".join(f"{w} {s:.2f}" for w, s in guess), file=out)
    if analogies is None:
        print(f"analogy accuracy skipped: {no_analogies}", file=out)
    else:
        summary = evaluate.analogy_report(kv, analogies, restrict_vocab=30000)["summary"]
        print("Google analogies (30,000 most frequent words): " + ", ".join(
            f"{k} {100 * summary[k]['accuracy']:.1f}% of {summary[k]['total']}"
            for k in ("semantic", "syntactic", "total")), file=out)
    return model
