"""The project parameters: where billing tax groups default from (seed 003)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid
from billable.domain.tax import MaterialTaxGroupMethod, SalesTaxGroupMethod
from billable.persistence.tables import ErpParameters, ItemSalesTaxGroup
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]

#: The parameters until someone sets them.
DEFAULT_PARAMETERS = {
    "sales_tax_group_method": SalesTaxGroupMethod.SEARCH.value,
    "material_item_tax_group_method": MaterialTaxGroupMethod.ITEM.value,
}


def parameters(session: Session) -> dict[str, Any]:
    """The project parameters in force (the defaults until they are set)."""
    row = session.get(ErpParameters, 1)
    if row is None:
        return {**DEFAULT_PARAMETERS, "milestone_item_sales_tax_group": None}
    return {
        "sales_tax_group_method": row.sales_tax_group_method,
        "material_item_tax_group_method": row.material_item_tax_group_method,
        "milestone_item_sales_tax_group": row.milestone_item_sales_tax_group,
    }


def set_parameters(uow: UnitOfWork, fields: Fields) -> None:
    """Replace the project parameters; an unknown milestone item sales tax group is a 422."""
    SalesTaxGroupMethod(fields["sales_tax_group_method"])
    MaterialTaxGroupMethod(fields["material_item_tax_group_method"])
    with uow:
        milestone_group = fields.get("milestone_item_sales_tax_group")
        if milestone_group is not None:
            found = uow.session.scalars(
                select(ItemSalesTaxGroup.id).where(ItemSalesTaxGroup.code == milestone_group)
            ).first()
            if found is None:
                raise Invalid.field(
                    "milestone_item_sales_tax_group", f"no item sales tax group {milestone_group}"
                )
        row = uow.session.get(ErpParameters, 1)
        if row is None:
            row = ErpParameters(id=1)
            uow.session.add(row)
        row.sales_tax_group_method = fields["sales_tax_group_method"]
        row.material_item_tax_group_method = fields["material_item_tax_group_method"]
        row.milestone_item_sales_tax_group = milestone_group
        uow.commit()
