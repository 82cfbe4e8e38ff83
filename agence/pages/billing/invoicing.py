"""Invoicing and payments: the dossier's « Factures » and « Règlements » tabs, and the lists of
invoices, unpaid invoices and payments."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.data_table import data_table
from agence.components.forms import field_error, fields_grid, form_dialog
from agence.components.layout import app_page, page_title
from agence.services.billing import chorus_settings, payments, reading
from agence.state.billing.chorus import ChorusInvoiceState, ChorusSettingsState
from agence.state.billing.invoicing import (
    DossierInvoicesState,
    InvoicesListState,
    PaymentsListState,
    SupplierInvoicesState,
    UnpaidListState,
)
from agence.state.documents.correspondence import DossierDocumentsState


def simple_table(headings, rows, cells, dom_id: str | None = None, size: str = "1"):
    """A small server-filled table (a dossier's invoices, payments…): headings, then one row
    per item with `cells(item)`; scrolls sideways on a phone."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headings])),
            rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*cells(row)))),
            variant="surface",
            size=size,
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        id=dom_id,
    )


def _method_field() -> rx.Component:
    return _field(
        "Mode",
        rx.el.select(
            rx.foreach(DossierInvoicesState.methods, lambda m: rx.el.option(m[1], value=m[0])),
            name="payment_method_id",
            class_name="agence-select",
        ),
        "payment_method_id",
    )


def _date_field() -> rx.Component:
    return _field(
        "Date",
        rx.input(
            name="received_on",
            type="date",
            default_value=DossierInvoicesState.payment_defaults.get("received_on", ""),
        ),
        "received_on",
    )


def _field(label: str, control: rx.Component, name: str, state=DossierInvoicesState):
    """A labelled control with its French error beneath."""
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        control,
        field_error(state, name),
        spacing="1",
        width="100%",
    )


def _dialog(name: str, title, *fields: rx.Component, submit: str, on_submit, description=""):
    """One of the dossier's invoicing dialogs, open while `dialog` names it; the typed values
    stay after a refusal."""
    state = DossierInvoicesState
    return form_dialog(
        title,
        *fields,
        field_error(state, ""),
        submit_label=submit,
        on_submit=on_submit,
        on_close=state.close_dialog,
        is_open=state.dialog == name,
        description=description,
        submit_id=f"{name}-submit",
        reset=False,
    )


def _deposit_dialog() -> rx.Component:
    state = DossierInvoicesState
    return _dialog(
        "acompte",
        "Facture d'acompte",
        _field("Pourcentage du contrat", rx.input(name="percent", placeholder="30"), "percent"),
        _field("ou montant TTC", rx.input(name="amount", placeholder="500,00"), "amount"),
        submit="Préparer",
        on_submit=state.create_deposit,
        description="Un brouillon : il prend son numéro quand il est émis.",
    )


def _credit_dialog() -> rx.Component:
    state = DossierInvoicesState
    return _dialog(
        "avoir",
        "Avoir sur la facture " + state.credit_label,
        _field(
            "Montant TTC (vide : toute la facture)",
            rx.input(name="amount", placeholder="Total"),
            "amount",
        ),
        _field("Motif", rx.input(name="reason"), "reason"),
        submit="Préparer l'avoir",
        on_submit=state.create_credit_note,
    )


def _payment_dialog() -> rx.Component:
    state = DossierInvoicesState
    return _dialog(
        "reglement",
        "Enregistrer un règlement",
        _date_field(),
        _field(
            "Montant", rx.input(name="amount", placeholder="0,00", id="payment-amount"), "amount"
        ),
        _method_field(),
        _field(
            "Affecté à",
            rx.el.select(
                rx.el.option("Crédit du client (à affecter plus tard)", value=""),
                rx.foreach(state.open_invoices, lambda i: rx.el.option(i[1], value=i[0])),
                name="invoice_id",
                class_name="agence-select",
                id="payment-invoice",
            ),
            "invoice_id",
        ),
        _field("Référence bancaire", rx.input(name="bank_reference"), "bank_reference"),
        _field("Payeur", rx.input(name="payer"), "payer"),
        submit="Enregistrer",
        on_submit=state.record_payment,
    )


def _credit_dialog_for_client() -> rx.Component:
    state = DossierInvoicesState
    return _dialog(
        "credit",
        "Affecter le crédit du client",
        _field(
            "Facture",
            rx.el.select(
                rx.foreach(state.open_invoices, lambda i: rx.el.option(i[1], value=i[0])),
                name="invoice_id",
                class_name="agence-select",
            ),
            "invoice_id",
        ),
        _field(
            "Montant (vide : autant que possible)",
            rx.input(name="amount", placeholder="Tout"),
            "amount",
        ),
        submit="Affecter",
        on_submit=state.apply_credit,
        description="Crédit disponible : " + state.balance.client_credit,
    )


def _refund_dialog() -> rx.Component:
    state = DossierInvoicesState
    return _dialog(
        "remboursement",
        "Rembourser le client",
        _field("Montant", rx.input(name="amount", placeholder="0,00"), "amount"),
        _date_field(),
        _method_field(),
        _field("Référence bancaire", rx.input(name="bank_reference"), "bank_reference"),
        submit="Enregistrer le remboursement",
        on_submit=state.refund,
        description="Crédit disponible : " + state.balance.client_credit,
    )


def _invoice_cells(row) -> list[rx.Component]:
    state = DossierInvoicesState
    draft = row.is_draft
    return [
        rx.table.cell(
            rx.cond(
                row.document_id != "",
                rx.link(
                    rx.icon("file-text", size=14),
                    row.number,
                    href=routes.DOCUMENT_API + "/" + row.document_id,
                    is_external=True,
                ),
                rx.text(row.number),
            )
        ),
        rx.table.cell(row.kind_label),
        rx.table.cell(row.issued_on),
        rx.table.cell(row.due_on),
        rx.table.cell(row.total, text_align="right"),
        rx.table.cell(row.remaining, text_align="right"),
        rx.table.cell(
            rx.vstack(
                rx.badge(row.status_label, color_scheme=rx.cond(draft, "gray", "green")),
                rx.cond(
                    row.chorus_label != "",
                    rx.badge("Chorus Pro : " + row.chorus_label, color_scheme="blue"),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    draft & state.can_issue,
                    rx.button(
                        "Émettre",
                        size="1",
                        on_click=state.issue(row.id),
                        id="issue-" + row.id,
                    ),
                ),
                rx.cond(
                    draft & state.can_create,
                    rx.button(
                        "Supprimer",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=state.delete_draft(row.id),
                    ),
                ),
                rx.cond(
                    ~draft & DossierDocumentsState.can_send,
                    rx.button(
                        "Envoyer…",
                        size="1",
                        variant="soft",
                        on_click=DossierDocumentsState.open_invoice_send(row.id),
                        id="send-invoice-" + row.id,
                    ),
                ),
                rx.cond(
                    row.chorus_sendable & state.can_deposit,
                    rx.button(
                        "Chorus Pro",
                        size="1",
                        variant="soft",
                        color_scheme="blue",
                        loading=ChorusInvoiceState.working == row.id,
                        on_click=ChorusInvoiceState.send(row.id),
                        id="chorus-send-" + row.id,
                    ),
                ),
                rx.cond(
                    row.chorus_followed,
                    rx.button(
                        rx.icon("refresh-cw", size=12),
                        size="1",
                        variant="ghost",
                        title="Actualiser le statut Chorus Pro",
                        loading=ChorusInvoiceState.working == row.id,
                        on_click=ChorusInvoiceState.poll(row.id),
                    ),
                ),
                rx.cond(
                    row.correctable & state.can_create,
                    rx.button(
                        "Avoir…",
                        size="1",
                        variant="soft",
                        on_click=state.open_dialog("avoir", row.id),
                        id="credit-" + row.id,
                    ),
                ),
                spacing="2",
            )
        ),
    ]


def invoices_tab() -> rx.Component:
    state = DossierInvoicesState
    return rx.vstack(
        rx.cond(
            state.can_create,
            rx.hstack(
                rx.button(
                    rx.icon("receipt", size=14),
                    "Facture d'acompte…",
                    variant="soft",
                    on_click=state.open_dialog("acompte", ""),
                    id="new-deposit",
                ),
                rx.button(
                    rx.icon("receipt-euro", size=14),
                    "Facture de solde",
                    variant="soft",
                    on_click=state.create_final,
                    id="new-final",
                ),
                spacing="2",
                wrap="wrap",
            ),
        ),
        simple_table(
            ["Numéro", "Type", "Date", "Échéance", "Total TTC", "Reste dû", "Statut", ""],
            state.invoices,
            _invoice_cells,
            "dossier-invoices",
            size="2",
        ),
        rx.cond(
            state.invoices.length() == 0,
            rx.text("Aucune facture pour ce dossier.", size="2", color=rx.color("gray", 11)),
        ),
        _deposit_dialog(),
        _credit_dialog(),
        spacing="3",
        width="100%",
    )


SUPPLIER_PDF_UPLOAD = "supplier-invoice-pdf"


def _supplier_invoice_dialog() -> rx.Component:
    state = SupplierInvoicesState

    def field(label: str, control: rx.Component, name: str) -> rx.Component:
        return _field(label, control, name, state)

    return form_dialog(
        "Facture fournisseur",
        field(
            "Fournisseur",
            rx.el.select(
                rx.foreach(state.suppliers, lambda o: rx.el.option(o[1], value=o[0])),
                name="supplier_id",
                class_name="agence-select",
            ),
            "supplier_id",
        ),
        field("Numéro de facture", rx.input(name="reference"), "reference"),
        rx.hstack(
            field("Date", rx.input(name="invoiced_on", type="date"), "invoiced_on"),
            field("Échéance", rx.input(name="due_on", type="date"), "due_on"),
            width="100%",
        ),
        rx.hstack(
            field("Montant TTC", rx.input(name="amount_incl_vat"), "amount_incl_vat"),
            field("Dont TVA", rx.input(name="vat_amount"), "vat_amount"),
            width="100%",
        ),
        rx.upload(
            rx.text(
                rx.cond(
                    state.pdf_name != "",
                    state.pdf_name,
                    "Déposez la facture en PDF (facultatif)",
                ),
                size="2",
            ),
            id=SUPPLIER_PDF_UPLOAD,
            accept={"application/pdf": [".pdf"]},
            max_files=1,
            on_drop=state.hold_pdf(rx.upload_files(upload_id=SUPPLIER_PDF_UPLOAD)),
            border=f"1px dashed {rx.color('gray', 8)}",
            padding="0.75rem",
            width="100%",
        ),
        field_error(state, "document"),
        field("Notes", rx.text_area(name="notes", rows="2"), "notes"),
        submit_label="Enregistrer",
        on_submit=state.save,
        on_close=state.close_form,
        is_open=state.dialog_open,
        submit_id="supplier-invoice-submit",
        reset=False,
        width="34rem",
    )


def supplier_invoices_section() -> rx.Component:
    state = SupplierInvoicesState

    return rx.vstack(
        rx.flex(
            rx.heading("Factures fournisseurs", size="3"),
            rx.spacer(),
            rx.cond(
                state.can_edit,
                rx.button(
                    rx.icon("file-plus", size=14),
                    "Enregistrer une facture fournisseur…",
                    size="1",
                    variant="soft",
                    on_click=state.open_form,
                    id="new-supplier-invoice",
                ),
            ),
            width="100%",
            align="center",
        ),
        simple_table(
            ["Fournisseur", "Prévu (cotation)", "Facturé", "Écart"],
            state.comparison,
            lambda row: [
                rx.table.cell(row.supplier),
                rx.table.cell(row.expected, text_align="right"),
                rx.table.cell(row.invoiced, text_align="right"),
                rx.table.cell(
                    rx.text(row.gap, color=rx.cond(row.over, "red", None)),
                    text_align="right",
                ),
            ],
        ),
        simple_table(
            ["Fournisseur", "Numéro", "Date", "Échéance", "Montant TTC", ""],
            state.rows,
            lambda row: [
                rx.table.cell(row.supplier),
                rx.table.cell(
                    rx.cond(
                        row.document_id != "",
                        rx.link(
                            row.reference,
                            href=routes.DOCUMENT_API + "/" + row.document_id,
                            is_external=True,
                        ),
                        rx.text(row.reference),
                    )
                ),
                rx.table.cell(row.invoiced_on),
                rx.table.cell(row.due_on),
                rx.table.cell(row.amount, text_align="right"),
                rx.table.cell(
                    rx.cond(
                        state.can_edit,
                        rx.button(
                            "Retirer",
                            size="1",
                            variant="ghost",
                            color_scheme="red",
                            on_click=state.remove(row.id),
                        ),
                    )
                ),
            ],
        ),
        _supplier_invoice_dialog(),
        spacing="3",
        width="100%",
        id="supplier-invoices",
    )


def payments_tab() -> rx.Component:
    state = DossierInvoicesState
    balance = state.balance
    return rx.vstack(
        rx.flex(
            *[
                rx.card(
                    rx.text(label, size="1", color=rx.color("gray", 11)),
                    rx.text(value, size="4", weight="bold", id="balance-" + key),
                )
                for key, label, value in (
                    ("invoiced", "Facturé", balance.invoiced),
                    ("paid", "Réglé", balance.paid),
                    ("remaining", "Reste dû", balance.remaining),
                )
            ],
            spacing="3",
            wrap="wrap",
        ),
        rx.flex(
            rx.cond(
                state.can_pay,
                rx.button(
                    rx.icon("banknote", size=14),
                    "Enregistrer un règlement…",
                    variant="soft",
                    on_click=state.open_dialog("reglement", ""),
                    id="new-payment",
                ),
            ),
            rx.cond(
                state.has_credit,
                rx.fragment(
                    rx.badge(
                        "Crédit du client : " + state.balance.client_credit,
                        color_scheme="amber",
                        size="2",
                    ),
                    rx.cond(
                        state.can_allocate & (state.open_invoices.length() > 0),
                        rx.button(
                            "Affecter le crédit…",
                            variant="soft",
                            on_click=state.open_dialog("credit", ""),
                            id="apply-credit",
                        ),
                    ),
                    rx.cond(
                        state.can_pay,
                        rx.button(
                            "Rembourser…",
                            variant="soft",
                            color_scheme="orange",
                            on_click=state.open_dialog("remboursement", ""),
                            id="refund",
                        ),
                    ),
                ),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        simple_table(
            ["Date", "Montant", "Mode", "Référence", "Affecté à"],
            state.payment_rows,
            lambda p: [
                rx.table.cell(p.received_on),
                rx.table.cell(p.amount, text_align="right"),
                rx.table.cell(p.method),
                rx.table.cell(p.reference),
                rx.table.cell(p.invoice),
            ],
            "dossier-payments",
            size="2",
        ),
        _payment_dialog(),
        _credit_dialog_for_client(),
        _refund_dialog(),
        rx.divider(),
        supplier_invoices_section(),
        spacing="3",
        width="100%",
    )


@app_page(routes.INVOICES, "Factures", InvoicesListState.load_list)
def invoices_list() -> rx.Component:
    return rx.vstack(
        page_title(
            "Factures", subtitle="Factures, factures d'acompte et avoirs de tous les dossiers."
        ),
        rx.form(
            rx.flex(
                rx.text("Pour le comptable : du", size="2"),
                rx.input(name="since", type="date", id="export-since"),
                rx.text("au", size="2"),
                rx.input(name="until", type="date", id="export-until"),
                rx.button(
                    rx.icon("archive", size=14),
                    "Exporter les factures (Factur-X + index Excel)",
                    type="submit",
                    variant="soft",
                    loading=InvoicesListState.exporting_period,
                    id="export-invoices",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            on_submit=InvoicesListState.export_period,
            reset_on_submit=False,
        ),
        rx.cond(
            InvoicesListState.export_error != "",
            rx.text(
                InvoicesListState.export_error,
                color=rx.color("red", 11),
                size="2",
                role="alert",
                id="export-error",
            ),
        ),
        data_table(
            InvoicesListState,
            reading.INVOICES_LIST,
            row_action=InvoicesListState.open_row,
            show_new=False,
        ),
        width="100%",
    )


@app_page(routes.UNPAID, "Factures non réglées", UnpaidListState.load_list)
def unpaid_list() -> rx.Component:
    return rx.vstack(
        page_title(
            "Factures non réglées",
            subtitle="Échéances et jours de retard ; une ligne ouvre son dossier.",
        ),
        data_table(
            UnpaidListState,
            payments.UNPAID_LIST,
            row_action=UnpaidListState.open_row,
            show_new=False,
            dom_id="unpaid",
        ),
        width="100%",
    )


@app_page(routes.PAYMENTS, "Règlements", PaymentsListState.load_list)
def payments_list() -> rx.Component:
    return rx.vstack(
        page_title("Règlements", subtitle="Les règlements reçus et leur affectation aux factures."),
        data_table(
            PaymentsListState,
            payments.PAYMENTS_LIST,
            row_action=PaymentsListState.open_row,
            show_new=False,
            dom_id="payments",
        ),
        width="100%",
    )


@app_page(routes.PARAM_CHORUS, "Chorus Pro", ChorusSettingsState.load_chorus)
def chorus_settings_page() -> rx.Component:
    state = ChorusSettingsState
    return rx.vstack(
        page_title(
            "Chorus Pro",
            subtitle="Accès de l'agence à Chorus Pro par PISTE, pour déposer les factures des "
            "clients publics. Les secrets sont conservés chiffrés et jamais réaffichés.",
        ),
        rx.cond(
            state.loaded,
            rx.card(
                rx.form(
                    rx.vstack(
                        fields_grid(state, chorus_settings.FIELDS),
                        rx.cond(
                            state.can_edit,
                            rx.button("Enregistrer", type="submit", id="chorus-save"),
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=state.save,
                    reset_on_submit=False,
                    width="100%",
                ),
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        max_width="52rem",
    )
