"""The base forms every feature's forms derive from.

``CleanForm`` runs every text field through ``inputs.clean_text`` before validation (a one-line
field folds its white space; a text area keeps its line breaks), so a cohort name, an
enrolment name or a tutor's comment is stored as cleanly as a discussion post. Password fields
are kept as typed, only made encodable (``inputs.clean_secret``).

``TutorForm`` is for the tutors' pages where several forms share a page: the app-wide
``CSRFProtect`` checks every POST and the templates send its token as ``csrf_token``, so these
forms add no second, prefixed token.
"""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from .inputs import clean_secret, clean_text


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
