"""lots: a tender may be divided into lots; every existing tender becomes lot 1 of itself, with nothing else changed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:30:00

A lot is a ``tender`` row (docs/lots.md): lot 1 is the tender itself, each further lot a row pointing at it through
``lot_of_id``. So every existing tender, with its bids, scores, award, contract and documents, is already its own
lot 1: the new columns' defaults say exactly that (``lot_number`` 1, no ``lot_of_id``, no lot title, no cap, lots
settled by value) and no other row is touched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lot_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lot_number", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("lot_title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("lot_cap", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lot_order", sa.String(length=12), server_default="value", nullable=False))
        batch_op.create_foreign_key(batch_op.f("fk_tender_lot_of_id_tender"), "tender", ["lot_of_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_tender_lot_of_id"), ["lot_of_id"], unique=False)
        batch_op.create_index(batch_op.f("uq_tender_lot_of_id_lot_number"), ["lot_of_id", "lot_number"], unique=True)
        batch_op.create_check_constraint("lot_one_is_the_tender", "(lot_of_id IS NULL) = (lot_number = 1)")
        batch_op.create_check_constraint("lot_cap_positive", "lot_cap IS NULL OR lot_cap >= 1")
        batch_op.create_check_constraint("lot_order_known", "lot_order IN ('value', 'number')")


def downgrade() -> None:
    bind = op.get_bind()
    lots = bind.execute(sa.text("SELECT count(*) FROM tender WHERE lot_of_id IS NOT NULL")).scalar_one()
    if lots:
        raise RuntimeError(f"{lots} lots beyond lot 1 exist; they cannot be kept in a schema without lots")
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_constraint("lot_order_known", type_="check")
        batch_op.drop_constraint("lot_cap_positive", type_="check")
        batch_op.drop_constraint("lot_one_is_the_tender", type_="check")
        batch_op.drop_index("uq_tender_lot_of_id_lot_number")
        batch_op.drop_index("ix_tender_lot_of_id")
        batch_op.drop_constraint("fk_tender_lot_of_id_tender", type_="foreignkey")
        batch_op.drop_column("lot_order")
        batch_op.drop_column("lot_cap")
        batch_op.drop_column("lot_title")
        batch_op.drop_column("lot_number")
        batch_op.drop_column("lot_of_id")
