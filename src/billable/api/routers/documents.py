"""Customer documents routes (issue 10): payment terms, customer invoices with their
PDF and e-invoice documents, delivery and the outbox.

No ``from __future__ import annotations``: the collection factory reads body types at
definition time.
"""

from fastapi import APIRouter

from billable.api import present_documents as show
from billable.api.deps import WriteErpSetup
from billable.api.routers.masterdata import collection
from billable.api.schemas import documents as s
from billable.documents import payment_terms  # registers the kind
from billable.persistence.tables import PaymentTerms

router = APIRouter()
TAG = "customer documents"

collection(
    "/payment-terms",
    TAG,
    payment_terms.KIND,
    PaymentTerms,
    s.PaymentTermsIn,
    s.PaymentTermsPatch,
    s.PaymentTermsOut,
    show.payment_terms,
    on=router,
    write=WriteErpSetup,
)
