"""Kinds of organisation, and how a lane in a model names one.

A lane's name is the kind's code or its name in English, Finnish or Swedish, case,
spacing, hyphens and underscores ignored, so "Employment area", "employment_area",
"Työllisyysalue" and "SYSSELSÄTTNINGSOMRÅDE" all mean the same kind.
A model that other pathways call may hold steps in the lane "Lead organisation": they
are done by whichever organisation the calling step's lane names.

On 1.1.2026 the Economic Development Centres (elinvoimakeskus, livskraftscentral) took
over the ELY Centres' integration duties (Act 531/2025). The old code `ely_centre` and
the old lane names still name the new kind, so existing data and models keep working.
"""

from __future__ import annotations

import re
from enum import StrEnum


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    WELLBEING_COUNTY = "wellbeing_county"
    EMPLOYMENT_AREA = "employment_area"
    ECONOMIC_DEVELOPMENT_CENTRE = "economic_development_centre"
    KELA = "kela"
    EDUCATION_PROVIDER = "education_provider"
    THIRD_SECTOR = "third_sector"

    @classmethod
    def _missing_(cls, value: object) -> OrganisationKind | None:
        return RENAMED_CODES.get(value) if isinstance(value, str) else None


# Codes of kinds that were renamed, still read as the kind they became.
RENAMED_CODES = {"ely_centre": OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE}


ENGLISH_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.MUNICIPALITY: "Municipality",
    OrganisationKind.WELLBEING_COUNTY: "Wellbeing services county",
    OrganisationKind.EMPLOYMENT_AREA: "Employment area",
    OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE: "Economic Development Centre",
    OrganisationKind.KELA: "Kela",
    OrganisationKind.EDUCATION_PROVIDER: "Education provider",
    OrganisationKind.THIRD_SECTOR: "Third sector",
}

FINNISH_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.MUNICIPALITY: "Kunta",
    OrganisationKind.WELLBEING_COUNTY: "Hyvinvointialue",
    OrganisationKind.EMPLOYMENT_AREA: "Työllisyysalue",
    OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE: "Elinvoimakeskus",
    OrganisationKind.KELA: "Kela",
    OrganisationKind.EDUCATION_PROVIDER: "Koulutuksen järjestäjä",
    OrganisationKind.THIRD_SECTOR: "Kolmas sektori",
}

SWEDISH_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.MUNICIPALITY: "Kommun",
    OrganisationKind.WELLBEING_COUNTY: "Välfärdsområde",
    OrganisationKind.EMPLOYMENT_AREA: "Sysselsättningsområde",
    OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE: "Livskraftscentral",
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
# consent (the Economic Development Centre acts as an authority of its own steps, like the
# team).
CONSENT_KINDS = (
    OrganisationKind.KELA,
    OrganisationKind.EDUCATION_PROVIDER,
    OrganisationKind.THIRD_SECTOR,
)
NEEDS_CONSENT = frozenset(kind.value for kind in CONSENT_KINDS)


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


# Lane names of renamed kinds, as models drawn before the change carry them.
_OLD_LANE_NAMES = {
    "ELY Centre": OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE,
    "ELY-keskus": OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE,
    "NTM-central": OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE,
    "NTM-centralen": OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE,
}

_BY_FOLDED = (
    {
        _fold(name): kind
        for names in (ENGLISH_NAMES, FINNISH_NAMES, SWEDISH_NAMES)
        for kind, name in names.items()
    }
    | {_fold(name): kind for name, kind in _OLD_LANE_NAMES.items()}
    | {_fold(kind.value): kind for kind in OrganisationKind}
    | {_fold(code): kind for code, kind in RENAMED_CODES.items()}
)


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
