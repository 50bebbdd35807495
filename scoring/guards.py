"""Signals of answers that game a similarity scorer, each a number the scorer can use.

The scorer turns these signals into flags (see `scoring.engine`); this module only measures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from scoring.lexical import terms
from scoring.segment import CJK, CJK_SPACE, split_clauses

# A clause that names something only to reject it: "我不会…", "没必要…", "I would not …".
_REJECTION = re.compile(
    r"不会|不需要|没必要|不必|不用|没用|没有用|没什么用|不该|不应该|不打算|不考虑|不赞成|不去|不做|不搞|"
    r"不想|不值得|不可能|没有意义|没意义|浪费时间|多此一举|用不着|犯不着|省掉|跳过|算了|(?<![减豁赦避难以])免了|"
    # dismissing it as someone else's business: "不是柜员的事", "不归我管", "没资格"
    r"不是(?:我|我们|柜员|前台|仓库|客服|主管)?的事|不归我管|不关我(?:的)?事|没资格|没那个必要|"
    # ...or as pointless, or as all the same: "那是财务的事", "夜审没什么特别的目的",
    # "交接本写不写都一样", "随便调平就好了"
    r"那(?:是|都是|属于)(?!去年|前年|今年|当年|那年|上个|上次|上周|以前|之前|很久|好久|几年|有一|我)"
    r"[^，。；、]{0,6}的事|没(?:什么|啥)(?:特别的|太大的|大的)?(?:目的|意义|必要|用处)|"
    r"(?P<either>[\u4e00-\u9fff])不(?P=either)都(?:一样|行|无所谓)|随便[^，。；、]{0,8}就(?:好|行)|"
    r"形式主义|噱头|(?:是|成了)(?:个)?摆设|"
    # English: "don't", "never" and the like only with a subject ("I don't", "we never"); an
    # imperative "don't take it at face value" gives advice instead.
    r"\b(?:(?:i|we|you|they|i'd|we'd)\s+(?:(?:just|really|probably|definitely|would)\s+)?"
    r"(?:would\s*n[o']t|wouldn't|won't|will not|don't|do not|never)(?!\s+(?:know|knew)\b)|"
    r"no need|not going to|pointless|waste of time|skip|refuse|not bother|unnecessary|"
    r"not worth|(?:don't|do not|can't) see the point|no point|overkill|over-?engineer\w*|"
    r"(?:isn't|is not|not) (?:really )?(?:my|our) (?:job|problem|concern)|(?:isn't|is not|not) needed|"
    r"a luxury)\b",
    re.IGNORECASE,
)
# Negations that introduce a good practice ("不要当众批评", "avoid blaming") are not rejections.
_GOOD_NEGATION = re.compile(
    r"避免|防止|以免|不要当众|不当众|不(?:会|要|能)?当着.{0,8}面|不在.{0,6}面前|不轻易|不随意|不(?:会|要|能)?随口|绝不推诿|不推卸|不能让|不打断|不慌|"
    r"不急于|不放弃|不气馁|"
    # the negation is about someone else's burden: "不用客户每次都重复说一遍"
    r"(?:不用|不需要|没必要|不必|用不着)(?:再)?(?:让|叫|要)?(?:客户|顾客|用户|对方|他们|她们|他|她|大家|"
    r"同事|新人|家属|乘客|住客|员工)|"
    # ...or spares them a burden: "让他不用再自己打进来问"
    r"让(?:客户|顾客|用户|对方|他们|她们|他|她|大家|同事|新人|家属)(?:就|也|都)?"
    r"(?:不用|不需要|不必|用不着)|"
    r"(?:客户|顾客|用户|对方|他们|她们|他|她|家属)(?:就|也|都)?(?:不用|不需要|不必|用不着)再?"
    r"(?:自己|亲自|重复|讲|说|多跑|跑|来回|打|催|问|等|排队|操心|担心)|"
    r"不(?:会|再)?让(?:客户|顾客|他们|她们|他|她|同事|新人|员工)再|"
    # a double negation: "另一起我不会放着不管"
    r"不(?:会|能)[^，。；、]{0,4}不(?:管|理|问|顾)|"
    # a bad outcome that will not happen: "体验也不会掉", "投诉不会再升级"
    r"不会(?:再|就)?(?:掉|降|下降|下滑|变差|流失|丢|出错|出问题|受影响|乱|耽误|遗漏|漏掉|升级|重复|再犯)|"
    r"\bno need for (?:the |our |a )?(?:customers?|clients?|callers?|guests?|them|him|her|anyone)\b|"
    r"\b(?:customers?|clients?|callers?|guests?|they|he|she)\s+(?:won't|will not|don't|doesn't|didn't|"
    r"never)\s+(?:have|need|has)\s+to\b|"
    # a purpose that something bad will not happen: "so they would not clash"
    r"\bso(?: that)? (?!i\b|we\b|i'd|we'd)(?:\w+ ){1,3}?(?:would not|wouldn't|won't|will not|don't|do not|didn't|"
    r"does not|doesn't|is not|isn't|are not|aren't|can't|couldn't|never)\b|\bso(?: that)? (?:nothing|no one|nobody)\b|"
    r"\b(?:avoid|prevent|never blame|without blaming|don't (?:quit|give up|panic|interrupt)|"
    r"never give up|(?:won't|will not|doesn't|does not|wouldn't) (?:drop|slip|suffer|fall|get worse|"
    r"be affected|happen again|escalate))\b",
    re.IGNORECASE,
)
# First person and action words: a list of keywords has none of them.
_ACTION = re.compile(
    r"我|咱们|首先|其次|然后|接着|随后|之后|最后|马上|立即|立刻|会先|会去|要先|先把|再把|"
    r"\b(?:i|we|my|our|would|will|then|first|after|i'd|we'd)\b",
    re.IGNORECASE,
)
# Function words of a Chinese sentence, rare in a list of terms ("会议", "优先级" excepted): a
# bulleted answer drops "我会…然后…" but keeps these. On the bank's and the development bank's
# examples the listness of answers that are no lists fell from 0.09 and 0.07 on average to 0.03
# and 0.01 (the highest from 0.51, flagged, to 0.31), every keyword list still flagged.
_SENTENCE_WORDS = re.compile(r"把|让|了|就|还|都|也|再|(?<![优首])先|会(?!议)|可以|一下")
# Where a contrast splits: before what it turns down ("而不是发邮件", "rather than by email")
_CONTRAST_SPLIT = r"而(?=是|不是|非)|(?=\b(?:rather than|instead of)\b)"
_CLAUSE_PARTS = re.compile(
    rf"[,，、;；]|{CJK_SPACE.pattern}|\band\b|\bor\b|\bbut\b|{_CONTRAST_SPLIT}"
)
_LIST_SEPARATORS = re.compile(r"[、,，;；/|\n]+")
# A line's bullet or number: "- ", "1. ", "(2)"
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}\s*[.)、．）]|[(（]\d{1,2}[)）])\s*")
# Negation cues; each coordinated part of a text is negated by an odd number of them
# (`polarity`). "对不起", "赔不是" (an apology) and "差不多" (about the same) are none.
_NEGATION = re.compile(
    r"(?<![对了赔差])不(?!仅|但|断|同|少|久|错|过|管|论|然|如|止|知不觉|光|只|足|便|好意思)|没有|没(?!收)|无法|无(?!论|数|限)"
    r"|未(?!来|必|知)|非(?!常|凡)|(?<![是与能可])否(?!则)"
    r"|\b(?:not|no|never|none|nothing|neither|nor|without|cannot|rather than|instead of)\b|n't",
    re.IGNORECASE,
)
# Where negations are coordinated ("既不承诺也不下结论", "neither promises nor decides",
# "不推诿、不拖延"), each part is negated once: the parity of their count says nothing. A text
# is negated when one of its parts is (an odd number of cues within it: "不能不管" is not).
# A contrast is split the same way: what it turns down ("而不是发邮件", "rather than by email")
# is a negated part of its own, and so is what "不是…而是…" turns down.
_COORDINATED = re.compile(
    rf"[,，、;；]|也|又|\b(?:and|or|but)\b|(?=\bnor\b)|{_CONTRAST_SPLIT}", re.IGNORECASE
)
# A question put as "A not A" ("有没有受伤", "是不是固件问题", "满不满意", "扎到没有？") asks; it
# negates nothing. Of the 8,654 clauses of the bank's and both development banks' examples,
# 160 had one and 147 of those read as negated: follow-up questions in genuine answers.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff]{1,2})[不没]\1|没有(?=\s*[？?])")
# Negations side by side ("不争辩不指责", "不解释不推人") negate their part once; a double
# negation ("不能不管", "不得不", "不是不想") still cancels.
_SIDE_BY_SIDE = re.compile(r"不(?!能|得|会|可|是)([\u4e00-\u9fff]{1,3}?)不")
_CONCESSIVE = re.compile(
    r"(?:哪怕|即使|即便|就算|纵然|甚至在)[^，,。;；]*|\b(?:even (?:if|when|before|though)|"
    r"whether or not)\b[^,.;]*",
    re.IGNORECASE,
)
_MORE = re.compile(
    r"大于|高于|超过|多于|>|增加|上升|提高|增大|变大|更多|"
    r"\b(?:greater|more|higher|larger|bigger|increases?|increased|rises?|above|exceeds?)\b",
    re.IGNORECASE,
)
_LESS = re.compile(
    r"小于|低于|少于|<|减少|下降|降低|减小|变小|更少|"
    r"\b(?:less|lower|smaller|fewer|decreases?|decreased|reduces?|reduced|drops?|below)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # each point's texts are read against every answer
def polarity(text: str) -> tuple[bool, int]:
    """(negated, direction) of a text: whether a part of it (`_COORDINATED`) has an odd
    number of negation cues, and +1 / -1 / 0 for more-than / less-than / neither or both.
    A concessive part ("哪怕尚未解决", "even before the fix is ready") does not count: it
    qualifies the point, it does not negate it; nor does a negation that names a good
    practice ("不会当着大家的面说他", "avoid blaming"), nor an "A not A" question ("有没有").
    Negations side by side ("不争辩不指责") count once."""
    text = _GOOD_NEGATION.sub(" ", _CONCESSIVE.sub(" ", text))
    text = _SIDE_BY_SIDE.sub(r"不\1", _A_NOT_A.sub(" ", text))
    negated = any(len(_NEGATION.findall(part)) % 2 == 1 for part in _COORDINATED.split(text))
    more, less = len(_MORE.findall(text)), len(_LESS.findall(text))
    return negated, (more > less) - (less > more)


def contradicts(point: str, clause: str, context: str = "") -> bool:
    """True when the evidence says the opposite of the point: where the two speak of the same
    thing (`_facing_parts`) one is negated throughout and the other not at all, or the clause
    with its `context` (neighbouring clauses) points the opposite direction (more vs less). A
    point of several clauses (a reference answer read whole) has no one polarity: the parity
    of its negations says nothing, so only the direction is read; its clauses, read as points
    of their own, are compared one by one."""
    _, point_direction = polarity(point)
    _, evidence_direction = polarity(context or clause)
    if point_direction and evidence_direction and point_direction != evidence_direction:
        return True
    if not _one_clause(point) or not (_NEGATION.search(point) or _NEGATION.search(clause)):
        return False
    point_negated, clause_negated = (_negated_throughout(t) for t in _facing_parts(point, clause))
    return None not in (point_negated, clause_negated) and point_negated != clause_negated


@lru_cache(maxsize=4096)  # a point is read against every answer
def _one_clause(point: str) -> bool:
    return len(split_clauses(point)) < 2


def _negated_throughout(text: str) -> bool | None:
    """True when every part of the text is negated, False when none is, None when some are:
    "道歉，主动担责，不推诿" is no more a negation than an affirmation."""
    negated = {polarity(part)[0] for part in _parts(text)}
    return negated.pop() if len(negated) == 1 else None


def _facing_parts(point: str, clause: str) -> tuple[str, str]:
    """The parts of a point and of a clause that speak of the same thing: the clause's parts
    sharing the most terms with the point, and the point's parts sharing the most with those.
    "Apologises, without passing the blame" meets "I open with an apology" in its first part;
    "one complaint log, not eight Excel files" covers a log in its first. Texts sharing no
    term (a point read across languages) face each other whole."""
    facing_clause = _closest(_parts(clause) or [clause], set(terms(point)))
    facing_terms = {t for part in facing_clause for t in terms(part)}
    if not facing_terms & set(terms(point)):
        return point, clause
    return "，".join(_closest(_parts(point) or [point], facing_terms)), "，".join(facing_clause)


def _parts(text: str) -> list[str]:
    """The coordinated parts of a text, as `polarity` reads them."""
    return [part for part in _COORDINATED.split(text) if part.strip()]


def rejects(clause: str, points: Sequence[str] = ()) -> bool:
    """True when the clause names its topic only to reject or dismiss it.

    With `points` (a rubric point's phrasings, the main one first) the rejection must be in
    the part of the clause that is about the point ("我会单独聊,不会当众说他" does not
    reject talking privately), and a point whose closest part is itself something not to
    do ("不当场越权承诺") is agreed with, not rejected, by "I would not".
    """
    parts = [p for p in _CLAUSE_PARTS.split(clause) if p.strip()] or [clause]
    if points:
        point_terms = {t for point in points for t in terms(point)}
        parts = _closest(parts, point_terms)
    if not any(_REJECTION.search(p) and not _GOOD_NEGATION.search(p) for p in parts):
        return False
    clause_terms = {t for p in parts for t in terms(p)}
    point_parts = [p for point in points for p in _CLAUSE_PARTS.split(point) if p.strip()]
    if points and not any(clause_terms & set(terms(p)) for p in point_parts):
        return not polarity(points[0])[0]  # nothing in common: the point as a whole
    return not any(_agrees(p, parts) for p in _closest(point_parts, clause_terms))


def _agrees(point_part: str, clause_parts: list[str]) -> bool:
    """A negated clause agrees with a point part that is negated itself ("不当场越权承诺"), or
    that asks for less of what the clause does without ("减少需要扫描的数据量" against
    "不用全表扫描": no need for something is the least of it)."""
    negated, direction = polarity(point_part)
    return negated or (direction < 0 and polarity(" ".join(clause_parts))[1] >= 0)


def _closest(parts: list[str], wanted: set[str]) -> list[str]:
    """The parts sharing the most terms with `wanted` (all of them on a tie)."""
    overlap = [len(wanted & set(terms(part))) for part in parts]
    most = max(overlap, default=0)
    return [part for part, n in zip(parts, overlap, strict=True) if n == most]


def listness(answer: str) -> float:
    """How much the answer looks like a bare keyword list, from 0 (prose) to 1 (a list).

    A list has several items between separators, short items carry most of its text, and
    it has almost no first-person or action words. (Weighing items by size keeps prose that
    enumerates, "热线、在线、邮件……都进工单系统", from reading as a list.)
    """
    return _list_share(answer, by_size=True)


def bare_list(answer: str, answer_listness: float) -> float:
    """The answer's listness (`listness`) as the keyword-list guard reads it: an answer told
    in several full sentences (`prose_sentences`) is a terse plan, not a list; from the
    second such sentence on, each takes a third off."""
    past_first = max(0, prose_sentences(answer) - 1)
    return answer_listness * max(0.0, 1.0 - past_first / PROSE_SENTENCES_TO_CLEAR)


# A terse plan ("1. 接入系统记接通时刻，核身份录会员号、订单号。2. ……") packs its steps as
# densely as a keyword list, but in full sentences; with this many past the first it is no
# bare list. Every keyword list of the bank and the development bank has at most one (the
# full stop at its end, or "Q1: …. Q2: …"), and no other answer of theirs, nor of the
# interview-style, compact or length-matched sets, crossed `guard_table.LIST_AT` either way.
# Two terse plans of benchmarks/shapes (cs-tec-04, cs-tec-08; listness 0.59 and 0.69) had
# been capped as lists at about 8 points; they read 0.0 and 0.23 here.
PROSE_SENTENCES_TO_CLEAR = 3
# A full stop: Chinese, or English before a space or the end ("3.5" has none).
_FULL_STOP = re.compile(r"[。！？!?]|\.(?=\s|$)")
_PROSE_CLAUSE_SIZE = 8  # a clause longer than this (content size) is no keyword


def prose_sentences(text: str) -> int:
    """How many sentences of the text, up to a full stop, read as prose: one clause at least
    is longer than a keyword, or it has a function word ("把", "了", "会"...). Groups of
    keywords between full stops ("单独沟通、保持中立。流程认知、团队会议。") are no prose."""
    count = 0
    for sentence in _FULL_STOP.split(text)[:-1]:  # the text after the last stop has none
        body = _BULLET.sub("", sentence.strip())
        clauses = [c for c in _LIST_SEPARATORS.split(body.strip(" 。.!！?？:：")) if c.strip()]
        if any(_size(c) > _PROSE_CLAUSE_SIZE for c in clauses) or _SENTENCE_WORDS.search(body):
            count += 1
    return count


def enumeration(text: str) -> float:
    """How much a text is made of enumerated short items, counted by item (0 to 1): a
    reference answer "新特点：信息化，网络化，自动化，智能化" asks for a list even though its
    lead-in is long."""
    return _list_share(text, by_size=False)


def _list_share(text: str, by_size: bool) -> float:
    lines = [_BULLET.sub("", line) for line in text.splitlines()]
    items = [i.strip(" 。.!！?？:：") for i in _LIST_SEPARATORS.split(
        _spaces_as_separators("\n".join(lines)))]  # fmt: skip
    items = [i for i in items if i]
    if len(items) < 3:
        return 0.0
    lengths = [_size(i) for i in items]
    if by_size:
        short_share = sum(n for n in lengths if n <= 8) / max(1, sum(lengths))
    else:
        short_share = sum(n <= 8 for n in lengths) / len(items)
    actions = len(_ACTION.findall(text)) + (len(_SENTENCE_WORDS.findall(text)) if by_size else 0)
    action_density = actions / max(1.0, sum(lengths) / 15)
    return max(0.0, min(1.0, short_share * (1.0 - min(1.0, action_density))))


def _spaces_as_separators(text: str) -> str:
    """Spaces between Chinese characters separate items ("沟通 倾听 单独谈话"); in English
    they separate words, so they stay."""
    return CJK_SPACE.sub("、", text)


def copy_ratio(answer: str, question: str, rubric_terms: frozenset[str] = frozenset()) -> float:
    """Share of the answer's terms that come from the question text (0 to 1).

    Terms the rubric also uses are not counted as copied: an answer has to name what the
    rubric asks for, even when the question names it too.
    """
    answer_terms = terms(answer)
    if not answer_terms:
        return 0.0
    copied = set(terms(question)) - rubric_terms
    return sum(t in copied for t in answer_terms) / len(answer_terms)


# A sentence: up to a Chinese or English sentence end (a full stop before a space or the end;
# "3.5" and "e.g" do not end one) or a line break.
_SENTENCE = re.compile(r"(?:[^。！？!?；;.\n]|\.(?=\S))+[。！？!?；;.]?")
COPIED_SENTENCE_SIZE = 8  # a sentence at least this long, found again verbatim, is cut


def without_question(answer: str, question: str) -> str:
    """The answer with every sentence of the question that it repeats word for word blanked
    out (newlines of the same length, so offsets into the answer still hold).

    A candidate who pastes or reads out the question before answering is graded on the
    answer: with the question in front, the development bank's partial answers scored about
    30 points lower, strong ones about 7. Paraphrased restatements stay (`copy_ratio`).
    """
    for sentence in _SENTENCE.findall(question or ""):
        sentence = sentence.strip()
        if _size(sentence) >= COPIED_SENTENCE_SIZE and sentence in answer:
            answer = answer.replace(sentence, "\n" * len(sentence))
    return answer


def without_repeats(answer: str) -> str:
    """The answer with every sentence that repeats an earlier one word for word blanked out
    (newlines of the same length, so offsets still hold): saying a thing twice covers it
    once. The interview-style answers pasted twice scored 15 points higher on average (up
    to 39), with each sentence said twice up to 73."""
    seen: set[str] = set()
    for match in _SENTENCE.finditer(answer):
        sentence = match.group().strip().rstrip("。！？!?；;.，, ")
        if _size(sentence) < COPIED_SENTENCE_SIZE:
            continue
        if sentence in seen:
            start, end = match.span()
            answer = answer[:start] + "\n" * (end - start) + answer[end:]
        seen.add(sentence)
    return answer


# Courtesy that says nothing about the question: a clause made only of these words ("面试官您好",
# "很高兴回答这个问题", "以上就是我的回答，谢谢") or one of the English phrases.
_COURTESY_ZH = re.compile(
    r"(?:好的|嗯|呃|面试官|考官|各位|老师|您好|你好|大家好|好|您|谢谢|感谢|非常|很|高兴|荣幸|有机会|"
    r"能够|能|在这里|回答|分享|这个问题|这道题|以上|就是|我的|完毕|一下|了|的)+"
)
_COURTESY_EN = re.compile(
    r"(?:(?:ok(?:ay)?|so|well|yes|sure)\b[\s,]*)?(?:thank you(?: very much)?|thanks(?: a lot)?|"
    r"good (?:morning|afternoon|evening)|hello|hi|that's (?:all|it)|that is all|"
    r"great question|(?:i'm|i am) (?:glad|happy|pleased) to answer(?: this| the| that)?"
    r"(?: question)?)(?: for (?:the|this) question)?",
    re.IGNORECASE,
)
_CLAUSE_OR_SENTENCE = re.compile(r"[^，,。！？!?；;.\n]+")


def without_courtesy(answer: str) -> str:
    """The answer with its clauses of bare courtesy blanked out (spaces of the same length,
    so offsets into the answer still hold): a greeting or a thank-you lengthened an
    answer, and length reads as coverage (the interview-style answers with "面试官您好，很高兴
    回答这个问题。" in front scored up to 25 points higher)."""
    for match in _CLAUSE_OR_SENTENCE.finditer(answer):
        clause = match.group().strip().lstrip("-•·*●▪ \t")  # a bullet's marker too
        if clause and (_COURTESY_ZH.fullmatch(clause) or _COURTESY_EN.fullmatch(clause)):
            start, end = match.span()
            answer = answer[:start] + " " * (end - start) + answer[end:]
    return answer


def content_size(text: str) -> int:
    """Size of a text in 'characters': a CJK character is one, an English word is two."""
    return _size(text)


def _size(text: str) -> int:
    return len(CJK.findall(text)) + 2 * len(re.findall(r"[A-Za-z0-9]+", text))
