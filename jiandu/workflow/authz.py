"""Who may do what, where: roles, the permission matrix, principals and jurisdiction scope.

Everything about authorization is decided here; the service functions call `require` and
`Principal.can_see` and the web layer only turns the errors into HTTP statuses.

Permission matrix (✓ allowed):

==================  =====  =====  =======  ==========  =======  ======
permission          admin  chief  analyst  prosecutor  auditor  viewer
==================  =====  =====  =======  ==========  =======  ======
clue.read             ✓      ✓       ✓         ✓          ✓        ✓
clue.export           ✓      ✓       ✓         ✓
clue.work             ✓      ✓                 ✓                          (transitions, outcome, assign)
clue.approve          ✓      ✓                                            (approve or return proposals)
clue.sync             ✓              ✓                                    (load clues of model runs)
clue.reidentify       ✓      ✓                                            (再识别 of a verified clue)
personal.read         ✓      ✓                 ✓                          (unmasked ID/phone/address)
audit.read            ✓                                   ✓
stats.read            ✓      ✓       ✓         ✓          ✓        ✓
governance.read       ✓      ✓       ✓         ✓                   ✓
governance.draft      ✓      ✓                 ✓
user.admin            ✓
jurisdiction.admin    ✓
==================  =====  =====  =======  ==========  =======  ======

A chief (部门负责人) is a prosecutor who also approves: filing a case and issuing a suggestion
need a chief's (or an admin's) approval, never the proposer's own
(`jiandu.workflow.approvals`).

Jurisdiction scope: a principal sees the clues of its jurisdiction and everything below it
(county: its own; city: its counties; province: all of the province). A principal at a root of
the tree (no parent) also sees clues whose jurisdiction could not be determined.
Outside its scope an object is reported as not found, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from jiandu.workflow.errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    CHIEF = "chief"
    ANALYST = "analyst"
    PROSECUTOR = "prosecutor"
    AUDITOR = "auditor"
    VIEWER = "viewer"


ROLE_NAMES_ZH = {
    Role.ADMIN: "管理员",
    Role.CHIEF: "部门负责人",
    Role.ANALYST: "数据分析员",
    Role.PROSECUTOR: "检察官",
    Role.AUDITOR: "审计员",
    Role.VIEWER: "查看者",
}


class Permission(StrEnum):
    CLUE_READ = "clue.read"
    CLUE_EXPORT = "clue.export"
    CLUE_WORK = "clue.work"
    CLUE_APPROVE = "clue.approve"
    CLUE_SYNC = "clue.sync"
    CLUE_REIDENTIFY = "clue.reidentify"
    PERSONAL_READ = "personal.read"
    AUDIT_READ = "audit.read"
    STATS_READ = "stats.read"
    GOVERNANCE_READ = "governance.read"
    GOVERNANCE_DRAFT = "governance.draft"
    USER_ADMIN = "user.admin"
    JURISDICTION_ADMIN = "jurisdiction.admin"


P = Permission
_PROSECUTOR = frozenset(
    {
        P.CLUE_READ,
        P.CLUE_EXPORT,
        P.CLUE_WORK,
        P.PERSONAL_READ,
        P.STATS_READ,
        P.GOVERNANCE_READ,
        P.GOVERNANCE_DRAFT,
    }
)
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CHIEF: _PROSECUTOR | {P.CLUE_APPROVE, P.CLUE_REIDENTIFY},
    Role.ANALYST: frozenset({P.CLUE_READ, P.CLUE_EXPORT, P.CLUE_SYNC, P.STATS_READ, P.GOVERNANCE_READ}),
    Role.PROSECUTOR: _PROSECUTOR,
    Role.AUDITOR: frozenset({P.CLUE_READ, P.AUDIT_READ, P.STATS_READ}),
    Role.VIEWER: frozenset({P.CLUE_READ, P.STATS_READ, P.GOVERNANCE_READ}),
}

# Roles a clue can be assigned to (they may work it).
ASSIGNABLE_ROLES = frozenset(r for r, perms in PERMISSIONS.items() if P.CLUE_WORK in perms)


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r}; use one of {', '.join(r.value for r in Role)}") from None


def allowed(role: Role | str, permission: Permission) -> bool:
    return permission in PERMISSIONS[Role(role)]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: the user, their role and the jurisdiction codes they may see.

    Build one with `jiandu.workflow.users.principal_for` (or `authenticate`,
    `principal_from_token`); ``scope`` is the user's jurisdiction and all below it.
    """

    username: str
    role: Role
    jurisdiction_code: str
    scope: frozenset[str]
    sees_unassigned: bool  # at a root of the tree: also clues with no jurisdiction
    user_id: int | None = None
    masked: bool = False  # shown masked even if the role may see personal data (`masked_view`)

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)

    def can_see(self, jurisdiction_code: str | None) -> bool:
        if jurisdiction_code is None:
            return self.sees_unassigned
        return jurisdiction_code in self.scope

    @property
    def sees_personal_data(self) -> bool:
        return self.can(P.PERSONAL_READ) and not self.masked

    def masked_view(self) -> Principal:
        """The same principal, seeing personal data masked (nothing to log as a view)."""
        return replace(self, masked=True)

    @property
    def supervises(self) -> bool:
        """A chief or an admin: may approve, and reassign or work a colleague's clue."""
        return self.can(P.CLUE_APPROVE)


def require(principal: Principal, permission: Permission) -> None:
    """Raise `PermissionDenied` unless the principal's role has the permission."""
    if not principal.can(permission):
        raise PermissionDenied(
            f"role {principal.role.value} ({ROLE_NAMES_ZH[principal.role]}) may not {permission.value}",
            zh=f"您的角色（{ROLE_NAMES_ZH[principal.role]}）无权进行此操作",
        )
