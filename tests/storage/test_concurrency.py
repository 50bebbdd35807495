"""Many users at once on one database: every write accounted for, no errors, rules still hold.

Timings are printed (run with -s to see them), never asserted. `python -m storage.loadtest`
runs the same load at a larger size; its results are in benchmarks/storage-concurrency.md.
"""

from __future__ import annotations

from collections import Counter

import pytest

from services import accounts, practice, sessions
from services.accounts import Actor
from services.errors import PermissionDenied, RateLimited
from storage.loadtest import markdown_table, run_load
from tests.storage.backends import PASSWORD, at_once

THREADS = 20


def test_twenty_threads_score_and_save_attempts_and_drafts(database, bank, lexical_scorer):
    result = run_load(database, THREADS, 3, lexical_scorer, bank.questions)
    print(f"\n{markdown_table([result])}")
    assert result.errors == []
    assert result.attempts_counted == result.attempts_expected == THREADS * 3
    assert result.drafts_counted == result.drafts_expected
    assert result.shared_draft in result.shared_texts
    assert result.writes == 3 * THREADS * 3


@pytest.mark.slow
def test_threads_scoring_with_the_default_model_at_once(database, bank, scorer):
    """The real encoder shared by concurrent sessions (10 threads: about 3 s of CPU each)."""
    result = run_load(database, 10, 1, scorer, bank.questions)
    print(f"\n{markdown_table([result])}")
    assert result.errors == [] and result.accounted


def test_first_saves_of_one_draft_from_many_tabs_at_once(database):
    """Two tabs autosaving the same new draft: no duplicate-row error, one draft remains."""
    actor = Actor.guest("many-tabs")
    results = at_once(THREADS, lambda i: practice.save_draft(database, actor, "s", f"text {i}"))
    assert [r for r in results if r is not None] == []
    assert practice.load_draft(database, actor, "s") in {f"text {i}" for i in range(THREADS)}


def test_first_saves_of_one_session_answer_at_once(database, users):
    inter = users["inter"]
    session = sessions.create_session(database, inter, "Candidate", ["cs-beh-01", "cs-sit-01"])

    def save(i: int) -> object:
        question_id = ("cs-beh-01", "cs-sit-01")[i % 2]
        return sessions.save_answer(
            database, inter, session.id, question_id, answer=f"a{i}", point_ratings={f"p{i}": 1}
        )

    results = at_once(THREADS, save)
    assert [r for r in results if isinstance(r, Exception)] == []
    view = sessions.get_session(database, inter, session.id)
    assert set(view.answers) == {"cs-beh-01", "cs-sit-01"}
    ratings = view.answer("cs-beh-01").point_ratings | view.answer("cs-sit-01").point_ratings
    assert set(ratings) == {f"p{i}" for i in range(THREADS)}  # merged, none lost


def test_parallel_wrong_passwords_still_stop_after_five(database, users):
    """Twenty tries at once must not all be checked: the limit holds under concurrency."""
    results = at_once(THREADS, lambda i: accounts.sign_in(database, "cand", f"guess-{i:04d}"))
    kinds = Counter(type(r).__name__ for r in results)
    assert kinds == {
        PermissionDenied.__name__: accounts.MAX_FAILURES,
        RateLimited.__name__: THREADS - accounts.MAX_FAILURES,
    }
    with pytest.raises(RateLimited):
        accounts.sign_in(database, "cand", PASSWORD)


def test_many_users_sign_in_at_once(database, users):
    names = [n for n in users if n != "admin"] * 3
    results = at_once(len(names), lambda i: accounts.sign_in(database, names[i], PASSWORD))
    assert [type(r).__name__ for r in results if isinstance(r, Exception)] == []
    for name, (actor, token) in zip(names, results, strict=True):
        assert accounts.actor_for_token(database, token) == actor and actor.username == name
