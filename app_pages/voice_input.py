"""Answering out loud: record or upload, watch the transcript appear, put it into the answer.

`voice_answer` draws a panel above an answer box. A new recording is transcribed at once
(with a progress bar); the transcript goes into the box when the box is blank, otherwise
the user chooses to append it or replace the text (with an undo), so nothing typed is lost.
The recording can be replayed and deleted; it lives only in this browser session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app_pages.common import choice_key, labels, language, show_error, tr
from services import transcription
from services.errors import ServiceError
from speech.transcriber import Transcriber, Transcript

LANGUAGE_CHOICES = ("zh", "en", "auto")


@st.cache_resource(show_spinner=False)
def _transcriber() -> Transcriber:
    """The speech model, loaded once per server process (the packaged base by default)."""
    from speech import load_transcriber

    return load_transcriber()


def _state(box_key: str) -> dict[str, Any]:
    """This box's voice state: clip, result, error, handled digests, widget round, undo."""
    return st.session_state.setdefault(f"voice_{box_key}_state", {"round": 0, "handled": set()})


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _new_recording(state: dict[str, Any], recorded: Any, uploaded: Any) -> dict[str, Any] | None:
    """The recording or upload not handled yet, as {data, name, mime, digest}, or None."""
    for item, kind in ((recorded, "recorded"), (uploaded, "uploaded")):
        if item is None:
            continue
        data = item.getvalue()
        fingerprint = transcription.digest(data)
        if fingerprint in state["handled"]:
            continue
        mime = item.type or "audio/wav"
        name = item.name if kind == "uploaded" else "recording.wav"
        return {"data": data, "name": name, "mime": mime, "digest": fingerprint, "kind": kind}
    return None


def _transcribe(
    state: dict[str, Any], box: str, clip: dict[str, Any], spoken: str | None
) -> Transcript | None:
    """Transcribe `clip` with a progress bar; a refusal is kept in `state` to show."""
    bar = st.progress(0.0, text=tr("正在准备语音模型…", "Preparing the speech model…"))
    try:
        if clip["kind"] == "uploaded":
            transcription.check_upload(clip["name"], len(clip["data"]))
        model = transcription.load(_transcriber)

        def advance(fraction: float) -> None:
            done = round(fraction * 100)
            bar.progress(fraction, text=tr(f"正在转写… {done}%", f"Transcribing… {done}%"))

        advance(0.0)
        return transcription.transcribe(model, box, clip["data"], spoken, progress=advance)
    except transcription.Superseded:
        return None
    except ServiceError as error:
        state["error"] = error
        return None
    finally:
        bar.empty()


def _clear(box_key: str) -> None:
    """Delete the recording and its transcript (the answer box keeps its text)."""
    state = _state(box_key)
    round_ = state["round"] + 1
    state.clear()
    state.update({"round": round_, "handled": set()})


def _insert(box_key: str, put: Callable[[str], None], current: Callable[[], str], how: str) -> None:
    """Put the transcript into the answer (append or replace), remembering the text before."""
    state = _state(box_key)
    result: Transcript | None = state.get("result")
    if result is None:
        return
    before = current()
    put(transcription.merge(before, result.text, how))
    state["previous"] = before
    state["placed"] = how


def _undo(box_key: str, put: Callable[[str], None]) -> None:
    state = _state(box_key)
    if "previous" in state:
        put(state.pop("previous"))
        state["placed"] = "undone"


def _pace(result: Transcript) -> None:
    pace = transcription.pace(result)
    length, amount, speed, pauses = st.columns(4)
    length.metric(tr("时长", "Length"), _clock(pace.seconds))
    if pace.unit == "chars":
        amount.metric(tr("字数", "Characters"), f"{pace.units:,}")
        speed.metric(tr("语速（字/分钟）", "Pace (chars/min)"), f"{pace.per_minute:.0f}")
    else:
        amount.metric(tr("词数", "Words"), f"{pace.units:,}")
        speed.metric(tr("语速（词/分钟）", "Pace (words/min)"), f"{pace.per_minute:.0f}")
    pauses.metric(
        tr("停顿（≥2 秒）", "Pauses (≥2 s)"),
        pace.pauses,
        help=tr(
            f"最长停顿 {pace.longest_pause_s} 秒。", f"Longest pause {pace.longest_pause_s} s."
        ),
    )


def voice_answer(
    box_key: str,
    owner: str,
    language_hint: str | None,
    put: Callable[[str], None],
    current: Callable[[], str],
) -> None:
    """The "answer out loud" panel for the answer box with key `box_key`.

    Args:
        box_key: the answer text area's key; the panel's own keys derive from it.
        owner: who answers (a newer recording of theirs for this box stops an older one).
        language_hint: "zh" or "en" to preselect, or None for detection.
        put: sets the answer box's text (and saves it as the page saves typed text); called
            from a callback or before the box is drawn.
        current: the answer box's text now.
    """
    state = _state(box_key)
    has_clip = "clip" in state or "error" in state
    with st.expander(tr("🎤 用语音作答", "🎤 Answer out loud"), expanded=has_clip):
        if not transcription.speech_installed():
            st.caption(
                tr(
                    "此服务器未安装语音输入（pip install -r requirements-speech.txt）。"
                    "你仍可以输入文字作答。",
                    "Speech input is not installed on this server "
                    "(pip install -r requirements-speech.txt). You can still type your answer.",
                )
            )
            return
        st.caption(
            tr(
                "录音或上传文件后会自动转写；转写结果放入下面的回答框，可以修改后再提交。"
                "录音只保留在本次浏览会话中，可随时删除。",
                "A recording or upload is transcribed at once; the transcript goes into the "
                "answer box below, where you can edit it before submitting. The recording stays "
                "only in this browser session and can be deleted at any time.",
            )
            + " "
            + transcription.limits_text(language())
        )
        hint = language_hint if language_hint in LANGUAGE_CHOICES else "auto"
        spoken = st.radio(
            tr("说话语言", "Spoken language"),
            LANGUAGE_CHOICES,
            format_func=labels(
                LANGUAGE_CHOICES,
                lambda code: {"zh": "中文", "en": "English"}.get(code, tr("自动识别", "Detect")),
            ),
            horizontal=True,
            key=choice_key(f"voice_{box_key}_language", hint),
        )
        # Plain tabs, not `section_tabs`: a tab that reruns the page when opened raced with
        # the recorder and the upload in the browser test (2 failures in 8 runs, none before).
        record_tab, upload_tab = st.tabs(
            [tr("录音", "Record"), tr("上传录音文件", "Upload a file")]
        )
        slots = (record_tab.empty(), upload_tab.empty())
        keys = (f"voice_{box_key}_rec_", f"voice_{box_key}_file_")
        # A new recording or upload is in the widgets' state before they are drawn: draw
        # them disabled while it is transcribed (no second take can start meanwhile), then
        # replace them with empty ones, ready for the next take.
        held = [st.session_state.get(key + str(state["round"])) for key in keys]
        clip = _new_recording(state, *held)
        _recorders(slots, keys, state["round"], disabled=clip is not None)
        if clip is not None:
            busy = st.caption(
                tr(
                    "正在转写这段录音；完成后可以再次录音或上传。",
                    "Transcribing this recording; you can record or upload again when it is done.",
                )
            )
            for stale in ("clip", "result", "error", "previous", "placed"):
                state.pop(stale, None)
            state["clip"] = clip
            result = _transcribe(
                state, f"{owner}/{box_key}", clip, None if spoken == "auto" else spoken
            )
            if result is not None:
                state["result"] = result
                if not current().strip():  # a blank box (drawn below) takes it at once
                    put(result.text)
                    state["placed"] = "filled"
            busy.empty()
            state["handled"].add(clip["digest"])  # a run cut short transcribes it again
            state["round"] += 1
            _recorders(slots, keys, state["round"], disabled=False)
        _show(box_key, state, put, current)


def _recorders(slots: tuple[Any, Any], keys: tuple[str, str], round_: int, disabled: bool) -> None:
    """The recorder and the uploader, in their slots (tabs), for widget round `round_`."""
    slots[0].audio_input(
        tr("录下你的回答", "Record your answer"), key=keys[0] + str(round_), disabled=disabled
    )
    slots[1].file_uploader(
        tr("WAV、MP3 或 M4A 录音", "A WAV, MP3 or M4A recording"),
        type=list(transcription.UPLOAD_TYPES),
        key=keys[1] + str(round_),
        max_upload_size=transcription.MAX_UPLOAD_MB,
        disabled=disabled,
    )


def _show(
    box_key: str, state: dict[str, Any], put: Callable[[str], None], current: Callable[[], str]
) -> None:
    """The kept recording, its transcript and pace, and what can be done with them."""
    if "clip" not in state:
        return
    playable = "result" in state or getattr(state.get("error"), "code", "") in (
        "no_speech",
        "too_long",
    )
    if playable:  # a damaged or refused file has nothing to replay
        st.audio(state["clip"]["data"], format=state["clip"]["mime"])
    if error := state.get("error"):
        show_error(error)
        st.caption(tr("你的回答框没有改动。", "Your answer box was not changed."))
    if result := state.get("result"):
        _pace(result)
        placed = state.get("placed")
        if placed in ("filled", "append", "replace"):
            st.success(
                tr(
                    "转写结果已放入下面的回答框，请检查并修改后再提交。",
                    "The transcript is in the answer box below: check and edit it, then submit.",
                )
            )
        else:
            st.info(
                tr(
                    "回答框里已有文字，转写结果没有自动放入。请选择：",
                    "Your answer box already has text, so the transcript was not put in. Choose:",
                )
            )
        st.text_area(
            tr("转写结果", "Transcript"),
            result.text,
            disabled=True,
            height=100,
            key=f"voice_{box_key}_transcript_{state['clip']['digest']}",
        )
        with st.popover(tr("分段与时间", "Segments and times")):
            for segment in result.segments:
                st.markdown(f"`{_clock(segment.start)}–{_clock(segment.end)}` {segment.text}")
    add_col, replace_col, undo_col, delete_col = st.columns(4)
    if result and state.get("placed") not in ("filled", "append", "replace"):
        add_col.button(
            tr("追加到我的回答后", "Append to my answer"),
            on_click=_insert,
            args=(box_key, put, current, "append"),
            key=f"voice_{box_key}_append",
        )
        replace_col.button(
            tr("替换我的回答", "Replace my answer"),
            on_click=_insert,
            args=(box_key, put, current, "replace"),
            key=f"voice_{box_key}_replace",
            help=tr("可以撤销。", "You can undo this."),
        )
    if "previous" in state:
        undo_col.button(
            tr("↩ 撤销，恢复原来的文字", "↩ Undo: bring my text back"),
            on_click=_undo,
            args=(box_key, put),
            key=f"voice_{box_key}_undo",
        )
    delete_col.button(
        tr("🗑 删除录音", "🗑 Delete recording"),
        on_click=_clear,
        args=(box_key,),
        key=f"voice_{box_key}_delete",
        help=tr(
            "删除录音及其转写结果；回答框中的文字会保留。",
            "Removes the recording and its transcript; the text in your answer box stays.",
        ),
    )


def voice_answer_box(
    box_key: str,
    owner: str,
    language_hint: str | None,
    save: Callable[[], None],
    saved_text: str = "",
) -> None:
    """`voice_answer` for an answer text area whose text lives in st.session_state[box_key].

    Args:
        save: saves the box's text the way the page saves typed text (its on_change).
        saved_text: the box's saved text, for a first run before the box holds any.
    """

    def put(text: str) -> None:
        st.session_state[box_key] = text
        save()

    voice_answer(
        box_key, owner, language_hint, put, lambda: st.session_state.get(box_key, saved_text) or ""
    )
