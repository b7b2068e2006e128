"""Use-cases: core + db + audit. Services change and flush; the caller that owns the transaction commits once."""

from tenderscore.services.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RecordedRefusal,
    ServiceError,
    StaleRecord,
)

__all__ = ["Conflict", "Forbidden", "NotFound", "RecordedRefusal", "ServiceError", "StaleRecord"]
