"""Demo organisations and people: one client journey's worth of authorities.

Fictional names. `load` is idempotent, so `make run` may call it every time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.people import service as people
from pathways.people.models import Organisation, User
from pathways.people.passwords import DEMO_PASSWORD


@dataclass(frozen=True)
class DemoOrganisation:
    code: str
    kind: str
    name: str
    covers: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (language, name): fi, sv, en


@dataclass(frozen=True)
class DemoUser:
    login: str
    name: str
    organisation: str
    roles: tuple[str, ...]


def _names(fi: str, sv: str, en: str) -> tuple[tuple[str, str], ...]:
    return (("fi", fi), ("sv", sv), ("en", en))


_BOTH = ("barsby", "ekby")
ORGANISATIONS = (
    DemoOrganisation(
        "barsby",
        "municipality",
        "Barsby",
        names=_names("Barsbyn kunta", "Barsby kommun", "Barsby"),
    ),
    DemoOrganisation(
        "ekby",
        "municipality",
        "Ekby",
        names=_names("Ekbyn kunta", "Ekby kommun", "Ekby"),
    ),
    DemoOrganisation(
        "westland-wbc",
        "wellbeing_county",
        "Westland wellbeing services county",
        _BOTH,
        _names(
            "Länsimaan hyvinvointialue",
            "Västlands välfärdsområde",
            "Westland wellbeing services county",
        ),
    ),
    DemoOrganisation(
        "westland-ea",
        "employment_area",
        "Westland employment area",
        _BOTH,
        _names(
            "Länsimaan työllisyysalue",
            "Västlands sysselsättningsområde",
            "Westland employment area",
        ),
    ),
    DemoOrganisation(
        "barsby-college",
        "education_provider",
        "Barsby adult education centre",
        _BOTH,
        _names("Barsbyn aikuisopisto", "Barsby vuxeninstitut", "Barsby adult education centre"),
    ),
    DemoOrganisation(
        "westland-ely",
        "economic_development_centre",
        "Westland Economic Development Centre",
        _BOTH,
        _names(
            "Länsimaan elinvoimakeskus",
            "Livskraftscentralen i Västland",
            "Westland Economic Development Centre",
        ),
    ),
    DemoOrganisation(
        "barsby-forum",
        "third_sector",
        "Barsby multicultural forum",
        _BOTH,
        _names(
            "Barsbyn monikulttuurinen foorumi",
            "Barsby mångkulturella forum",
            "Barsby multicultural forum",
        ),
    ),
)

USERS = (
    DemoUser("anna", "Anna Aalto", "barsby", ("caseworker",)),
    DemoUser("ville", "Ville Virtanen", "westland-ea", ("caseworker",)),
    DemoUser("helmi", "Helmi Heikkinen", "westland-wbc", ("caseworker",)),
    DemoUser("erik", "Erik Lind", "barsby-college", ("caseworker",)),
    DemoUser("elina", "Elina Ek", "westland-ely", ("caseworker",)),
    DemoUser("tuomas", "Tuomas Toivonen", "barsby-forum", ("caseworker",)),
    DemoUser("maija", "Maija Mäkelä", "westland-ea", ("manager",)),
    DemoUser("dana", "Dana Designer", "barsby", ("designer",)),
    DemoUser("admin", "Demo Administrator", "barsby", ("admin",)),
)


def load(session: Session, *, passwords: bool = False) -> tuple[int, int]:
    """Create whatever of the demo is missing; return (organisations, users) created.

    With `passwords` (demo mode only) every demo user can log in with `DEMO_PASSWORD`,
    which the login refuses whenever the service is not in demo mode.
    """
    existing_orgs = set(session.scalars(select(Organisation.code)))
    existing_users = set(session.scalars(select(User.login)))
    new_orgs = [o for o in ORGANISATIONS if o.code not in existing_orgs]
    new_users = [u for u in USERS if u.login not in existing_users]
    for org in new_orgs:
        people.create_organisation(
            session,
            code=org.code,
            kind=org.kind,
            name=org.name,
            covers=org.covers,
            names=dict(org.names),
        )
    _name_in_every_language(session)
    for user in new_users:
        people.create_user(
            session,
            login=user.login,
            name=user.name,
            organisation=user.organisation,
            roles=user.roles,
        )
    if passwords:
        for user in USERS:
            people.set_password(session, login=user.login, password=DEMO_PASSWORD)
    return len(new_orgs), len(new_users)


def _name_in_every_language(session: Session) -> None:
    """Demo organisations made before names had languages get theirs; edited ones stay."""
    demo = {o.code: o for o in ORGANISATIONS}
    for organisation in session.scalars(select(Organisation).where(Organisation.code.in_(demo))):
        if not organisation.names:
            organisation.names = dict(demo[organisation.code].names)
