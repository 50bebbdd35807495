"""Problem messages in both languages, written together where the problem is found.

A bank file's problems (`question_bank`) and a batch row's (`scoring.batch`) carry a
`Message`: the Chinese and the English text side by side, so a page shows the reader's
language and the command line the English. Pydantic's validation errors are said in both
by their stable error type (`validation_message`), never by their English wording; the
bank's own rules raise `rule_error`, which carries both texts through pydantic.
No Streamlit here: the engines and the services import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import ErrorDetails, PydanticCustomError

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"  # ids of banks, questions, points and examples
RULE_ERROR = "bank_rule"  # pydantic error type of `rule_error`


@dataclass(frozen=True)
class Message:
    """One problem said in Simplified Chinese (full-width punctuation) and in English."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        """The text in `language` ("zh" or "en"), Chinese for anything else."""
        return self.en if language == "en" else self.zh


class MessageError(ValueError):
    """A ValueError whose reason is said in both languages (`str()` gives the English)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


def zh_list(values: Iterable[object]) -> str:
    """Values listed the Chinese way: "a、b、c"."""
    return "、".join(str(v) for v in values)


def rule_error(message: Message) -> PydanticCustomError:
    """A validator's error that keeps both texts (raise it inside a pydantic validator)."""
    return PydanticCustomError(RULE_ERROR, "{en}", {"zh": message.zh, "en": message.en})


# --- the common messages, shared by the file checks and the question form --------------------

REQUIRED = Message("必填", "missing required field")
UNKNOWN_FIELD = Message("未知字段", "unknown field")
NOT_EMPTY = Message("不能为空", "must not be empty")
NOT_A_NUMBER = Message("必须是数字", "must be a number")
NOT_WHOLE = Message("必须是整数", "must be a whole number")
AT_LEAST_ONE = Message("至少需要一项", "needs at least one item")
ID_FORMAT = Message(
    "格式不对：只能用小写字母、数字和“.”“-”“_”，并以字母或数字开头",
    "wrong format: use lower-case letters, digits and . - _, starting with a letter or digit",
)


def number_text(value: object) -> str:
    """A bound as pydantic writes it: 10.0 as "10", 0.5 as "0.5"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def at_most(limit: object) -> Message:
    return Message(f"不能大于 {number_text(limit)}", f"must be at most {number_text(limit)}")


def unknown_points(example_id: str, points: list[str]) -> Message:
    """A graded example covers rubric points the question does not have."""
    return Message(
        f"示例“{example_id}”覆盖了不存在的评分要点 {zh_list(points)}",
        f"example {example_id!r} covers unknown rubric points {points}",
    )


def marked_not_covered(example_id: str, point_id: str) -> Message:
    """A graded example marks where it makes a point it is not ticked as covering."""
    return Message(
        f"示例“{example_id}”标注了要点 {point_id} 的说法，但没有勾选它覆盖 {point_id}",
        f"example {example_id!r} marks where it makes {point_id} but is not ticked as "
        f"covering {point_id}",
    )


def marked_not_in_text(example_id: str, point_id: str, passage: str) -> Message:
    """A passage marked for a point is not (any more) in the example's text."""
    shown = passage if len(passage) <= 40 else passage[:39] + "…"
    return Message(
        f"示例“{example_id}”为要点 {point_id} 标注的“{shown}”不在回答里",
        f"the passage marked for {point_id} in example {example_id!r}, “{shown}”, is not in "
        "its answer",
    )


def repeated_ids(what_zh: str, what_en: str, ids: list[str]) -> Message:
    """Ids that repeat within a question (rubric points, examples)."""
    return Message(f"{what_zh}编号重复：{zh_list(ids)}", f"{what_en} ids repeat: {ids}")


# --- pydantic's errors, by type ---------------------------------------------------------------


def _count(ctx: Mapping[str, Any], one: Message, zh: str, en: str) -> Message:
    """`one` for a minimum of 1, else the counted texts ({n} is the minimum)."""
    n = ctx.get("min_length", 1)
    return one if n == 1 else Message(zh.format(n=n), en.format(n=n))


def _literal(ctx: Mapping[str, Any]) -> Message:
    """One of the allowed values; pydantic gives them as "'a', 'b' or 'c'"."""
    expected = str(ctx.get("expected", ""))
    values = [v.strip().strip("'") for v in expected.replace(" or ", ", ").split(", ")]
    return Message(f"只能是 {'、'.join(values)}", f"must be {expected}")


def _pattern(ctx: Mapping[str, Any]) -> Message:
    pattern = str(ctx.get("pattern", ""))
    if pattern == ID_PATTERN:
        return ID_FORMAT
    return Message(f"格式不对：须符合 {pattern}", f"wrong format: must match {pattern}")


def _bound(zh: str, en: str, key: str) -> Callable[[Mapping[str, Any]], Message]:
    """A comparison error: the bound `ctx[key]` after the Chinese and English wording."""
    return lambda ctx: Message(
        f"{zh} {number_text(ctx.get(key))}", f"{en} {number_text(ctx.get(key))}"
    )


_BY_TYPE: dict[str, Callable[[Mapping[str, Any]], Message]] = {
    "missing": lambda ctx: REQUIRED,
    "extra_forbidden": lambda ctx: UNKNOWN_FIELD,
    "string_too_short": lambda ctx: _count(
        ctx, NOT_EMPTY, "至少需要 {n} 个字符", "must have at least {n} characters"
    ),
    "too_short": lambda ctx: _count(
        ctx, AT_LEAST_ONE, "至少需要 {n} 项", "needs at least {n} items"
    ),
    "string_too_long": lambda ctx: Message(
        f"最多 {ctx.get('max_length')} 个字符",
        f"must have at most {ctx.get('max_length')} characters",
    ),
    "too_long": lambda ctx: Message(
        f"最多 {ctx.get('max_length')} 项", f"must have at most {ctx.get('max_length')} items"
    ),
    "string_pattern_mismatch": _pattern,
    "literal_error": _literal,
    "greater_than": _bound("必须大于", "must be greater than", "gt"),
    "greater_than_equal": _bound("不能小于", "must be at least", "ge"),
    "less_than": _bound("必须小于", "must be less than", "lt"),
    "less_than_equal": lambda ctx: at_most(ctx.get("le")),
    "int_parsing": lambda ctx: NOT_A_NUMBER,
    "int_type": lambda ctx: NOT_A_NUMBER,
    "float_parsing": lambda ctx: NOT_A_NUMBER,
    "float_type": lambda ctx: NOT_A_NUMBER,
    "finite_number": lambda ctx: NOT_A_NUMBER,
    "int_from_float": lambda ctx: NOT_WHOLE,
    "string_type": lambda ctx: Message("必须是文本", "must be text"),
    "model_type": lambda ctx: Message("必须是键值映射", "must be a mapping (key: value)"),
    "dict_type": lambda ctx: Message("必须是键值映射", "must be a mapping (key: value)"),
    "list_type": lambda ctx: Message("必须是列表", "must be a list"),
    "tuple_type": lambda ctx: Message("必须是列表", "must be a list"),
    RULE_ERROR: lambda ctx: Message(str(ctx["zh"]), str(ctx["en"])),
}


def validation_message(error: ErrorDetails) -> Message:
    """One pydantic validation error in both languages, by its error type and context.

    A type not listed keeps pydantic's English and says in Chinese that the value is invalid.
    """
    ctx = error.get("ctx") or {}
    said = _BY_TYPE.get(error["type"])
    if said is not None:
        return said(ctx)
    english = error["msg"].removeprefix("Value error, ")
    return Message(f"取值无效：{english}", english)
