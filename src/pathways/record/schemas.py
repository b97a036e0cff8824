"""The record, consents and corrections as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pathways.record.models import Consent, ConsentMethod
from pathways.record.service import Answer, ReadableEntry, Recipient
from pathways.tasks.schemas import TaskDetailOut


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: list[str] = Field(
        min_length=1, max_length=7, description="kela, education_provider or third_sector"
    )
    steps: list[str] = Field(
        default_factory=list, max_length=50, description="BPMN ids of steps; empty: every step"
    )
    given_on: date
    method: ConsentMethod = Field(description="in_person, written or by_interpreter")


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: date | None = Field(default=None, description="default: today")


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    instance_id: int
    kinds: list[str]
    steps: list[str]
    given_on: date
    method: str
    recorded_by: str
    recorded_at: datetime
    withdrawn_on: date | None
    withdrawn_by: str | None
    active: bool

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        return cls.model_validate(consent)


class AnswerOut(BaseModel):
    field: str
    title: str
    value: Any
    shared_with: list[str] = Field(description="organisation kinds that may read it, too")
    corrected: bool

    @classmethod
    def of(cls, answer: Answer) -> AnswerOut:
        return cls(**answer.__dict__)


class CorrectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    corrected_at: datetime
    corrected_by: str
    reason: str
    previous: dict[str, Any] = Field(description="the fields' values before this correction")


class EntryOut(BaseModel):
    id: int
    task_id: int
    step: str
    organisation: str
    recorded_by: str | None
    recorded_at: datetime
    answers: list[AnswerOut]
    corrections: list[CorrectionOut]

    @classmethod
    def of(cls, shown: ReadableEntry) -> EntryOut:
        entry = shown.entry
        readable = {a.field for a in shown.answers}
        return cls(
            id=entry.id,
            task_id=entry.task_id,
            step=entry.step,
            organisation=entry.organisation.code,
            recorded_by=entry.recorded_by.login if entry.recorded_by else None,
            recorded_at=entry.recorded_at,
            answers=[AnswerOut.of(a) for a in shown.answers],
            # earlier values only of the fields the reader may read
            corrections=[
                CorrectionOut(
                    corrected_at=c.corrected_at,
                    corrected_by=c.corrected_by,
                    reason=c.reason,
                    previous={k: v for k, v in c.previous.items() if k in readable},
                )
                for c in entry.corrections
            ],
        )


class RecipientOut(BaseModel):
    organisation: str
    fields: list[str] = Field(description="titles of the fields shared with it")
    waits_for_consent: bool

    @classmethod
    def of(cls, recipient: Recipient) -> RecipientOut:
        return cls(
            organisation=recipient.organisation.code,
            fields=recipient.fields,
            waits_for_consent=recipient.waits_for_consent,
        )


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="why the step is done again")


class ReopeningOut(BaseModel):
    """A manager sent the case back to this step; `previous`: the answers it then held,
    as far as the reader may read them."""

    task_id: int
    reopened_at: datetime
    reopened_by: str
    reason: str
    previous: dict[str, Any] = Field(default_factory=dict)


class RecordedTaskOut(TaskDetailOut):
    """A task with what was recorded at it and what others shared for it."""

    answers: EntryOut | None = Field(description="this step's recorded answers (when completed)")
    shared_with_you: list[EntryOut] = Field(
        description="fields of earlier steps other organisations shared with yours"
    )
    shared_by_this_step: list[RecipientOut] = Field(
        description="who this step's answers are shared with, and which fields"
    )
    consent_awaited: str | None = Field(
        description="the organisation kind whose consent the step waits for (requiresConsent)"
    )
    reopenable: bool = Field(
        default=False, description="the model lets a manager reopen this step once completed"
    )
    reopenings: list[ReopeningOut] = Field(
        default_factory=list, description="each time a manager sent the case back to this step"
    )


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: dict[str, Any] = Field(description="field → corrected value (null removes it)")
    reason: str = Field(min_length=1, max_length=1000)
