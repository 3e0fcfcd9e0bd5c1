"""Property-based tests of text normalisation, SMS rendering and pseudonymisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.privacy import pseudonym
from api.rasa_client import Button, Reply
from api.sms_render import MAX_SEGMENTS, render_sms
from api.text import MAX_MESSAGE_CHARS, clean_user_text, is_gsm7, sms_segments, to_gsm7

any_text = st.text(max_size=2000)
replies = st.lists(
    st.builds(
        Reply,
        text=st.text(min_size=1, max_size=700),
        buttons=st.lists(
            st.builds(Button, title=st.text(min_size=1, max_size=20), payload=st.just("/x")),
            max_size=3,
        ),
    ),
    min_size=1,
    max_size=4,
)


@given(any_text)
def test_clean_text_is_bounded_and_has_no_control_characters(text):
    cleaned = clean_user_text(text)
    assert len(cleaned) <= MAX_MESSAGE_CHARS
    assert not any(ord(c) < 32 and c not in "\n\t" for c in cleaned)
    assert clean_user_text(cleaned) == cleaned


@given(any_text)
def test_gsm7_conversion_always_gives_gsm7(text):
    converted = to_gsm7(text)
    assert is_gsm7(converted)
    if is_gsm7(text):
        assert converted == text


@given(replies, st.one_of(st.none(), st.text(max_size=150)))
def test_an_sms_is_always_gsm7_and_within_the_segment_limit(reply_list, notice):
    body = render_sms(reply_list, notice)
    assert is_gsm7(body)
    assert sms_segments(body) <= MAX_SEGMENTS


@given(replies)
def test_every_offered_choice_is_numbered_in_order(reply_list):
    titles = [b.title for r in reply_list for b in r.buttons]
    body = render_sms(reply_list)
    if titles and sms_segments(body) <= MAX_SEGMENTS:
        assert f"{len(titles)} for " in body


@given(st.text(min_size=1), st.text(min_size=1), st.text(min_size=1))
def test_pseudonyms_are_stable_keyed_and_never_contain_the_id(key, other_key, phone):
    one = pseudonym(key, "sms", phone)
    assert one == pseudonym(key, "sms", phone)
    assert one.startswith("sms-") and len(one) == 44
    assert phone not in one[4:] or len(phone) < 8
    if other_key != key:
        assert one != pseudonym(other_key, "sms", phone)
    assert one != pseudonym(key, "web", phone)
