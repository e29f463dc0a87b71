"""Errors the service layer raises; the web layer maps them to HTTP statuses (403, 404, 409, 400)."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base class: a request the workflow store refuses, with a message fit for the user."""


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
