"""The password rule: long enough, not a common password, not a run of one key.

The rule is checked wherever a password is set (first administrator, new account, reset,
own change); each problem is explained in English and Chinese.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from services.errors import FieldProblem

MIN_PASSWORD, MAX_PASSWORD = 10, 256
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common_passwords.txt"
_RUNS = "0123456789abcdefghijklmnopqrstuvwxyz qwertyuiop asdfghjkl zxcvbnm"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case, no spaces)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_folded(line) for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str | None, username: str = "") -> FieldProblem | None:
    """Why `password` is too weak, or None when it is acceptable.

    Args:
        password: the new password as typed.
        username: the account's name; a password that contains it is refused.

    Returns:
        a FieldProblem for the field "password" with its message in both languages.
    """
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return _problem(
            f"at least {MIN_PASSWORD} characters (this one has {len(password)})",
            f"密码至少需要 {MIN_PASSWORD} 个字符（当前 {len(password)} 个）",
        )
    if len(password) > MAX_PASSWORD:
        return _problem(f"at most {MAX_PASSWORD} characters", f"密码最多 {MAX_PASSWORD} 个字符")
    folded = _folded(password)
    if folded in common_passwords() or _is_run(folded):
        return _problem(
            "this is one of the most common passwords; choose a less guessable one "
            "(a few unrelated words work well)",
            "这是最常见的密码之一，很容易被猜到；请换一个（几个不相关的词组合起来就很好）",
        )
    name = _folded(username)
    if len(name) >= 3 and name in folded:
        return _problem("must not contain the user name", "密码不能包含用户名")
    return None


def _problem(en: str, zh: str) -> FieldProblem:
    return FieldProblem("password", en, zh)


def _folded(text: str | None) -> str:
    return "".join((text or "").lower().split())


def _is_run(folded: str) -> bool:
    """One key repeated, or a stretch of a keyboard row or the alphabet, forwards or back."""
    if len(set(folded)) <= 2:
        return True
    return any(folded in row or folded[::-1] in row for row in _RUNS.split())
