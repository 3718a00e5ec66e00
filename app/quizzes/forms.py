"""Tutors' forms on quiz pages: a grade override, a due-date extension, an essay's rubric grade.

Several of these share a page, so each has a ``prefix`` (unique field ids). The app-wide
``CSRFProtect`` checks every POST, and the templates send its token as ``csrf_token``, so the
forms themselves do not add a second, prefixed token.
"""
from datetime import UTC

from wtforms import DecimalField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import DateTimeLocalInput

from ..forms import TutorForm
from .policy import COURSE_TIMEZONE, PolicyError, parse_time

MAX_REASON = 2000
MAX_COMMENT = 5000


class OverrideForm(TutorForm):
    score = DecimalField(
        "Grade (%)", places=None, render_kw={"inputmode": "decimal"},
        validators=[InputRequired("Enter a grade from 0 to 100."),
                    NumberRange(0, 100, "Enter a grade from 0 to 100.")],
        description="From 0 to 100. It replaces the grade worked out from the attempts.",
    )
    reason = TextAreaField(
        "Reason", validators=[DataRequired("Give a reason: the student sees it with the grade."),
                              Length(max=MAX_REASON)],
        description="The student sees this with their grade.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="override", **kwargs)


class ExtensionForm(TutorForm):
    due = StringField(
        "New due date and time (UK time)", widget=DateTimeLocalInput(),
        validators=[DataRequired("Enter the new due date and time.")],
        description="For example 2026-11-30 17:00. Late penalties and closing follow this time for this student.",
    )
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=MAX_REASON)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="extension", **kwargs)

    def validate_due(self, field):
        try:
            self.due_utc = parse_time(field.data, "due")
        except PolicyError:
            raise ValidationError("Enter a date and time like 2026-11-30 17:00.") from None


def local_input(moment):
    """Naive UTC to the UK local ``2026-11-30T17:00`` a datetime-local input shows."""
    return moment.replace(tzinfo=UTC).astimezone(COURSE_TIMEZONE).strftime("%Y-%m-%dT%H:%M")


def essay_form(question, answer, formdata=None):
    """The rubric form for one essay ``answer``: a radio group per criterion and a comment.

    ``formdata`` is the posted form for the answer being graded; other answers on the page
    show what was chosen before.
    """
    fields = {}
    for index, criterion in enumerate(question.rubric):
        fields[f"c{index}"] = RadioField(
            criterion["criterion"], coerce=int,
            choices=[SelectChoice(level_index, f"{level['description'] or '—'} ({_points(level['points'])})")
                     for level_index, level in enumerate(criterion["levels"])],
            validators=[InputRequired(f"Choose a level for “{criterion['criterion']}”.")],
        )
    fields["comment"] = TextAreaField("Comment for the student (optional)",
                                      validators=[Optional(), Length(max=MAX_COMMENT)])
    form_class = type("EssayGradeForm", (TutorForm,), fields)
    data = {f"c{k}": v for k, v in answer.rubric_choices.items()}
    data["comment"] = answer.comment or ""
    form = form_class(formdata=formdata, prefix=f"answer-{answer.id}", data=data)
    form.criteria = [form[f"c{index}"] for index in range(len(question.rubric))]
    return form


def rubric_choices(form):
    """``{criterion index: level index}`` from a validated ``essay_form``."""
    return {index: field.data for index, field in enumerate(form.criteria)}


def _points(points):
    value = f"{points:g}"
    return f"{value} point" if value == "1" else f"{value} points"
