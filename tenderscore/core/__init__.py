"""The scoring core: pure, stdlib-only, Decimal throughout. See README.md in this folder for the rule and the API."""

from .errors import ScoringError
from .evaluate import evaluate
from .flags import SPREAD_STEPS, needs_discussion, score_spread
from .inputs import scale_problem
from .methods import DEFAULT_METHODS, Field, Method, method, method_for, method_names, register
from .numbers import display
from .policy import Breach, MandatoryCommitment, Policy, apply_policy_thresholds, check_policy
from .ranking import competition_ranks
from .responses import BidResponse, Consensus, ScoreKey, VcsePartner
from .results import BidResult, Evaluation, Exclusion, ExclusionCode, Flag, FlagCode
from .rubric import (
    DEFAULT_TIE_BREAK,
    Band,
    Criterion,
    CriterionKind,
    Measure,
    Rubric,
    Scale,
    ScaleLevel,
    Section,
    SectionCategory,
    TieBreak,
    Unit,
)
from .score_change import ScoreChange
from .sensitivity import SensitivityFinding, sensitivity
from .validation import Problem, check_rubric, rubric_problems
from .vcse import vcse_share, vcse_share_disagreement
from .weight_shift import WeightShift

__all__ = [
    "DEFAULT_METHODS",
    "DEFAULT_TIE_BREAK",
    "SPREAD_STEPS",
    "Band",
    "BidResponse",
    "BidResult",
    "Breach",
    "Consensus",
    "Criterion",
    "CriterionKind",
    "Evaluation",
    "Exclusion",
    "ExclusionCode",
    "Field",
    "Flag",
    "FlagCode",
    "MandatoryCommitment",
    "Measure",
    "Method",
    "Policy",
    "Problem",
    "Rubric",
    "Scale",
    "ScaleLevel",
    "ScoreChange",
    "ScoreKey",
    "ScoringError",
    "Section",
    "SectionCategory",
    "SensitivityFinding",
    "TieBreak",
    "Unit",
    "VcsePartner",
    "WeightShift",
    "apply_policy_thresholds",
    "check_policy",
    "check_rubric",
    "competition_ranks",
    "display",
    "evaluate",
    "method",
    "method_for",
    "method_names",
    "needs_discussion",
    "register",
    "rubric_problems",
    "score_spread",
    "scale_problem",
    "sensitivity",
    "vcse_share",
    "vcse_share_disagreement",
]
