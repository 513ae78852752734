"""Run gensim's own Word2Vec and KeyedVectors tests against numbaw2v and print the counts.

    python tests/gensim_suite/report.py [-v]

Runs this directory's suite in-process with pytest (quietly) and prints, per
gensim module, how many tests passed, failed, are expected failures (with
``-v``: which and why, from xfails.py) and were skipped. Exit status: pytest's.
"""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


class _Collector:
    def __init__(self, gensim_outcome):
        self.gensim_outcome = gensim_outcome
        self.counts, self.xfailed = {}, []

    def pytest_runtest_logreport(self, report):
        settled = self.gensim_outcome(report)
        if settled is None:
            return                                     # only gensim's own test methods
        module, outcome = settled
        if outcome == "xfailed":
            self.xfailed.append((".".join(report.nodeid.split("::")[1:]), report.wasxfail))
        module = module.replace("test_gensim_", "test_")
        row = self.counts.setdefault(module, {})
        row[outcome] = row.get(outcome, 0) + 1


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, HERE)
    from conftest import gensim_outcome, summary_lines
    collector = _Collector(gensim_outcome)
    code = pytest.main([HERE, "-qq", "--tb=no", "-p", "no:cacheprovider", "-W", "ignore"],
                       plugins=[collector])
    print("gensim 4.4's own tests, run against numbaw2v:")
    for line in summary_lines(collector.counts):
        print("  " + line)
    if "-v" in argv:
        print("expected failures (tests/gensim_suite/xfails.py):")
        for name, reason in sorted(collector.xfailed):
            print(f"  {name}: {reason}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
