"""Code points <-> UTF-16 units and Qt positions, over the texts that break naive offset code."""

from hypothesis import given
from hypothesis import strategies as st

from annotator.offsets import OffsetMap, utf16_len
from tests.conftest import HARD_TEXTS


def units_before(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def qt_units_before(text: str, cp: int) -> int:
    """What Qt counts before code point `cp`: UTF-16 units, CRLF folded to one break."""
    shown = text[:cp]
    folded = shown.replace("\r\n", "\n")
    if shown.endswith("\r") and text[cp : cp + 1] == "\n":
        folded = folded[:-1] + "\n"
    return len(folded.encode("utf-16-le")) // 2


def check_map(text: str) -> None:
    plain = OffsetMap(text)
    folded = OffsetMap(text, fold_crlf=True)
    assert plain.units_length == utf16_len(text) == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        assert plain.to_units(cp) == units_before(text, cp)
        assert plain.to_cp(plain.to_units(cp)) == cp
        unit = folded.to_units(cp)
        if not (cp and text[cp - 1] == "\r" and text[cp : cp + 1] == "\n"):
            assert unit == qt_units_before(text, cp)
            assert folded.to_cp(unit) == cp


def test_hard_texts_map_both_ways():
    for text in HARD_TEXTS:
        check_map(text)


def test_examples_from_the_design():
    text = "a😀b\r\nc"
    folded = OffsetMap(text, fold_crlf=True)
    assert [folded.to_units(i) for i in range(7)] == [0, 1, 3, 4, 5, 5, 6]
    assert [folded.to_cp(u) for u in range(7)] == [0, 1, 1, 2, 3, 5, 6]
    assert folded.units_length == 6
    zwj = "👨🏻‍🚒"
    assert len(zwj) == 4 and utf16_len(zwj) == 7


def test_unit_inside_a_surrogate_pair_rounds_down_to_the_character():
    plain = OffsetMap("x𠮷y")
    assert plain.to_cp(2) == 1
    assert plain.to_cp(3) == 2


@given(st.lists(st.sampled_from(["a", "😀", "\r\n", "\r", "\n", "𠮷", "e\u0301", "\u00a0", "\t", "ب", "👨🏻‍🚒", "🇯🇵"]), max_size=30))
def test_any_mix_maps_both_ways(parts):
    check_map("".join(parts))
