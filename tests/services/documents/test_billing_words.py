"""Documents read an invoice's status and kind (a kept invoice PDF, the invoice e-mail) but may
not import billing: the stored values they compare with are copies, kept equal here."""

from __future__ import annotations

from agence.services.billing.vocabulary import InvoiceKind, InvoiceStatus
from agence.services.documents import content, issuing


def test_the_invoice_words_documents_compare_with_are_billings_stored_values() -> None:
    mirrored = (
        content.INVOICE_ISSUED,
        content.INVOICE_DEPOSIT,
        content.INVOICE_FINAL,
        content.INVOICE_CREDIT_NOTE,
    )
    assert mirrored == (
        InvoiceStatus.ISSUED.value,
        InvoiceKind.DEPOSIT.value,
        InvoiceKind.FINAL.value,
        InvoiceKind.CREDIT_NOTE.value,
    )


def test_the_invoice_email_names_every_invoice_kind_in_each_language() -> None:
    for language, names in issuing.INVOICE_TYPES.items():
        assert set(names) == {kind.value for kind in InvoiceKind}, language
    assert issuing.INVOICE_TYPES["fr"] == {kind.value: kind.label for kind in InvoiceKind}
