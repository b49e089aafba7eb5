"""Exceptions: every failure of the C++ kernel arrives as NESTError (PyNEST's name)."""
from ._nestjit import NESTError


class NESTMLError(NESTError):
    """A model did not load; str() is the rendered diagnostics (file:line:col, caret, hint)."""

    def __init__(self, rendered, diagnostics):
        super().__init__(rendered)
        self.diagnostics = list(diagnostics)


class NotAvailable(NESTError):
    """Something PyNEST can do that nestjit cannot (yet); the message names it."""


class NESTErrors:
    """PyNEST's nest.NESTErrors namespace: the exception classes scripts catch."""
    NESTError = NESTError
    UnknownModelName = NESTError
    BadProperty = NESTError
    BadParameter = NESTError
    KernelException = NESTError
    NotImplemented = NotAvailable
