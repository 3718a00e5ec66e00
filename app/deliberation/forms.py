"""Tutors' forms on deliberation pages: a cohort's settings, groups, and the rubric grade.

As on the quiz pages, ``CSRFProtect`` checks every POST and the templates send its token, so
the forms add none of their own (``TutorForm``). Each has a ``prefix``: several share a page.
"""
from wtforms import BooleanField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import TutorForm, rubric_form

MODES = (("solo", "Solo: each student has their own attempt"),
         ("group", "Group: each group shares one attempt"))
VISIBILITIES = (("named", "Named: students see each other's names"),
                ("pseudonymous", "Pseudonymous: a made-up name per person, such as “Teal Kestrel”"),
                ("anonymous", "Anonymous: “A participant”"))


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class SettingsForm(TutorForm):
    mode = RadioField("Mode", choices=_choices(MODES), validators=[InputRequired("Choose solo or group.")])
    visibility = RadioField("How students see each other", choices=_choices(VISIBILITIES),
                            validators=[InputRequired("Choose how students see each other.")])
    self_select = BooleanField("Students choose their own group")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="settings", **kwargs)


class GroupForm(TutorForm):
    name = StringField("Group name", validators=[DataRequired("Give the group a name."),
                                                 Length(max=80, message="At most 80 characters.")],
                       description="For example: Table 1.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="group", **kwargs)


class AutoGroupsForm(TutorForm):
    size = IntegerField("Students per group", default=4,
                        validators=[InputRequired("Enter a number from 2 to 12."),
                                    NumberRange(2, 12, "Enter a number from 2 to 12.")],
                        render_kw={"inputmode": "numeric"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="auto", **kwargs)


def grade_form(exercise, attempt, formdata=None):
    """The exercise's rubric as one radio group per criterion, and an overall comment."""
    return rubric_form(exercise.rubric, attempt, name="DeliberationGradeForm", prefix="grade",
                       comment_label="Overall comment for the student(s) (optional)", formdata=formdata)
