"""Deliberation stage: a stage of a course deliberation exercise (a consequence scan, a
stakeholder map...) done at the tables, each note with the stage's own fields and checks."""
from ...content import current_course
from ...deliberation.stages import clean_value
from ...registry import Examples
from .. import charts
from ..errors import LiveError
from .base import LiveKind, register


def note_stages():
    """``[(value, label)]`` of every note-taking stage of the course's exercises, for the tutor."""
    return [(f"{exercise.uuid}:{stage.id}", f"{exercise.title}: {stage.title}")
            for exercise in current_course().deliberations_by_uuid.values()
            for stage in exercise.stages if stage.note is not None]


def stage_of(activity):
    exercise = current_course().deliberations_by_uuid.get(activity.settings.get("exercise"))
    stage = exercise.stage(activity.settings.get("stage")) if exercise else None
    return exercise, stage


def stage_of_value(value):
    """The exercise and stage a tutor's choice (``note_stages``' value) names."""
    exercise_uuid, _, stage_id = str(value).partition(":")
    exercise = current_course().deliberations_by_uuid.get(exercise_uuid)
    return exercise, exercise.stage(stage_id) if exercise else None


def roles_of(activity):
    """The exercise's role cards' names, which a role field offers."""
    exercise, _ = stage_of(activity)
    return exercise.role_names if exercise else []


@register
class DeliberationStage(LiveKind):
    name = "deliberation"
    label = "Deliberation stage"
    to_discussion = True

    fields = {"stage": "text"}

    def from_config(self, data):
        exercise_uuid, _, stage_id = str(data.get("stage") or "").partition(":")
        exercise = current_course().deliberations_by_uuid.get(exercise_uuid)
        stage = exercise.stage(stage_id) if exercise else None
        if stage is None or stage.note is None:
            raise self.problem(data, "stage", "Choose a stage of one of the course's deliberation exercises.")
        return {"exercise": exercise.uuid, "stage": stage.id}

    def examples(self):
        """In the course's first note-taking stage whose required fields are all text."""
        def texts(stage):
            return [f.name for f in stage.note.fields if f.required and f.kind != "links"
                    and f.kind in ("text", "textarea")]

        def usable(stage):
            return stage and texts(stage) and all(f.kind in ("text", "textarea", "links")
                                                  for f in stage.note.fields if f.required)

        value = next((value for value, _ in note_stages() if usable(stage_of_value(value)[1])), "")
        names = texts(stage_of_value(value)[1]) if value else []
        return Examples(valid={"stage": value}, invalid={"stage": "no-such-exercise:consequences"},
                        problem="Choose a stage", field="stage",
                        right={name: "Shops on Mill Road lose passing trade" for name in names},
                        wrong={name: "" for name in names})

    def answer(self, activity, form):
        exercise, stage = stage_of(activity)
        if stage is None:
            raise LiveError("This exercise is no longer in the course.")
        values = {}
        for spec in stage.note.fields:
            if spec.kind == "links":
                continue  # links name notes of a course attempt, which a room does not have
            try:
                values[spec.name] = clean_value(spec, form.get(spec.name, ""), exercise.role_names)
            except ValueError as error:
                raise LiveError(str(error), spec.name) from None
            if spec.required and values[spec.name] in ("", None):
                raise LiveError(f"Fill in “{spec.label}”.", spec.name)
        return str(values.get(stage.note.title_field, "")), values

    def results(self, activity, posts, votes):
        exercise, stage = stage_of(activity)
        return {"exercise": exercise, "stage": stage, "posts": posts}

    def charts(self, out, activity, results):
        if not out.projector:
            out.add("tables", "Notes per table", charts.notes_per_table_chart, results, activity.session)
