"""The stage types of a deliberation exercise, declared as data.

Each stage has *fields* (one shared answer per attempt, e.g. the recommendation) and may have
*notes* (many items, e.g. one per consequence), each note with its own fields. Forms,
validation, the tutor's view and the exports all read these declarations, so a new stage type
is one ``StageType`` here plus, if it draws something, a partial in
``templates/deliberation/visuals/``.
"""
from dataclasses import dataclass, field

from ..inputs import clean_text
from ..registry import Registry

MAX_TEXT = 2000  # characters in a long answer
MAX_LINE = 200  # characters in a one-line answer
ROLE = "role"  # a field whose choices are the exercise's role cards


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "textarea"  # textarea | text | select | scale | date | role | links
    help: str = ""
    choices: tuple = ()  # (value, label) pairs for select; (low, high) ends for scale
    low: int = 1
    high: int = 5
    required: bool = False
    multiple: bool = False  # a "links" field that names several notes

    @property
    def max_length(self):
        return MAX_TEXT if self.kind == "textarea" else MAX_LINE


@dataclass(frozen=True)
class NoteKind:
    name: str
    label: str  # "consequence"
    plural: str  # "consequences"
    fields: tuple
    title_field: str = "text"
    links_to: str = ""  # note kind a "links" field points at


@dataclass(frozen=True)
class StageType:
    name: str
    label: str
    summary: str  # one line: what the student does here
    fields: tuple = ()
    note: NoteKind | None = None
    default_min_notes: int = 0
    settings: frozenset = field(default_factory=frozenset)  # extra keys the stage accepts
    visual: str = ""  # template name under deliberation/visuals/

    def field(self, name):
        return next((f for f in self.fields if f.name == name), None)


LOW_MEDIUM_HIGH = (("low", "Low"), ("medium", "Medium"), ("high", "High"))

DATASET = NoteKind("dataset", "data source", "data sources", (
    Field("name", "Data source", "text", "For example: junction sensor counts, smartcard taps.", required=True),
    Field("source", "Where it comes from", "text", "Who collects it, how and how often."),
    Field("personal", "Personal data?", "select", "Could it identify a person, alone or combined with other data?",
          (("no", "Not personal"), ("aggregated", "Aggregated or anonymised"), ("personal", "Personal data"),
           ("special", "Special category (health, ethnicity…)"), ("unsure", "Not sure yet"))),
    Field("legal_basis", "Legal basis", "select", "Under UK GDPR, if it is personal data.",
          (("none-needed", "None needed: not personal"), ("public-task", "Public task"), ("consent", "Consent"),
           ("legitimate-interests", "Legitimate interests"), ("contract", "Contract"),
           ("legal-obligation", "Legal obligation"), ("unsure", "Not sure yet"))),
    Field("owner", "Owner or steward", "text", "Who is accountable for it?"),
    Field("limits", "Gaps, bias and quality", "textarea", "Who or what does it miss or misrepresent?"),
), title_field="name")

STAKEHOLDER = NoteKind("stakeholder", "stakeholder", "stakeholders", (
    Field("name", "Stakeholder", "text", "A person, group or organisation.", required=True),
    Field("role", "Role", ROLE, "Which role card, if any, they hold."),
    Field("power", "Power over the decision", "scale", "1 none, 5 decisive.", ("None", "Decisive")),
    Field("interest", "Interest in the outcome", "scale", "1 unaffected, 5 deeply affected.",
          ("Unaffected", "Deeply affected")),
    Field("concern", "What they want or fear", "textarea"),
), title_field="name")

CONSEQUENCE = NoteKind("consequence", "consequence", "consequences", (
    Field("text", "Consequence", "textarea", "What could happen, to whom.", required=True),
    Field("intended", "Intended?", "select", "", (("intended", "Intended"), ("unintended", "Unintended"))),
    Field("valence", "Positive or negative?", "select", "", (("positive", "Positive"), ("negative", "Negative"))),
    Field("affected", "Who is affected", "text", "Name the people, especially those not in the room."),
    Field("horizon", "When", "select", "", (("short", "Within a year"), ("medium", "1 to 5 years"),
                                            ("long", "More than 5 years"))),
    Field("likelihood", "Likelihood", "select", "", LOW_MEDIUM_HIGH),
    Field("severity", "Severity", "select", "", LOW_MEDIUM_HIGH),
))

RESPONSE = NoteKind("response", "response", "responses", (
    Field("consequence", "Consequence", "links", "Which consequence this responds to.", required=True),
    Field("action", "Response", "select", "Act: it is ours to fix. Influence: others must act. Monitor: watch it.",
          (("act", "Act"), ("influence", "Influence"), ("monitor", "Monitor")), required=True),
    Field("owner", "Owning role", ROLE, "Who answers for it."),
    Field("why", "Why this response", "textarea"),
), title_field="consequence", links_to="consequence")

OPTION = NoteKind("option", "option", "options", (
    Field("title", "Option", "text", "", required=True),
    Field("description", "What it means", "textarea"),
    Field("support", "Support", "scale", "1 strongly oppose, 5 strongly support.", ("Oppose", "Support"),
          required=True),
    Field("pros", "For", "textarea"),
    Field("cons", "Against", "textarea"),
    Field("public_value", "Public value", "scale", "How much public value it creates.", ("Little", "Much")),
    Field("intrusion", "Intrusion", "scale", "How far it intrudes on privacy or autonomy.", ("Little", "Much")),
), title_field="title")

MITIGATION = NoteKind("mitigation", "mitigation", "mitigations", (
    Field("text", "Mitigation", "textarea", "A concrete step, not an intention.", required=True),
    Field("addresses", "Addresses", "links", "The consequences it reduces.", multiple=True),
    Field("owner", "Accountable role", ROLE),
    Field("due", "Done by", "date"),
), links_to="consequence")

SCORE_HELP = "0 none at all, 5 exemplary, as things stand with your mitigations."

STAGE_TYPES = Registry("stage type")  # declared as data: each StageType added below
for _stage in (
    StageType("purpose", "Purpose and public value", "Say what the project is for and whose value it creates.", (
        Field("goal", "What problem or goal is this for?", required=True),
        Field("public_value", "What public value would it create, and for whom?", required=True),
        Field("costs", "Who bears the costs or risks?"),
        Field("success", "How would you know it worked?"),
    )),
    StageType("data", "Know your data", "List each data source: where it comes from, whether it is personal, "
              "the legal basis, its owner and its gaps.", note=DATASET, default_min_notes=1),
    StageType("stakeholders", "Stakeholders and roles", "Name who is involved or affected and place them on a "
              "power/interest grid.", (
                  Field("missing", "Who is not in the room, and how will you hear from them?"),
              ), note=STAKEHOLDER, default_min_notes=2, visual="grid"),
    StageType("consequences", "Consequence scan", "Note the consequences, intended and unintended, positive "
              "and negative.", note=CONSEQUENCE, default_min_notes=3, visual="consequences"),
    StageType("prioritise", "Prioritise", "Spend your dots on the consequences that matter most, then decide to "
              "act, influence or monitor.", note=RESPONSE, default_min_notes=1, settings=frozenset({"dots"}),
              visual="dots"),
    StageType("options", "Weigh the options", "Place each option on the support scale with its pros and cons, "
              "and on the public value and intrusion grid.", note=OPTION, default_min_notes=1,
              settings=frozenset({"options"}), visual="matrix"),
    StageType("governance", "Mitigations and governance", "Plan mitigations with an accountable role, set a "
              "review date, and score the plan.", (
                  Field("review_date", "Review date", "date", "When the decision will be looked at again.",
                        required=True),
                  Field("transparency", "Transparency", "scale", SCORE_HELP, ("None", "Exemplary"), 0, 5, True),
                  Field("accountability", "Accountability", "scale", SCORE_HELP, ("None", "Exemplary"), 0, 5, True),
                  Field("fairness", "Fairness", "scale", SCORE_HELP, ("None", "Exemplary"), 0, 5, True),
                  Field("scores_reason", "Why these scores?"),
              ), note=MITIGATION, default_min_notes=1),
    StageType("opinions", "Opinion map", "Vote agree, disagree or pass on statements from the cohort, and add "
              "your own.", settings=frozenset({"statements", "allow_statements"}), visual="opinions"),
    StageType("decision", "Decision and reflection", "Make a recommendation, record dissent, and reflect on how "
              "your view moved.", (
                  Field("recommendation", "Your recommendation", required=True),
                  Field("dissent", "Dissent: the strongest case against, or a view in the group you did not adopt"),
                  Field("stance_before", "Before the exercise, how far did you support the proposal?", "scale", "",
                        ("Opposed", "Supported"), required=True),
                  Field("stance_after", "And now?", "scale", "", ("Opposed", "Supported"), required=True),
                  Field("stance_change", "How and why did your view move (or not)?", required=True),
              )),
):
    STAGE_TYPES.add(_stage)

STAGE_KEYS = {"type", "id", "title", "prompt", "min_notes", "simulation"}

DEFAULT_RUBRIC = [
    {"criterion": criterion, "levels": [
        {"points": 0, "description": "Missing"},
        {"points": 1, "description": "Partial: " + partial},
        {"points": 2, "description": "Sound: " + sound},
        {"points": 3, "description": "Excellent: " + excellent},
    ]} for criterion, partial, sound, excellent in (
        ("Breadth of consequences, including unintended ones and marginalised stakeholders",
         "a few obvious consequences", "intended and unintended, several groups",
         "wide and specific, including people not in the room"),
        ("Understanding of the data and its limits",
         "sources named", "sources, legal basis and some limits",
         "limits and bias shape the reasoning"),
        ("Quality of trade-off reasoning",
         "options listed", "pros and cons weighed", "weighed against public value, with a justified choice"),
        ("Concrete mitigations with named accountability",
         "intentions", "concrete steps", "concrete steps, owners and a review date"),
        ("Reflection",
         "states a view", "explains the view", "shows how and why the view moved, and records dissent"),
    )
]


def notes_kind(name):
    """The ``NoteKind`` called ``name`` (for links between stages)."""
    return next((s.note for s in STAGE_TYPES if s.note and s.note.name == name), None)


def clean_value(spec, value, roles=(), note_ids=()):
    """A submitted value for ``spec`` as stored, or raise ``ValueError`` with a reader's message."""
    if spec.kind in ("textarea", "text"):
        text = clean_text(value)
        if len(text) > spec.max_length:
            raise ValueError(f"“{spec.label}” is too long: at most {spec.max_length} characters.")
        return text
    text = clean_text(value, one_line=True)
    if text == "":
        return ""
    if spec.kind == "select":
        if text not in {v for v, _ in spec.choices}:
            raise ValueError(f"Choose one of the options for “{spec.label}”.")
        return text
    if spec.kind == ROLE:
        if text not in roles and text != "other":
            raise ValueError(f"Choose a role for “{spec.label}”.")
        return text
    if spec.kind == "scale":
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"“{spec.label}” is a whole number from {spec.low} to {spec.high}.") from None
        if not spec.low <= number <= spec.high:
            raise ValueError(f"“{spec.label}” is a whole number from {spec.low} to {spec.high}.")
        return number
    if spec.kind == "date":
        from datetime import date
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"“{spec.label}” is a date like 2027-03-31.") from None
    if spec.kind == "links":
        ids = [part for part in text.replace(" ", ",").split(",") if part]
        if not all(part.isdigit() and int(part) in note_ids for part in ids):
            raise ValueError(f"“{spec.label}” names a note that is not in this attempt.")
        return ",".join(ids)
    raise ValueError(f"unknown field kind {spec.kind}")
