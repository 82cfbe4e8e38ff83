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
        print("Base de données à jour.")
    elif args.db_command == "downgrade":
        command.downgrade(alembic_config(), args.revision)
        print(f"Base de données ramenée à la révision {args.revision}.")
    elif args.db_command == "current":
        command.current(alembic_config())
    return 0


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


STATS_GROUPINGS = {
    "month": "mois",
    "site": "site",
    "rep": "commercial",
    "client-type": "type_client",
    "dossier-type": "type_dossier",
}
"""The values of --by, and the statistics `Grouping` each one names."""


def _parse_comparison(text: str):
    """--compare: previous-year (None: the report's default), none (False), or START:END."""
    from agence.services.statistics.revenue import Period

    if text == "previous-year":
        return None
    if text == "none":
        return False
    start, separator, end = text.partition(":")
    if not separator:
        raise ValueError(
            f"comparaison invalide : « {text} » (attendu previous-year, none ou "
            "AAAA-MM-JJ:AAAA-MM-JJ)."
        )
    period = Period(_parse_day(start, "--compare"), _parse_day(end, "--compare"))
    if period.start > period.end:
        raise ValueError("période de comparaison invalide : son début est après sa fin.")
    return period


def _stats_revenue(args: argparse.Namespace) -> int:
    """Exit code 2 for what the command line got wrong (dates, period, output, user) and for a
    user without the statistics right."""
    from agence.db import session_scope
    from agence.services.common.permissions import AccessProblem
    from agence.services.statistics.revenue import Grouping, Period, revenue_report

    try:
        period = Period(_parse_day(args.since, "--from"), _parse_day(args.until, "--to"))
        if period.start > period.end:
            raise ValueError("période invalide : la date --from est après la date --to.")
        comparison = _parse_comparison(args.compare)
        if args.format == "xlsx" and not args.out:
            raise ValueError("--out FICHIER.xlsx est requis pour le format xlsx.")
        with session_scope() as session:
            actor = _export_actor(session, args.user)
            report = revenue_report(
                session, actor, period, Grouping(STATS_GROUPINGS[args.by]), comparison or None
            )
    except (ValueError, LookupError, AccessProblem) as exc:
        print(f"Erreur : {_message(exc)}", file=sys.stderr)
        return 2
    compared = comparison is not False
    try:
        if args.format == "xlsx":
            _revenue_xlsx(report, compared, Path(args.out))
        else:
            text = json.dumps(_revenue_json(report, compared), indent=2, ensure_ascii=False)
            if args.out:
                Path(args.out).write_text(text + "\n", encoding="utf-8")
            else:
                print(text)
    except OSError as exc:
        print(f"Erreur : impossible d'écrire {args.out} : {exc.strerror}", file=sys.stderr)
        return 2
    if args.out:
        print(f"Chiffre d'affaires écrit dans {args.out}")
    return 0


def _revenue_measures():
    """(Measure, RevenueRow attribute of the period, is a rate) in column order."""
    from agence.services.statistics.measures import Measure

    return (
        (Measure.INVOICED_EXCL_VAT, "excl_vat", False),
        (Measure.INVOICED_INCL_VAT, "incl_vat", False),
        (Measure.GROSS_MARGIN, "margin", False),
        (Measure.MARGIN_RATE, "margin_rate", True),
        (Measure.MARGIN_VAT, "margin_vat", False),
    )


def _cents_text(value) -> str | None:
    """« 1234.50 »: two decimals, no « -0.00 »."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return None
    return f"{(value + Decimal(0)).quantize(Decimal('0.01'), ROUND_HALF_UP) or Decimal('0.00')}"


def _revenue_json(report, compared: bool) -> dict:
    measures = _revenue_measures()

    def figures(row, prefix: str) -> dict:
        return {m.value: _cents_text(getattr(row, prefix + name)) for m, name, _ in measures}

    def row_json(row) -> dict:
        data = {"key": row.key, "label": row.label, "period": figures(row, "")}
        if compared:
            data["comparison"] = figures(row, "previous_")
        return data

    def period(p) -> dict:
        return {"from": p.start.isoformat(), "to": p.end.isoformat()}

    return {
        "report": "revenue",
        "grouping": {"key": report.grouping.value, "label": report.grouping.label},
        "period": period(report.period),
        "comparison": period(report.comparison) if compared else None,
        "measures": [
            {
                "key": m.value,
                "label": m.label,
                "unit": "%" if rate else "EUR",
                "definition": m.definition,
            }
            for m, _, rate in measures
        ],
        "rows": [row_json(row) for row in report.rows],
        "total": row_json(report.total),
    }


def _revenue_xlsx(report, compared: bool, path: Path) -> None:
    """One sheet: the French header, a row per group, the total last; amounts and rates are
    numbers with two decimals."""
    from agence.services.common import formats
    from agence.services.common.exports import write_workbook
    from agence.services.common.listing import Column

    measures = _revenue_measures()
    columns = [Column("label", report.grouping.label, None, width=28)]
    prefixes = [("", "")]
    if compared:
        since, until = formats.day(report.comparison.start), formats.day(report.comparison.end)
        prefixes.append(("previous_", f" (du {since} au {until})"))
    for prefix, suffix in prefixes:
        columns += [
            Column(
                prefix + name,
                f"{m.label}{' (%)' if rate else ''}{suffix}",
                None,
                "percent" if rate else "money",
                width=22 if not suffix else 36,
            )
            for m, name, rate in measures
        ]
    rows = [
        {column.key: getattr(row, column.key) for column in columns}
        for row in (*report.rows, report.total)
    ]
    write_workbook(path, "Chiffre d'affaires", columns, rows)


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

    stats = commands.add_parser("stats", help="Statistiques (chiffre d'affaires…)")
    stats.add_argument("report", choices=["revenue"], help="revenue : chiffre d'affaires facturé")
    stats.add_argument("--from", dest="since", required=True, metavar="AAAA-MM-JJ")
    stats.add_argument("--to", dest="until", required=True, metavar="AAAA-MM-JJ")
    stats.add_argument(
        "--by", choices=list(STATS_GROUPINGS), default="month", help="Regroupement (défaut : month)"
    )
    stats.add_argument(
        "--compare",
        default="previous-year",
        metavar="previous-year|none|AAAA-MM-JJ:AAAA-MM-JJ",
        help="Période de comparaison (défaut : la même période un an plus tôt)",
    )
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
    stats.set_defaults(handler=_stats_revenue)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
