"""Every table, imported in one place so metadata is complete (Alembic, tests)."""

from billable.persistence.base import Base
from billable.persistence.invoicing import Invoice, InvoiceLine, InvoiceLineDetail
from billable.persistence.jobs import InvoiceRun, InvoiceRunContract, Job, Notification
from billable.persistence.ledger import Actual, Entry
from billable.persistence.masterdata import (
    CategoryPrice,
    Contract,
    ContractLine,
    ContractLineClass,
    Customer,
    Milestone,
    PriceList,
    Product,
    ProductPrice,
    Project,
    Resource,
    Role,
    RolePrice,
    Task,
    TransactionCategory,
)
from billable.persistence.system import Sequence, User

__all__ = [
    "Actual",
    "Base",
    "CategoryPrice",
    "Contract",
    "ContractLine",
    "ContractLineClass",
    "Customer",
    "Entry",
    "Invoice",
    "InvoiceLine",
    "InvoiceLineDetail",
    "InvoiceRun",
    "InvoiceRunContract",
    "Job",
    "Milestone",
    "Notification",
    "PriceList",
    "Product",
    "ProductPrice",
    "Project",
    "Resource",
    "Role",
    "RolePrice",
    "Sequence",
    "Task",
    "TransactionCategory",
    "User",
]
