"""Oracles for the data layout (pytoy/data.py) and the vocabulary (pytoy/vocab.py): every
position of a laid-out sequence written out by hand, which positions may be masked, the
split, and the ids of the reserved symbols."""

import numpy as np
import pytest

from pytoy import data
from pytoy.vocab import Vocab, VocabError

PAIRS = [("hello", "namaste"), ("water", "paani"), ("hi", "ji")]


def test_translator_layout_position_by_position():
    ds = data.build(PAIRS, "translate")
    lay = ds.layout
    # question width 5 (hello, water), then `>`, then answer width 7 (namaste)
    assert (lay.q_len, lay.a_len, lay.length, lay.answer_start) == (5, 7, 13, 6)
    assert [ds.vocab.decode(row) for row in ds.tokens] == [
        "hello>namaste",
        "water>paani__",
        "hi___>ji_____",
    ]
    # only the answer field, its padding included, may be masked or scored
    assert lay.maskable().tolist() == [False] * 6 + [True] * 7
    # the ids: sorted characters, then `>`, `_`, `?`
    v = ds.vocab
    assert v.chars == "aehijlmnoprstw" and v.symbols == "aehijlmnoprstw>_?"
    assert (v.sep_id, v.pad_id, v.mask_id) == (14, 15, 16)
    h, i, j = 2, 3, 4  # their places in the sorted characters
    assert ds.tokens[2].tolist() == [h, i, 15, 15, 15, 14, j, i, 15, 15, 15, 15, 15]


def test_hello_namaste_alone_has_no_padding_and_its_own_widths():
    ds = data.build([("hello", "namaste")], "translate")
    assert ds.vocab.decode(ds.tokens[0]) == "hello>namaste"
    assert ds.layout.maskable().tolist() == [False] * 6 + [True] * 7
    assert data.compose(ds.layout, "nam", "he") == "he___>nam____"


def test_names_layout_pads_on_the_right_and_every_position_is_maskable():
    ds = data.build([("", "rahul"), ("", "ravi"), ("", "om")], "names")
    lay = ds.layout
    assert (lay.q_len, lay.a_len, lay.length, lay.answer_start) == (0, 5, 5, 0)
    assert [ds.vocab.decode(r) for r in ds.tokens] == ["rahul", "ravi_", "om___"]
    assert lay.maskable().tolist() == [True] * 5
    assert ds.vocab.symbols == "ahilmoruv_?" and ds.vocab.pad_id == 9


def test_compose_accepts_exactly_the_field_width_and_refuses_one_more():
    lay = data.Layout("translate", 3, 4)
    assert data.compose(lay, "abcd", "xyz") == "xyz>abcd"
    with pytest.raises(data.DataError, match="'abcde' is 5 characters; the model's limit is 4"):
        data.compose(lay, "abcde", "xyz")
    with pytest.raises(data.DataError, match="'wxyz' is 4 characters; the model's limit is 3"):
        data.compose(lay, "a", "wxyz")
    names = data.Layout("names", 0, 3)
    assert data.compose(names, "abc") == "abc" and data.compose(names, "a") == "a__"


@pytest.mark.parametrize("task,seq,word", [
    ("names", "ra_ul__", "ra"),  # a `_` committed inside a word ends it
    ("names", "rahul__", "rahul"),
    ("names", "_______", ""),
    ("names", "abcdefg", "abcdefg"),
    ("translate", "hi___>j_i____", "j"),
    ("translate", "hi___>namaste", "namaste"),
])
def test_answer_text_is_the_answer_up_to_its_first_pad(task, seq, word):
    lay = data.Layout("names", 0, 7) if task == "names" else data.Layout("translate", 5, 7)
    assert data.answer_text(lay, seq) == word


@pytest.mark.parametrize("n", [1, 2, 3, 10, 40, 101])
@pytest.mark.parametrize("frac", [0.0, 0.1, 0.25, 0.5])
def test_split_partitions_every_index_with_the_rounded_validation_share(n, frac):
    if round(n * frac) >= n:
        pytest.skip("no training data left")
    train, val = data.split(n, frac, seed=n)
    assert len(val) == round(n * frac)
    assert sorted(train.tolist() + val.tolist()) == list(range(n))
    assert train.tolist() == sorted(train.tolist()) and val.tolist() == sorted(val.tolist())
    again = data.split(n, frac, seed=n)
    assert np.array_equal(again[0], train) and np.array_equal(again[1], val)


@pytest.mark.parametrize("line", ["hello>", ">namaste", "a>b>c", "hello", ">"])
def test_a_pair_needs_exactly_one_question_and_one_answer(line):
    with pytest.raises(data.DataError, match=r"line 2: expected one 'english>hindi' pair"):
        data.parse_lines(f"water>paani\n{line}\n", "translate")


def test_comments_and_blank_lines_are_skipped_and_lines_stripped():
    text = "# a comment\n\n  rahul \nravi\n   \n# another\nom\n"
    assert data.parse_lines(text, "names") == [("", "rahul"), ("", "ravi"), ("", "om")]
    assert data.parse_lines(" hi>ji \n", "translate") == [("hi", "ji")]


def test_vocab_ids_are_sorted_characters_then_the_reserved_symbols():
    v = Vocab.from_words(["zyx", "wvu", "tsrq"])
    assert v.chars == "qrstuvwxyz"
    assert v.symbols == "qrstuvwxyz_?" and (v.pad_id, v.mask_id) == (10, 11)
    assert v.encode("qz_?").tolist() == [0, 9, 10, 11]
    with pytest.raises(VocabError, match="no separator"):
        _ = v.sep_id
    t = Vocab.from_words(["zyx", "wvu", "tsrq"], sep=True)
    assert t.symbols == "qrstuvwxyz>_?"
    assert (t.sep_id, t.pad_id, t.mask_id) == (10, 11, 12)
    assert [t.symbols[i] for i in (t.sep_id, t.pad_id, t.mask_id)] == [">", "_", "?"]


def test_the_same_words_in_any_order_give_the_same_ids():
    words = ["rahul", "priya", "zoya", "amit", "kavya"]
    a = Vocab.from_words(words)
    b = Vocab.from_words(list(reversed(words)))
    assert a == b and a.chars == "".join(sorted(set("".join(words))))


def test_vocab_round_trips_and_refuses_mismatched_symbols():
    v = Vocab.from_words(["ab"], sep=True)
    assert Vocab.from_json(v.to_json()) == v
    with pytest.raises(VocabError, match="do not match"):
        Vocab.from_json({"chars": "ab", "sep": True, "symbols": "ab_>?"})
