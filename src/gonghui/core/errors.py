"""Domain errors. They are Django ``ValidationError``s so forms and the admin show them as such."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError


class DomainError(ValidationError):
    """A rule of the domain refused the change; the message is for the user, in Chinese."""


class NotFound(ObjectDoesNotExist):
    """Missing, or outside what the actor may see: the two are deliberately the same answer."""
