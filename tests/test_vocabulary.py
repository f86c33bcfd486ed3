"""identity_keys (all texts at once) gives each text exactly what identity_key gives it alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.vocabulary import identity_key, identity_keys

# Letters that change under NFKC, Traditional → Simplified, case folding and the noise rule, and a NUL.
ALPHABET = "华藝項目ＡＢｃ１ Σσς_-·（）()\u3000\t\x00ǅⅫ"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=6)), max_size=8))
def test_identity_keys_agree_with_identity_key_text_by_text(texts: list[str | None]) -> None:
    assert identity_keys(texts) == [identity_key(text) for text in texts]


def test_missing_and_empty_texts_have_the_empty_key() -> None:
    assert identity_keys(["甲 公司", None, "", "華藝（A）"]) == ["甲公司", "", "", "华艺a"]
