"""Domain errors. They are Django ``ValidationError``s so forms and the admin show them as such."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ObjectDoesNotExist, ValidationError


class DomainError(ValidationError):
    """A rule of the domain refused the change; the message is for the user, in Chinese.

    ``keep``: writes that must stand although the change is refused (an access-log row saying
    what the refusal told the user). The transaction of the refused change rolls them back with
    it, so whoever rolls back writes them again: ``keep_records``.
    """

    def __init__(self, message, code=None, params=None, *, keep: Iterable[Callable] = ()):
        super().__init__(message, code, params)
        self.keep = list(keep)


def keep_records(exc: BaseException) -> None:
    """Write what a refusal must leave on record, in the caller's transaction, after the one
    that held the refused change has rolled back."""
    for write in getattr(exc, "keep", ()):
        write()


class NotFound(ObjectDoesNotExist):
    """Missing, or outside what the actor may see: the two are deliberately the same answer."""
