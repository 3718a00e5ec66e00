"""The base forms every feature's forms derive from.

``CleanForm`` runs every text field through ``inputs.clean_text`` before validation (a one-line
field folds its white space; a text area keeps its line breaks), so a cohort name, an
enrolment name or a tutor's comment is stored as cleanly as a discussion post. Password fields
are kept as typed, only made encodable (``inputs.clean_secret``).

``TutorForm`` is for the tutors' pages where several forms share a page: the app-wide
``CSRFProtect`` checks every POST and the templates send its token as ``csrf_token``, so these
forms add no second, prefixed token. ``rubric_form`` is the one rubric grade form, an essay's
(quizzes) and a deliberation attempt's alike: a radio group per criterion and a comment of at
most ``MAX_COMMENT`` characters.
"""
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .inputs import clean_secret, clean_text

MAX_COMMENT = 5000  # a tutor's comment on a graded answer or attempt


def _filter_for(field_class):
    if issubclass(field_class, PasswordField):
        return lambda value: clean_secret(value) if isinstance(value, str) else value
    if issubclass(field_class, TextAreaField):
        return lambda value: clean_text(value) if isinstance(value, str) else value
    if issubclass(field_class, StringField):  # also EmailField, SearchField, ...
        return lambda value: clean_text(value, one_line=True) if isinstance(value, str) else value
    return None


class CleanForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            clean = _filter_for(unbound_field.field_class)
            if clean is not None:
                filters = [clean, *unbound_field.kwargs.get("filters", ()), *options.pop("filters", ())]
                options["filters"] = filters
            return unbound_field.bind(form=form, **options)


class TutorForm(CleanForm):
    class Meta:
        csrf = False  # CSRFProtect checks the page's csrf_token on every POST


def rubric_form(rubric, graded, *, name, prefix, comment_label, formdata=None):
    """The rubric grade form: one radio group per criterion of ``rubric`` and a comment.

    ``graded`` (a ``QuizAnswer`` or a ``DeliberationAttempt``) gives what was chosen and said
    before (``rubric_choices``, ``comment``); ``formdata`` is the posted form when it is the one
    being graded. ``form.criteria`` lists the radio groups in the rubric's order.
    """
    fields = {}
    for index, criterion in enumerate(rubric):
        fields[f"c{index}"] = RadioField(
            criterion["criterion"], coerce=int,
            choices=[SelectChoice(level_index, f"{level['description'] or '—'} ({_points(level['points'])})")
                     for level_index, level in enumerate(criterion["levels"])],
            validators=[InputRequired(f"Choose a level for “{criterion['criterion']}”.")],
        )
    fields["comment"] = TextAreaField(comment_label, validators=[Optional(), Length(max=MAX_COMMENT)])
    form_class = type(name, (TutorForm,), fields)
    data = {f"c{k}": v for k, v in graded.rubric_choices.items()}
    data["comment"] = graded.comment or ""
    form = form_class(formdata=formdata, prefix=prefix, data=data)
    form.criteria = [form[f"c{index}"] for index in range(len(rubric))]
    return form


def rubric_choices(form):
    """``{criterion index: level index}`` from a validated ``rubric_form``."""
    return {index: field.data for index, field in enumerate(form.criteria)}


def _points(points):
    value = f"{points:g}"
    return f"{value} point" if value == "1" else f"{value} points"
