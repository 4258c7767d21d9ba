"""Teacher notes, printed from the same tables as the article: the routes and their timings
(site/sections.toml), the questions to ask with their answers (every Try this of
site/tries.toml, answered with pytoy's figures, and the recap's quiz, site/quiz.toml).

They go into the page itself, folded at its end (``<!-- teacher: … -->``), so the single file
carries them too, with a button that prints only them; and, for the served site, into
``teacher.html``, the same notes as a page of their own with no script at all.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING

from buildtools import quiz, tries, walk

if TYPE_CHECKING:  # sections.py prints the notes: a plain import would be circular
    from buildtools.sections import Table


def notes(table: Table, prompts: Mapping[str, tries.Printed], questions: list[quiz.Question],
          script: list[walk.Step], wpm: int, article: str = "") -> str:
    """The notes' HTML, ``{ref:…}`` and ``{fact:…}`` left for the page's own filling;
    `article` is what a link to a section starts with ("index.html" from teacher.html)."""
    intro = (f"Minutes are estimates of a class's time on a section: reading it and doing its "
             f"Try this. The build refuses any below the reading time of the section's prose "
             f"at {wpm} words a minute, and any route whose sections add up to more than its "
             f"budget. A link with <code>?route=</code> opens the page on that route, the "
             f"other sections folded; <code>?section=</code> shows one section alone.")
    out = ["<h2 id=\"teacher-notes-title\">Teacher notes</h2>", f"<p>{intro}</p>",
           "<h3>Routes</h3>", "<table><thead><tr><th scope=\"col\">route</th>"
           "<th scope=\"col\">sections</th><th scope=\"col\">link</th></tr></thead><tbody>"]
    for r in table.routes:
        numbers = ", ".join(f"{{ref:{sid}}}" for sid in r.sections)
        out.append(f"<tr><th scope=\"row\">{html.escape(r.label)}</th><td>{numbers}</td>"
                   f"<td><code>?route={r.id}</code></td></tr>")
    out.append("</tbody></table>")
    number = {s.id: s.number for s in table.sections}
    for r in table.routes:
        steps = [x for x in script if x.route == r.id]
        if not steps:
            continue
        out += [f"<h3>{html.escape(r.label[0].upper() + r.label[1:])}, step by step</h3>",
                "<ol class=\"teacher-walk\">"]
        out += [f"<li><strong>{number[x.section]}.</strong> {' '.join(x.say.split())}</li>"
                for x in steps]
        out.append("</ol>")
    out += ["<h3>Sections</h3>",
            "<table><thead><tr><th scope=\"col\">section</th><th scope=\"col\">minutes</th>"
            "<th scope=\"col\">first in</th></tr></thead><tbody>"]
    for s in table.sections:
        link = f'<a href="{article}#{s.id}">{html.escape(s.title)}</a>'
        first = html.escape(table.first_route(s).label)
        out.append(f"<tr><td>{s.number} {link}</td><td>{s.minutes}</td><td>{first}</td></tr>")
    out += ["</tbody></table>", "<h3>Questions to ask, with their answers</h3>",
            "<p>Each section's Try this, answered with the shipped models' figures (a test "
            "performs each one on the page):</p>", "<dl class=\"teacher-tries\">"]
    for s in table.sections:
        for p in prompts.values():
            if p.section == s.id:
                out.append(f"<dt>{s.number}. Try this: {p.text}</dt><dd>{p.answer}</dd>")
    out += ["</dl>", "<h3>The recap's quiz, answered</h3>", "<ol class=\"teacher-quiz\">"]
    for q in questions:
        out.append(f"<li>{q.ask}<br><strong>Answer:</strong> {q.choices[q.answer]} "
                   f"{q.explain}</li>")
    out.append("</ol>")
    return "\n".join(out) + "\n"


def in_page(body: str) -> str:
    """The notes as the article's last part: folded, with the button that prints them."""
    return ("<details class=\"teacher-notes\" id=\"teacher-notes\">\n"
            "<summary>Teacher notes: the routes, their timings, the questions to ask and the "
            "answers</summary>\n"
            "<p class=\"no-print buttons\"><button type=\"button\" id=\"notes-print\">Print the "
            "teacher notes</button></p>\n"
            f"{body}</details>\n")


def page(body: str) -> str:
    """The notes as a page of their own (teacher.html): no script, the article's styles."""
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"color-scheme\" content=\"light dark\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'self'; img-src 'self'\">\n"
            "<title>Teacher notes — pytoy</title>\n"
            "<link rel=\"stylesheet\" href=\"css/base.css\">\n"
            "<link rel=\"stylesheet\" href=\"css/route.css\">\n</head>\n"
            "<body>\n<main class=\"teacher-notes\" id=\"teacher-notes\">\n"
            "<p><a href=\"index.html\">The article</a></p>\n"
            f"{body}</main>\n</body>\n</html>\n")
