"""What reading a response workbook gives back: the validated response, or errors that name their cells."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tenderscore.core.responses import BidResponse


@dataclass(frozen=True)
class CellError:
    """One problem with one cell, and what the bidder should do about it."""

    sheet: str
    cell: str  # e.g. "C7"
    criterion_id: str | None
    field: str  # e.g. "answer", "commitment", "email", "charity_number"
    message: str

    @property
    def where(self) -> str:
        """``Commitments!G5``: the sheet and cell, as a spreadsheet user writes them."""
        return f"{self.sheet}!{self.cell}"

    def __str__(self) -> str:
        return f"{self.where} ({self.criterion_id or self.field}): {self.message}"


@dataclass(frozen=True)
class BidderDetails:
    """The lead bidder as entered on the Bidder details sheet; a field is ``None`` when empty or invalid."""

    organisation_name: str | None = None
    company_number: str | None = None
    charity_number: str | None = None
    contact_name: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class WorkbookReading:
    """The outcome of reading one workbook.

    ``response`` is ``None`` whenever there is any error: a submission is accepted whole or not at all.
    ``price`` and ``vcse_total`` are computed by tenderscore from the lines, never taken from a cell's total.
    """

    response: BidResponse | None
    bidder: BidderDetails
    errors: tuple[CellError, ...]
    price: Decimal | None = None
    vcse_total: Decimal | None = None
    stated_vcse_share: Decimal | None = None  # percent, as the bidder stated it
    vcse_share: Decimal | None = None  # percent, computed: partners' £ / price x 100
    partner_cells: tuple[tuple[str, str], ...] = ()  # each partner's identifier cell (sheet, "C5"), in partners' order

    @property
    def ok(self) -> bool:
        return not self.errors
