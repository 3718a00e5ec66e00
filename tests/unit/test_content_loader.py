"""The course loader: structure, rendering, and every kind of problem with its file and line."""
import textwrap

import pytest

from app.content import load_course
from tests.helpers import MODULE, PROGRAMME, UNIT, course_with_one_unit, make_course, messages


def test_valid_course_loads_in_order(tmp_path):
    course = load_course(make_course(tmp_path / "course"))
    assert course.problems == []
    assert [lvl.id for lvl in course.levels] == ["pgcert", "pgdip"]
    m1 = course.modules_by_slug["m1"]
    assert [u.slug for u in m1.units] == ["first", "second"]
    assert m1.units[1].prerequisites == [m1.units[0]]
    assert course.modules_by_slug["m2"].units[0].prerequisites == [m1.units[1]]
    assert "<strong>quiz</strong>" in m1.assessment_html
    assert course.modules_for_levels(["pgdip"]) == course.modules  # builds on pgcert
    assert course.modules_for_levels(["pgcert"]) == [m1]


def test_links_between_units_become_site_urls(tmp_path):
    course = load_course(make_course(tmp_path / "course"))
    html = course.modules_by_slug["m1"].units[0].segments[0]
    assert 'href="/modules/m1/second#part"' in html
    assert 'href="/modules/m2/only"' in html
    assert 'href="/modules/m1/first"' in course.modules_by_slug["m1"].overview_html


def test_markdown_features_render(tmp_path):
    body = textwrap.dedent("""\
        | A | B |
        |---|---|
        | 1 | 2 |

        !!! note "Cambridge example"
            Inside the box.

        ```python
        print("hi")
        ```

        Text with a note.[^n]

        [^n]: Footnote text.
        """)
    course = load_course(course_with_one_unit(tmp_path, body))
    assert course.problems == []
    html = course.modules_by_slug["m1"].units[0].segments[0]
    assert '<table class="content-table">' in html
    assert 'class="admonition note"' in html and "Cambridge example" in html
    assert '<code class="language-python">' in html
    assert 'class="footnote"' in html


def test_activity_directive_splits_segments(tmp_path):
    body = "Before.\n\n::: reflection\nprompt: |\n  Why *this*?\n:::\n\nAfter."
    course = load_course(course_with_one_unit(tmp_path, body))
    assert course.problems == []
    segments = course.modules_by_slug["m1"].units[0].segments
    assert len(segments) == 3
    assert "Before." in segments[0] and "After." in segments[2]
    ref = segments[1]
    assert ref.type_name == "reflection" and ref.line == 10  # 7 front-matter lines, then body line 3
    assert "<em>this</em>" in ref.activity.prompt_html


def test_directive_inside_code_block_is_left_alone(tmp_path):
    body = "```\n::: nonsense\n:::\n```"
    course = load_course(course_with_one_unit(tmp_path, body))
    assert course.problems == []
    assert "::: nonsense" in course.modules_by_slug["m1"].units[0].segments[0]


def unit_file(uuid="33333333-3333-4333-8333-333333333301", title="First", prereqs="[]", body="Text."):
    return UNIT.format(uuid=uuid, title=title, prereqs=prereqs, body=body)


@pytest.mark.parametrize(
    "path, text, expected",
    [
        ("modules/m1/03-bad-yaml.md", "---\nuuid: 33333333-3333-4333-8333-333333333310\ntitle: [unclosed\nminutes: 5\n---\nx",
         "course/modules/m1/03-bad-yaml.md:4: bad YAML in front matter"),
        ("modules/m1/03-no-front.md", "Just text", "course/modules/m1/03-no-front.md:1: file must start with '---'"),
        ("modules/m1/03-no-uuid.md", "---\ntitle: T\nminutes: 5\n---\nx", "course/modules/m1/03-no-uuid.md:2: missing 'uuid'"),
        ("modules/m1/03-dup.md", unit_file(title="Dup"), "duplicate uuid 33333333-3333-4333-8333-333333333301"),
        ("modules/m1/03-bad-uuid.md", unit_file(uuid="not-a-uuid"), "course/modules/m1/03-bad-uuid.md:2: 'uuid' is not a valid UUID"),
        ("modules/m1/03-unknown.md", unit_file(uuid="33333333-3333-4333-8333-333333333311", body="Intro.\n\n::: teleport\nx: 1\n:::"),
         "course/modules/m1/03-unknown.md:10: unknown activity type 'teleport'"),
        ("modules/m1/03-unclosed.md", unit_file(uuid="33333333-3333-4333-8333-333333333312", body="::: reflection\nprompt: hi"),
         "course/modules/m1/03-unclosed.md:8: activity 'reflection' is not closed"),
        ("modules/m1/03-bad-activity.md", unit_file(uuid="33333333-3333-4333-8333-333333333313", body="::: reflection\ncolour: red\n:::"),
         "course/modules/m1/03-bad-activity.md:9: reflection: unknown setting 'colour'"),
        ("modules/m1/03-no-prompt.md", unit_file(uuid="33333333-3333-4333-8333-333333333314", body="::: reflection\n:::"),
         "course/modules/m1/03-no-prompt.md:8: reflection: missing 'prompt'"),
        ("modules/m1/03-link.md", unit_file(uuid="33333333-3333-4333-8333-333333333315", body="One.\n\nSee [gone](09-gone.md)."),
         "course/modules/m1/03-link.md:10: broken link to a unit: '09-gone.md'"),
        ("modules/m1/03-prereq.md", unit_file(uuid="33333333-3333-4333-8333-333333333316", prereqs="[nowhere]"),
         "course/modules/m1/03-prereq.md:6: missing prerequisite 'nowhere'"),
        ("modules/m1/03-minutes.md", "---\nuuid: 33333333-3333-4333-8333-333333333317\ntitle: T\nminutes: soon\n---\nx",
         "course/modules/m1/03-minutes.md:4: 'minutes' must be a whole number"),
        ("modules/m1/Bad Name.md", unit_file(uuid="33333333-3333-4333-8333-333333333318"), "course/modules/m1/Bad Name.md:1: unit file names look like"),
        ("modules/m3/module.md", MODULE.format(uuid="22222222-2222-4222-8222-222222222203", number=3, level="pgcert"),
         "course/modules/m3/module.md:1: module 'm3' is not listed under any level"),
        ("modules/m1/03-image.md", unit_file(uuid="33333333-3333-4333-8333-333333333319", body="![map](missing.png)"),
         "course/modules/m1/03-image.md:8: broken link to a file: 'missing.png'"),
    ],
)
def test_each_problem_is_reported_with_file_and_line(tmp_path, path, text, expected):
    root = make_course(tmp_path / "course", extra={path: text})
    found = messages(load_course(root))
    assert any(m.startswith(expected) or expected in m for m in found), found


def test_programme_listing_a_missing_module(tmp_path):
    root = make_course(tmp_path / "course")
    (root / "programme.yaml").write_text(PROGRAMME.replace("modules: [m2]", "modules: [m2, m9]"))
    found = messages(load_course(root))
    assert "course/programme.yaml:11: level 'pgdip' lists module 'm9', but course/modules/m9/module.md does not exist" in found


def test_all_problems_are_reported_at_once(tmp_path):
    root = make_course(tmp_path / "course", extra={
        "modules/m1/03-a.md": unit_file(uuid="33333333-3333-4333-8333-333333333320", prereqs="[nope]"),
        "modules/m1/04-b.md": unit_file(uuid="33333333-3333-4333-8333-333333333321", body="::: mystery\n:::"),
    })
    assert len(load_course(root).problems) == 2


def test_asset_links_point_to_course_files(tmp_path):
    root = make_course(tmp_path / "course", extra={
        "modules/m1/figures/flows.png": "not really a png",
        "modules/m1/03-figure.md": unit_file(uuid="33333333-3333-4333-8333-333333333322", body="![Flows](figures/flows.png)"),
    })
    course = load_course(root)
    assert course.problems == []
    html = course.modules_by_slug["m1"].units[2].segments[0]
    assert 'src="/course-files/modules/m1/figures/flows.png"' in html
