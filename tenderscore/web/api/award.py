"""The award's steps after the decision, the documents issued, and the tender's OCDS open data."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import access, award_path, contracts, documents, publication
from tenderscore.services.errors import NotFound
from tenderscore.web.api.award_schemas import (
    AwardPathOut,
    ChallengeIn,
    ContractIn,
    DocumentOut,
    ResolutionIn,
    WithdrawalIn,
)
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages.award import tender_link
from tenderscore.web.views import PDF, download

blp = Blueprint("award", __name__, url_prefix="/api/tenders", description="Award path, contract and open data")
JSON = "application/json"


def _path(tender_id: int) -> dict[str, Any]:
    found = award_path.path(get_session(), user(), tender_id)
    if found is None:
        raise NotFound("The tender has no award decision")
    steps = ("issue_summaries", "publish_notice", "challenge", "withdraw", "enter_contract", "publish_contract")
    return {
        "award_id": found.award.id, "stage": found.stage.value, "stage_words": found.stage_words,
        "winner": found.winner, "awarded_at": found.award.awarded_at,
        "assessment_summaries_sent_at": found.award.summaries_sent_at,
        "notice_published_at": found.award.notice_published_at, "standstill_ends_at": found.standstill_ends_at,
        "standstill_working_days_left": found.working_days_left, "nation": found.nation,
        "challenges": found.challenges, "contract": found.contract, "kpis": found.kpis,
        "commitments": found.commitments, "contract_notice_due": found.contract_notice_due,
        "next_steps": {name: getattr(found, name) for name in steps},
    }  # fmt: skip


@blp.route("/<int:tender_id>/award/path")
class AwardPath(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, AwardPathOut)
    def get(self, tender_id: int) -> dict[str, Any]:
        """Where the award stands: each step's date, the standstill's end and working days left, what can be done
        next and why not."""
        return _path(tender_id)


@blp.route("/<int:tender_id>/award/summaries")
class Summaries(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(201, DocumentOut(many=True))
    def post(self, tender_id: int) -> list[documents.Issued]:
        """Issue every assessed bidder's assessment summary at once (refused, each problem named, while any is
        incomplete); the bidders are emailed."""
        return award_path.issue_summaries(get_session(), user(), tender_id, tender_url=tender_link(tender_id))


@blp.route("/<int:tender_id>/award/notice")
class Notice(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(201, AwardPathOut)
    def post(self, tender_id: int) -> dict[str, Any]:
        """Publish the contract award notice: the standstill starts; standstill letters go to unsuccessful bidders."""
        award_path.publish_award_notice(get_session(), user(), tender_id, tender_url=tender_link(tender_id))
        return _path(tender_id)


@blp.route("/<int:tender_id>/award/challenges")
class Challenges(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(ChallengeIn)
    @blp.response(201, AwardPathOut)
    def post(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        """Record a challenge: the contract cannot be entered into while it is open."""
        award_path.record_challenge(get_session(), user(), tender_id, data["details"])
        return _path(tender_id)


@blp.route("/<int:tender_id>/award/challenges/resolution")
class Resolution(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(ResolutionIn)
    @blp.response(201, AwardPathOut)
    def post(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        award_path.resolve_challenge(get_session(), user(), tender_id, data["resolution"])
        return _path(tender_id)


@blp.route("/<int:tender_id>/award/withdrawal")
class Withdrawal(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(WithdrawalIn)
    @blp.response(201)
    def post(self, data: dict[str, Any], tender_id: int) -> Response:
        """Withdraw the award before the contract is entered into: the tender returns to evaluation."""
        award_path.withdraw_award(get_session(), user(), tender_id, data["reason"], tender_url=tender_link(tender_id))
        return Response(status=201)


@blp.route("/<int:tender_id>/contract")
class ContractResource(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(ContractIn)
    @blp.response(201, AwardPathOut)
    def post(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        """Record the contract entered into, after an unchallenged standstill."""
        entry = contracts.ContractEntry(
            title=data["title"], value=str(data["value"]), starts_on=data["starts_on"].isoformat(),
            ends_on=data["ends_on"].isoformat(), signed_on=data["signed_on"].isoformat(),
            kpis=[contracts.KpiEntry(k["title"], k["description"], k["target"], k["unit"]) for k in data["kpis"]],
            no_kpis_reason=data["no_kpis_reason"],
        )  # fmt: skip
        contracts.enter_contract(get_session(), user(), tender_id, entry)
        return _path(tender_id)


@blp.route("/<int:tender_id>/contract/notice")
class ContractNotice(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(201, AwardPathOut)
    def post(self, tender_id: int) -> dict[str, Any]:
        """Publish the contract details notice (PDF and OCDS contract release)."""
        contracts.publish_contract_notice(get_session(), user(), tender_id)
        return _path(tender_id)


@blp.route("/<int:tender_id>/documents")
class Documents(MethodView):
    @signed_in()
    @blp.response(200, DocumentOut(many=True))
    def get(self, tender_id: int) -> list[documents.Issued]:
        """The documents issued for this tender that you may read: the public notices, and your own summary and
        standstill letter (a bidder), or every one (the buyer's officer)."""
        session = get_session()
        return documents.listed(session, access.visible_documents(session, user(), tender_id))


@blp.route("/<int:tender_id>/documents/<int:document_id>")
class Document(MethodView):
    @signed_in()
    @blp.response(200, content_type=PDF)
    def get(self, tender_id: int, document_id: int) -> Response:
        """One issued document, byte for byte as issued."""
        document = access.readable_document(get_session(), user(), document_id)
        if document.tender_id != tender_id:
            raise NotFound(f"No document {document_id} for tender {tender_id}")
        return download(document.filename, document.content, PDF)


@blp.route("/<int:tender_id>/ocds/releases")
class Releases(MethodView):
    @signed_in()
    @blp.response(200, content_type=JSON)
    def get(self, tender_id: int) -> Response:
        """Every OCDS 1.1 release published for this tender, as a release package."""
        body = publication.package_of_releases(get_session(), user(), tender_id, uri=_uri())
        return Response(body, mimetype=JSON)


@blp.route("/<int:tender_id>/ocds/record")
class Record(MethodView):
    @signed_in()
    @blp.response(200, content_type=JSON)
    def get(self, tender_id: int) -> Response:
        """The tender's OCDS record package: its releases and the compiled release."""
        body = publication.record_of(get_session(), user(), tender_id, uri=_uri())
        return Response(body, mimetype=JSON)


def _uri() -> str:
    return request.base_url
