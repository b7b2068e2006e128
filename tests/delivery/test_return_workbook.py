"""The delivery return workbook: written for one contract and period, read back exactly through the bids' safe
reader, refused by name for another contract or period, hostile files refused, and every problem (the workbook's
or the return's) naming its sheet and cell with nothing stored."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from sqlmodel import col, select

from tenderscore.db.models import AuditEvent, DeliveryReturn, ReturnSpend
from tenderscore.services import return_workbooks
from tenderscore.services.errors import Unprocessable
from tenderscore.sheets import write_template
from tenderscore.sheets.guard import OLE_MAGIC, WorkbookRejected
from tenderscore.sheets.returns import Filled, KpiRow, ReturnIdentity, read_return, write_return
from tests.delivery.conftest import ALDERGATE, TIDEWATER, Api, Delivery, backdate
from tests.sheets.fixtures import identity, probation_rubric
from tests.sheets.xlsx_tools import build, edit, parts, put_cell

IDENTITY = ReturnIdentity(7, 2, "NWPR-2026-003", "Unpaid work", date(2027, 3, 10), date(2027, 6, 9))
KPIS = [KpiRow(11, "Hours completed on time", "90%", True), KpiRow(12, "VCSE share", "20%", False),
        KpiRow(13, "Jobs", "4.8 FTE", True, "Payroll records")]  # fmt: skip


def _fill(data: bytes, values: dict[str, object]) -> bytes:
    def change(wb: Workbook) -> None:
        for ref, value in values.items():
            wb["Return"][ref] = value

    return edit(data, change)


def _spend_row(data: bytes) -> int:
    wb = load_workbook(io.BytesIO(data))
    return int(wb.defined_names["ret_spend"].attr_text.split("$")[2].rstrip(":"))


def test_a_filled_workbook_reads_back_exactly() -> None:
    blank = write_return(IDENTITY, KPIS)
    first = _spend_row(blank)
    assert first == 12 + len(KPIS) + 4
    filled = _fill(blank, {"B4": Decimal("250000.10"), "B5": "Quarter two", "E12": 93.6, "F13": "From spend",
                           "E14": "4.8", f"B{first}": ALDERGATE, f"D{first}": 30000,
                           f"B{first + 2}": TIDEWATER, f"C{first + 2}": "Tidewater", f"D{first + 2}": "15000.50"})
    reading = read_return(filled, IDENTITY)
    assert reading.errors == ()
    assert (reading.contract_spend, reading.note) == ("250000.1", "Quarter two")
    assert reading.figures == {11: ("93.6", ""), 12: ("", "From spend"), 13: ("4.8", "")}
    assert [line for line in reading.spend if any(line)] == [(ALDERGATE, "", "30000"),
                                                             (TIDEWATER, "Tidewater", "15000.50")]  # fmt: skip
    assert reading.spend[1] == ("", "", "") and reading.cells["spend.3.amount"] == f"Return!D{first + 2}"
    assert reading.cells["figures.13.value"] == "Return!E14" and reading.cells["contract_spend"] == "Return!B4"
    # Written again holding what was read: the same values come back.
    again = write_return(IDENTITY, KPIS, Filled(reading.contract_spend, reading.note, reading.figures,
                                                [s for s in reading.spend if any(s)]))  # fmt: skip
    assert read_return(again, IDENTITY).figures == reading.figures


def test_another_contract_or_period_is_refused_by_name() -> None:
    data = write_return(IDENTITY, KPIS)
    for other in (ReturnIdentity(7, 3, "NWPR-2026-003", "Unpaid work", date(2027, 6, 10), date(2027, 9, 9)),
                  ReturnIdentity(8, 2, "NWPR-2027-010", "Other", date(2027, 3, 10), date(2027, 6, 9))):  # fmt: skip
        reading = read_return(data, other)
        assert len(reading.errors) == 1
        assert reading.errors[0].message.startswith(f"This workbook is the return for NWPR-2026-003, period 2, not "
                                                     f"for {other.words}")  # fmt: skip


def test_cell_errors_name_sheet_and_cell() -> None:
    data = write_return(IDENTITY, KPIS)
    data = put_cell(data, "Return", "E12", '<c r="E12"><f>SUM(1,2)</f><v>3</v></c>')
    data = put_cell(data, "Return", "E14", '<c r="E14" t="e"><v>#N/A</v></c>')
    data = put_cell(data, "Return", "A2", '<c r="A2"><f>NOW()</f></c>')  # outside the answers: refused too
    reading = read_return(data, IDENTITY)
    assert [(e.where, e.message[:30]) for e in reading.errors] == [  # each cell once (E12 was reported twice)
        ("Return!A2", "This cell holds a formula. Typ"), ("Return!E12", "This cell holds a formula (=SU"),
        ("Return!E14", "This cell holds the error #N/A")]  # fmt: skip
    # The rest is read for the return's own rules (test_a_formula_and_the_rules_are_reported_together); a cell in
    # error reads as blank, never as its cached value.
    assert reading.readable and reading.figures == {11: ("", ""), 12: ("", ""), 13: ("", "")}


def test_a_formula_where_a_kpis_id_was_written_leaves_its_row_unread() -> None:
    data = put_cell(write_return(IDENTITY, KPIS), "Return", "B13", '<c r="B13"><f>11+1</f><v>12</v></c>')
    reading = read_return(data, IDENTITY)
    assert [e.where for e in reading.errors] == ["Return!B13"] and not reading.readable


def test_hostile_and_foreign_files_are_refused() -> None:
    data = write_return(IDENTITY, KPIS)
    with pytest.raises(WorkbookRejected, match="password-protected"):
        read_return(OLE_MAGIC + b"\0" * 600, IDENTITY)
    with pytest.raises(WorkbookRejected):
        read_return(b"not a zip at all", IDENTITY)
    members = parts(data)
    members["xl/vbaProject.bin"] = OLE_MAGIC + b"\0" * 100  # a macro project, whatever its relationships say
    with pytest.raises(WorkbookRejected):
        read_return(build(members), IDENTITY)
    bid_template = write_template(probation_rubric(), identity())
    reading = read_return(bid_template, IDENTITY)
    assert reading.errors and "not a tenderscore delivery return" in reading.errors[0].message


@pytest.mark.db
def test_the_service_stores_a_workbook_or_names_each_cell(world: Delivery) -> None:
    s = world.session
    name, blank = return_workbooks.template(s, world.supplier, world.cid, 1)
    assert name == "NWPR-2026-003-delivery-return-period-1.xlsx"
    first = _spend_row(blank)
    rows = {k.id: 12 + n for n, k in enumerate(world.kpis)}
    values: dict[str, object] = {"B4": 100000, f"B{first}": ALDERGATE, f"D{first}": 25000}
    values.update({f"E{rows[k.id]}": 95 for k in world.figure_kpis})
    k1 = world.figure_kpis[0]
    bad = _fill(blank, {**values, f"E{rows[k1.id]}": "lots", f"D{first}": 100001})
    with pytest.raises(Unprocessable) as refused:
        return_workbooks.submit_workbook(s, world.supplier, world.cid, 1, bad, now=world.on(1))
    details = refused.value.details
    assert f"Return!E{rows[k1.id]}: Enter the figure for '{k1.title}' as a number, like 42 or 12.5 (not 'lots')" \
        in details  # fmt: skip
    assert any(d.startswith(f"Return!D{first}: The spend with VCSE partners") for d in details)
    assert s.exec(select(DeliveryReturn)).all() == []
    good = _fill(blank, values)
    row = return_workbooks.submit_workbook(s, world.supplier, world.cid, 1, good, now=world.on(1))
    assert (row.source, row.workbook, row.contract_spend) == ("workbook", good, Decimal(100000))
    line = s.exec(select(ReturnSpend).where(ReturnSpend.return_id == row.id)).one()
    assert (line.identifier, line.amount) == (ALDERGATE, Decimal(25000))
    _, corrected = return_workbooks.template(s, world.supplier, world.cid, 1)  # holds the current version
    wb = load_workbook(io.BytesIO(corrected))
    assert wb["Return"]["B4"].value == 100000 and wb["Return"][f"B{first}"].value == ALDERGATE
    with pytest.raises(Unprocessable) as other_period:
        return_workbooks.submit_workbook(s, world.supplier, world.cid, 2, good, now=world.on(2))
    assert "is the return for NWPR-2026-003, period 1, not for NWPR-2026-003" in other_period.value.details[0]


def test_a_formula_and_the_rules_are_reported_together(world: Delivery) -> None:
    """A formula is named once for its cell, and the upload's other problems (the return's own rules) come with it,
    leaving out the rule about the cell in error; a KPI's row that cannot be told holds the rules back, saying so."""
    s = world.session
    _, blank = return_workbooks.template(s, world.supplier, world.cid, 1)
    first = _spend_row(blank)
    rows = {k.id: 12 + n for n, k in enumerate(world.kpis)}
    k1, k2 = world.figure_kpis[:2]
    values: dict[str, object] = {"B4": 100000, f"B{first}": ALDERGATE, f"D{first}": 100001,
                                 f"B{first + 1}": "GB-CHC-9999999", f"D{first + 1}": 10}  # fmt: skip
    values.update({f"E{rows[k.id]}": 95 for k in world.figure_kpis if k not in (k1, k2)})
    e1 = f"E{rows[k1.id]}"
    data = put_cell(_fill(blank, values), "Return", e1, f'<c r="{e1}"><f>SUM(90,5)</f><v>95</v></c>')
    with pytest.raises(Unprocessable) as refused:
        return_workbooks.submit_workbook(s, world.supplier, world.cid, 1, data, now=world.on(1))
    details = refused.value.details
    assert [d for d in details if d.startswith(f"Return!{e1}:")] == [
        f"Return!{e1}: This cell holds a formula (=SUM(90,5)). Type the value itself: a formula is a calculation, "
        "not your answer."]  # fmt: skip
    assert f"Return!E{rows[k2.id]}: Enter the figure for '{k2.title}', or say in the comment why it is not " \
        "reported" in details  # fmt: skip
    assert any(d.startswith(f"Return!D{first}: The spend with VCSE partners (£100,001)") for d in details)
    assert f"Return!B{first + 1}: Spend line 2: GB-CHC-9999999 is not on the VCSE register: check the number, or " \
        "enter the partner's name" in details  # fmt: skip
    assert len(details) == 4
    id_cell = f"B{rows[k1.id]}"
    unread = put_cell(data, "Return", id_cell, f'<c r="{id_cell}"><f>{k1.id}+0</f><v>{k1.id}</v></c>')
    with pytest.raises(Unprocessable) as held:
        return_workbooks.submit_workbook(s, world.supplier, world.cid, 1, unread, now=world.on(1))
    assert [d.split(":")[0] for d in held.value.details] == [f"Return!{id_cell}", f"Return!{e1}", "The return's own "
                                                             "checks (figures, spend with partners, the total) are "
                                                             "made once the cells above are fixed"]  # fmt: skip
    assert s.exec(select(DeliveryReturn)).all() == []


@pytest.mark.db
def test_the_workbook_through_the_api(world: Delivery, api: Api) -> None:
    backdate(world, 200)
    url = f"/api/contracts/{world.cid}/periods/2/workbook"
    template = api.get("supplier", url)
    assert template.status_code == 200 and template.data.startswith(b"PK")
    assert api.get("other_supplier", url).status_code == 404
    first = _spend_row(template.data)
    world.session.rollback()
    rows = {k.id: 12 + n for n, k in enumerate(world.kpis)}
    values: dict[str, object] = {"B4": 100000, f"B{first}": "GB-CHC-12"}
    values.update({f"E{rows[k.id]}": 95 for k in world.figure_kpis})
    bad = api.post("supplier", url, data={"workbook": (io.BytesIO(_fill(template.data, values)), "r.xlsx")},
                   content_type="multipart/form-data")  # fmt: skip
    assert bad.status_code == 422 and bad.json["field"] == "workbook"
    assert any(d.startswith(f"Return!B{first}:") for d in bad.json["details"])
    values[f"B{first}"] = ALDERGATE
    values[f"D{first}"] = 5000
    filled = _fill(template.data, values)
    sent = api.post("supplier", url, data={"workbook": (io.BytesIO(filled), "r.xlsx")},
                    content_type="multipart/form-data")  # fmt: skip
    assert sent.status_code == 201, sent.json
    assert sent.json["source"] == "workbook" and sent.json["has_workbook"]
    assert sent.json["spend"][0]["amount"] == "5000.00"
    received = api.get("officer", f"/api/contracts/{world.cid}/periods/2/returns/1/workbook")
    assert received.status_code == 200 and received.data == filled  # byte for byte
    world.session.rollback()
    downloaded = world.session.exec(select(AuditEvent).where(
        AuditEvent.action == "delivery_return.workbook_downloaded").order_by(col(AuditEvent.id))).all()  # fmt: skip
    assert [(e.actor_id, e.after["version"] if e.after else None) for e in downloaded[-2:]] == [
        (world.supplier.id, None), (world.officer.id, 1)]  # the blank template, then the version's own file
    assert downloaded[-1].after is not None
    assert downloaded[-1].after["sha256"] == hashlib.sha256(filled).hexdigest()
    assert api.get("other_supplier", f"/api/contracts/{world.cid}/periods/2/returns/1/workbook").status_code == 404


@pytest.mark.db
def test_the_workbook_gives_each_target_its_unit_and_direction(world: Delivery) -> None:
    """It said "Target: 5 complaints" for a ceiling, and "90" for a target typed as a number of percent."""
    s = world.session
    ceiling, percent = world.figure_kpis[0], world.figure_kpis[1]
    ceiling.target, ceiling.target_value, ceiling.unit, ceiling.direction = "5", Decimal(5), "complaints", "at_most"
    percent.target, percent.target_value, percent.unit = "90", Decimal(90), "percent"
    s.add_all([ceiling, percent])
    s.flush()
    _, blank = return_workbooks.template(s, world.supplier, world.cid, 1)
    sheet = load_workbook(io.BytesIO(blank))["Return"]
    rows = {k.id: 12 + n for n, k in enumerate(world.kpis)}
    assert sheet[f"D{rows[ceiling.id]}"].value == "at most 5 complaints"
    assert sheet[f"D{rows[percent.id]}"].value == "90%"
