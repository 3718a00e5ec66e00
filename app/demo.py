"""``flask demo seed``: demo accounts and cohorts for trying the site (never in production)."""
import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from .extensions import db
from .models import Cohort, Role, User

demo_cli = AppGroup("demo", help="Demo accounts for development.")

DEMO_PASSWORD = "leadup-demo-2026"
COHORTS = [("PGCert 2026–27", "pgcert"), ("Executive Education Sept 2026", "executive")]
ACCOUNTS = [
    # email, name, role, cohort names
    ("admin@leadup.example", "Alex Admin", Role.ADMIN, []),
    ("tutor@leadup.example", "Dr Tara Tutor", Role.TUTOR, ["PGCert 2026–27", "Executive Education Sept 2026"]),
    ("amira@leadup.example", "Amira Khan", Role.STUDENT, ["PGCert 2026–27"]),
    ("ben@leadup.example", "Ben Okafor", Role.STUDENT, ["PGCert 2026–27"]),
    ("carla@leadup.example", "Carla Jensen", Role.STUDENT, ["Executive Education Sept 2026"]),
]


def seed():
    """Create the demo cohorts and accounts if missing; returns the account list."""
    cohorts = {}
    for name, level in COHORTS:
        cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == name))
        if cohort is None:
            cohort = Cohort(name=name, level_id=level)
            db.session.add(cohort)
        cohorts[name] = cohort
    for email, name, role, cohort_names in ACCOUNTS:
        user = User.by_email(email)
        if user is None:
            user = User(email=email, name=name, role=role.value)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            db.session.flush()
        for cohort_name in cohort_names:
            cohort = cohorts[cohort_name]
            db.session.flush()
            cohort.enrol(user, Role.TUTOR.value if role == Role.TUTOR else Role.STUDENT.value)
    db.session.commit()
    _seed_groups(cohorts.values())
    _seed_discussions(cohorts.values())
    return ACCOUNTS


def _seed_discussions(cohorts):
    """One welcome topic per cohort, from its tutor, so the discussion list is not empty."""
    from .discussions import service
    from .models import DiscussionTopic

    tutor = User.by_email("tutor@leadup.example")
    for cohort in cohorts:
        if db.session.scalar(sa.select(DiscussionTopic.id).where(DiscussionTopic.cohort_id == cohort.id).limit(1)):
            continue
        topic = service.start_topic(cohort, tutor, "Introduce yourself",
                                    "Welcome to the course! Tell us your name, where you work, and one "
                                    "digital service in your city you would like to change.\n\nReply below.")
        service.moderate_topic(topic, "pin")


def _seed_groups(cohorts):
    """Put each cohort's students in tables of four for the group deliberation exercises."""
    from .content import current_course
    from .deliberation import service

    for cohort in cohorts:
        for exercise in current_course().deliberations_for_levels([cohort.level_id]):
            if service.settings_for(exercise, cohort).mode == "group" and not service.groups_of(exercise, cohort):
                service.make_groups(exercise, cohort, 4)


@demo_cli.command("seed")
def seed_command():
    """Create demo cohorts and accounts, then print their logins."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("refusing to create demo accounts in production")
    accounts = seed()
    click.echo(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
    for email, name, role, cohort_names in accounts:
        where = ", ".join(cohort_names) or "all cohorts"
        click.echo(f"  {role.value:<8} {email:<24} {name} ({where})")
    click.echo("")


def init_app(app):
    app.cli.add_command(demo_cli)
