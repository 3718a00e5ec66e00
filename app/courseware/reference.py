"""Pages that help a student find their way: the glossary, the course map (the course deck's
topics and the units that teach them) and search across the course.

A signed-in reader sees a unit linked only if they may open it; other units are named with
their module as plain text, so no page leads them to a refusal. Visitors see every link (it
leads to the sign-in page)."""
from flask import render_template, request
from flask_login import current_user

from ..content import current_course
from ..security import public, signed_in
from . import bp, search
from .access import current_reader

MAX_QUERY = 200


@bp.get("/glossary")
@public
def glossary():
    terms = current_course().glossary
    letters = {}
    for term in terms:
        letter = term.term[:1].upper()
        letters.setdefault(letter if letter.isalpha() else "#", []).append(term)
    by_name = {t.term.casefold(): t for t in terms}
    return render_template("courseware/glossary.html", letters=letters, by_name=by_name, count=len(terms),
                           readable=_linkable())


@bp.get("/course-map")
@public
def course_map():
    return render_template("courseware/course_map.html", topics=current_course().topics,
                           readable=_linkable())


def _linkable():
    """Module slugs whose units this page links: all for a visitor (a link leads to sign-in),
    the reader's own for a signed-in reader."""
    if not current_user.is_authenticated:
        return frozenset(m.slug for m in current_course().modules)
    return current_reader().readable


@bp.get("/search")
@signed_in
def search_page():
    query = " ".join((request.args.get("q") or "").split())[:MAX_QUERY]
    course = current_course()
    hits = search.search(course, query, readable=_linkable()) if query else []
    return render_template("courseware/search.html", query=query, hits=hits,
                           searched=bool(query), usable=bool(search.query_stems(query)))
