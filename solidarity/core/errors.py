"""Domain errors raised by services. Views and the API turn them into clear messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation a service refuses. `code` is machine-readable."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidAmount(DomainError):
    code = "invalid_amount"


class UnknownCurrency(DomainError):
    code = "unknown_currency"


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class InsufficientFunds(InvalidTransition):
    """An outflow a person started would take a campaign fund below zero (409 in the API)."""

    code = "insufficient_funds"


class UnbalancedTransaction(DomainError):
    code = "unbalanced_transaction"


class ImmutableRecord(DomainError):
    code = "immutable_record"


class NotAllowed(DomainError):
    code = "not_allowed"
