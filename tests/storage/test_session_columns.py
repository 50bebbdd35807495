"""Upgrade 3: mock sessions name the candidate's account; notes can be shared."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import SCHEMA_VERSION, Database

V2_SESSIONS = """CREATE TABLE mock_sessions (id INTEGER PRIMARY KEY,
  interviewer_id INTEGER NOT NULL REFERENCES users (id), candidate_name VARCHAR(128) NOT NULL,
  title VARCHAR(200) NOT NULL, language VARCHAR(8) NOT NULL, question_ids JSON NOT NULL,
  show_machine_early BOOLEAN NOT NULL, current_index INTEGER NOT NULL,
  status VARCHAR(16) NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)"""
V2_ANSWERS = """CREATE TABLE session_answers (id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES mock_sessions (id) ON DELETE CASCADE,
  question_id VARCHAR(64) NOT NULL, answer TEXT NOT NULL, report JSON,
  point_ratings JSON NOT NULL, overall_rating INTEGER, notes TEXT NOT NULL,
  updated_at TIMESTAMP NOT NULL, UNIQUE (session_id, question_id))"""


def test_a_version_2_database_gets_the_session_candidate_columns(database_url):
    db = Database(database_url)
    try:
        db.upgrade()
        with db.engine.begin() as connection:  # back to the version 2 tables, with a row
            connection.execute(text("DROP TABLE session_follow_ups"))  # newer than version 2
            connection.execute(text("DROP TABLE session_answers"))
            connection.execute(text("DROP TABLE mock_sessions"))
            connection.execute(text(V2_SESSIONS))
            connection.execute(text(V2_ANSWERS))
            connection.execute(
                text(
                    "INSERT INTO users (username, display_name, password_hash, role, active, "
                    "created_at) VALUES ('iv', 'Iv', 'x', 'interviewer', true, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO mock_sessions (id, interviewer_id, candidate_name, title, language, "
                    "question_ids, show_machine_early, current_index, status, created_at, "
                    "updated_at) VALUES (1, (SELECT id FROM users), 'Old', 'Old', 'zh', '[]', false, 0, 'active', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO session_answers (id, session_id, question_id, answer, "
                    "point_ratings, notes, updated_at) VALUES (1, 1, 'q', 'a', '{}', 'private', "
                    "CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(text("UPDATE schema_version SET version = 2"))
        assert db.upgrade() == SCHEMA_VERSION >= 3
        sessions = {c["name"] for c in inspect(db.engine).get_columns("mock_sessions")}
        answers = {c["name"] for c in inspect(db.engine).get_columns("session_answers")}
        assert "candidate_user_id" in sessions and "notes_shared" in answers
        with db.engine.connect() as connection:
            assert connection.execute(
                text("SELECT candidate_user_id FROM mock_sessions")
            ).one() == (None,)
            shared = connection.execute(text("SELECT notes_shared FROM session_answers")).scalar()
        assert not shared  # old notes stay private
    finally:
        db.dispose()
