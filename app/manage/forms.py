from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..forms import CleanForm
from ..models import ROLES


class CohortForm(CleanForm):
    name = StringField("Cohort name", validators=[DataRequired(), Length(max=120)],
                       description="For example “PGCert 2026–27” or “Executive Education Sept 2026”.")
    level_id = SelectField("Programme level", validators=[DataRequired()])
    submit = SubmitField("Create cohort")


class EnrolForm(CleanForm):
    roster = FileField(
        "Class list (CSV)",
        validators=[FileRequired("Choose a CSV file to upload."), FileAllowed(["csv", "txt"], "The class list must be a .csv file.")],
        description="One student per line with columns name and email (a header row is optional).",
    )
    submit = SubmitField("Enrol students")


class AddTutorForm(CleanForm):
    email = EmailField("Tutor's email", validators=[DataRequired(), Email(check_deliverability=False)])
    submit = SubmitField("Add tutor")


class UserForm(CleanForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice(role, role.title()) for role in ROLES])
    submit = SubmitField("Create account")
