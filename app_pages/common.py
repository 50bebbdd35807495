"""What every page shares: the language, the signed-in user, the database, the bank, the scorer.

Pages import from here and from `services`; nothing here holds data outside the database and
the user's own Streamlit session, so several app processes can share one database.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from question_bank.loader import BankSet
from scoring.encoders import EncoderChoice, load_encoder
from scoring.engine import Scorer
from server.cookies import AUTH_COOKIE, GUEST_COOKIE, api_path
from services import accounts, identity, names, rubric_lab
from services import bank as bank_service
from services.accounts import Actor
from services.app_database import Database, bank_revision, open_app_database
from services.errors import ServiceError, ValidationFailed
from services.names import CATEGORY_NAMES, DIFFICULTY_NAMES, ROLE_NAMES, STATUS_NAMES  # noqa: F401

LANGUAGES = {"zh": "中文", "en": "English"}
T = TypeVar("T")


_MARKDOWN_CHARACTERS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """User text made safe inside st.markdown: shown as typed, never as markup."""
    return _MARKDOWN_CHARACTERS.sub(r"\\\1", str(text))


# --- language -------------------------------------------------------------------------------


def language() -> str:
    """The interface and content language: "zh" or "en" (kept in the URL as ?lang=)."""
    if "language" not in st.session_state:
        wanted = st.query_params.get("lang", "zh")
        st.session_state["language"] = wanted if wanted in LANGUAGES else "zh"
    return st.session_state["language"]


def tr(zh: str, en: str) -> str:
    """The text in the current language."""
    return en if language() == "en" else zh


def category_name(category: str) -> str:
    """A category's name in the current language (names come from `services.names`)."""
    return names.category_name(category, language())


def status_name(status: str) -> str:
    """A point status's name ("covered", "partial", "missing") in the current language."""
    return names.status_name(status, language())


def labels(options: Iterable[T], label: Callable[[T], str]) -> Callable[[T], str]:
    """A format_func for a widget, its labels fixed now in the current language.

    Use it instead of passing a function that reads the language: Streamlit may format
    options outside the script run, where session state (and so the language) is missing.
    Give the widget its key through `choice_key`, so a language switch redraws the labels.
    """
    fixed = {option: label(option) for option in options}
    return lambda option: fixed.get(option, str(option))


def choose_options() -> str:
    """The placeholder of an empty multiselect, in the page's language (Streamlit's own is
    English only)."""
    return tr("请选择", "Choose options")


def choice_key(key: str, default: object = None) -> str:
    """The key of an option widget whose labels follow the language (selectbox, multiselect,
    radio, segmented control, pills), such that its choice survives a language switch.

    The browser holds an option widget's choice as the labels it showed, and Streamlit
    reads them back through the widget's previous labels: after a switch the choice is
    still right on the server, but the browser keeps showing (and later sends) the labels
    of the other language. So in the first run after a switch the choice is given back to
    the widget through session state, which redraws it under the new labels. The options
    themselves must not depend on the language (ids, codes; labels from `labels`).

    Args:
        key: the widget's key, without the language in it.
        default: the first choice, set here instead of the widget's `default` / `index`
            (Streamlit warns when a widget has both); None leaves it to the widget.

    Returns:
        `key`, to pass as the widget's key.
    """
    drawn = st.session_state.setdefault("common_choice_languages", {})
    if key not in st.session_state:
        if default is not None:
            st.session_state[key] = default
    elif drawn.get(key, language()) != language():
        st.session_state[key] = st.session_state[key]  # redrawn under the new labels
    drawn[key] = language()
    return key


def section_tabs(key: str, names: Mapping[str, tuple[str, str]]) -> dict[str, DeltaGenerator]:
    """st.tabs that keep the open tab when the language changes.

    Streamlit knows tabs by their labels, so new labels (a language switch) would open the
    first tab again. Here each tab has a name that does not change with the language; the
    open one is kept under `<key>_open` and opened again under its label in the new
    language (also after a visit to another page). Opening a tab reruns the page.

    Args:
        key: the tabs' key; st.session_state[key] holds the open tab's label.
        names: tab name -> (Chinese label, English label), in the order shown.

    Returns:
        tab name -> its container (draw into it with `with`).
    """
    shown = {name: tr(zh, en) for name, (zh, en) in names.items()}
    opened = f"{key}_open"
    if st.session_state.get(key) not in shown.values():  # first drawn, or the language changed
        first = next(iter(shown.values()))
        st.session_state[key] = shown.get(st.session_state.get(opened), first)
    tabs = st.tabs(list(shown.values()), key=key, on_change="rerun")
    for name, tab in zip(shown, tabs, strict=True):
        if tab.open:
            st.session_state[opened] = name
    return dict(zip(shown, tabs, strict=True))


def section_expander(key: str, label: str, expanded: bool = False) -> DeltaGenerator:
    """st.expander that stays open (or folded) when the language changes.

    Without a key the browser draws an expander again as `expanded` says whenever its label
    changes, so a language switch folded every expander the user had opened. With a key
    the browser keeps the open state under the key, whatever the label. The key alone does
    it (checked in Chromium, Streamlit 1.67); `on_change="rerun"` would not: the state it
    tracks belongs to the label too, and every click would rerun the page.

    Since the browser keeps the state, `expanded` is only where it starts: when the expander
    is first drawn, or drawn again after runs without it. To fold or open it when something
    changes, put that in the key (a new key starts afresh).

    Args:
        key: unique on the page and without the language; in a loop, with the row's id.
        label: the label in the current language.
        expanded: open when first drawn.
    """
    return st.expander(label, expanded=expanded, key=key)


def language_switch() -> None:
    """The 中文 / English switch in the sidebar; changes interface and question content."""

    def changed() -> None:
        st.session_state["language"] = st.session_state["common_language_switch"]
        st.query_params["lang"] = st.session_state["language"]

    st.sidebar.segmented_control(
        "Language / 语言",
        list(LANGUAGES),
        default=language(),
        format_func=LANGUAGES.get,
        key="common_language_switch",
        on_change=changed,
        required=True,
    )


# --- resources shared by all sessions --------------------------------------------------------


@st.cache_resource(show_spinner=False)
def database() -> Database:
    """The database, upgraded and seeded with the shipped bank on first use."""
    return open_app_database()


@st.cache_resource(show_spinner=False)
def encoder_choice() -> EncoderChoice:
    """The sentence encoder, loaded once per process (INTERVIEW_ENCODER picks it)."""
    return load_encoder(None)


@st.cache_data(show_spinner=False, max_entries=4)
def _bank_at(revision: tuple[int, int]) -> BankSet:
    return bank_service.load_bank(database())


def live_bank() -> BankSet:
    """The bank as the database holds it now (re-read when any process saved a change)."""
    return _bank_at(bank_revision(database()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _scorer_at(revision: tuple[int, int]) -> Scorer:
    choice = encoder_choice()
    return Scorer(
        choice.encoder,
        context=_bank_at(revision).questions,
        offsets={},  # the trainers' offsets come from the database on every run (`scorer`)
        warnings=[choice.warning] if choice.warning else [],
    )


def scorer() -> Scorer:
    """The scorer for the live bank, with the trainers' per-question offsets as the database
    holds them now; the first call loads the model behind a status message."""
    db = database()
    revision = bank_revision(db)
    if "common_model_ready" not in st.session_state:
        with st.spinner(tr("正在加载评分模型（首次约需几秒）…", "Loading the scoring model…")):
            result = _scorer_at(revision)
        st.session_state["common_model_ready"] = True
    else:
        result = _scorer_at(revision)
    result.offsets = rubric_lab.question_offsets(db, result.encoder_name)
    return result


# --- who is using the app ------------------------------------------------------------------

# Session-state keys that belong to the browser, not to the person using it: kept when the
# person changes (everything else is cleared then, see `_forget_previous_person`).
_BROWSER_KEYS = ("language", "common_language_switch", "common_model_ready", "common_bridge")
_CREDENTIALS_IN_ADDRESSES = ("auth", "guest")  # what old links carried; never read


def _cookie(name: str) -> str:
    """A cookie the browser sent when this session's connection opened ("" if none)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # no browser connection (a script run without one)
        return ""
    return value if isinstance(value, str) else ""


def current_actor() -> Actor:
    """The signed-in user, else this browser's guest.

    Who it is comes from the HttpOnly cookies the server's endpoints set (`server/routes.py`),
    or from a sign-in made in this session; never from the page address, so a copied link
    signs nobody in and cannot choose a guest. When the person changes (sign in, sign out,
    another user), everything the previous one left in this session is cleared first.
    """
    for name in _CREDENTIALS_IN_ADDRESSES:
        if name in st.query_params:  # an old link: the credential is ignored and dropped
            del st.query_params[name]
    db = database()
    actor = _signed_in(db)
    if actor is None:
        if st.session_state.get("common_identity", "").startswith("user:"):
            st.session_state.pop("common_session_guest", None)  # signed out: a new guest
        actor = _guest(db)
    _forget_previous_person(actor)
    return actor


def _signed_in(db: Database) -> Actor | None:
    token = st.session_state.get("auth_token")  # a sign-in made in this session
    if token:
        actor = accounts.actor_for_token(db, token)
        if actor is not None:
            return actor
        st.session_state.pop("auth_token", None)  # signed out elsewhere, password changed ...
    token = _cookie(AUTH_COOKIE)
    return accounts.actor_for_token(db, token) if token else None


def _guest(db: Database) -> Actor:
    """The guest of the server-issued cookie, else one for this session only."""
    actor = identity.guest_for_key(db, _cookie(GUEST_COOKIE))
    if actor is None:
        guest_id = st.session_state.get("common_session_guest") or secrets.token_urlsafe(16)
        st.session_state["common_session_guest"] = guest_id
        actor = Actor.guest(guest_id)
    st.session_state["guest_token"] = actor.owner.removeprefix("guest:")
    return actor


def _forget_previous_person(actor: Actor) -> None:
    previous = st.session_state.get("common_identity")
    if previous is not None and previous != actor.owner:
        clear_person_state(keep=("auth_token", "common_session_guest"))
        if actor.role == "guest":
            st.session_state["guest_token"] = actor.owner.removeprefix("guest:")
    st.session_state["common_identity"] = actor.owner


def clear_person_state(keep: tuple[str, ...] = ()) -> None:
    """Remove everything but the browser's settings from this session: drafts in answer
    boxes, feedback shown, the selected session, form fields, timers ..."""
    for key in list(st.session_state.keys()):
        if key not in _BROWSER_KEYS and key not in keep:
            del st.session_state[key]


def sign_in_client() -> str:
    """Where a sign-in try comes from, for the per-client limits: the browser's address."""
    try:
        address = st.context.ip_address
    except Exception:
        return ""
    return address if isinstance(address, str) else ""


def remember_sign_in(token: str, notice: str = "") -> None:
    """After a sign-in in this session: use it now, and have the browser store it as an
    HttpOnly cookie (the bridge below posts it to the server, then reloads the page).

    Args:
        notice: a line to show once after the reload (e.g. "Password changed").
    """
    clear_person_state()
    st.session_state["auth_token"] = token
    st.session_state["common_bridge"] = {
        "action": "session",
        "token": token,
        "nonce": secrets.token_hex(8),
        "notice": notice,
    }


def forget_sign_in() -> None:
    """Sign out: end the session in the database, clear this session, reset the browser."""
    db = database()
    for token in {st.session_state.get("auth_token"), _cookie(AUTH_COOKIE)}:
        if token:
            accounts.sign_out(db, token)
    clear_person_state()
    st.session_state["common_bridge"] = {
        "action": "sign-out",
        "nonce": secrets.token_hex(8),
        "notice": tr("已退出登录。", "Signed out."),
    }


_BRIDGE_JS = """
export default function (component) {
  const { data, parentElement } = component;
  const shown = sessionStorage.getItem("interview_notice");  // left by the last reload
  if (shown) {
    sessionStorage.removeItem("interview_notice");
    const line = document.createElement("div");
    line.setAttribute("role", "status");
    line.setAttribute("data-identity-notice", "");
    line.style.cssText = "color: var(--st-green-color, #177233); font-size: 0.85rem;";
    line.textContent = shown;
    parentElement.replaceChildren(line);
  }
  if (!data || !data.action) return;
  const done = (window.__interviewBridge ||= new Set());
  if (done.has(data.nonce)) return;
  done.add(data.nonce);
  const path = data.action === "session" ? "/session" : "/sign-out";
  const body = data.action === "session" ? { token: data.token } : {};
  const say = (text) => {
    const note = document.createElement("div");
    note.setAttribute("role", "alert");
    note.style.cssText = "color: var(--st-red-color, #c00); font-size: 0.85rem;";
    note.textContent = text;
    parentElement.replaceChildren(note);
  };
  fetch(data.api + path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  })
    .then(async (response) => {
      if (response.ok) {
        if (data.notice) sessionStorage.setItem("interview_notice", data.notice);
        window.location.reload();
        return;
      }
      const answer = await response.json().catch(() => ({}));
      say(answer[data.lang] || data.failed);
    })
    .catch(() => say(data.failed));
}
"""
_bridge = st.components.v2.component("interview_identity_bridge", js=_BRIDGE_JS)


def identity_bridge() -> None:
    """Carry out a pending sign-in or sign-out in the browser (cookies, then a reload), and
    show once the notice the last one left ("Signed out.", "Password changed ...").

    The reload starts a new Streamlit session, so nothing of the previous person survives
    in the page either. Drawn once per run by the entry script.
    """
    pending = st.session_state.get("common_bridge") or {}
    failed = tr(
        "未能在此浏览器中保存登录状态（刷新后需重新登录）。请刷新页面后重试。",
        "Could not store the sign-in in this browser (a reload would lose it). Reload the "
        "page and try again.",
    )
    with st.sidebar:
        _bridge(
            key="common_identity_bridge",
            data={**pending, "api": api_path(), "lang": language(), "failed": failed},
            height="content",
        )


# --- showing errors -------------------------------------------------------------------------


def show_error(error: ServiceError, fields: Mapping[str, str] | None = None) -> None:
    """Show a refused request in the current language (field problems listed one per line).

    Args:
        fields: the form's labels by field name ({"username": tr("用户名", "User name")}), so
            a problem names the field as the form does; other fields show their raw name.
    """
    if isinstance(error, ValidationFailed):
        colon = tr("：", ": ")
        lines = [
            f"- **{(fields or {}).get(p.field, p.field) or tr('整体', 'record')}**{colon}"
            f"{p.text(language())}"
            for p in error.problems
        ]
        st.error(tr("未保存，请修正：", "Not saved, please fix:") + "\n" + "\n".join(lines))
    else:
        st.error(error.message(language()))


@contextmanager
def reporting_errors(fields: Mapping[str, str] | None = None) -> Iterator[None]:
    """Show any ServiceError raised inside the block instead of crashing the page."""
    try:
        yield
    except ServiceError as error:
        show_error(error, fields)


def attempt(action: Callable[[], T], fields: Mapping[str, str] | None = None) -> T | None:
    """Run a service call; on a ServiceError show it (fields named by `fields`) and return None."""
    try:
        return action()
    except ServiceError as error:
        show_error(error, fields)
        return None
