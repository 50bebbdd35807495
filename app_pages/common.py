"""What every page shares: the language, the signed-in user, the database, the bank, the scorer.

Pages import from here and from `services`; nothing here holds data outside the database and
the user's own Streamlit session, so several app processes can share one database.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from sqlalchemy import func, select

from question_bank.loader import BankSet, load_path
from scoring.encoders import EncoderChoice, load_encoder
from scoring.engine import Scorer
from services import accounts
from services import bank as bank_service
from services.accounts import Actor
from services.errors import ServiceError, ValidationFailed
from storage.db import Database
from storage.models import QuestionRecord

LANGUAGES = {"zh": "中文", "en": "English"}
CATEGORY_NAMES = {
    "behavioral": ("行为面试", "Behavioral"),
    "situational": ("情景面试", "Situational"),
    "technical": ("专业知识", "Technical"),
    "stress": ("压力面试", "Stress"),
}
DIFFICULTY_NAMES = {
    "easy": ("简单", "Easy"),
    "medium": ("中等", "Medium"),
    "hard": ("困难", "Hard"),
}
ROLE_NAMES = {
    "guest": ("访客", "Guest"),
    "candidate": ("候选人", "Candidate"),
    "interviewer": ("面试官", "Interviewer"),
    "trainer": ("培训师", "Trainer"),
    "admin": ("管理员", "Administrator"),
}
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
    zh, en = CATEGORY_NAMES.get(category, (category, category))
    return tr(zh, en)


def labels(options: Iterable[T], label: Callable[[T], str]) -> Callable[[T], str]:
    """A format_func for a widget, its labels fixed now in the current language.

    Use it instead of passing a function that reads the language: Streamlit may format
    options outside the script run, where session state (and so the language) is missing.
    Put the language in the widget's key too, so a language switch redraws the labels.
    """
    fixed = {option: label(option) for option in options}
    return lambda option: fixed.get(option, str(option))


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
    db = Database()
    db.upgrade()
    bank_service.seed_if_empty(db, load_path())
    return db


@st.cache_resource(show_spinner=False)
def encoder_choice() -> EncoderChoice:
    """The sentence encoder, loaded once per process (INTERVIEW_ENCODER picks it)."""
    return load_encoder(None)


def bank_revision(db: Database) -> tuple[int, int]:
    """A cheap fingerprint of the bank in the database; it changes on every save."""
    with db.transaction() as session:
        count, total = session.execute(
            select(func.count(), func.coalesce(func.sum(QuestionRecord.version), 0))
        ).one()
        return int(count), int(total)


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
        warnings=[choice.warning] if choice.warning else [],
    )


def scorer() -> Scorer:
    """The scorer for the live bank; the first call loads the model behind a status message."""
    revision = bank_revision(database())
    if "common_model_ready" not in st.session_state:
        with st.spinner(tr("正在加载评分模型（首次约需几秒）…", "Loading the scoring model…")):
            result = _scorer_at(revision)
        st.session_state["common_model_ready"] = True
        return result
    return _scorer_at(revision)


# --- who is using the app ------------------------------------------------------------------


def current_actor() -> Actor:
    """The signed-in user (token kept in the URL so a reload keeps them in), else a guest."""
    token = st.session_state.get("auth_token") or st.query_params.get("auth", "")
    if token:
        actor = accounts.actor_for_token(database(), token)
        if actor is not None:
            st.session_state["auth_token"] = token
            if st.query_params.get("auth") != token:  # page switches may drop query params
                st.query_params["auth"] = token
            return actor
        st.session_state.pop("auth_token", None)
        if "auth" in st.query_params:
            del st.query_params["auth"]
    guest = st.query_params.get("guest") or st.session_state.get("guest_token")
    if not guest:
        guest = secrets.token_urlsafe(12)
    st.session_state["guest_token"] = guest
    if st.query_params.get("guest") != guest:  # a reload finds the guest's drafts again
        st.query_params["guest"] = guest
    return Actor.guest(guest)


def remember_sign_in(token: str) -> None:
    st.session_state["auth_token"] = token
    st.query_params["auth"] = token


def forget_sign_in() -> None:
    token = st.session_state.pop("auth_token", None)
    if token:
        accounts.sign_out(database(), token)
    if "auth" in st.query_params:
        del st.query_params["auth"]


# --- showing errors -------------------------------------------------------------------------


def show_error(error: ServiceError) -> None:
    """Show a refused request in the current language (field problems listed one per line)."""
    if isinstance(error, ValidationFailed):
        lines = [f"- **{p.field or tr('整体', 'record')}**: {p.message}" for p in error.problems]
        st.error(tr("未保存，请修正：", "Not saved, please fix:") + "\n" + "\n".join(lines))
    else:
        st.error(error.message(language()))


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Show any ServiceError raised inside the block instead of crashing the page."""
    try:
        yield
    except ServiceError as error:
        show_error(error)


def attempt(action: Callable[[], T]) -> T | None:
    """Run a service call; on a ServiceError show it and return None."""
    try:
        return action()
    except ServiceError as error:
        show_error(error)
        return None
