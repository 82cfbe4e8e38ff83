"""The « Statistiques » module's reports by name: what the pages, the Excel export and the
command line run. Each report is `(session, actor, request) -> Report`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from pathlib import Path

from sqlmodel import Session

from agence.services.common.files import new_export_path
from agence.services.common.permissions import Action, Actor, Module
from agence.services.statistics import render, requests
from agence.services.statistics.report import Report, ReportName, ReportRequest

ReportFunction = Callable[[Session, Actor, ReportRequest], Report]

_FUNCTIONS: dict[ReportName, tuple[str, str]] = {
    ReportName.DASHBOARD: ("dashboard_report", "dashboard_report"),
    ReportName.REVENUE: ("revenue", "revenue_statistics"),
    ReportName.BOOKINGS: ("bookings_detail", "bookings_report"),
    ReportName.PRODUCTS: ("products_sold", "products_report"),
    ReportName.CLIENTS: ("clients_sales", "clients_report"),
    ReportName.PROSPECTING: ("prospecting", "prospecting_report"),
}
"""Module and function of each report (imported when first run: the reports are independent
modules, and the command line loads only the one it runs)."""

DESCRIPTIONS: dict[ReportName, str] = {
    ReportName.DASHBOARD: (
        "Les chiffres de la direction sur la période de votre choix : CA, marge, carnet de "
        "commandes, devis, transformation, impayés."
    ),
    ReportName.REVENUE: (
        "CA facturé HT et TTC, marge, taux de marge et TVA sur marge par mois, site, "
        "commercial, type ou catégorie de client, type de dossier ; N-1 et saisonnalité."
    ),
    ReportName.BOOKINGS: (
        "Un dossier par ligne : coût, vente, marge, facturé, réglé, reste dû ; les dossiers "
        "confirmés non facturés, sous-facturés ou impayés."
    ),
    ReportName.PRODUCTS: (
        "Quantités, participants, coût, vente et marge par prestation, fournisseur et type ; "
        "les meilleures ventes et les achats par fournisseur."
    ),
    ReportName.CLIENTS: (
        "Dossiers, participants, CA et marge par client, comparés à N-1 ; dernier dossier et "
        "classement ABC."
    ),
    ReportName.PROSPECTING: (
        "Visites, appels et e-mails par commercial, prospects créés et transformés ; "
        "l'entonnoir visites → devis → confirmés par commercial et par département."
    ),
}


def report_function(name: ReportName) -> ReportFunction:
    module, function = _FUNCTIONS[name]
    found: ReportFunction = getattr(import_module(f"agence.services.statistics.{module}"), function)
    return found


PAGE_LINES = 200
"""Lines of a table shown on a report's page; the Excel export holds them all."""

PAGE_LIMITED = frozenset({ReportName.BOOKINGS, ReportName.CLIENTS})
"""Reports of one line per record (a dossier, a client): the page asks for its first lines
only (their totals stay over all of them); the export and the command line get every line."""


def run_report(
    session: Session,
    actor: Actor,
    name: ReportName,
    request: ReportRequest,
    page_lines: int | None = None,
) -> Report:
    """The report; with `page_lines`, a report of one line per record stops at that many."""
    actor.require(Module.STATISTICS)
    function = report_function(name)
    if page_lines is not None and name in PAGE_LIMITED:
        return function(session, actor, request, limit=page_lines)  # type: ignore[call-arg]
    return function(session, actor, request)


@dataclass(frozen=True)
class ReportExport:
    path: Path
    download_name: str
    lines: int


def export_report(
    session: Session, actor: Actor, name: ReportName, request: ReportRequest, today: date
) -> ReportExport:
    """The report as an Excel workbook (right « exporter » on the statistics)."""
    actor.require(Module.STATISTICS, Action.EXPORT)
    report = run_report(session, actor, name, request)
    choices = requests.filter_choices(session, actor)
    path = new_export_path("xlsx")
    lines = render.write_report_workbook(report, path, requests.described_filters(request, choices))
    download_name = (
        f"statistiques-{name.value}-{request.period.start.isoformat()}"
        f"-{request.period.end.isoformat()}.xlsx"
    )
    return ReportExport(path, download_name, lines)
