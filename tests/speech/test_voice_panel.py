"""The voice panel (app_pages/voice_input.py) in AppTest: a transcript never overwrites typed
text without being asked, replacing can be undone, deleting keeps the answer."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from services import transcription


def panel_page() -> None:
    import streamlit as st

    from app_pages.voice_input import voice_answer_box
    from speech.transcriber import Segment, Transcript

    if "box" not in st.session_state:
        st.session_state["box"] = "Typed before recording."
        st.session_state["voice_box_state"] = {
            "round": 0,
            "handled": {"abc"},
            "clip": {"data": b"", "name": "r.wav", "mime": "audio/wav", "digest": "abc",
                     "kind": "recorded"},
            "result": Transcript("Spoken answer.", "en", 1.0, 4.0, 3.5, (Segment(0, 3.5, "x"),)),
        }  # fmt: skip

    def save() -> None:
        st.session_state["saved"] = st.session_state["box"]

    voice_answer_box("box", "someone", "en", save=save)
    st.text_area("Your answer", key="box")


def button(at: AppTest, label: str):
    return next(b for b in at.button if label in b.label)


def test_typed_text_is_kept_until_the_user_chooses_append_replace_or_undo(monkeypatch):
    monkeypatch.setattr(transcription, "speech_installed", lambda: True)
    at = AppTest.from_function(panel_page, default_timeout=60)
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert at.text_area(key="box").value == "Typed before recording."
    assert any("already has text" in i.value for i in at.info)

    button(at, "Append to my answer").click().run()
    assert at.text_area(key="box").value == "Typed before recording.\n\nSpoken answer."
    assert at.session_state["saved"] == at.text_area(key="box").value  # saved like typing

    button(at, "Undo").click().run()
    assert at.text_area(key="box").value == "Typed before recording."
    button(at, "Replace my answer").click().run()
    assert at.text_area(key="box").value == "Spoken answer."
    button(at, "Undo").click().run()
    assert at.text_area(key="box").value == "Typed before recording."

    button(at, "Delete recording").click().run()
    assert at.text_area(key="box").value == "Typed before recording."
    assert "result" not in at.session_state["voice_box_state"]
    assert not [b for b in at.button if "Append" in b.label]


def test_without_the_speech_install_the_panel_says_so_and_the_box_is_untouched(monkeypatch):
    monkeypatch.setattr(transcription, "speech_installed", lambda: False)
    at = AppTest.from_function(panel_page, default_timeout=60)
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert any("requirements-speech.txt" in c.value for c in at.caption)
    assert not at.button and at.text_area(key="box").value == "Typed before recording."
