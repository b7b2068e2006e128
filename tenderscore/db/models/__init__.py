"""SQLModel tables of the whole domain (docs/records.md). Import from here."""

from tenderscore.db.models.audit import GENESIS_HASH, AuditEvent
from tenderscore.db.models.base import id_of, metadata
from tenderscore.db.models.bids import Award, Submission
from tenderscore.db.models.clarifications import Clarification, ClarificationAnswer, ClarificationChange
from tenderscore.db.models.contracts import (
    AwardChallenge,
    Contract,
    ContractCommitment,
    ContractKpi,
    DocumentKind,
    IssuedDocument,
    OcdsRelease,
)
from tenderscore.db.models.delivery import (
    DeliveryReturn,
    KpiRating,
    KpiVariation,
    PerformanceNotice,
    ReturnFigure,
    ReturnSpend,
)
from tenderscore.db.models.evaluation import (
    ConflictOfInterest,
    ConsensusScore,
    EvaluatorAssignment,
    Score,
    ScoringCompletion,
)
from tenderscore.db.models.jobs import Job, JobKind, JobState
from tenderscore.db.models.people import Nation, Organisation, OrganisationKind, Role, User
from tenderscore.db.models.register import (
    OrganisationIdentifier,
    PartnerConfirmation,
    RegisterEntry,
    RegisterOffer,
    Verification,
)
from tenderscore.db.models.tenders import Policy, Tender, TenderStatus

__all__ = [
    "ReturnSpend",
    "ReturnFigure",
    "PerformanceNotice",
    "KpiVariation",
    "KpiRating",
    "DeliveryReturn",
    "GENESIS_HASH",
    "AuditEvent",
    "Award",
    "AwardChallenge",
    "Clarification",
    "ClarificationAnswer",
    "ClarificationChange",
    "ConflictOfInterest",
    "ConsensusScore",
    "Contract",
    "ContractCommitment",
    "ContractKpi",
    "DocumentKind",
    "EvaluatorAssignment",
    "IssuedDocument",
    "Job",
    "JobKind",
    "JobState",
    "Nation",
    "OcdsRelease",
    "Organisation",
    "OrganisationIdentifier",
    "OrganisationKind",
    "PartnerConfirmation",
    "Policy",
    "RegisterEntry",
    "RegisterOffer",
    "Role",
    "Score",
    "ScoringCompletion",
    "Submission",
    "Tender",
    "TenderStatus",
    "User",
    "Verification",
    "id_of",
    "metadata",
]
