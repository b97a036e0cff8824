"""Converting an uploaded Camunda 7 model for a designer, who keeps or edits the result."""

from __future__ import annotations

from collections.abc import Mapping

from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.processes.camunda.convert import Conversion, convert
from pathways.settings import Settings


def convert_upload(
    *,
    data: bytes,
    groups: Mapping[str, str],
    key: str | None,
    actor: Actor,
    settings: Settings,
) -> Conversion:
    """The conversion of `data`; nothing is stored until the designer saves the model."""
    permissions.require_designer(actor)
    return convert(data, groups=groups, max_bytes=settings.max_bpmn_bytes, key=key)
