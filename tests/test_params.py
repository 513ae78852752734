"""The parameter table drives the constructor, save/load and the flags of `numbaw2v train`."""
import argparse
import inspect

import pytest

from numbaw2v import Word2Vec, params
from numbaw2v.cli import build_parser
from numbaw2v.errors import ParameterError


def test_every_row_is_sane():
    for p in params.PARAMS:
        assert p.kind in (int, float, bool, str, callable, tuple)
        assert p.kind in (int, float, bool) or not p.cli   # other kinds have no CLI flag
        assert p.kind not in (callable, tuple) or not p.saved   # functions are not saved
        assert p.help
        assert p.check(p.default) == p.default            # the default is allowed


def test_constructor_takes_the_table_defaults():
    m = Word2Vec()
    for p in params.PARAMS:
        if p.name != "alpha":
            assert getattr(m, p.name) == p.default, p.name
    assert m.alpha == 0.05 and Word2Vec(sg=1).alpha == 0.025
    sig = inspect.signature(Word2Vec)
    assert [n for n in sig.parameters][:3] == ["sentences", "corpus_file", "callbacks"]
    assert sig.parameters["window"].default == 5


def test_values_are_coerced_to_one_type():
    m = Word2Vec(sg=1, cbow_mean=0, alpha=1, seed=3)
    assert m.sg is True and m.cbow_mean is False
    assert type(m.alpha) is float and type(m.seed) is int


def test_cli_flags_follow_the_table():
    args = build_parser().parse_args(["train", "c.txt", "-o", "v.bin"])
    got = params.kwargs_from_args(args)
    want = {p.name: p.default for p in params.PARAMS if p.cli}
    assert got == want
    args = build_parser().parse_args(["train", "c.txt", "-o", "v.bin", "--skipgram",
                                      "--window", "3", "--cbow-mean", "0", "--alpha", "0.01",
                                      "--shrink-windows", "0"])
    got = params.kwargs_from_args(args)
    assert got["sg"] == 1 and got["window"] == 3 and got["cbow_mean"] is False
    assert got["alpha"] == 0.01 and got["shrink_windows"] is False


@pytest.mark.parametrize("argv,fragment", [
    (["--window", "0"], "must be an integer >= 1"),
    (["--alpha", "inf"], "must be None or a finite number > 0"),
    (["--seed", "-3"], "must be an integer >= 0"),
    (["--sg", "2"], "must be True/False"),
    (["--vector-size", "1e9"], "must be an integer"),
])
def test_cli_rejects_bad_values_with_the_range(argv, fragment, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "c.txt", "-o", "v.bin", *argv])
    assert fragment in capsys.readouterr().err


def test_save_and_load_keep_every_saved_parameter(tmp_path):
    sents = [["a", "b", "c"], ["b", "c", "a"]] * 10
    m = Word2Vec(sents, vector_size=6, window=3, min_count=1, sg=1, negative=2, sample=0,
                 shared_negatives=False, seed=11, epochs=1, workers=1, progress=False)
    m.save(tmp_path / "m.nw2v")
    back = Word2Vec.load(tmp_path / "m.nw2v")
    for p in params.PARAMS:
        if p.saved:
            assert getattr(back, p.name) == getattr(m, p.name), p.name


def test_unknown_names_are_listed():
    with pytest.raises(ParameterError, match="unknown parameters epoch, size"):
        params.check_params({"epoch": 1, "size": 2})


def test_add_arguments_works_on_any_parser():
    parser = params.add_arguments(argparse.ArgumentParser())
    assert parser.parse_args(["--negative", "7"]).negative == 7


def test_bool_flags_alone_mean_true_and_old_spellings_work():
    args = build_parser().parse_args(["train", "c.txt", "-o", "v.bin", "--compute-loss",
                                      "--no-shrink-windows", "--cbow"])
    got = params.kwargs_from_args(args)
    assert got["compute_loss"] is True and got["shrink_windows"] is False
    assert got["sg"] is False
