"""Use-cases: core + db + audit. Services change and flush; the caller that owns the transaction commits once."""

from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError, StaleRecord

__all__ = ["Conflict", "Forbidden", "NotFound", "ServiceError", "StaleRecord"]
