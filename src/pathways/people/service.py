"""Creating and finding organisations and users; building the case team."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pathways import clock
from pathways.errors import Conflict, InvalidData, NotFound
from pathways.organisation_kinds import TEAM_KINDS, OrganisationKind
from pathways.people.models import ApiToken, Coverage, LoginSession, Organisation, Role, User
from pathways.people.passwords import MIN_LENGTH, hash_password

_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NAME_LANGUAGES = ("fi", "sv", "en")


def _check_code(code: str, what: str) -> None:
    if not _CODE.fullmatch(code):
        raise InvalidData(f"a {what} is lower-case letters, digits, - or _ (at most 64)")


def create_organisation(
    session: Session,
    *,
    code: str,
    kind: str,
    name: str,
    covers: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
) -> Organisation:
    _check_code(code, "organisation code")
    kind = _kind(kind)
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise Conflict("an organisation of that code exists already")
    municipalities = set(covers)
    if kind == OrganisationKind.MUNICIPALITY:
        municipalities.add(code)  # a municipality serves its own residents
    for municipality in municipalities:
        _check_code(municipality, "municipality code")
    organisation = Organisation(
        code=code,
        kind=kind,
        name=name.strip()[:200],
        names=_names(names or {}),
        created_at=clock.now(),
    )
    organisation.coverage = [Coverage(municipality_code=m) for m in sorted(municipalities)]
    session.add(organisation)
    session.flush()
    return organisation


def update_organisation(
    session: Session,
    *,
    code: str,
    kind: str,
    name: str,
    covers: Iterable[str],
    names: Mapping[str, str] | None = None,
) -> Organisation:
    """Rename an organisation, change its kind or the municipalities it covers.

    `names` (language → name), when given, replaces the per-language names; an empty
    name drops that language, which then shows the one name.
    """
    organisation = get_organisation(session, code)
    kind = _kind(kind)
    municipalities = set(covers)
    if kind == OrganisationKind.MUNICIPALITY:
        municipalities.add(code)
    for municipality in municipalities:
        _check_code(municipality, "municipality code")
    organisation.kind = kind
    organisation.name = name.strip()[:200] or organisation.name
    if names is not None:
        organisation.names = _names(names)
    kept = {c.municipality_code: c for c in organisation.coverage}
    organisation.coverage = [
        kept.get(m) or Coverage(municipality_code=m) for m in sorted(municipalities)
    ]
    session.flush()
    return organisation


def _names(names: Mapping[str, str]) -> dict[str, str]:
    """Names in the languages of the pages only, trimmed; blank ones left out."""
    unknown = sorted(set(names) - set(NAME_LANGUAGES))
    if unknown:
        raise InvalidData(f"names are given in fi, sv and en only, not {', '.join(unknown)}")
    return {lang: text.strip()[:200] for lang, text in names.items() if text.strip()}


def _kind(kind: str) -> str:
    try:
        return OrganisationKind(kind).value
    except ValueError:
        known = ", ".join(k.value for k in OrganisationKind)
        raise InvalidData(f"unknown organisation kind (one of: {known})") from None


def get_organisation(session: Session, code: str) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.code == code))
    if found is None:
        raise NotFound("no such organisation")
    return found


def list_organisations(session: Session) -> Sequence[Organisation]:
    return session.scalars(select(Organisation).order_by(Organisation.code)).all()


def create_user(
    session: Session,
    *,
    login: str,
    organisation: str,
    roles: Iterable[str],
    name: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> User:
    _check_code(login, "login")
    role_values = sorted({_role(r) for r in roles})
    if not role_values:
        raise InvalidData("a user needs at least one role")
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise Conflict("a user of that login exists already")
    _check_password(password)
    user = User(
        login=login,
        name=(name or login).strip()[:200],
        email=email,
        password_hash=hash_password(password) if password else None,
        organisation=get_organisation(session, organisation),
        roles=role_values,
        active=True,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


def _check_password(password: str | None) -> None:
    if password is not None and len(password) < MIN_LENGTH:
        raise InvalidData(f"a password needs at least {MIN_LENGTH} characters")


def set_password(session: Session, *, login: str, password: str) -> User:
    _check_password(password)
    user = get_user(session, login)
    user.password_hash = hash_password(password)
    return user


def change_user(
    session: Session,
    *,
    login: str,
    name: str | None = None,
    email: str | None = None,
    organisation: str | None = None,
    roles: Iterable[str] | None = None,
) -> list[str]:
    """Change what is given; return the names of the fields that changed."""
    user = get_user(session, login)
    changed: list[str] = []
    if name is not None and name.strip() and name.strip()[:200] != user.name:
        user.name = name.strip()[:200]
        changed.append("name")
    if email is not None and (email.strip() or None) != user.email:
        user.email = email.strip() or None
        changed.append("email")
    if organisation is not None and organisation != user.organisation.code:
        user.organisation = get_organisation(session, organisation)
        changed.append("organisation")
    if roles is not None:
        role_values = sorted({_role(r) for r in roles})
        if not role_values:
            raise InvalidData("a user needs at least one role")
        if role_values != sorted(user.roles):
            user.roles = role_values
            changed.append("roles")
    session.flush()
    return changed


def set_active(session: Session, *, login: str, active: bool) -> User:
    """Activate or deactivate a user; deactivating ends their sessions and tokens at once."""
    user = get_user(session, login)
    user.active = active
    if not active:
        now = clock.now()
        for table in (LoginSession, ApiToken):
            session.execute(
                update(table)
                .where(table.user_id == user.id, table.revoked_at.is_(None))
                .values(revoked_at=now)
            )
    session.flush()
    return user


def _role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidData(f"unknown role (one of: {known})") from None


def get_user(session: Session, login: str) -> User:
    found = session.scalar(select(User).where(User.login == login))
    if found is None:
        raise NotFound("no such user")
    return found


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.login)).all()


def serving(session: Session, codes: Iterable[str], municipality: str) -> dict[str, bool]:
    """For each organisation code: whether it serves clients of `municipality`."""
    wanted = set(codes)
    covering = set(
        session.scalars(
            select(Organisation.code)
            .join(Coverage)
            .where(Organisation.code.in_(wanted), Coverage.municipality_code == municipality)
        )
    )
    return {code: code in covering for code in wanted}


def build_team(
    session: Session, *, municipality: str, kinds: Iterable[str], named: Mapping[str, str]
) -> dict[str, str]:
    """The organisation (by code) that serves a client of `municipality` for each kind.

    `named` (kind → organisation code) overrides the coverage lookup. Every kind in
    `kinds` (the lanes of the pathway) must be served, else nothing starts.
    """
    team: dict[str, str] = {}
    if named.get(OrganisationKind.MUNICIPALITY, municipality) != municipality:
        raise InvalidData("a case's municipality is the client's own: the team names no other")
    for kind, code in named.items():
        organisation = get_organisation(session, code)
        if organisation.kind != kind:
            raise InvalidData(f"the team names a {organisation.kind} organisation for another kind")
        team[kind] = code
    municipal = get_organisation(session, municipality)
    if municipal.kind != OrganisationKind.MUNICIPALITY:
        raise InvalidData("the client's municipality is not a municipality organisation")
    for wanted in sorted({*TEAM_KINDS, *kinds} - team.keys()):
        covering = _covering(session, wanted, municipality)
        if covering is not None:
            team[wanted] = covering
    missing = sorted(set(kinds) - team.keys())
    if missing:
        raise InvalidData(
            f"no organisation of kind {', '.join(missing)} covers the client's municipality"
            " (create one with --covers, or name it in the team)"
        )
    return team


def _covering(session: Session, kind: str, municipality: str) -> str | None:
    codes = session.scalars(
        select(Organisation.code)
        .join(Coverage)
        .where(Organisation.kind == kind, Coverage.municipality_code == municipality)
        .order_by(Organisation.code)
    ).all()
    if len(codes) > 1:
        raise InvalidData(
            f"several {kind} organisations cover the client's municipality: name one in the team"
        )
    return codes[0] if codes else None
