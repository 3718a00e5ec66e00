"""Tutors' forms on quiz pages: a grade override, a due-date extension, an essay's rubric grade.

Several of these share a page, so each has a ``prefix`` (unique field ids). The app-wide
``CSRFProtect`` checks every POST, and the templates send its token as ``csrf_token``, so the
forms themselves do not add a second, prefixed token.
"""
from datetime import UTC

from wtforms import DecimalField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import DateTimeLocalInput

from ..forms import TutorForm, rubric_form
from .policy import COURSE_TIMEZONE, PolicyError, parse_time

MAX_REASON = 2000


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
    """The rubric form for one essay ``answer`` (``app.forms.rubric_form``).

    ``formdata`` is the posted form for the answer being graded; other answers on the page
    show what was chosen before.
    """
    return rubric_form(question.rubric, answer, name="EssayGradeForm", prefix=f"answer-{answer.id}",
                       comment_label="Comment for the student (optional)", formdata=formdata)
