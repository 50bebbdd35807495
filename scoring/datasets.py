"""Graded answer data for fitting and benchmarking: the bank's examples and ../shared/datasets.

The shared datasets are read in place and never copied into the repository.
"""

from __future__ import annotations

import csv
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from question_bank.schema import Question
from scoring.target import Target

SHARED_DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
INTERVIEW_STYLE = BENCHMARKS / "interview-style"


@dataclass(frozen=True)
class GradedAnswer:
    """An answer with a grade in [0, 1] against a reference split into key points.

    With `alternatives`, the reference points are alternative phrasings of one correct
    answer (matching any of them is enough) instead of points that must all be covered.
    With `reference`, the dataset gives one reference answer, which the answer is scored
    against (`Target.from_reference`, as the batch command reads one); its key points are
    the rows the long-answer calibrators are fitted on (`scoring.fit.dataset_blocks`).
    """

    source: str
    group: str  # question id: folds never split a group
    question: str
    reference_points: tuple[str, ...]
    answer: str
    grade: float  # 0-1
    alternatives: bool = False
    reference: str = ""

    def target_points(self) -> list[str | tuple[str, ...]]:
        """The rubric points for `Target.from_texts`."""
        return [self.reference_points] if self.alternatives else list(self.reference_points)

    def target(self, as_points: bool = False) -> Target:
        """What the answer is scored against: the reference answer where there is one, else
        (or with `as_points`) the key points as a rubric."""
        if self.reference and not as_points:
            return Target.from_reference(self.reference, self.question)
        return Target.from_texts(self.target_points(), question=self.question)


def sas_le(split: str, root: Path = SHARED_DATASETS) -> list[GradedAnswer]:
    """sas_zh/LE (logistics short answers): `split` is 'train' or 'eval'. The key points are
    the reference's clauses (it lists them: "盘点内容包括:数量盘点;重量盘点;账实核对")."""
    from scoring.segment import split_clauses

    base = root / "sas_zh" / "LE"
    questions = {row[0]: row[1] for row in _tsv(base / "qa.csv") if len(row) >= 2}
    out = []
    for row in _tsv(base / f"s_{split}_zh.csv"):
        if len(row) < 4:
            continue
        qid, reference, answer, score = row[:4]
        out.append(
            GradedAnswer(
                "sas_zh/LE",
                f"le-{qid}",
                questions.get(qid, ""),
                tuple(split_clauses(reference)) or (reference,),
                answer,
                float(score),
                reference=reference,
            )
        )
    return out


def sas_sr(split: str, root: Path = SHARED_DATASETS) -> list[GradedAnswer]:
    """sas_zh/SR (health informatics, machine-translated): `split` is 'train' or 'eval'."""
    out = []
    for row in _tsv(root / "sas_zh" / "SR" / f"s_{split}_zh.csv"):
        if len(row) < 8:
            continue
        answer, topic, score, reference = row[1], row[2], row[3], row[7]
        # its reference is prose: one key point, the whole of it (an alternative of one)
        out.append(
            GradedAnswer("sas_zh/SR", f"sr-{row[6]}", topic, (reference,), answer, float(score),
                         alternatives=True, reference=reference)
        )  # fmt: skip
    return out


SEMEVAL_ZIP = Path("semeval2013_3way") / "semeval-3way.zip"
SEMEVAL_SPLITS = {
    "train": ("training/3way/",),
    "test-unseen-questions": (
        "test/3way/sciEntsBank/test-unseen-questions/",
        "test/3way/beetle/test-unseen-questions/",
    ),
    "test-unseen-answers": (
        "test/3way/sciEntsBank/test-unseen-answers/",
        "test/3way/beetle/test-unseen-answers/",
    ),
}


def semeval(split: str, root: Path = SHARED_DATASETS) -> list[GradedAnswer]:
    """SemEval-2013 Task 7, 3-way (English, Beetle and SciEntsBank), read from its zip.

    `split` is 'train', 'test-unseen-questions' or 'test-unseen-answers'. A `correct`
    answer has grade 1, `contradictory` and `incorrect` ones 0. The reference answers
    (all but Beetle's bare keyword lists) are alternatives: matching one is enough.
    """
    prefixes = SEMEVAL_SPLITS[split]
    out = []
    with zipfile.ZipFile(root / SEMEVAL_ZIP) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".xml") or not name.startswith(prefixes):
                continue
            question = ElementTree.fromstring(archive.read(name))
            references = tuple(
                (r.text or "").strip()
                for r in question.iter("referenceAnswer")
                if r.get("category") != "KEYWORD" and (r.text or "").strip()
            )
            text = (question.findtext("questionText") or "").strip()
            for answer in question.iter("studentAnswer"):
                out.append(
                    GradedAnswer(
                        "semeval2013",
                        f"semeval-{question.get('id')}",
                        text,
                        references,
                        (answer.text or "").strip(),
                        1.0 if answer.get("accuracy") == "correct" else 0.0,
                        alternatives=True,
                    )
                )
    return out


def available(root: Path = SHARED_DATASETS) -> bool:
    return (root / "sas_zh" / "LE" / "s_train_zh.csv").exists()


@dataclass(frozen=True)
class BankExample:
    question: Question
    example_id: str
    kind: str
    language: str
    grade: float  # 0-10
    covers: frozenset[str]
    text: str


def bank_examples(questions: list[Question] | tuple[Question, ...]) -> list[BankExample]:
    return [
        BankExample(q, e.id, e.kind, e.language, e.grade, frozenset(e.covers), e.text)
        for q in questions
        for e in q.examples
    ]


def interview_style(
    questions: list[Question] | tuple[Question, ...], path: Path = INTERVIEW_STYLE / "answers.jsonl"
) -> list[BankExample]:
    """The interview-style answers (benchmarks/interview-style; never fitted on), as bank
    examples of kind strong (grade 7 or more), partial (4 or more) or weak."""
    by_id = {q.id: q for q in questions}
    out = []
    for row in _jsonl(path):
        grade = float(row["grade"])
        kind = "strong" if grade >= 7 else "partial" if grade >= 4 else "weak"
        question = by_id.get(row["question_id"])
        if question is not None:
            out.append(
                BankExample(question, row["id"], kind, row["language"], grade,
                            frozenset(row["covers"]), row["text"])
            )  # fmt: skip
    return out


def vague_set(
    questions: list[Question] | tuple[Question, ...],
    path: Path = BENCHMARKS / "vague" / "answers.jsonl",
) -> list[BankExample]:
    """Vague answers (all general statements) and plain genuine ones (concrete, some general
    phrases mixed in) to questions of the bank and the development bank (benchmarks/vague;
    written without reading the vague guard's statements; never fitted), as bank examples
    of kind "vague" or "plain"; no points are marked."""
    by_id = {q.id: q for q in questions}
    rows = _jsonl(path) if path.exists() else []
    return [
        BankExample(by_id[row["question_id"]], row["id"], row["kind"], row["language"],
                    float(row["grade"]), frozenset(), row["text"])
        for row in rows
        if row["question_id"] in by_id
    ]  # fmt: skip


DEV_BANK = BENCHMARKS / "dev-bank"
# Three more roles, written later from one brief by other hands, with the bank's shapes
# (compact answers, plans, long partial stories) among their examples.
SECOND_DEV_BANK = BENCHMARKS / "dev-bank-2"
COMPACT = BENCHMARKS / "compact" / "answers.jsonl"
EVIDENCE_SET = BENCHMARKS / "evidence" / "answers.jsonl"
# Evidence-annotated answers to the development bank's questions, written after the evidence
# choice was tuned on EVIDENCE_SET, most of them telling the points out of the rubric's order.
EVIDENCE_DEV = BENCHMARKS / "evidence-dev" / "answers.jsonl"
# Length-matched answers to the bank's questions: strong and partial of the same length.
MATCHED = tuple(BENCHMARKS / "matched" / f"{language}.jsonl" for language in ("zh", "en"))
# Terse strong plans and long partial stories to the bank's questions: length turned around.
SHAPES = BENCHMARKS / "shapes" / "answers.jsonl"
# Long answers to the development bank's questions: strong stories and partial ones (two or
# three points) of the same length, about 470 Chinese characters or 285 English words.
LONG_MATCHED = BENCHMARKS / "long-matched" / "answers.jsonl"


def exam_answers(language: str, split_reference: bool = False) -> list[GradedAnswer]:
    """Exam-style short answers to computer-science course questions (benchmarks/exam-zh,
    benchmarks/exam-en; written for the project, never fitted), graded 0-5 against a
    reference answer: the reference as a reference answer (`Target.from_reference`), or with
    `split_reference` its clauses typed as rubric points."""
    from scoring.segment import split_clauses

    path = BENCHMARKS / f"exam-{language}" / "answers.jsonl"
    out = []
    for row in _jsonl(path) if path.exists() else []:
        reference = row["reference"]
        points = tuple(split_clauses(reference)) if split_reference else ()
        out.append(GradedAnswer(f"exam-{language}", row["question_id"], row["question"],
                                points or (reference,), row["answer"], float(row["grade"]) / 5,
                                reference="" if split_reference else reference))  # fmt: skip
    return out


def dev_bank(root: Path = DEV_BANK) -> list[Question]:
    """The development bank's questions (benchmarks/dev-bank, or `SECOND_DEV_BANK`: roles
    other than customer service, written for the project; never fitted on)."""
    from question_bank.loader import load_path

    return [
        q for folder in sorted(root.glob("*/bank.yaml")) for q in load_path(folder.parent).questions
    ]


@dataclass(frozen=True)
class EvidenceItem:
    """An answer with, for each rubric point it covers, the spans of it that cover the point."""

    question: Question
    id: str
    language: str
    text: str
    spans: dict[str, tuple[tuple[int, int], ...]]  # point id -> (start, end) in text


def evidence_set(
    questions: list[Question] | tuple[Question, ...], path: Path = EVIDENCE_SET
) -> list[EvidenceItem]:
    """The evidence-annotated answers (benchmarks/evidence; never fitted on)."""
    by_id = {q.id: q for q in questions}
    out = []
    for row in _jsonl(path):
        text = row["text"]
        spans = {
            point: tuple((text.find(s), text.find(s) + len(s)) for s in quotes if s in text)
            for point, quotes in row["evidence"].items()
        }
        if row["question_id"] in by_id:
            out.append(
                EvidenceItem(by_id[row["question_id"]], row["id"], row["language"], text, spans)
            )
    return out


def _jsonl(path: Path) -> list[dict]:
    """The objects of a JSON-lines file, blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
