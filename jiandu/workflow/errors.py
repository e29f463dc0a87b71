"""Errors the service layer raises; the web layer maps them to HTTP statuses (403, 404, 409, 400)."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base class: a request the workflow store refuses. ``str(error)`` is the message for the
    command line and the API; ``zh`` (when given) is what a page shows the prosecutor. A page
    without ``zh`` shows the message only when it is Chinese, else a Chinese sentence for the
    kind of error, with the message in its 技术信息 fold."""

    def __init__(self, message: str, *, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh


class PermissionDenied(WorkflowError):
    """The principal's role does not allow this action (HTTP 403)."""


class NotFound(WorkflowError):
    """No such object, or not in the principal's jurisdiction (HTTP 404: do not reveal which)."""


class InvalidTransition(WorkflowError):
    """The clue's lifecycle does not allow this change from its current status (HTTP 409)."""


class InvalidInput(WorkflowError):
    """A value is missing or not allowed (HTTP 400)."""


class AuthenticationFailed(WorkflowError):
    """Wrong user name, password or token, or the user is inactive (HTTP 401)."""
