"""Plain data: titles and hashes."""

from hypothesis import given
from hypothesis import strategies as st

from annotator.model import sha256_text, title_of

pieces = st.sampled_from(["a", "Title", " ", "\t", "\n", "\r\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029", "\u00a0", "😀"])


@given(st.lists(pieces, max_size=20).map("".join))
def test_title_is_the_first_non_empty_line_as_splitlines_sees_lines(text):
    expected = next((line.strip()[:200] for line in text.splitlines() if line.strip()), "")
    assert title_of(text) == expected


def test_title_is_cut_at_200_characters():
    assert title_of("x" * 500) == "x" * 200


def test_sha256_is_of_the_utf8_bytes():
    assert sha256_text("é") == "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"  # printf 'é' | sha256sum
