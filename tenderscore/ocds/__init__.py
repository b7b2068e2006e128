"""Open Contracting Data Standard (OCDS 1.1, UK profile) releases and packages, built from the published facts in
``tenderscore.core.award``. Pure: plain dicts in and out, no database, no web. See README.md in this folder."""

from .jsonio import dumps, loads
from .merge import WHOLE_LIST_MERGE, compile_release, merge_object
from .record import EXTENSIONS, OCDS_VERSION, record_package, release_package
from .releases import award_release, award_status, contract_release, implementation_release, tender_release

__all__ = [
    "EXTENSIONS",
    "OCDS_VERSION",
    "WHOLE_LIST_MERGE",
    "award_release",
    "award_status",
    "compile_release",
    "contract_release",
    "dumps",
    "implementation_release",
    "loads",
    "merge_object",
    "record_package",
    "release_package",
    "tender_release",
]
