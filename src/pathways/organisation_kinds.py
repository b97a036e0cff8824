"""Kinds of organisation, and how a lane in a model names one.

A lane's name is the kind's code or its name in English, Finnish or Swedish, case,
spacing, hyphens and underscores ignored, so "Employment area", "employment_area",
"Työllisyysalue" and "SYSSELSÄTTNINGSOMRÅDE" all mean the same kind.
A model that other pathways call may hold steps in the lane "Lead organisation": they
are done by whichever organisation the calling step's lane names.
"""

from __future__ import annotations

import re
from enum import StrEnum


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    WELLBEING_COUNTY = "wellbeing_county"
    EMPLOYMENT_AREA = "employment_area"
    ELY_CENTRE = "ely_centre"
    KELA = "kela"
    EDUCATION_PROVIDER = "education_provider"
    THIRD_SECTOR = "third_sector"


ENGLISH_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.MUNICIPALITY: "Municipality",
    OrganisationKind.WELLBEING_COUNTY: "Wellbeing services county",
    OrganisationKind.EMPLOYMENT_AREA: "Employment area",
    OrganisationKind.ELY_CENTRE: "ELY Centre",
    OrganisationKind.KELA: "Kela",
    OrganisationKind.EDUCATION_PROVIDER: "Education provider",
    OrganisationKind.THIRD_SECTOR: "Third sector",
}

FINNISH_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.MUNICIPALITY: "Kunta",
    OrganisationKind.WELLBEING_COUNTY: "Hyvinvointialue",
    OrganisationKind.EMPLOYMENT_AREA: "Työllisyysalue",
    OrganisationKind.ELY_CENTRE: "ELY-keskus",
    OrganisationKind.KELA: "Kela",
    OrganisationKind.EDUCATION_PROVIDER: "Koulutuksen järjestäjä",
    OrganisationKind.THIRD_SECTOR: "Kolmas sektori",
}

SWEDISH_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.MUNICIPALITY: "Kommun",
    OrganisationKind.WELLBEING_COUNTY: "Välfärdsområde",
    OrganisationKind.EMPLOYMENT_AREA: "Sysselsättningsområde",
    OrganisationKind.ELY_CENTRE: "NTM-central",
    OrganisationKind.KELA: "FPA",
    OrganisationKind.EDUCATION_PROVIDER: "Utbildningsanordnare",
    OrganisationKind.THIRD_SECTOR: "Tredje sektorn",
}

# The kinds every case team has one of: the client's municipality and those covering it.
TEAM_KINDS = (
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.WELLBEING_COUNTY,
    OrganisationKind.EMPLOYMENT_AREA,
)

# Kinds outside the statutory team that read a client's record only with the client's
# consent (the ELY Centre acts as an authority of its own steps, like the team).
CONSENT_KINDS = (
    OrganisationKind.KELA,
    OrganisationKind.EDUCATION_PROVIDER,
    OrganisationKind.THIRD_SECTOR,
)
NEEDS_CONSENT = frozenset(kind.value for kind in CONSENT_KINDS)


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


_BY_FOLDED = {
    _fold(name): kind
    for names in (ENGLISH_NAMES, FINNISH_NAMES, SWEDISH_NAMES)
    for kind, name in names.items()
} | {_fold(kind.value): kind for kind in OrganisationKind}


def lane_names(kind: OrganisationKind) -> str:
    """The names a lane may carry for the kind, as a problem lists them."""
    names = dict.fromkeys([ENGLISH_NAMES[kind], FINNISH_NAMES[kind], SWEDISH_NAMES[kind]])
    return " / ".join(names) + f" ({kind.value})"


LEAD_LANE = "Lead organisation"


def is_lead_lane(lane: str | None) -> bool:
    """Whether the lane stands for the lane of the step that called the process."""
    return lane is not None and _fold(lane) == _fold(LEAD_LANE)


def kind_for_lane(lane: str | None) -> OrganisationKind | None:
    """The organisation kind a lane names, or None if it names none."""
    if not lane:
        return None
    return _BY_FOLDED.get(_fold(lane))
