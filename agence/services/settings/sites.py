"""Agency sites (branches): identity used on documents, and the default site."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import AgencySite, User
from agence.services.common.forms import FieldSpec, postcode_problem, vat_siren_problem
from agence.services.common.listing import Column, ListSpec, active_filter
from agence.services.common.permissions import Actor, Module
from agence.services.common.records import Resource

BRAND_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
DEFAULT_BRAND_COLOR = "#1F4E79"


def _sites_query():
    return sa.select(
        col(AgencySite.id).label("id"),
        col(AgencySite.code).label("code"),
        col(AgencySite.name).label("name"),
        col(AgencySite.city).label("city"),
        col(AgencySite.siret).label("siret"),
        col(AgencySite.phone).label("phone"),
        col(AgencySite.is_default).label("is_default"),
        col(AgencySite.active).label("active"),
    )


SITES_LIST = ListSpec(
    name="Sites de l'agence",
    query=_sites_query,
    columns=(
        Column("code", "Code", AgencySite.code, width=8),
        Column("name", "Nom", AgencySite.name, width=36),
        Column("city", "Ville", AgencySite.city, width=20),
        Column("siret", "SIRET", AgencySite.siret, width=18, phone=False),
        Column("phone", "Téléphone", AgencySite.phone, width=16, phone=False),
        Column(
            "is_default", "Par défaut", AgencySite.is_default, kind="bool", width=10, phone=False
        ),
        Column("active", "Actif", AgencySite.active, kind="bool", width=8),
    ),
    search=(AgencySite.name, AgencySite.code, AgencySite.city, AgencySite.siret),
    filters=(active_filter(AgencySite.active),),
    default_sort="name",
    tie_breaker=AgencySite.id,
)


class SiteResource(Resource[AgencySite]):
    model = AgencySite
    module = Module.PARAMETERS
    entity = "site d'agence"
    new_title = "Nouveau site"
    unique = ("code", "name")
    fields = (
        FieldSpec(
            "code",
            "Code",
            "code",
            required=True,
            max_length=6,
            help="Court, sur les numéros de documents (ex. VDL).",
            section="Identité",
        ),
        FieldSpec("name", "Nom", required=True, max_length=120),
        FieldSpec(
            "address_line1", "Adresse", max_length=200, wide=True, section="Adresse et contact"
        ),
        FieldSpec("address_line2", "Complément d'adresse", max_length=200, wide=True),
        FieldSpec("postcode", "Code postal", max_length=10),
        FieldSpec("city", "Ville", max_length=100),
        FieldSpec("country", "Pays (code ISO)", "code", max_length=2, required=True),
        FieldSpec("phone", "Téléphone", "phone", max_length=30),
        FieldSpec("email", "E-mail", "email", max_length=254),
        FieldSpec(
            "siret",
            "SIRET",
            "siret",
            max_length=20,
            help="14 chiffres, clé de Luhn.",
            section="Mentions légales",
        ),
        FieldSpec("vat_number", "N° de TVA intracommunautaire", "vat", max_length=20),
        FieldSpec("iban", "IBAN", "iban", max_length=42, section="Banque"),
        FieldSpec("bic", "BIC", "bic", max_length=11),
        FieldSpec("legal_form", "Forme juridique", max_length=60, placeholder="SAS, SARL…"),
        FieldSpec("share_capital", "Capital social (€)", "decimal", min_value=0),
        FieldSpec("rcs", "RCS", max_length=120, placeholder="RCS Tours 123 456 789"),
        FieldSpec(
            "tourism_licence",
            "Immatriculation Atout France",
            max_length=60,
            placeholder="IM037XXXXXX",
        ),
        FieldSpec(
            "legal_mentions",
            "Mentions légales (pied des documents)",
            "textarea",
            max_length=2000,
            wide=True,
        ),
        FieldSpec(
            "brand_color",
            "Couleur des documents",
            max_length=7,
            placeholder="#1F4E79",
            help="Code hexadécimal : bandeau et titres des devis, contrats et bons d'échange.",
        ),
        FieldSpec("is_default", "Site par défaut", "bool"),
        FieldSpec("active", "Actif", "bool"),
    )

    def list_spec(self) -> ListSpec:
        return SITES_LIST

    def describe(self, record: AgencySite) -> str:
        return f"{record.code} — {record.name}"

    def defaults(self, session: Session) -> dict[str, str]:
        has_default = session.exec(select(AgencySite.id).where(AgencySite.is_default)).first()
        return {"country": "FR", "active": "on", "is_default": "" if has_default else "on"}

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: AgencySite | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        postcode = clean.get("postcode") or ""
        if postcode and (problem := postcode_problem(postcode, clean.get("country") or "")):
            errors.setdefault("postcode", problem)
        if problem := vat_siren_problem(clean.get("siret"), clean.get("vat_number")):
            errors.setdefault("vat_number", problem)
        color = clean.get("brand_color") or ""
        if color and not BRAND_COLOR.fullmatch(color):
            errors.setdefault("brand_color", "Couleur au format #RRVVBB, par exemple #1F4E79.")
        if not color:
            clean["brand_color"] = DEFAULT_BRAND_COLOR
        if clean.get("is_default") and not clean.get("active"):
            errors.setdefault("active", "Le site par défaut doit être actif.")
        if record is not None and record.is_default and not clean.get("is_default"):
            errors.setdefault(
                "is_default",
                "Il faut un site par défaut : cochez « Site par défaut » sur un autre site.",
            )

    def after_save(
        self,
        session: Session,
        actor: Actor,
        record: AgencySite,
        clean: dict[str, Any],
        created: bool,
    ) -> dict[str, Any]:
        if record.is_default:
            for other in session.exec(
                select(AgencySite).where(AgencySite.is_default, AgencySite.id != record.id)
            ):
                other.is_default = False
                session.add(other)
        return {}

    def delete_problem(self, session: Session, record: AgencySite) -> str | None:
        if record.is_default:
            return "Le site par défaut ne peut pas être supprimé."
        users = session.exec(
            select(func.count()).select_from(User).where(User.site_id == record.id)
        ).one()
        if users:
            return (
                f"Ce site est rattaché à {users} utilisateur(s) : réaffectez-les ou "
                "désactivez le site."
            )
        return None


SITES = SiteResource()


def site_choices(
    session: Session, *, include_inactive: bool = False
) -> tuple[tuple[str, str], ...]:
    statement = select(AgencySite.id, AgencySite.name).order_by(AgencySite.name)
    if not include_inactive:
        statement = statement.where(AgencySite.active)
    return tuple((str(site_id), name) for site_id, name in session.exec(statement))
