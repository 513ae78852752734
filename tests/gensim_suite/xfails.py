"""gensim tests expected to fail against numbaw2v, with the reason (applied as strict xfails).

Keys are ``Class.test_name`` of gensim 4.4.0's ``test_word2vec.py`` and
``test_keyedvectors.py``. Strict: a test listed here that passes is reported as
a failure (XPASS(strict)), so the table cannot silently go stale. Every entry of
XFAIL is a deliberate difference; there are no features still missing. FLAKY holds
tests whose outcome depends on thread timing (applied as non-strict xfails).
"""

STR_SENTENCE = ("numbaw2v refuses a str where a list of tokens belongs (ValueError naming the "
                "sentence); gensim warns, or not at all, and trains on the string's characters")
LOG_WORDING = ("asserts gensim's exact English log sentence; numbaw2v logs the same condition "
               "in its own words")

XFAIL = {
    "TestWord2VecModel.test_build_vocab_warning": STR_SENTENCE,
    # model.score(['test']): the one "sentence" is the string 'test'
    "TestWord2VecModel.test_persistence_backwards_compatible": STR_SENTENCE,
    # the ValueError for hs=0, negative=0 passes; the log line for hs=1 with negative>0 differs
    "TestWord2VecModel.test_train_hs_and_neg": LOG_WORDING,
    # alpha rising between train() calls is logged, in other words
    "TestWord2VecModel.test_train_warning": LOG_WORDING,
}

# Statistical checks that sit near their threshold for the test's one seed.
FLAKY = {
    # After online training on the few 'terrorism' sentences with seed=42 and 2 threads,
    # n_similarity(['war'], ['terrorism']) is about 0.03 here and falls below 0 in some runs
    # (Hogwild order). Measured: seeds 0-3 give 0.08-0.18 with one thread; gensim 0.05-0.13.
    "TestWord2VecModel.test_cbow_hs_online":
        "similarity > 0 after online training: ~0.03 for seed 42, below 0 in some 2-thread runs",
}
