from flask_wtf.file import FileAllowed, FileField
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import CleanForm

ALL_MY_COHORTS = ""


class DatasetForm(CleanForm):
    name = StringField("Name", validators=[DataRequired("Give the dataset a name."),
                                           Length(max=120, message="The name is too long: at most %(max)d characters.")],
                       description="Students see this when they choose the data, for example “Leeds districts, 2021”.")
    cohort = SelectField("Who may use it",
                         description="Students of the chosen cohort, or of every cohort you tutor (now and later).")
    zones = FileField("Zones (CSV)", validators=[FileAllowed(["csv", "txt"], "The zones file must be a .csv file.")],
                      description="Columns zone_id, name, lat, lon: one line per district, latitude and "
                                  "longitude of its centre in degrees.")
    flows = FileField("Flows (CSV)", validators=[FileAllowed(["csv", "txt"], "The flows file must be a .csv file.")],
                      description="Columns origin, destination, flow and, if you have it, distance_km: how many "
                                  "people live in the origin zone and work in the destination zone.")
    boundaries = FileField(
        "Boundaries (GeoJSON, optional)",
        validators=[FileAllowed(["geojson", "json"], "The boundaries file must be a .geojson or .json file.")],
        description="A FeatureCollection of polygons with a zone_id property, to draw the zones as areas.",
    )
    focus = StringField("Focus zone (optional)",
                        validators=[Optional(), Length(max=40, message="A zone_id has at most %(max)d characters.")],
                        description="The zone_id that results single out (for example CAM). "
                                    "Leave empty for the first zone.")
    submit = SubmitField("Upload dataset")
