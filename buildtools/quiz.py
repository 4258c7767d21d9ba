"""The recap's quiz, from ``site/quiz.toml``: each question printed at the prose's ``{quiz}``.

A question is a group of radio buttons with a Check button, a line that says right or wrong
and its explanation, folded until the reader checks an answer; ``site/js/views/quiz.js`` does
the checking. The right answer is in the page (``data-answer``): this is a recap a class goes
through together, not an exam. The teacher notes (buildtools/teacher.py) print the answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from buildtools import BuildError, check_row, read_table

_MARKER = re.compile(r"^([ \t]*)\{quiz\}[ \t]*\n", re.M)
_FIELDS = {"id": str, "ask": str, "choices": list, "answer": int, "explain": str}
WHERE = "site/quiz.toml"


@dataclass(frozen=True)
class Question:
    id: str
    ask: str  # HTML, with {fact:…} and {ref:…} still to fill
    choices: list[str]
    answer: int  # index into choices
    explain: str


def load(site: Path) -> list[Question]:
    """Every question, checked: its fields, at least two choices, an answer among them."""
    raw = read_table(site / "quiz.toml", WHERE)
    if raw is None:
        return []
    questions = []
    for i, row in enumerate(raw.get("question", []), start=1):
        label = f"{WHERE}: question {i} ({row.get('id', '?')})"
        check_row(row, _FIELDS, label)
        if len(row["choices"]) < 2 or not all(isinstance(c, str) for c in row["choices"]):
            raise BuildError(f"{label}: needs at least two choices, each a string")
        if not 0 <= row["answer"] < len(row["choices"]):
            raise BuildError(f"{label}: answer {row['answer']} is not the index of a choice")
        questions.append(Question(**row))
    ids = [q.id for q in questions]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise BuildError(f"{WHERE}: question id(s) listed twice: {', '.join(dupes)}")
    return questions


def render(questions: list[Question], indent: str = "  ") -> str:
    """The quiz as HTML: a form of fieldsets, one per question."""
    out = [f'{indent}<form class="quiz" id="quiz" aria-label="Recap questions">']
    for n, q in enumerate(questions, start=1):
        qid = f"quiz-{q.id}"
        out += [f'{indent}  <fieldset class="question" id="{qid}" data-answer="{q.answer}">',
                f'{indent}    <legend><span class="q-num">{n}.</span> {q.ask}</legend>']
        out += [f'{indent}    <label><input type="radio" name="{qid}" value="{i}"> '
                f"<span>{c}</span></label>" for i, c in enumerate(q.choices)]
        out += [f'{indent}    <p class="buttons"><button type="button" class="quiz-check">Check'
                "</button></p>",
                f'{indent}    <p class="quiz-feedback message" aria-live="polite"></p>',
                f'{indent}    <p class="quiz-explain" hidden>{q.explain}</p>',
                f"{indent}  </fieldset>"]
    out += [f'{indent}  <p class="quiz-score" aria-live="polite"></p>', f"{indent}</form>"]
    return "\n".join(out) + "\n"


def fill(body: str, questions: list[Question], where: str) -> tuple[str, bool]:
    """`body` with its ``{quiz}`` line replaced by the quiz; and whether it had one."""
    found = _MARKER.findall(body)
    if len(found) > 1:
        raise BuildError(f"{where}: {{quiz}} more than once")
    if found and not questions:
        raise BuildError(f"{where}: {{quiz}}, but {WHERE} has no questions")
    return _MARKER.sub(lambda m: render(questions, m.group(1)), body), bool(found)

