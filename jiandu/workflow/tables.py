"""The workflow store's tables (SQLAlchemy 2 declarative models).

One database (SQLite in the workspace, or PostgreSQL) holds:

- ``jurisdictions``: the tree of procuratorates (province → city → county), keyed by the
  six-digit administrative code (330000 浙江省人民检察院, 330600 绍兴市, 330602 越城区);
- ``courts`` and ``region_aliases``: how a clue finds its jurisdiction (court code in its case
  numbers, e.g. 浙0602 → 330602; or the region name the model ran with, e.g. zhejiang → 330000);
- ``users`` and ``api_tokens``: people, their role and jurisdiction; only hashes of secrets;
- ``clues``: clues pushed by models (the clue contract) with their workflow state;
- ``events`` and ``chain_head``: the hash-chained, append-only log of every change.

The schema is created and upgraded by the Alembic migrations in ``migrations/versions``; keep both
in step (``tests/workflow/test_migrations.py`` compares them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Jurisdiction(Base):
    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))  # province | city | county
    parent_code: Mapped[str | None] = mapped_column(String(12), ForeignKey("jurisdictions.code"), index=True)


class Court(Base):
    """A court by the code it puts in case numbers (浙0602), mapped to a jurisdiction."""

    __tablename__ = "courts"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    jurisdiction_code: Mapped[str] = mapped_column(String(12), ForeignKey("jurisdictions.code"))


class RegionAlias(Base):
    """A clue's ``region`` (parameter region of the run, e.g. zhejiang) → a jurisdiction."""

    __tablename__ = "region_aliases"

    alias: Mapped[str] = mapped_column(String(100), primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(12), ForeignKey("jurisdictions.code"))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    jurisdiction_code: Mapped[str] = mapped_column(String(12), ForeignKey("jurisdictions.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A token for scripts; only the SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Clue(Base):
    """A clue in the contract form plus its workflow state and milestones (for the funnel)."""

    __tablename__ = "clues"

    clue_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(50))
    subject_type: Mapped[str | None] = mapped_column(String(50))
    subject_key: Mapped[str | None] = mapped_column(String(400))
    subject_name: Mapped[str | None] = mapped_column(String(400))
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))
    explanation: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_id: Mapped[str | None] = mapped_column(String(100))
    first_run_id: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))  # as the clue gave it
    jurisdiction_code: Mapped[str | None] = mapped_column(String(12), ForeignKey("jurisdictions.code"))
    court: Mapped[str | None] = mapped_column(String(20))  # court code of most of its cases (浙0602)
    # workflow
    status: Mapped[str] = mapped_column(String(20), default="new")
    assignee: Mapped[str | None] = mapped_column(String(64))
    reject_reason: Mapped[str | None] = mapped_column(String(30))
    merged_into: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_model_version: Mapped[str | None] = mapped_column(String(50))
    # milestones: kept when the status moves on, so the funnel counts what happened
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    case_filed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    suggestion_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    changed_judgment_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # approval (jiandu.workflow.approvals): a pending proposal to file a case or issue a suggestion
    proposal: Mapped[str | None] = mapped_column(String(20))
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    proposed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # the running deadline (jiandu.workflow.deadlines): verification or the addressee's reply
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # feedback with the outcome, for the model's authors (a false positive names its cause)
    outcome_cause: Mapped[str | None] = mapped_column(String(30))
    outcome_feedback: Mapped[str | None] = mapped_column(Text)
    # 未再命中 (jiandu.workflow.not_found): the first successful run of the model that no longer
    # produced the clue, and when it finished. Cleared when a later run finds the clue again.
    not_found_run_id: Mapped[str | None] = mapped_column(String(100))
    not_found_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # keyset paging on (score desc, clue_id), alone and under each queue filter
        Index("ix_clues_score_clue_id", "score", "clue_id"),
        Index("ix_clues_status_score", "status", "score", "clue_id"),
        Index("ix_clues_model_score", "model_id", "score", "clue_id"),
        Index("ix_clues_band_score", "band", "score", "clue_id"),
        Index("ix_clues_jurisdiction_score", "jurisdiction_code", "score", "clue_id"),
        Index("ix_clues_assignee_score", "assignee", "score", "clue_id"),
        # related clues (jiandu.workflow.related): the same subject, the same court
        Index("ix_clues_subject_jurisdiction", "subject_key", "jurisdiction_code"),
        Index("ix_clues_court_related", "court", "jurisdiction_code", "score", "clue_id"),
        # counts over many clues, answered from covering indexes (migration 0007_desk_indexes)
        Index(
            "ix_clues_stats_created",
            "created_at",
            "jurisdiction_code",
            "model_id",
            "verified_at",
            "case_filed_at",
            "suggestion_at",
            "changed_judgment_at",
            "outcome",
        ),
        Index(
            "ix_clues_workload",
            "assignee",
            "status",
            "jurisdiction_code",
            "model_id",
            "verified_at",
            "created_at",
            "updated_at",
            "clue_id",
        ),
        Index(
            "ix_clues_model_classes",
            "model_id",
            "status",
            "jurisdiction_code",
            "created_at",
            "outcome",
            "court",
        ),
        Index("ix_clues_court_classes", "court", "status", "jurisdiction_code", "created_at", "outcome"),
        Index(
            "ix_clues_jurisdiction_state", "jurisdiction_code", "clue_id", "status", "outcome", "created_at"
        ),
        Index(
            "ix_clues_subject_classes",
            "subject_key",
            "subject_type",
            "jurisdiction_code",
            "status",
            "created_at",
            "outcome",
        ),
        # the desk: overdue clues, proposals awaiting approval
        Index("ix_clues_due_at", "due_at"),
        Index("ix_clues_proposal_jurisdiction", "proposal", "jurisdiction_code"),
        # a clue's state by id, without its wide row (the law-firm classes: jiandu.workflow.related)
        Index("ix_clues_id_state", "clue_id", "jurisdiction_code", "status", "outcome", "created_at"),
        # the queue's 只看未再命中 filter (migration 0009_clue_not_found)
        Index("ix_clues_not_found_score", "not_found_run_id", "score", "clue_id"),
    )


class Event(Base):
    """One change, hash-chained: ``hash = sha256(canonical fields + prev_hash)``."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    entity_type: Mapped[str] = mapped_column(String(20))  # clue | user | jurisdiction | store
    entity_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_events_entity", "entity_type", "entity_id", "seq"),
        Index("ix_events_clue_kind", "entity_type", "entity_id", "kind", "at"),  # migration 0007
    )


class ChainHead(Base):
    """The last event's seq and hash; locked (SELECT … FOR UPDATE) while appending."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class WebSession(Base):
    """A logged-in browser session (issue 12 §5), kept so that logout, a password change and
    deactivation end it for every server process and across restarts.

    Only the SHA-256 of the session id is stored; the id itself lives in the signed cookie.
    ``ended_at``/``end_reason`` (logout, password_changed, deactivated, replaced) mark it dead.
    """

    __tablename__ = "web_sessions"

    sid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(30))


class SessionCutoff(Base):
    """Sessions of the user issued at or before ``not_before`` are dead (password change,
    deactivation), including cookies the server has not seen yet."""

    __tablename__ = "session_cutoffs"

    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), primary_key=True)
    not_before: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """A failed login, by the user name typed (existing or not) and the client address; counted
    to lock an account or an address out for a while (kept only as long as the lock window)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )


class SearchEntry(Base):
    """One row of the search index (issue 13 §3): a clue, person, organisation or case.

    Rebuilt from the clues and the analytic store by `jiandu.workflow.search.rebuild_search_index`.
    ``body`` is the searchable text with ID and phone numbers masked, ``personal`` the unmasked
    identifiers (searched only for roles with personal.read). The full-text index over both is
    SQLite FTS5 (``search_fts``, trigram tokenizer) or PostgreSQL pg_trgm GIN indexes, made by
    migration 0004_search and not declared here (`jiandu.workflow.search.SEARCH_INDEX_OBJECTS`).
    """

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # clue | person | organization | case
    title: Mapped[str] = mapped_column(String(400))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    personal: Mapped[str] = mapped_column(Text, default="")
    jurisdiction_code: Mapped[str | None] = mapped_column(String(12))
    target: Mapped[str] = mapped_column(String(400))
    rank: Mapped[float] = mapped_column(Float, default=0.0)
    # a hash of the columns above (`jiandu.workflow.index_diff.fingerprint`); none: rewrite the row
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary(16))

    __table_args__ = (
        Index("ix_search_entries_kind_jurisdiction", "kind", "jurisdiction_code", "rank"),
        Index("ix_search_entries_fingerprint", "fingerprint"),
    )


class Notification(Base):
    """An in-app notice to one user (分派, 待审批, 审批通过, 退回), read or not
    (`jiandu.workflow.notifications`)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    clue_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_notifications_username_read", "username", "read_at", "id"),)


class ClueFirm(Base):
    """A law firm acting for a party in one of a clue's evidence documents: the law-firm classes
    of the 类案 view (`jiandu.workflow.related`) are counted from it in the workflow store.
    Rebuilt from the analytic store with the search index (`rebuild_search_index`)."""

    __tablename__ = "clue_firms"

    law_firm: Mapped[str] = mapped_column(String(200), primary_key=True)
    clue_id: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_clue_firms_clue_id", "clue_id"),)


_CLUE_PAGE = "/clues/"


def clue_target(clue_id: str) -> str:
    """Where a clue's search entry leads (its ``target``): the clue page."""
    return f"{_CLUE_PAGE}{clue_id}"


def clue_of_target(target: str) -> str | None:
    """The clue id of a clue's search entry ``target`` (`clue_target`); None for any other."""
    clue_id = target.removeprefix(_CLUE_PAGE)
    return clue_id if clue_id != target and clue_id and "/" not in clue_id else None
