"""The OKR vocabulary as validated pydantic models: cycles, teams, objectives, key results,
check-ins, meetings, actions, review decisions, scores, retrospectives and the audit log.

Pure data with validation and clear messages; no Textual, no TinyDB. Dates and times are plain
`datetime.date` / aware `datetime.datetime` (UTC) so a JSON round trip gives back equal models;
a cycle keeps its IANA timezone by name.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetPydanticSchema,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import core_schema

from okr_tui.domain.sources import Source

TITLE_MAX = 200
TEXT_MAX = 2000
NAME_MAX = 80


def new_id(prefix: str) -> str:
    """A fresh id such as `kr-3f9a2c1b`: random, so ids from two stores never clash on import.

    The store checks uniqueness when it saves, so an id is never reused.
    """
    return f"{prefix}-{secrets.token_hex(4)}"


# C0 controls, DEL and C1 controls (U+0080-U+009F: U+009B starts an escape sequence as ESC [
# does), plus the Unicode line and paragraph separators. A note may keep line breaks and tabs;
# a one-line field (a title, a name, a unit) keeps none, or `okr list` and the dashboard would
# show one key result on two lines.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKING_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_CHARACTERS_MESSAGE = "must not contain control characters"
LINE_BREAKS_MESSAGE = "must be one line, without tabs or control characters"


def line_problem(text: str) -> str | None:
    """Why `text` cannot be a one-line field (a title, a name, an id); None when it can."""
    return LINE_BREAKS_MESSAGE if _LINE_BREAKING_CHARACTERS.search(text) else None


def text_problem(text: str, limit: int = TEXT_MAX, *, one_line: bool = False) -> str | None:
    """What is wrong with a free text (a note, a reason; a name with `one_line`) before it
    reaches a model, worded as the fields show it; None when it is fine."""
    if len(text.strip()) > limit:
        return f"at most {limit} characters (this has {len(text.strip())})"
    if one_line:
        return line_problem(text)
    if _CONTROL_CHARACTERS.search(text):
        return CONTROL_CHARACTERS_MESSAGE
    return None


def _then(check: core_schema.CoreSchema, message: str) -> GetPydanticSchema:
    """After the field's own schema, `check` run by pydantic-core, its failure reported as
    the Python validators reported it ("Value error, " + message, type value_error).

    The same tests as line_problem / text_problem, without a call into Python for each field
    (Python validators here made 16k calls for a quarter's 4,200 check-ins at start-up: 25 M of
    okr's 2,468 M instructions to the first frame, and 0.09 s of an 8q export's 0.4 s of
    validation). Same error type, place and message as the Python validators gave; `okr
    schema` is unchanged (a chain's JSON schema is its first step's)."""
    error = core_schema.custom_error_schema(
        check, custom_error_type="value_error", custom_error_context={"error": message}
    )
    return GetPydanticSchema(
        lambda source, handler: core_schema.chain_schema([handler(source), error])
    )


# Rust-regex patterns (pydantic-core's default engine), where `$` is the end of the text only:
# the whole text holds none of the characters _CONTROL_CHARACTERS / _LINE_BREAKING_CHARACTERS
# search for.
_ONE_LINE = _then(
    core_schema.str_schema(pattern=r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"), LINE_BREAKS_MESSAGE
)
_NO_CONTROLS = _then(
    core_schema.str_schema(pattern=r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"),
    CONTROL_CHARACTERS_MESSAGE,
)

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX),
    _ONE_LINE,
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    _ONE_LINE,
]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=TEXT_MAX),
    _NO_CONTROLS,
]
OptionalName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=NAME_MAX),
    _ONE_LINE,
]


# A finite number (no NaN or infinity), checked by pydantic-core.
Number = Annotated[
    float, _then(core_schema.float_schema(allow_inf_nan=False), "must be a finite number")
]


class Model(BaseModel):
    """Base for every stored entity: strict about unknown fields, so typos in imports surface."""

    # defer_build: a model's validator is built on first use, so start-up only pays for the
    # models the first screen reads. An empty list's default is `default=[]` (pydantic copies
    # it for each record), not `default_factory=list`: pydantic reads a factory's signature,
    # and a builtin's is parsed from its text, 3 M instructions a field at start-up.
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, use_enum_values=False, defer_build=True
    )


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a timezone")
    return value.astimezone(UTC)


Moment = Annotated[datetime, AfterValidator(_aware_utc)]


# --- enumerations -------------------------------------------------------------------------


class CycleState(StrEnum):
    PLANNING = "planning"
    ACTIVE = "active"
    CLOSED = "closed"


class Cadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"

    @property
    def weeks(self) -> int:
        return 1 if self is Cadence.WEEKLY else 2


class Level(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    PERSONAL = "personal"


class ObjectiveKind(StrEnum):
    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"
    LEARNING = "learning"


class Status(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class KrType(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MILESTONE = "milestone"
    STAY_ABOVE = "stay_above"
    STAY_BELOW = "stay_below"

    @property
    def label(self) -> str:
        return {
            KrType.INCREASE: "increase to",
            KrType.DECREASE: "decrease to",
            KrType.MILESTONE: "milestone",
            KrType.STAY_ABOVE: "stay above",
            KrType.STAY_BELOW: "stay below",
        }[self]

    @property
    def has_line(self) -> bool:
        """True when progress is expected along a straight line from baseline to target (an
        increase or decrease); a milestone is done or not, a stay holds a level."""
        return self in (KrType.INCREASE, KrType.DECREASE)


class Confidence(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def symbol(self) -> str:
        """A shape as well as a colour (full, half, empty), since colour alone must never carry
        meaning: the one set every screen and export uses."""
        return {Confidence.ON_TRACK: "●", Confidence.AT_RISK: "◐", Confidence.OFF_TRACK: "○"}[self]

    @property
    def rank(self) -> int:
        """Higher is better: used to roll up and to compare week over week."""
        return {Confidence.ON_TRACK: 2, Confidence.AT_RISK: 1, Confidence.OFF_TRACK: 0}[self]

    @classmethod
    def from_score(cls, score: int) -> Confidence:
        """Map a 0-10 confidence to the three-level scale (7+ on track, 4-6 at risk)."""
        if score >= 7:
            return cls.ON_TRACK
        if score >= 4:
            return cls.AT_RISK
        return cls.OFF_TRACK


class ReviewDecisionKind(StrEnum):
    KEEP = "keep"
    ADJUST = "adjust"
    RETIRE = "retire"


# --- entities ---------------------------------------------------------------------------


class Team(Model):
    id: str = Field(default_factory=lambda: new_id("team"))
    name: Name
    members: list[Name] = Field(default=[])
    facilitator: OptionalName = ""
    order: int = 0


class Cycle(Model):
    """A quarter (or any period) of OKRs with the meeting rhythm the cadence engine follows."""

    id: str = Field(default_factory=lambda: new_id("cycle"))
    name: Name
    start: date
    end: date
    timezone: str = "UTC"
    meeting_weekday: int = Field(default=0, ge=0, le=6, description="Monday is 0")
    meeting_time: time = time(9, 0)
    cadence: Cadence = Cadence.WEEKLY
    skipped_dates: list[date] = Field(default=[])
    review_date: date | None = Field(
        default=None, description="Mid-quarter review; None means the middle week of the cycle"
    )
    state: CycleState = CycleState.PLANNING
    fiscal_start_month: int = Field(
        default=1,
        ge=1,
        le=12,
        description="Month the fiscal year starts in (1 = January); names and dates quarters",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"unknown timezone {value!r} (use a name like Europe/Berlin)"
            ) from error
        return value

    @field_validator("meeting_time")
    @classmethod
    def _naive_time(cls, value: time) -> time:
        return value.replace(tzinfo=None, microsecond=0)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.end <= self.start:
            raise ValueError("the cycle must end after it starts")
        if (self.end - self.start).days > 400:
            raise ValueError("a cycle can last at most 400 days")
        if self.review_date is not None and not self.start <= self.review_date <= self.end:
            raise ValueError("the review date must fall inside the cycle")
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class Objective(Model):
    id: str = Field(default_factory=lambda: new_id("obj"))
    cycle_id: str
    team_id: str | None = Field(default=None, description="None for a company objective")
    title: Title
    description: Text = ""
    owner: OptionalName = ""
    level: Level = Level.TEAM
    kind: ObjectiveKind = ObjectiveKind.COMMITTED
    parent_id: str | None = None
    status: Status = Status.ACTIVE
    retired_reason: Text = ""
    retired_at: Moment | None = None
    order: int = 0

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValueError("an objective cannot align to itself")
        if self.status is Status.RETIRED and not self.retired_reason:
            raise ValueError("retiring an objective needs a reason")
        return self


class KeyResult(Model):
    id: str = Field(default_factory=lambda: new_id("kr"))
    cycle_id: str
    objective_id: str
    title: Title
    owner: OptionalName = ""
    kr_type: KrType = KrType.INCREASE
    unit: OptionalName = ""
    baseline: Number = 0.0
    target: Number = 1.0
    weight: float = Field(default=1.0, gt=0, le=100)
    status: Status = Status.ACTIVE
    retired_reason: Text = ""
    retired_at: Moment | None = None
    order: int = 0
    # When the key result was added (the store stamps it). It owes the meetings from that day
    # on (cadence.first_day_owed), not the ones held before it existed. None: added before this
    # was recorded, read as planned with the cycle.
    created_at: Moment | None = None
    # Where its value can be read from (okr pull). Inert data: it runs only on a machine that
    # trusted its exact text (`okr sources --trust`). Left out of the file when there is none,
    # so stores and exports without sources stay as they were.
    source: Source | None = None

    @model_serializer(mode="wrap")
    def _without_empty_source(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        document: dict[str, Any] = handler(self)
        if document.get("source", 0) is None:
            del document["source"]
        return document

    @model_validator(mode="after")
    def _measurable(self) -> Self:
        if self.kr_type is KrType.MILESTONE:
            if (self.baseline, self.target) != (0.0, 1.0):
                # A milestone is done (1) or not done (0); normalise quietly.
                object.__setattr__(self, "baseline", 0.0)
                object.__setattr__(self, "target", 1.0)
        elif self.kr_type in (KrType.INCREASE, KrType.DECREASE):
            if self.baseline == self.target:
                raise ValueError("baseline and target must differ")
            if self.kr_type is KrType.INCREASE and self.target < self.baseline:
                raise ValueError("an 'increase' key result needs a target above its baseline")
            if self.kr_type is KrType.DECREASE and self.target > self.baseline:
                raise ValueError("a 'decrease' key result needs a target below its baseline")
        if self.status is Status.RETIRED and not self.retired_reason:
            raise ValueError("retiring a key result needs a reason")
        return self

    @property
    def is_active(self) -> bool:
        return self.status is Status.ACTIVE


class CheckIn(Model):
    """One KR's update at one meeting. Append-only: a correction is a new check-in that
    `supersedes` the earlier one for the same meeting."""

    id: str = Field(default_factory=lambda: new_id("ci"))
    cycle_id: str
    kr_id: str
    meeting_date: date = Field(description="The scheduled local date of the meeting")
    value: Number
    # None: a value read from a source (okr pull), whose confidence the owner or the meeting
    # gives; such a check-in does not settle the meeting's check-in (cadence.check_ins_due).
    confidence: Confidence | None
    confidence_score: int | None = Field(default=None, ge=0, le=10)
    note: Text = ""
    blockers: Text = ""
    author: OptionalName = ""
    recorded_at: Moment
    supersedes: str | None = None
    in_meeting: bool = Field(
        default=False,
        description="Typed in the meeting's walk (a correction or a first check-in given in the "
        "room), not an update given before the meeting",
    )


class Action(Model):
    """A next step agreed under a key result."""

    id: str = Field(default_factory=lambda: new_id("act"))
    cycle_id: str
    kr_id: str
    text: Title
    owner: OptionalName = ""
    due: date | None = None
    done: bool = False
    done_at: Moment | None = Field(
        default=None, description="When it was ticked off (none for one done before schema 3)"
    )
    created_at: Moment
    meeting_date: date | None = None


class Meeting(Model):
    """The record of one check-in meeting, frozen once closed so any past week can be replayed
    (a new walk of the same meeting adds its parked topics, and closing it again its people and
    check-ins, to this same record)."""

    id: str = Field(default_factory=lambda: new_id("mtg"))
    cycle_id: str
    team_id: str | None = Field(default=None, description="None when all teams met together")
    meeting_date: date
    facilitator: OptionalName = ""
    attendees: list[Name] = Field(default=[])
    check_in_ids: list[str] = Field(default=[])
    action_ids: list[str] = Field(default=[])
    decisions: list[Text] = Field(default=[])
    parked_topics: list[Text] = Field(default=[])
    notes: Text = ""
    closed_at: Moment | None = None
    reviewed_kr_ids: list[str] = Field(
        default=[],
        description="Key results whose update given before the meeting was accepted in it, "
        "unchanged (no new check-in)",
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ReviewDecision(Model):
    """A mid-quarter decision on one key result."""

    id: str = Field(default_factory=lambda: new_id("rev"))
    cycle_id: str
    kr_id: str
    decision: ReviewDecisionKind
    old_target: Number | None = None
    new_target: Number | None = None
    reason: Text = ""
    decided_at: Moment
    author: OptionalName = ""

    @model_validator(mode="after")
    def _reason_when_changing(self) -> Self:
        if self.decision is not ReviewDecisionKind.KEEP and not self.reason:
            raise ValueError(f"'{self.decision.value}' needs a reason")
        if self.decision is ReviewDecisionKind.ADJUST and self.new_target is None:
            raise ValueError("adjusting needs a new target")
        return self


class Review(Model):
    """A finished mid-quarter review of one team (or all), so it is no longer reported due."""

    id: str = Field(default_factory=lambda: new_id("review"))
    cycle_id: str
    team_id: str | None = None
    completed_at: Moment
    decision_ids: list[str] = Field(default=[])


class Score(Model):
    """The end-of-cycle score of a key result: the suggestion from progress and the one given."""

    id: str = Field(default_factory=lambda: new_id("score"))
    cycle_id: str
    kr_id: str
    suggested: float = Field(ge=0, le=1)
    given: float = Field(ge=0, le=1)
    reason: Text = ""
    scored_at: Moment

    @field_validator("suggested", "given")
    @classmethod
    def _tenths(cls, value: float) -> float:
        return round(value, 1)

    @model_validator(mode="after")
    def _reason_when_overridden(self) -> Self:
        if abs(self.given - self.suggested) > 1e-9 and not self.reason:
            raise ValueError("a score that differs from the suggestion needs a reason")
        return self


class Retrospective(Model):
    id: str = Field(default_factory=lambda: new_id("retro"))
    cycle_id: str
    team_id: str | None = None
    keep_doing: list[Text] = Field(default=[], description="continue")
    stop_doing: list[Text] = Field(default=[], description="stop")
    start_doing: list[Text] = Field(default=[], description="start")
    written_at: Moment


class AuditEntry(Model):
    """One change to a key result or objective, kept forever: who, when, what, why."""

    id: str = Field(default_factory=lambda: new_id("audit"))
    cycle_id: str
    entity_id: str
    field: str
    old: str | float | int | bool | None = None
    new: str | float | int | bool | None = None
    reason: Text = ""
    author: OptionalName = ""
    at: Moment
