"""The `agence` command: database upgrade, seeding, first administrator, costing check,
invoice export, statistics.

Every command reads the same settings as the app (AGENCE_DATABASE_URL, AGENCE_DATA_DIR…).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from alembic.config import Config

from alembic import command

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade_database(database_url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def _db(args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        upgrade_database(revision=args.revision)
        if args.revision == "head":
            summarized, invoices = _summarize_for_statistics()
            if summarized:
                print(f"{summarized} dossier(s) résumé(s) pour les statistiques.")
            if invoices:
                print(f"{invoices} facture(s) émise(s) résumée(s) pour les statistiques.")
        print("Base de données à jour.")
    elif args.db_command == "downgrade":
        command.downgrade(alembic_config(), args.revision)
        print(f"Base de données ramenée à la révision {args.revision}.")
    elif args.db_command == "current":
        command.current(alembic_config())
    return 0


def _summarize_for_statistics() -> tuple[int, int]:
    """What the statistics read and earlier revisions did not keep: the dossiers' cost and
    priced services (revision 0009), the issued invoices' revenue and margin (0011).
    Idempotent: what is summarized is never taken again."""
    from agence.db import session_scope
    from agence.services.billing import revenue_parts
    from agence.services.bookings import sold_lines

    with session_scope() as session:
        dossiers = sold_lines.rebuild_missing(session)
    with session_scope() as session:
        invoices = revenue_parts.fill_missing(session)
    return dossiers, invoices


def _seed(args: argparse.Namespace) -> int:
    from agence.db import session_scope
    from agence.services.demo import seed

    with session_scope() as session:
        if args.demo:
            created = seed.seed_demo(session)
            print(
                "Données de démonstration créées."
                if created
                else "Base déjà utilisée : données de démonstration non ajoutées."
            )
        else:
            seed.seed_reference_data(session)
            print("Données de référence à jour.")
    if args.demo:
        code = _seed_demo_invoices()
        print(seed.demo_logins_text())
        return code
    return 0


def _seed_demo_invoices() -> int:
    """The demo agency's invoices, in a transaction of their own once the agency is there
    (they do nothing on a database that has invoices or is not the demo's)."""
    from agence.db import session_scope
    from agence.services.common.forms import FormErrors
    from agence.services.demo.invoices import seed_demo_invoices

    try:
        with session_scope() as session:
            issued = seed_demo_invoices(session)
    except FormErrors as exc:
        print(f"Factures de démonstration non créées : {exc}", file=sys.stderr)
        return 1
    if issued:
        print(f"Factures de démonstration émises : {issued}.")
    return 0


def _user_create(args: argparse.Namespace) -> int:
    from agence.db import session_scope
    from agence.services.demo import seed

    if not args.admin:
        print(
            "Seule la création d'un administrateur est possible en ligne de commande "
            "(--admin) ; les autres comptes se créent dans l'application.",
            file=sys.stderr,
        )
        return 2
    password = args.password or getpass.getpass("Mot de passe : ")
    try:
        with session_scope() as session:
            user = seed.create_administrator(
                session, args.email, password, args.first_name, args.last_name
            )
    except ValueError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print(f"Administrateur créé : {user.email}")
    return 0


def _costing_price(args: argparse.Namespace) -> int:
    from agence.services.catalogue import costing_json
    from agence.services.catalogue.pricing import PricingError

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"Erreur : fichier introuvable : {args.file}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError):
        print(
            f"Erreur : impossible de lire {args.file} (fichier texte UTF-8 attendu).",
            file=sys.stderr,
        )
        return 2
    try:
        results = costing_json.price_text(text)
    except PricingError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"date invalide pour {option} : « {text} » (attendu AAAA-MM-JJ)."
        ) from None


def _export_actor(session, email: str | None):
    """The user the export runs as: the one named, else the first active administrator."""
    from sqlmodel import col, select

    from agence.models import Profile, User
    from agence.services.admin import auth
    from agence.services.admin.auth import normalize_email
    from agence.services.demo import seed

    statement = select(User.id).where(User.active).order_by(col(User.id))
    if email:
        statement = statement.where(User.email == normalize_email(email))
    else:
        administrators = select(Profile.id).where(Profile.name == seed.ADMINISTRATOR)
        statement = statement.where(col(User.profile_id).in_(administrators))
    user_id = session.exec(statement).first()
    if user_id is None:
        raise LookupError(
            f"aucun utilisateur actif {email}." if email else "aucun administrateur actif."
        )
    return auth.load_actor(session, user_id)


def _export_invoices(args: argparse.Namespace) -> int:
    """Exit code 2 for what the command line got wrong (dates, period, user, a folder not
    empty, nothing issued in the period), 1 when the export failed (rights, a kept file
    missing or changed)."""
    from agence.db import session_scope
    from agence.services.billing import export as invoice_export
    from agence.services.common import formats
    from agence.services.common.forms import FormErrors
    from agence.services.common.permissions import AccessProblem

    try:
        since = _parse_day(args.since, "--from")
        until = _parse_day(args.until, "--to")
        invoice_export.check_period(since, until)
        with session_scope() as session:
            actor = _export_actor(session, args.user)
            report = invoice_export.export_invoices(session, actor, since, until, Path(args.out))
    except (ValueError, LookupError, invoice_export.RequestProblem) as exc:
        print(f"Erreur : {_message(exc)}", file=sys.stderr)
        return 2
    except (FormErrors, AccessProblem) as exc:
        print(f"Erreur : {_message(exc)}", file=sys.stderr)
        return 1
    print(
        f"{report.documents} document(s) émis du {formats.day(since)} au {formats.day(until)}"
        f" ({report.invoices} facture(s), {report.credit_notes} avoir(s)) exporté(s) dans "
        f"{report.folder}"
    )
    return 0


STATS_BY = {
    "month": "mois",
    "site": "site",
    "rep": "commercial",
    "client-type": "type_client",
    "client-category": "categorie_client",
    "dossier-type": "type_dossier",
    "product": "product",
    "supplier": "supplier",
    "product-type": "product_type",
    "confirmed-not-invoiced": "confirme_non_facture",
    "under-invoiced": "sous_facture",
    "unpaid": "impaye",
}
"""The values of --by, and the report grouping (or control list) each one names."""

STATS_FILTERS = {
    "site": "site",
    "rep": "rep",
    "client_type": "client_type",
    "category": "category",
    "dossier_type": "booking_type",
    "product_type": "product_type",
    "supplier": "supplier",
}
"""argparse destinations of the filter options → the request's keys."""

STATS_OPTIONS = {
    "from": "--from",
    "to": "--to",
    "compare_from": "--compare",
    "compare_to": "--compare",
    "basis": "--basis",
    "grouping": "--by",
    "site": "--site",
    "rep": "--rep",
    "client_type": "--client-type",
    "category": "--category",
    "booking_type": "--dossier-type",
    "product_type": "--product-type",
    "supplier": "--supplier",
}


def _stats_values(args: argparse.Namespace) -> dict[str, str]:
    """The command line's options as the report form's values."""
    values = {"from": args.since, "to": args.until, "basis": args.basis or ""}
    if args.by:
        values["grouping"] = STATS_BY[args.by]
    if args.compare != "previous-year":
        start, separator, end = args.compare.partition(":")
        if not separator:
            raise ValueError(
                f"comparaison invalide : « {args.compare} » (attendu previous-year ou "
                "AAAA-MM-JJ:AAAA-MM-JJ)."
            )
        values |= {"compare_from": start, "compare_to": end}
    for destination, key in STATS_FILTERS.items():
        value = getattr(args, destination)
        if value:
            values[key] = value
    return values


def _stats(args: argparse.Namespace) -> int:
    """Any report of the « Statistiques » module, computed as the user named by --as (his
    rights, his clients only when his profile says so), as JSON (amounts as strings with two
    decimals) or as the workbook the page exports. Exit code 2 for what the command line got
    wrong (dates, options, output, user) and for a user without the statistics right."""
    from agence.db import session_scope
    from agence.services.common import formats
    from agence.services.common.forms import FormErrors
    from agence.services.common.permissions import AccessProblem, Action, Module
    from agence.services.statistics import catalog, render, requests
    from agence.services.statistics.report import ReportName

    name = ReportName(args.report)
    try:
        if args.format == "xlsx" and not args.out:
            raise ValueError("--out FICHIER.xlsx est requis pour le format xlsx.")
        values = _stats_values(args)
        with session_scope() as session:
            actor = _export_actor(session, args.user)
            choices = requests.filter_choices(session, actor)
            try:
                request = requests.parse_request(name, values, formats.today(), choices)
            except FormErrors as problem:
                raise ValueError(
                    " ".join(
                        f"{STATS_OPTIONS.get(key, key)} : {message}"
                        for key, message in problem.errors.items()
                    )
                ) from None
            actor.require(Module.STATISTICS)
            if args.format == "xlsx":
                actor.require(Module.STATISTICS, Action.EXPORT)
            report = catalog.run_report(session, actor, name, request)
            described = requests.described_filters(request, choices)
    except (ValueError, LookupError, AccessProblem) as exc:
        print(f"Erreur : {_message(exc)}", file=sys.stderr)
        return 2
    try:
        if args.format == "xlsx":
            render.write_report_workbook(report, Path(args.out), described)
        else:
            text = json.dumps(render.report_json(report), indent=2, ensure_ascii=False)
            if args.out:
                Path(args.out).write_text(text + "\n", encoding="utf-8")
            else:
                print(text)
    except OSError as exc:
        print(f"Erreur : impossible d'écrire {args.out} : {exc.strerror}", file=sys.stderr)
        return 2
    if args.out:
        print(f"{name.label} écrit dans {args.out}")
    return 0


def _message(exc: Exception) -> str:
    from agence.services.common.forms import FormErrors

    return " ".join(exc.errors.values()) if isinstance(exc, FormErrors) else str(exc)


COSTING_PRICE_HELP = """\
Lit une cotation en JSON et affiche son calcul, une entrée par taille de groupe.

Clés : paying, free, staff (ou grid : liste de nombres de payants), client_free_rule
{free, per_paying}, markup_percent, fee_per_group, fee_per_person, rounding, lines.
Chaque ligne : label, unit_cost, basis (person|group), quantity, vat_rate, regime
(margin|normal), applies_to (liste parmi paying, free, staff), capacity,
supplier_free_rule {free, per_paying}, markup_percent, unit_sale_price, discount_percent, note.
Les montants s'écrivent en chaînes ("950.00"). vat_rate est un pourcentage ("5.5") ; une
valeur strictement entre 0 et 1 ("0.20") est lue comme une fraction (20 %) ; un « % » final
("0.9%") impose le pourcentage.
"""


def _report_names():
    from agence.services.statistics.report import ReportName

    return list(ReportName)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agence", description="Agence : administration.")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="Schéma de la base (migrations Alembic)")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    up = db_commands.add_parser("upgrade", help="Applique les migrations")
    up.add_argument("revision", nargs="?", default="head")
    down = db_commands.add_parser("downgrade", help="Revient à une révision")
    down.add_argument("revision")
    db_commands.add_parser("current", help="Révision actuelle")
    db.set_defaults(handler=_db)

    seed = commands.add_parser("seed", help="Données de référence (et de démonstration)")
    seed.add_argument("--demo", action="store_true", help="Ajoute l'agence de démonstration")
    seed.set_defaults(handler=_seed)

    user = commands.add_parser("user", help="Comptes utilisateurs")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="Crée un compte")
    create.add_argument("--admin", action="store_true", help="Profil Administrateur")
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="Demandé au clavier s'il est omis")
    create.add_argument("--first-name", default="Admin")
    create.add_argument("--last-name", default="Agence")
    create.set_defaults(handler=_user_create)

    costing = commands.add_parser("costing", help="Cotations (calcul hors application)")
    costing_commands = costing.add_subparsers(dest="costing_command", required=True)
    price = costing_commands.add_parser(
        "price",
        help="Calcule une cotation décrite en JSON",
        description=COSTING_PRICE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    price.add_argument(
        "file", metavar="FICHIER.json", help="Fichier JSON, ou - pour l'entrée standard"
    )
    price.set_defaults(handler=_costing_price)

    export = commands.add_parser("export", help="Exports (factures émises…)")
    export_commands = export.add_subparsers(dest="export_command", required=True)
    invoices = export_commands.add_parser(
        "invoices",
        help="Factures et avoirs émis d'une période : PDF Factur-X conservés et index.xlsx",
    )
    invoices.add_argument("--from", dest="since", required=True, metavar="AAAA-MM-JJ")
    invoices.add_argument("--to", dest="until", required=True, metavar="AAAA-MM-JJ")
    invoices.add_argument("--out", required=True, metavar="DOSSIER", help="Nouveau ou vide")
    invoices.add_argument(
        "--user", metavar="EMAIL", help="Utilisateur (défaut : premier administrateur actif)"
    )
    invoices.set_defaults(handler=_export_invoices)

    stats = commands.add_parser(
        "stats",
        help="Statistiques : les rapports du module, en JSON ou en Excel",
        description="Rapports : "
        + " ; ".join(f"{n.value} ({n.label})" for n in _report_names())
        + ".",
    )
    stats.add_argument("report", choices=[n.value for n in _report_names()])
    stats.add_argument("--from", dest="since", required=True, metavar="AAAA-MM-JJ")
    stats.add_argument("--to", dest="until", required=True, metavar="AAAA-MM-JJ")
    stats.add_argument(
        "--by",
        choices=list(STATS_BY),
        help="Regroupement (ou liste de contrôle des dossiers) ; défaut : celui du rapport",
    )
    stats.add_argument(
        "--compare",
        default="previous-year",
        metavar="previous-year|AAAA-MM-JJ:AAAA-MM-JJ",
        help="Période de comparaison (défaut : la même période un an plus tôt)",
    )
    stats.add_argument(
        "--basis",
        choices=["facture", "depart", "reservation"],
        help="La date qui place un dossier dans la période (défaut : facture)",
    )
    for option, help_text in (
        ("--site", "Site de l'agence (identifiant)"),
        ("--rep", "Commercial (identifiant de l'utilisateur)"),
        ("--client-type", "Type de client (scolaire, ce, association…)"),
        ("--category", "Catégorie de client (identifiant)"),
        ("--dossier-type", "Type de dossier (identifiant)"),
        ("--product-type", "Type de prestation (identifiant)"),
        ("--supplier", "Fournisseur (identifiant)"),
    ):
        stats.add_argument(option, help=help_text)
    stats.add_argument("--format", required=True, choices=["json", "xlsx"])
    stats.add_argument(
        "--out", metavar="FICHIER", help="Fichier écrit (JSON : défaut la sortie standard)"
    )
    stats.add_argument(
        "--as",
        dest="user",
        required=True,
        metavar="EMAIL",
        help="Utilisateur au nom duquel le rapport est calculé (ses droits, ses clients)",
    )
    stats.set_defaults(handler=_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
