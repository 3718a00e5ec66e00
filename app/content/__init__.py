"""The course as files: loading, validation and caching (the ``flask course`` commands are
``app/course_cli.py``, on top)."""
import threading
import time
from pathlib import Path

from flask import current_app

from .loader import load_course
from .model import ActivityRef, Course, Level, Module, Problem, Unit

__all__ = ["ActivityRef", "Course", "Level", "Module", "Problem", "Unit", "current_course", "load_course"]


class CourseInvalid(RuntimeError):
    """Raised at start-up in production when ``course/`` has problems."""

    def __init__(self, problems):
        self.problems = problems
        listing = "\n".join(str(p) for p in problems)
        super().__init__(f"the course has {len(problems)} problem(s); run 'flask course check':\n{listing}")


class CourseStore:
    """Holds the loaded, rendered course; reloads it when files change if ``auto_reload``."""

    CHECK_EVERY = 1.0  # seconds between file-change checks

    def __init__(self, root, auto_reload):
        self.root = Path(root)
        self.auto_reload = auto_reload
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._fingerprint = self.fingerprint()
        self.course = loaded(self.root, self._fingerprint)

    def fingerprint(self):
        return fingerprint(self.root)

    def get(self):
        if self.auto_reload and time.monotonic() - self._checked_at > self.CHECK_EVERY:
            with self._lock:
                self._checked_at = time.monotonic()
                fingerprint = self.fingerprint()
                if fingerprint != self._fingerprint:
                    self._fingerprint = fingerprint
                    self.course = loaded(self.root, fingerprint)
        return self.course


def fingerprint(root):
    """What changes when a file of the course under ``root`` does: names, times and sizes."""
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(Path(root).rglob("*")) if p.is_file())


def shared_course(root):
    """The course under ``root`` as it is now, from the process's cache (``loaded``)."""
    return loaded(root, fingerprint(root))


_LOADED = {}  # (folder, fingerprint) -> Course: the last few loaded in this process
_LOADED_LOCK = threading.Lock()
KEEP_LOADED = 4


def loaded(root, fingerprint):
    """The course under ``root`` as loaded from files with this ``fingerprint``: loaded once per
    process and shared, since a loaded course is read-only (every app of a test run, every
    ``create_app`` of a CLI command, reuses it while the files are unchanged)."""
    key = (str(Path(root).resolve()), fingerprint)
    with _LOADED_LOCK:
        course = _LOADED.get(key)
    if course is None:
        course = load_course(root)
        with _LOADED_LOCK:
            _LOADED[key] = course
            while len(_LOADED) > KEEP_LOADED:
                _LOADED.pop(next(iter(_LOADED)))
    return course


def current_course():
    """The course for this app (cached; reloaded on change in development)."""
    return current_app.extensions["leadup_course"].get()


def init_app(app):
    store = CourseStore(app.config["COURSE_DIR"], app.config["COURSE_AUTO_RELOAD"])
    if store.course.problems:
        if app.config["ENV_NAME"] == "production":
            raise CourseInvalid(store.course.problems)
        app.logger.warning("course has %d problem(s); tutors see them on every page", len(store.course.problems))
    app.extensions["leadup_course"] = store
