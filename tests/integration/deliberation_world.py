"""What the deliberation tests share: a copy of the course with one test exercise in module 1
(``app_config``), a cohort with students and tutors (``world``) and a filled-in attempt (``work``).
Test modules import the fixtures by name to use them."""
import pytest

from app.content import current_course
from app.deliberation import service
from tests.helpers import two_cohorts

EXERCISE_UUID = "6d1f0c4e-2b7a-4c5d-8e9f-0a1b2c3d4e5f"
EXERCISE = f"""\
uuid: {EXERCISE_UUID}
title: Test deliberation
mode: solo
visibility: pseudonymous
brief: Should the city put **sensors** at every junction?
roles:
  - name: Sponsor
    who: The board
  - name: Resident
    who: Lives by a junction
rubric:
  - criterion: Breadth
    levels:
      - {{points: 0, description: Missing}}
      - {{points: 2, description: Wide and specific}}
  - criterion: Reflection
    levels:
      - {{points: 0, description: None}}
      - {{points: 1, description: Some}}
      - {{points: 2, description: Deep}}
stages:
  - type: purpose
    simulation:
      scenario: commuting
  - type: consequences
    min_notes: 1
  - type: prioritise
    dots: 3
  - type: opinions
    statements:
      - Sensors are worth the money.
      - Privacy comes first.
      - Open data helps residents.
  - type: decision
"""


@pytest.fixture
def app_config(course_with):
    course = course_with(files={"modules/m1-digital-innovation/test-delib.deliberation.yaml": EXERCISE},
                         appends={"modules/m1-digital-innovation/01-what-makes-a-city-smart.md": "\n::: deliberation test-delib\n:::\n"})
    return {"COURSE_DIR": str(course)}


@pytest.fixture
def world(app, make):
    mine = [p for p in current_course().problems if "test-delib" in p.path or "deliberation test" in p.message]
    assert not mine and EXERCISE_UUID in current_course().deliberations_by_uuid, mine
    return two_cohorts(make)


def exercise():
    return current_course().deliberations_by_uuid[EXERCISE_UUID]


def stage(stage_id):
    return exercise().stage(stage_id)


def work(user, consequence="Fewer cars on Mill Road", submit=True):
    """``user``'s attempt (their own or their group's) with every stage filled in, submitted."""
    attempt = service.start(user, exercise())
    assert not service.save_fields(attempt, exercise(), stage("purpose"),
                                   {"goal": "Track the 2030 goal", "public_value": "Safer streets"}, user)
    note, errors = service.add_note(attempt, exercise(), stage("consequences"),
                                    {"text": consequence, "likelihood": "high"}, user)
    assert not errors
    service.add_note(attempt, exercise(), stage("prioritise"), {"consequence": str(note.id), "action": "act"}, user)
    service.set_dots(attempt, stage("prioritise"), user, {note.id: 2})
    service.save_fields(attempt, exercise(), stage("decision"),
                        {"recommendation": "Go ahead, with limits", "stance_before": "2", "stance_after": "4",
                         "stance_change": "The data convinced me"}, user)
    if submit:
        service.submit(attempt, exercise(), user)
    return attempt
