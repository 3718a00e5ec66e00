"""Search across the course: unit titles and text, module overviews, and the glossary.

The index is built once per loaded course (a reload builds a new one) and kept on the
``Course``. Words are folded to their Snowball (Porter 2) English stem, the same for the index
and the query ("twins" finds "twin", "governing" finds "governance", "transparency" finds
"transparent", and "news" stays "news", not "new"); every word of the query must appear, and a
title match counts most. Tutor notes are not indexed.
"""
import html
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup, escape

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
TAG = re.compile(r"<[^>]+>")
SNIPPET = 220
TITLE_BONUS = 40
STOP = {"a", "an", "and", "the", "of", "in", "on", "to", "for", "is", "are", "it", "by", "or", "with", "what", "how"}

_ENGLISH = snowballstemmer.stemmer("english")
_ENGLISH_LOCK = threading.Lock()  # a Snowball stemmer keeps its word in itself: one thread at a time


def stem(word):
    """The English Snowball stem of ``word``, the same for the index and the query."""
    return _stem_folded(word.casefold().replace("’", "'").removesuffix("'s"))


@lru_cache(maxsize=65536)
def _stem_folded(word):
    # Cached: the pure-Python stemmer takes ~0.1 ms a word, and a course has a few thousand
    # different words, each stemmed once per process.
    with _ENGLISH_LOCK:
        return _ENGLISH.stemWord(word)


def stems(text):
    return [stem(w) for w in WORD.findall(text)]


def plain(html_text):
    """The text of rendered HTML, for indexing and snippets."""
    return " ".join(html.unescape(TAG.sub(" ", html_text)).split())


@dataclass
class Document:
    kind: str  # "unit" | "module" | "term"
    title: str
    url: str
    module: object
    text: str  # plain text, for the snippet
    fields: dict = field(default_factory=dict)  # field -> Counter of stems
    tokens: list = field(default_factory=list)  # (start, end, stem) of each word of ``text``


@dataclass
class Hit:
    document: Document
    score: int
    snippet: Markup


def index(course):
    """The course's documents (built on first use, then kept on the course)."""
    documents = getattr(course, "_search_documents", None)
    if documents is None:
        documents = list(_documents(course))
        course._search_documents = documents
    return documents


def _documents(course):
    for module in course.modules:
        text = plain(module.overview_html)
        yield _doc("module", f"{module.code}: {module.title}", module.url, module, text,
                   module.title, " ".join([module.summary, *module.aims, *module.outcomes]))
        for unit in module.units:
            body = " ".join(plain(s) for s in unit.segments if isinstance(s, str))
            yield _doc("unit", unit.title, unit.url, module, body, unit.title,
                       " ".join([unit.summary, *unit.objectives]))
    for term in course.glossary:
        yield _doc("term", term.term, f"/glossary#{term.anchor}", term.module, term.definition, term.term,
                   term.definition)


def _doc(kind, title, url, module, text, title_text, summary_text):
    tokens = [(m.start(), m.end(), stem(m.group())) for m in WORD.finditer(text)]
    return Document(kind, title, url, module, text,
                    {"title": Counter(stems(title_text)), "summary": Counter(stems(summary_text)),
                     "body": Counter(t[2] for t in tokens)}, tokens)


def _weight(doc, s):
    """How strongly ``doc`` is about ``s``: a title word counts most; repeats count less and less."""
    title, summary, body = (doc.fields[name][s] for name in ("title", "summary", "body"))
    if not (title or summary or body):
        return 0
    return 12 * bool(title) + 4 * min(summary, 2) + (1 + math.log2(body) if body else 0)


def query_stems(query):
    words = [w for w in WORD.findall(query or "") if w.casefold() not in STOP]
    return list(dict.fromkeys(stem(w) for w in words))[:12]


def search(course, query, readable=None, limit=50):
    """``[Hit]``, best first. ``readable``: the module slugs whose units and overviews the reader
    may open (None: all); glossary terms are for everyone."""
    wanted = query_stems(query)
    if not wanted:
        return []
    hits = []
    for doc in index(course):
        if doc.kind != "term" and readable is not None and doc.module.slug not in readable:
            continue
        score = 0
        for s in wanted:
            found = _weight(doc, s)
            if not found:
                break
            score += found
        else:
            if all(doc.fields["title"][s] for s in wanted):
                score += TITLE_BONUS  # every word of the query in the title: what they look for
            hits.append(Hit(doc, round(score), snippet(doc, wanted)))
    hits.sort(key=lambda h: (-h.score, h.document.title))
    return hits[:limit]


def snippet(doc, wanted):
    """Escaped text around the best match, with the matching words in ``<mark>``."""
    text = doc.text
    matches = [(at, s) for at, _, s in doc.tokens if s in wanted]
    first = _best_window(matches, SNIPPET * 2 // 3)
    start = max(0, first - SNIPPET // 3) if first is not None else 0
    if start:
        start = text.find(" ", start) + 1
    end = min(len(text), start + SNIPPET)
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    out, at = [], start
    for begin, finish, s in doc.tokens:
        if begin >= start and finish <= end and s in wanted:
            out.append(escape(text[at:begin]))
            out.append(Markup("<mark>%s</mark>") % text[begin:finish])
            at = finish
    out.append(escape(text[at:end]))
    return Markup("").join([Markup("…") if start else Markup(""), *out, Markup("…") if end < len(text) else Markup("")])


def _best_window(matches, width):
    """The position that starts the window of ``width`` characters showing the most different
    query words (the earliest of equals); ``matches`` is ``[(position, stem)]`` in order."""
    best, best_count, inside, j = None, 0, Counter(), 0
    for i, (at, _) in enumerate(matches):
        while j < len(matches) and matches[j][0] < at + width:
            inside[matches[j][1]] += 1
            j += 1
        if len(inside) > best_count:
            best, best_count = at, len(inside)
        inside[matches[i][1]] -= 1
        if not inside[matches[i][1]]:
            del inside[matches[i][1]]
    return best
