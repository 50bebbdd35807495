"""Drafts saved while typing: a tiny browser component beside an answer box.

Streamlit's text area sends its text only when the box loses focus (or on Ctrl+Enter), so
a reload while typing would lose everything typed since. This component listens to the box
in the page, and a moment after typing pauses (at most a few seconds while typing goes on)
posts the text to the server's draft endpoint (`server/routes.py`), which saves it for the
identity in the browser's cookie. It never changes the box: on a failed save it says so,
keeps the text where it is and retries with growing pauses.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages.common import database, language, tr
from server.cookies import api_path
from services import identity
from services.accounts import Actor

PAUSE_MS = 1200  # save this long after the last keystroke ...
MAX_WAIT_MS = 4000  # ... and at least this often while typing goes on

_JS = """
export default function (component) {
  const { data, parentElement } = component;
  const savers = (window.__interviewAutosave ||= {});
  const old = savers[data.key];
  if (old && old.stop) old.stop();
  const saver = { data, note: parentElement, timer: null, first: null, dirty: false,
                  busy: false, failures: 0, lastText: null, halted: false };
  savers[data.key] = saver;
  const box = () => {
    const holder = document.querySelector(".st-key-" + CSS.escape(data.key));
    return holder ? holder.querySelector("textarea") : null;
  };
  const say = (text, bad) => {
    let line = parentElement.querySelector("[data-autosave-status]");
    if (!line) {
      line = document.createElement("div");
      line.setAttribute("data-autosave-status", "");
      line.setAttribute("aria-live", "polite");
      parentElement.appendChild(line);
    }
    line.textContent = text;
    line.style.cssText = "font-size: 0.8rem; min-height: 1.1rem; color: " +
      (bad ? "var(--st-red-color, #c00)" : "var(--st-gray-color, #888)") + ";";
    line.dataset.state = bad ? "error" : "ok";
  };
  const payload = (text) => JSON.stringify({ ...data.target, owner_tag: data.owner_tag, text });
  const send = async (keepalive) => {
    if (saver.halted) return;
    clearTimeout(saver.timer);
    saver.timer = null;
    saver.first = null;
    const element = box();
    const text = element ? element.value : saver.lastText;
    if (text === null || text === undefined) return;
    if (saver.busy && !keepalive) { saver.dirty = true; return; }
    saver.busy = true;
    saver.dirty = false;
    saver.lastText = text;
    try {
      const response = await fetch(data.api + "/draft", {
        method: "POST", headers: { "Content-Type": "application/json" },
        credentials: "same-origin", keepalive: Boolean(keepalive), body: payload(text),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw Object.assign(new Error("refused"), { answer, status: response.status });
      saver.failures = 0;
      say(data.saved + " " + new Date().toLocaleTimeString(), false);
    } catch (error) {
      const message = (error.answer && error.answer[data.lang]) || data.failed;
      if (error.status === 401 || error.status === 409) {
        saver.halted = true;  // another person now: never save this text as them
        say(message, true);
      } else {
        saver.failures += 1;
        const pause = Math.min(30, 2 ** saver.failures);
        say(message + " " + data.retrying.replace("{s}", pause), true);
        saver.dirty = true;
        saver.timer = setTimeout(() => send(false), pause * 1000);
      }
    } finally {
      saver.busy = false;
      if (saver.dirty && !saver.timer && !saver.halted) schedule();
    }
  };
  const schedule = () => {
    const now = Date.now();
    saver.first ??= now;
    saver.dirty = true;
    clearTimeout(saver.timer);
    const wait = Math.max(0, Math.min(data.pause_ms, saver.first + data.max_wait_ms - now));
    saver.timer = setTimeout(() => send(false), wait);
  };
  const onInput = (event) => {
    const target = event.target;
    if (!(target instanceof HTMLTextAreaElement)) return;
    if (!target.closest(".st-key-" + CSS.escape(data.key))) return;
    saver.lastText = target.value;
    schedule();
  };
  const onHide = () => { if (saver.dirty) send(true); };
  document.addEventListener("input", onInput, true);
  window.addEventListener("pagehide", onHide);
  saver.stop = () => {
    document.removeEventListener("input", onInput, true);
    window.removeEventListener("pagehide", onHide);
    if (saver.dirty) send(true);
    clearTimeout(saver.timer);
  };
  return () => { if (savers[data.key] === saver) { saver.stop(); delete savers[data.key]; } };
}
"""
_component = st.components.v2.component("interview_draft_autosave", js=_JS)


def autosave_while_typing(actor: Actor, box_key: str, target: dict[str, Any]) -> None:
    """Save the text of the text area with key `box_key` while it is typed.

    Args:
        actor: who the page is drawn for; the endpoint saves only for the same identity.
        box_key: the st.text_area's key (the component finds the box by it).
        target: what the text is, for the endpoint: {"kind": "practice", "question_id": ...}
            or {"kind": "mock", "session_id": ..., "question_id": ...}.
    """
    _component(
        key=f"autosave_{box_key}",
        data={
            "key": box_key,
            "target": target,
            "owner_tag": identity.owner_tag(database(), actor.owner),
            "api": api_path(),
            "lang": language(),
            "pause_ms": PAUSE_MS,
            "max_wait_ms": MAX_WAIT_MS,
            "saved": tr("草稿已自动保存", "Draft saved"),
            "failed": tr(
                "草稿未能保存，你的文字仍在输入框中。",
                "The draft could not be saved; your text is still in the box.",
            ),
            "retrying": tr("{s} 秒后重试。", "Retrying in {s} s."),
        },
        height="content",
    )
