"""Load ``course/`` into a ``Course``, collecting every problem with its file and line.

Layout::

    course/programme.yaml              the programme and its levels (which modules each has)
    course/modules/<slug>/module.md    a module overview (front matter + Markdown)
    course/modules/<slug>/NN-<slug>.md a unit, ordered by NN
    course/modules/<slug>/<anything>.png|pdf|csv...   files units link to
"""
import re
from pathlib import Path

from ..inputs import read_uuid
from ..registry import ConfigError
from . import competencies, formats, frontmatter, glossary, markdown_render, topics
from .model import Course, Level, Module, Problem, Unit

UNIT_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf", ".csv"}
NOT_UNITS = {"module.md", "README.md"}


def load_course(root):
    """Read and render the whole course under ``root``. Never raises on bad content."""
    loader = _Loader(Path(root))
    return loader.load()


class _Loader:
    def __init__(self, root):
        self.root = root
        self.problems = []
        self.seen_uuids = {}
        self.units_by_path = {}
        self.modules_by_path = {}

    # -- helpers -------------------------------------------------------------
    def rel(self, path):
        try:
            return str(Path(path).relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def problem(self, path, line, message):
        self.problems.append(Problem(self.rel(path), line, message))

    def check_uuid(self, value, path, line):
        if not value:
            self.problem(path, line, "missing 'uuid' (run: flask course new-unit, or python -c 'import uuid; print(uuid.uuid4())')")
            return ""
        if (canonical := read_uuid(value)) is None:
            self.problem(path, line, f"'uuid' is not a valid UUID: {value!r}")
            return ""
        value = canonical
        if value in self.seen_uuids:
            self.problem(path, line, f"duplicate uuid {value}: also used by {self.rel(self.seen_uuids[value])}")
        else:
            self.seen_uuids[value] = path
        return value

    def read_front_matter(self, path):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.problem(path, 1, f"not UTF-8 text: {exc.reason}")
            return None
        try:
            return frontmatter.split(text)
        except frontmatter.FrontMatterError as exc:
            self.problem(path, exc.line, exc.message)
            return None

    def text_field(self, meta, key, path, lines, required=True):
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, lines.get(key, 2), f"missing '{key}'")
            return ""
        if not isinstance(value, (str, int, float)):
            self.problem(path, lines.get(key, 2), f"'{key}' must be text")
            return ""
        return str(value).strip()

    def list_field(self, meta, key, path, lines):
        value = meta.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.problem(path, lines.get(key, 2), f"'{key}' must be a list of text items")
            return []
        return [str(v) for v in value]

    def int_field(self, meta, key, path, lines, required=True):
        value = meta.get(key)
        if value is None:
            if required:
                self.problem(path, lines.get(key, 2), f"missing '{key}' (a whole number)")
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(path, lines.get(key, 2), f"'{key}' must be a whole number, got {value!r}")
            return 0
        return value

    # -- programme -------------------------------------------------------------
    def load(self):
        course = Course(root=str(self.root))
        course.competencies, problems = competencies.load(self.root)
        for line, message in problems:
            self.problem(self.root / competencies.FILE, line, message)
        programme_path = self.root / "programme.yaml"
        listed = self.load_programme(course, programme_path)
        modules_dir = self.root / "modules"
        folders = sorted(p for p in modules_dir.iterdir() if p.is_dir()) if modules_dir.is_dir() else []
        modules = {}
        for folder in folders:
            module = self.load_module(folder)
            if module is not None:
                modules[module.slug] = module
        for level in course.levels:
            for slug, line in listed[level.id]:
                if slug not in modules:
                    self.problem(programme_path, line, f"level '{level.id}' lists module '{slug}', but course/modules/{slug}/module.md does not exist")
                    continue
                module = modules[slug]
                if module.level_id and module.level_id != level.id:
                    self.problem(module.path, 2, f"module says level '{module.level_id}' but programme.yaml lists it under '{level.id}'")
                module.level_id = level.id
                level.modules.append(module)
                course.modules.append(module)
        listed_slugs = {slug for entries in listed.values() for slug, _ in entries}
        for slug, module in modules.items():
            if slug not in listed_slugs:
                self.problem(module.path, 1, f"module '{slug}' is not listed under any level in programme.yaml")
        course._reindex()
        for module in course.modules:
            self.render_module(module, course)
        self.resolve_prerequisites(course)
        self.load_topics(course)
        self.load_glossary(course)
        course.problems = sorted(set(self.problems), key=lambda p: (p.path, p.line, p.message))
        return course

    def load_topics(self, course):
        topics_list, problems = topics.load(self.root)
        path = self.root / topics.FILE
        for line, message in problems:
            self.problem(path, line, message)
        course.topics = topics_list
        unknown, uncovered = topics.link_units(topics_list, course)
        for unit, message in unknown:
            self.problem(unit.path, unit._subtopics_line, message)
        for subtopic, message in uncovered:
            self.problem(path, subtopic.line, message)

    def load_glossary(self, course):
        terms = [t for m in course.modules for t in getattr(m, "_glossary", [])]
        for term, message in glossary.check_all(terms):
            self.problem(self.root / "modules" / term.module.slug / glossary.FILE, term.line, message)
        course.glossary = glossary.sorted_terms(terms)

    def load_programme(self, course, path):
        listed = {}
        if not path.is_file():
            self.problem(path, 1, "programme.yaml is missing")
            return listed
        text = path.read_text(encoding="utf-8")
        try:
            data = frontmatter.load_yaml_file(text)
        except frontmatter.FrontMatterError as exc:
            self.problem(path, exc.line, exc.message)
            return listed
        if not isinstance(data, dict):
            self.problem(path, 1, "programme.yaml is a mapping: uuid, title, levels...")
            return listed
        lines = data.key_lines
        text_lines = text.splitlines()
        course.uuid = self.check_uuid(data.get("uuid"), path, lines.get("uuid", 1))
        course.title = self.text_field(data, "title", path, lines)
        course.short_title = self.text_field(data, "short_title", path, lines, required=False) or course.title
        course.institution = self.text_field(data, "institution", path, lines, required=False)
        course.summary_html = markdown_render.render(str(data.get("summary") or ""))
        levels = data.get("levels")
        if not isinstance(levels, list) or not levels:
            self.problem(path, lines.get("levels", 1), "'levels' must be a list of levels")
            return listed
        for entry in levels:
            line = _line_of_item(text_lines, entry.get("id") if isinstance(entry, dict) else None)
            if not isinstance(entry, dict) or not entry.get("id") or not entry.get("title"):
                self.problem(path, line, "each level needs an 'id' and a 'title'")
                continue
            level = Level(
                id=str(entry["id"]),
                title=str(entry["title"]),
                summary_html=markdown_render.render(str(entry.get("summary") or "")),
                builds_on=entry.get("builds_on"),
            )
            if level.id in listed:
                self.problem(path, line, f"duplicate level id '{level.id}'")
                continue
            mods = entry.get("modules") or []
            if not isinstance(mods, list):
                self.problem(path, line, f"level '{level.id}': 'modules' must be a list of module folder names")
                mods = []
            listed[level.id] = [(str(m), _line_of_item(text_lines, str(m), default=line)) for m in mods]
            course.levels.append(level)
        ids = {lvl.id for lvl in course.levels}
        for level in course.levels:
            if level.builds_on and level.builds_on not in ids:
                self.problem(path, _line_of_item(text_lines, level.id), f"level '{level.id}' builds on unknown level '{level.builds_on}'")
        return listed

    # -- modules and units -----------------------------------------------------
    def load_module(self, folder):
        path = folder / "module.md"
        if not path.is_file():
            self.problem(folder, 1, "module folder has no module.md")
            return None
        parsed = self.read_front_matter(path)
        if parsed is None:
            return None
        meta, body, first_line, lines = parsed
        number = meta.get("number")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            self.problem(path, lines.get("number", 2), f"'number' must be a whole number, got {number!r}")
            number = None
        module = Module(
            uuid=self.check_uuid(meta.get("uuid"), path, lines.get("uuid", 2)),
            slug=folder.name,
            title=self.text_field(meta, "title", path, lines),
            path=str(path),
            level_id=self.text_field(meta, "level", path, lines),
            number=number,
            summary=self.text_field(meta, "summary", path, lines, required=False),
            hours=self.int_field(meta, "hours", path, lines, required=False),
            aims=self.list_field(meta, "aims", path, lines),
            outcomes=self.list_field(meta, "outcomes", path, lines),
        )
        module._body = (body, first_line, str(meta.get("assessment") or ""))
        self.modules_by_path[self.rel_course(path)] = module
        for file in sorted(folder.iterdir()):
            if file.suffix != ".md" or file.name in NOT_UNITS or file.name.endswith(".tutor.md"):
                continue
            match = UNIT_FILE.match(file.name)
            if not match:
                self.problem(file, 1, "unit file names look like '03-my-unit-title.md' (number, hyphen, lowercase words)")
                continue
            unit = self.load_unit(file, int(match.group(1)), match.group(2), module)
            if unit is not None:
                if any(u.slug == unit.slug for u in module.units):
                    self.problem(file, 1, f"two units in this module have the slug '{unit.slug}'")
                    continue
                module.units.append(unit)
        module.units.sort(key=lambda u: (u.number, u.slug))
        self.find_tutor_notes(folder, module)
        terms, problems = glossary.load_module(folder, module, self.rel(folder / glossary.FILE))
        for line, message in problems:
            self.problem(folder / glossary.FILE, line, message)
        module._glossary = terms
        self.load_module_files(folder, module)
        return module

    def find_tutor_notes(self, folder, module):
        """``NN-slug.tutor.md`` beside a unit: its notes for tutors (rendered with the unit)."""
        for file in sorted(folder.glob("*.tutor.md")):
            unit = next((u for u in module.units if Path(u.path).name == file.name.replace(".tutor.md", ".md")), None)
            if unit is None:
                self.problem(file, 1, f"tutor notes for no unit: there is no {file.name.replace('.tutor.md', '.md')} beside it")
                continue
            unit.tutor_notes_path = str(file)

    def load_module_files(self, folder, module):
        """Every file of a registered format (``formats.MODULE_FILES``) in a module folder, into
        ``module.<format name>`` by key."""
        for file_format in formats.MODULE_FILES:
            self.load_files_of(folder, module, file_format, getattr(module, file_format.name))

    def load_files_of(self, folder, module, file_format, into):
        for file in sorted(folder.glob("*" + file_format.suffix)):
            key = file.name[: -len(file_format.suffix)]
            item, problems = file_format.load(file, self.rel(file), key)
            for line, message in problems:
                self.problem(file, line, message)
            if item is None:
                continue
            if item.uuid:
                self.check_uuid(item.uuid, file, 1)
            item.module = module
            into[key] = item

    def rel_course(self, path):
        return Path(path).relative_to(self.root).as_posix()

    def load_unit(self, path, number, slug, module):
        parsed = self.read_front_matter(path)
        if parsed is None:
            return None
        meta, body, first_line, lines = parsed
        unit = Unit(
            uuid=self.check_uuid(meta.get("uuid"), path, lines.get("uuid", 2)),
            slug=slug,
            number=number,
            title=self.text_field(meta, "title", path, lines),
            path=str(path),
            module=module,
            summary=self.text_field(meta, "summary", path, lines, required=False),
            objectives=self.list_field(meta, "objectives", path, lines),
            minutes=self.int_field(meta, "minutes", path, lines),
            prerequisite_refs=self.list_field(meta, "prerequisites", path, lines),
            subtopics=self.list_field(meta, "subtopics", path, lines),
        )
        unit._subtopics_line = lines.get("subtopics", 2)
        unit._body = (body, first_line, lines.get("prerequisites", 2))
        self.units_by_path[self.rel_course(path)] = unit
        return unit

    def render_module(self, module, course):
        body, first_line, assessment = module._body
        base = self.rel_course(module.path)
        module.overview_html = self.render_text(body, first_line, module.path, base)
        module.assessment_html = self.render_text(assessment, 1, module.path, base)
        for unit in module.units:
            self.render_unit(unit)

    def render_unit(self, unit):
        body, first_line, _ = unit._body
        if unit.tutor_notes_path:
            notes = Path(unit.tutor_notes_path)
            try:
                text = notes.read_text(encoding="utf-8")
                unit.tutor_notes_html = self.render_text(text, 1, notes, self.rel_course(notes), raw=text)
            except UnicodeDecodeError as exc:
                self.problem(notes, 1, f"not UTF-8 text: {exc.reason}")
        text, refs, problems = markdown_render.extract_activities(body, first_line, self.rel(unit.path))
        self.problems.extend(problems)
        html = self.render_text(text, first_line, unit.path, self.rel_course(unit.path), raw=body)
        unit.segments = markdown_render.split_segments(html, refs)
        for ref in refs:
            try:
                activity_type = formats.ACTIVITY_TYPES[ref.type_name]
            except ConfigError as exc:
                self.problem(unit.path, ref.line, exc.message)
                continue
            try:
                ref.activity = activity_type.from_config(ref.config, unit, ref.key, ref.line)
            except ConfigError as exc:
                self.problem(unit.path, exc.line or ref.line, f"{ref.type_name}: {exc.message}")

    def render_text(self, text, first_line, path, base, raw=None):
        base_dir = base.rsplit("/", 1)[0] if "/" in base else ""

        def resolve_link(href):
            target, _, fragment = href.partition("#")
            joined = markdown_render.join_relative(base_dir, target)
            suffix = f"#{fragment}" if fragment else ""
            if target.endswith(".md"):
                unit = self.units_by_path.get(joined)
                module = self.modules_by_path.get(joined)
                if unit is not None:
                    return unit.url + suffix
                if module is not None:
                    return module.url + suffix
                line = markdown_render.line_of(raw or text, href, first_line)
                self.problem(path, line, f"broken link to a unit: '{href}' (no file course/{joined})")
                return href
            return resolve_asset(target) + suffix if target else href

        def resolve_asset(src):
            joined = markdown_render.join_relative(base_dir, src)
            file = self.root / joined
            if joined.startswith("..") or not file.is_file() or file.suffix.lower() not in ASSET_SUFFIXES:
                line = markdown_render.line_of(raw or text, src, first_line)
                self.problem(path, line, f"broken link to a file: '{src}' (no file course/{joined}, or not an image, PDF or CSV)")
                return src
            return f"/course-files/{joined}"

        return markdown_render.render(text, resolve_link, resolve_asset)

    def resolve_prerequisites(self, course):
        by_ref = {u.ref: u for u in course.units}
        for unit in course.units:
            _, _, line = unit._body
            for ref in unit.prerequisite_refs:
                target = by_ref.get(ref) or by_ref.get(f"{unit.module.slug}/{ref}") or course.units_by_uuid.get(ref)
                if target is None:
                    self.problem(unit.path, line, f"missing prerequisite '{ref}' (use 'unit-slug', 'module-folder/unit-slug' or a unit uuid)")
                elif target is unit:
                    self.problem(unit.path, line, "a unit cannot be its own prerequisite")
                else:
                    unit.prerequisites.append(target)


def _line_of_item(lines, needle, default=1):
    if needle is None:
        return default
    for i, line in enumerate(lines, start=1):
        if re.search(rf"(?<![\w-]){re.escape(str(needle))}(?![\w-])", line):
            return i
    return default
