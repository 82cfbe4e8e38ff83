"""The editable letter and e-mail templates: per document kind and language, the e-mail subject
and body and the letter texts, written with placeholders (`{{ client.nom }}`,
`{{ dossier.date_debut|date }}`, `{{ montant|euros }}`…).

The agency's staff write these texts, so they are treated as untrusted code: Jinja2 runs in an
immutable sandbox with only our filters, no globals and strict undefined names, and `check`
refuses before saving anything the catalogue does not describe — an unknown placeholder, a
forbidden filter or construct, an attribute walk such as `client.__class__` — with the line and
a French reason the editor can show, then renders it once on the sample values. Only the checked
tree is compiled, and the sandbox still refuses at render time what the static check would have
missed.

A rendering is bounded so that a template can neither fill memory nor stall a worker: every
operator that can grow a value is watched (`~`, `+`, `*` on texts and lists, numbers kept below
15 digits, no `%` formatting of a text, no `**`), loop turns are counted, the printed text is
streamed and capped, and a deadline is checked between the operations, the loop turns and the
printed pieces. One operation being small, checking the deadline between them is enough: no
thread, no signal.

Values keep their types in the context (dates stay `date`, amounts stay `Decimal`) so that the
filters format them in the template's language; printed without a filter, a date shows as
dd/mm/yyyy, an amount in euros and a missing value as nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.tests import TESTS as JINJA_TESTS
from jinja2.visitor import NodeTransformer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from agence.models.base import utcnow
from agence.models.correspondence import DocumentTemplate
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.documents import locale
from agence.services.documents.content import (
    KIND_LABELS,
    LANGUAGES,
    SUPPLIER_KINDS,
    Addressee,
    Branding,
    Change,
    ClientDocument,
    DocumentKind,
    Group,
    LetterTexts,
    SupplierDocument,
)
from agence.services.documents.default_texts import DEFAULT_TEXTS

# --- Parts -----------------------------------------------------------------------------------

PARTS = ("email_subject", "email_body", "introduction", "not_included", "terms", "closing")

PART_LABELS: dict[str, str] = {
    "email_subject": "Objet de l'e-mail",
    "email_body": "Texte de l'e-mail",
    "introduction": "Introduction du document",
    "not_included": "Le prix ne comprend pas",
    "terms": "Conditions générales de vente",
    "closing": "Formule de fin",
}

_LETTER = ("email_subject", "email_body", "introduction", "closing")
PARTS_BY_KIND: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.QUOTE: PARTS,
    DocumentKind.CONTRACT: PARTS,
    DocumentKind.AMENDMENT: _LETTER,
    DocumentKind.PROFORMA: _LETTER,
    DocumentKind.SUPPLIER_REQUEST: _LETTER,
    DocumentKind.VOUCHER: _LETTER,
    DocumentKind.ROAD_BOOK: _LETTER,
    DocumentKind.INVOICE: ("email_subject", "email_body"),
}
"""The parts each kind prints or sends; the others are neither edited nor stored."""

PART_LIMITS: dict[str, int] = {
    part: DocumentTemplate.__table__.c[part].type.length  # type: ignore[attr-defined]
    for part in PARTS
}
"""The column sizes, read from the table so that the message and the schema cannot differ."""

ENTITY = "modèle de document"

# --- The placeholders catalogue --------------------------------------------------------------


class Placeholder(NamedTuple):
    """One line of the editor's list: what to type, what it means, what it looks like."""

    name: str
    description: str
    example: str


PLACEHOLDER_GROUPS: tuple[tuple[str, tuple[Placeholder, ...]], ...] = (
    (
        "Agence",
        (
            Placeholder("agence.nom", "Nom de l'agence (site émetteur)", "Escapades en Loire"),
            Placeholder(
                "agence.adresse", "Adresse de l'agence, sur plusieurs lignes", "12 rue Nationale"
            ),
            Placeholder("agence.telephone", "Téléphone de l'agence", "02 47 20 10 10"),
            Placeholder("agence.email", "E-mail de l'agence", "contact@escapades-loire.fr"),
            Placeholder("agence.siret", "SIRET de l'agence", "30326504500003"),
            Placeholder("agence.tva", "N° de TVA intracommunautaire", "FR40303265045"),
            Placeholder("agence.immatriculation", "Immatriculation Atout France", "IM037100001"),
        ),
    ),
    (
        "Client",
        (
            Placeholder("client.nom", "Nom du client", "Collège Anatole-France"),
            Placeholder(
                "client.adresse", "Adresse du client, sur plusieurs lignes", "3 rue Balzac"
            ),
        ),
    ),
    (
        "Destinataire",
        (
            Placeholder(
                "destinataire.nom", "Contact à qui le document est adressé", "Mme Claire Martin"
            ),
            Placeholder("destinataire.email", "E-mail du destinataire", "c.martin@college.fr"),
        ),
    ),
    (
        "Dossier",
        (
            Placeholder("dossier.reference", "Référence du dossier", "VDL-2026-0142"),
            Placeholder("dossier.titre", "Titre du dossier", "Journée châteaux de la Loire"),
            Placeholder(
                "dossier.groupe",
                "Nom du groupe (client et titre), tel que le connaît le prestataire",
                "Collège Anatole-France – Journée châteaux de la Loire",
            ),
            Placeholder(
                "dossier.date_debut",
                "Date de début (avec |date ou |date_longue)",
                "30/11/2026",
            ),
            Placeholder(
                "dossier.date_fin", "Date de fin (avec |date ou |date_longue)", "30/11/2026"
            ),
            Placeholder("dossier.heure_debut", "Heure de début", "09:30"),
            Placeholder("dossier.nb_payants", "Nombre de participants payants", "22"),
            Placeholder("dossier.nb_gratuits", "Nombre de gratuités", "2"),
            Placeholder("dossier.nb_accompagnateurs", "Nombre d'accompagnateurs", "1"),
            Placeholder("dossier.nb_personnes", "Nombre total de personnes", "25"),
            Placeholder("dossier.langue", "Langue du groupe, en toutes lettres", "français"),
            Placeholder(
                "dossier.lieu_rdv", "Lieu de rendez-vous", "Parking du château de Chenonceau"
            ),
            Placeholder(
                "dossier.prix_par_payant", "Prix par participant payant (avec |euros)", "118,50 €"
            ),
            Placeholder("dossier.prix_total", "Prix total du groupe (avec |euros)", "2 607,00 €"),
            Placeholder("dossier.version", "Version du dossier", "2"),
            Placeholder(
                "dossier.validite", "Date limite de validité de l'offre (devis)", "15/10/2026"
            ),
        ),
    ),
    (
        "Fournisseur",
        (
            Placeholder("fournisseur.nom", "Nom du prestataire", "Château de Chenonceau"),
            Placeholder(
                "fournisseur.reponse_avant",
                "Date limite de réponse (demande de réservation)",
                "15/09/2026",
            ),
        ),
    ),
    (
        "Commercial",
        (
            Placeholder("commercial.nom", "Commercial qui suit le dossier", "Julien Moreau"),
            Placeholder("commercial.telephone", "Téléphone du commercial", "06 12 34 56 78"),
            Placeholder("commercial.email", "E-mail du commercial", "j.moreau@escapades-loire.fr"),
        ),
    ),
    (
        "Expéditeur",
        (
            Placeholder("utilisateur.nom", "Utilisateur qui envoie le document", "Julien Moreau"),
            Placeholder(
                "utilisateur.email", "E-mail de l'expéditeur", "j.moreau@escapades-loire.fr"
            ),
        ),
    ),
    (
        "Montant",
        (
            Placeholder(
                "montant", "Montant du document : total du dossier (avec |euros)", "2 607,00 €"
            ),
        ),
    ),
    (
        "Facture",
        (
            Placeholder(
                "facture.numero", "Numéro de la facture ou de l'avoir", "FA-VDL-2026-000123"
            ),
            Placeholder("facture.type", "Facture, facture d'acompte ou avoir", "Facture d'acompte"),
            Placeholder("facture.date", "Date d'émission (avec |date)", "01/09/2026"),
            Placeholder("facture.echeance", "Date d'échéance (avec |date)", "01/10/2026"),
            Placeholder("facture.montant", "Total TTC (avec |euros)", "782,10 €"),
            Placeholder("facture.net_a_payer", "Net à payer (avec |euros)", "782,10 €"),
        ),
    ),
    (
        "Avenant",
        (
            Placeholder("avenant.numero", "Numéro de l'avenant", "1"),
            Placeholder("avenant.motif", "Motif de l'avenant", "Deux participants de plus"),
            Placeholder(
                "avenant.ecart",
                "Écart de prix avec la version précédente (avec |euros)",
                "237,00 €",
            ),
        ),
    ),
)

PLACEHOLDERS: tuple[Placeholder, ...] = tuple(
    placeholder for _, group in PLACEHOLDER_GROUPS for placeholder in group
)
NAMES: frozenset[str] = frozenset(p.name for p in PLACEHOLDERS)
ROOTS: dict[str, tuple[str, ...]] = {}
for _placeholder in PLACEHOLDERS:
    _root, _, _field = _placeholder.name.partition(".")
    ROOTS.setdefault(_root, ())
    if _field:
        ROOTS[_root] += (_field,)

DATE_NAMES = frozenset(
    {
        "dossier.date_debut",
        "dossier.date_fin",
        "dossier.validite",
        "fournisseur.reponse_avant",
        "facture.date",
        "facture.echeance",
    }
)
AMOUNT_NAMES = frozenset(
    {
        "dossier.prix_par_payant",
        "dossier.prix_total",
        "montant",
        "avenant.ecart",
        "facture.montant",
        "facture.net_a_payer",
    }
)

_CLIENT_ONLY = frozenset(
    {
        "client.nom",
        "client.adresse",
        "dossier.prix_par_payant",
        "dossier.prix_total",
        "dossier.version",
        "dossier.validite",
        "montant",
    }
)
_SUPPLIER_ONLY = frozenset({"fournisseur.nom", "fournisseur.reponse_avant"})
_AMENDMENT_ONLY = frozenset({"avenant.numero", "avenant.motif", "avenant.ecart"})
_INVOICE_ONLY = frozenset(name for name in NAMES if name.startswith("facture."))


def available_names(kind: DocumentKind) -> frozenset[str]:
    """The placeholders a document of this kind can fill: a supplier never sees the client's
    price, a quote has no supplier, only an amendment has an amendment number and only an
    invoice's e-mail has an invoice."""
    names = NAMES - _AMENDMENT_ONLY if kind != DocumentKind.AMENDMENT else NAMES
    if kind != DocumentKind.INVOICE:
        names = names - _INVOICE_ONLY
    if kind in SUPPLIER_KINDS:
        return names - _CLIENT_ONLY
    return names - _SUPPLIER_ONLY


def placeholders_for(kind: DocumentKind) -> tuple[tuple[str, tuple[Placeholder, ...]], ...]:
    """The editor's list for one kind, grouped, without the placeholders it cannot fill."""
    names = available_names(kind)
    groups = (
        (label, tuple(p for p in group if p.name in names)) for label, group in PLACEHOLDER_GROUPS
    )
    return tuple((label, group) for label, group in groups if group)


# --- Filters ---------------------------------------------------------------------------------


class FilterHelp(NamedTuple):
    name: str
    description: str
    example: str


FILTERS: tuple[FilterHelp, ...] = (
    FilterHelp("date", "Date au format jj/mm/aaaa", "{{ dossier.date_debut|date }} → 30/11/2026"),
    FilterHelp(
        "date_longue",
        "Date en toutes lettres, dans la langue du modèle",
        "{{ dossier.date_debut|date_longue }} → lundi 30 novembre 2026",
    ),
    FilterHelp(
        "euros", "Montant en euros, dans la langue du modèle", "{{ montant|euros }} → 2 607,00 €"
    ),
    FilterHelp("upper", "En majuscules", "{{ client.nom|upper }} → COLLÈGE ANATOLE-FRANCE"),
    FilterHelp("lower", "En minuscules", "{{ dossier.langue|lower }} → français"),
    FilterHelp("capitalize", "Première lettre en majuscule", "{{ dossier.langue|capitalize }}"),
    FilterHelp("title", "Initiales des mots en majuscules", "{{ destinataire.nom|title }}"),
    FilterHelp(
        "default",
        "Texte de remplacement si la valeur est vide (avec true)",
        "{{ destinataire.nom|default('Madame, Monsieur', true) }}",
    ),
    FilterHelp("trim", "Sans espaces au début ni à la fin", "{{ client.nom|trim }}"),
    FilterHelp("round", "Arrondi (nombre de décimales)", "{{ montant|round(0) }}"),
    FilterHelp("length", "Nombre de caractères ou d'éléments", "{{ client.nom|length }}"),
    FilterHelp("join", "Éléments joints par un séparateur", "{{ ['a', 'b']|join(', ') }}"),
    FilterHelp("first", "Premier élément ou caractère", "{{ client.nom|first }}"),
    FilterHelp("last", "Dernier élément ou caractère", "{{ client.nom|last }}"),
    FilterHelp(
        "replace", "Remplace un texte par un autre", "{{ client.adresse|replace('\\n', ', ') }}"
    ),
)
FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in FILTERS)
_OUR_FILTERS = ("date", "date_longue", "euros", "replace", "join")
JINJA_FILTER_NAMES = tuple(name for name in FILTER_NAMES if name not in _OUR_FILTERS)
"""Jinja's own filters we allow: pure functions of their value, nothing reaches an object."""

TEST_NAMES = ("defined", "none", "number", "string", "even", "odd", "divisibleby")
"""The `is …` tests allowed in conditions (`{% if dossier.nb_gratuits is even %}`)."""

LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})

MAX_OUTPUT = 20_000
"""Longest text (or list, once printed) one operator or filter may build: `~`, `+`, `*`,
|replace, |join (the longest column)."""
MAX_ITERATIONS = 1_000
"""Loop turns in one rendering, all loops together: nested loops cannot spin for minutes."""
MAX_RENDERED = 50_000
"""Characters one part may print, captured blocks included: a template cannot fill memory, nor
a PDF with pages of nothing."""
MAX_NUMBER = 10**15
"""Numbers an operator may produce stay below this (15 digits): `n * n` cannot grow without end."""
MAX_SECONDS = 1.0
"""Time the parts of one document may take to render, all together."""
PREVIEW_CHARS = 25_000
"""Characters of one part the editor's preview sends to the browser."""
TRUNCATED = "\n… aperçu tronqué"

# --- Problems --------------------------------------------------------------------------------


class TemplateProblem(Exception):
    """A template that cannot be saved or rendered: where (line, part) and why, in French."""

    def __init__(self, reason: str, line: int | None = None, part: str = "") -> None:
        self.reason = reason
        self.line = line
        self.part = part
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """« Ligne 3 : erreur de syntaxe – … », as shown next to the edited part."""
        return f"Ligne {self.line} : {self.reason}" if self.line else self.reason

    def __str__(self) -> str:
        return self.message


class _FilterMisuse(Exception):
    """A filter given a value it cannot format (its French reason)."""


class _Limit(SecurityError):
    """A rendering that would take too much time or memory (its French reason)."""


_TOO_LONG = f"texte assemblé trop long ({MAX_OUTPUT} caractères au plus)"
_TOO_BIG = "nombre trop grand (15 chiffres au plus)"
_TOO_MUCH_OUTPUT = f"texte produit trop long ({MAX_RENDERED} caractères au plus)"
_TOO_SLOW = "rendu trop long (plus d'une seconde) : simplifiez le modèle"
_TOO_DEEP = "texte trop imbriqué : simplifiez les blocs, les parenthèses ou les filtres enchaînés"


@dataclass
class _Budget:
    deadline: float
    iterations: int = MAX_ITERATIONS
    output: int = MAX_RENDERED


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)
_LOOP_FILTER = "_loop_budget"
"""Wraps every loop's iterable (the checker rewrites the tree); users cannot name it."""
_CONCAT_FILTER = "_concat"
"""Replaces every `~` (Jinja's own join is not watched by the sandbox)."""
_CONTAINER_FILTER = "_container"
"""Wraps every list, tuple and dict the template writes, to measure it."""


def _tick() -> _Budget | None:
    """The current rendering's budget, after checking its deadline (None outside a rendering:
    compiling folds constants through the same filters)."""
    budget = _BUDGET.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise _Limit(_TOO_SLOW)
    return budget


class _List(list):
    """A list the template built, carrying its printed size (see `_measured`)."""

    __slots__ = ("size",)


class _Tuple(tuple):
    """A tuple the template built, carrying its printed size (see `_measured`)."""

    size: int


class _Dict(dict):
    """A dict the template built, carrying its printed size (see `_measured`)."""

    __slots__ = ("size",)


_MEASURED = {list: _List, tuple: _Tuple, dict: _Dict}


def _size(value: Any) -> int:
    """About how many characters a value prints: exact for a text, the sum of its items for a
    list, tuple or dict (read from it when the template built it, so that a list of lists is
    not unfolded again); refused past MAX_OUTPUT."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, _List | _Tuple | _Dict):
        return value.size
    if isinstance(value, list | tuple | dict):
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 2
        for item in items:
            total += _size(item) + 2
            if total > MAX_OUTPUT:
                raise _Limit(f"liste trop grande ({MAX_OUTPUT} caractères au plus)")
        return total
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    return 30


def _measured(value: Any) -> Any:
    """A list, tuple or dict the template built (a literal, a `+`): refused when it would print
    past MAX_OUTPUT, else kept with its size."""
    _tick()
    size = _size(value)
    kind = _MEASURED.get(type(value))
    if kind is None:
        return value
    measured = kind(value)
    measured.size = size
    return measured


def _concat(values: list[Any]) -> str:
    """`a ~ b ~ c`, refused past MAX_OUTPUT before anything is built."""
    _tick()
    if sum(_size(value) for value in values) > MAX_OUTPUT:
        raise _Limit(_TOO_LONG)
    text = "".join(value if isinstance(value, str) else str(value) for value in values)
    if len(text) > MAX_OUTPUT:
        raise _Limit(_TOO_LONG)
    return text


def _bounded_join(pieces: Any) -> str:
    """Joins a captured block (`{% set x %}…{% endset %}`, `{% filter %}`): a loop repeating a
    long text is refused before the join builds it."""
    pieces = list(pieces)
    if sum(map(len, pieces)) > MAX_RENDERED:
        raise _Limit(_TOO_MUCH_OUTPUT)
    return "".join(pieces)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


# --- The sandbox -----------------------------------------------------------------------------


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with every arithmetic operator watched so that a template
    cannot build a giant text, list or number (`'x' * 10**9`, `{% set n = n * n %}` repeated,
    `'%030000000d' % 1`). Intercepted operators are also never folded while compiling."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**":
            raise _Limit("opérateur ** non autorisé")
        if operator == "%" and not _is_number(left):
            raise _Limit("le formatage de texte avec % n'est pas autorisé")
        if (
            operator == "+"
            and isinstance(left, str)
            and isinstance(right, str)
            and len(left) + len(right) > MAX_OUTPUT
        ):
            raise _Limit(_TOO_LONG)
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, list | tuple) and isinstance(count, int):
                    raise _Limit("une liste ne se répète pas")
                if (
                    isinstance(sequence, str)
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_OUTPUT
                ):
                    raise _Limit(f"texte répété trop long ({MAX_OUTPUT} caractères au plus)")
        result = super().call_binop(context, operator, left, right)
        if _is_number(result) and abs(result) >= MAX_NUMBER:
            raise _Limit(_TOO_BIG)
        if isinstance(result, list | tuple):
            return _measured(result)
        return result


def _date_filter(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, date):
        raise _FilterMisuse("le filtre |date s'applique à une date")
    return locale.day(value)


def _loop_budget(iterable: Any) -> Any:
    """The loop's items, counted against the rendering's budget (and its deadline)."""
    for item in iterable:
        budget = _tick()
        if budget is not None:
            budget.iterations -= 1
            if budget.iterations < 0:
                raise _Limit(f"trop de tours de boucle ({MAX_ITERATIONS} au plus)")
        yield item


def _join_filter(value: Any, separator: Any = "") -> str:
    items = [str(item) for item in value]
    if sum(map(len, items)) + len(str(separator)) * len(items) > MAX_OUTPUT:
        raise _Limit(f"texte joint trop long ({MAX_OUTPUT} caractères au plus)")
    return str(separator).join(items)


def _replace_filter(value: Any, old: Any, new: Any, count: int | None = None) -> str:
    text, old, new = str(value), str(old), str(new)
    occurrences = text.count(old) if old else len(text) + 1
    if count is not None:
        occurrences = min(occurrences, max(count, 0))
    if len(text) + occurrences * (len(new) - len(old)) > MAX_OUTPUT:
        raise _Limit(f"remplacement trop long ({MAX_OUTPUT} caractères au plus)")
    return text.replace(old, new, -1 if count is None else count)


def _language_filters(language: str) -> dict[str, Any]:
    def long_date(value: Any) -> str:
        if value is None or value == "":
            return ""
        if not isinstance(value, date):
            raise _FilterMisuse("le filtre |date_longue s'applique à une date")
        return locale.long_day(value, language)

    def euros(value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
            raise _FilterMisuse("le filtre |euros s'applique à un montant")
        return locale.money(Decimal(str(value)), language)

    return {"date": _date_filter, "date_longue": long_date, "euros": euros}


@lru_cache(maxsize=len(LANGUAGES) + 1)
def environment(language: str = "fr") -> ImmutableSandboxedEnvironment:
    """The sandbox for one language: plain text (no HTML escaping: PDFs and text/plain
    e-mails), strict undefined names, no globals, only the catalogue's filters and tests."""
    env = _Sandbox(
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalizer(language),
    )
    env.globals.clear()
    env.filters = {name: JINJA_FILTERS[name] for name in JINJA_FILTER_NAMES}
    env.filters.update(_language_filters(language))
    env.filters.update(replace=_replace_filter, join=_join_filter)
    env.filters[_LOOP_FILTER] = _loop_budget
    env.filters[_CONCAT_FILTER] = _concat
    env.filters[_CONTAINER_FILTER] = _measured
    env.tests = {name: JINJA_TESTS[name] for name in TEST_NAMES}
    env.concat = _bounded_join  # type: ignore[method-assign]
    return env


def _finalizer(language: str):
    def finalize(value: Any) -> str:
        if value is None:
            text = ""
        elif isinstance(value, date):
            text = locale.day(value)
        elif isinstance(value, Decimal):
            text = locale.money(value, language)
        else:
            text = str(value)
        budget = _tick()
        if budget is not None:
            budget.output -= len(text)
            if budget.output < 0:
                raise _Limit(_TOO_MUCH_OUTPUT)
        return text

    return finalize


# --- Static check ----------------------------------------------------------------------------

_TOKEN_WORDS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "la fin du texte",
    "end of comment": "#}",
    "name": "un nom",
    "begin of print statement": "{{",
    "begin of statement block": "{%",
}
_STRUCTURE_TAGS = {"else", "elif"}
_FORBIDDEN_STATEMENTS: dict[type[nodes.Node], str] = {
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
    nodes.Block: "block",
    nodes.With: "with",
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
    nodes.ExprStmt: "do",
    nodes.Break: "break",
    nodes.Continue: "continue",
}
_PLAIN_EXPRESSIONS = (
    nodes.Const,
    nodes.TemplateData,
    nodes.Concat,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.CondExpr,
    nodes.Tuple,
    nodes.List,
    nodes.Dict,
    nodes.Pair,
    nodes.Slice,
    nodes.Keyword,
)
_BLOCK_TAGS = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape"}


def _token(word: str) -> str:
    return _TOKEN_WORDS.get(word, word)


def _opening_line(text: str, block: str) -> int | None:
    """The line of the innermost `{% block %}` left open (Jinja reports the end of the text)."""
    stack: list[tuple[str, int]] = []
    try:
        tokens = [t for t in environment().lex(text) if t[1] != "whitespace"]
    except TemplateSyntaxError:
        return None
    for index, (line, kind, _value) in enumerate(tokens):
        if kind != "block_begin" or index + 1 >= len(tokens) or tokens[index + 1][1] != "name":
            continue
        tag = tokens[index + 1][2]
        if tag.startswith("end"):
            if stack and stack[-1][0] == tag[3:]:
                stack.pop()
        elif tag in _BLOCK_TAGS:
            stack.append((tag, line))
        elif tag == "set":
            rest = tokens[index + 2 :]
            end = next((i for i, t in enumerate(rest) if t[1] == "block_end"), len(rest))
            if not any(t[1] == "operator" and t[2] == "=" for t in rest[:end]):
                stack.append((tag, line))
    return next((line for tag, line in reversed(stack) if tag == block), None)


def _syntax_reason(message: str) -> str:
    """Jinja's English message, said in French (the essence, not a word-for-word)."""
    if found := re.search(r"innermost block that needs to be closed is '(\w+)'", message):
        block = found.group(1)
        if message.startswith("Unexpected end of template"):
            return f"bloc {{% {block} %}} non fermé (il manque {{% end{block} %}})"
        tag = re.match(r"Encountered unknown tag '(\w+)'", message)
        if tag and (tag.group(1).startswith("end") or tag.group(1) in _STRUCTURE_TAGS):
            return (
                f"balise {{% {tag.group(1)} %}} inattendue : le bloc {{% {block} %}} en cours "
                f"attend {{% end{block} %}}"
            )
    if tag := re.match(r"Encountered unknown tag '(\w+)'", message):
        name = tag.group(1)
        if name.startswith("end") or name in _STRUCTURE_TAGS:
            return f"balise {{% {name} %}} sans bloc ouvert correspondant"
        return f"balise {{% {name} %}} inconnue"
    if found := re.match(r"unexpected end of template, expected '(.+)'", message):
        return f"le texte se termine avant « {_token(found.group(1))} »"
    if message.lower().startswith("unexpected end of template"):
        return "le texte se termine au milieu d'une balise"
    if found := re.match(r"expected token '(.+)', got '(.+)'", message):
        return f"« {_token(found.group(2))} » inattendu, « {_token(found.group(1))} » attendu"
    if found := re.match(r"unexpected '(.+)', expected '(.+)'", message):
        return f"« {_token(found.group(1))} » inattendu, « {_token(found.group(2))} » attendu"
    if found := re.match(r"unexpected '(.+)'", message):
        return f"« {_token(found.group(1))} » inattendu"
    if found := re.match(r"unexpected char (['\"])(.+)\1 at \d+", message):
        char = found.group(2)
        if char in "'\"":
            return "guillemet non fermé"
        return f"caractère « {char} » inattendu dans une balise"
    if message.startswith("Missing end of comment tag"):
        return "commentaire {# non fermé (il manque #})"
    if message.startswith("Missing end of raw directive"):
        return "bloc {% raw %} non fermé (il manque {% endraw %})"
    if message.startswith("tag name expected"):
        return "nom d'instruction attendu après {%"
    if found := re.match(r"Expected an expression, got '(.+)'", message):
        return f"expression attendue avant « {_token(found.group(1))} »"
    if message.startswith("expected name or number"):
        return "nom attendu après le point"
    return f"construction invalide ({message})"


def _syntax_problem(exc: TemplateSyntaxError, text: str) -> TemplateProblem:
    reason = _syntax_reason(exc.message or "")
    line = exc.lineno
    if (block := re.search(r"closed is '(\w+)'", exc.message or "")) and (
        exc.message or ""
    ).startswith("Unexpected end of template"):
        line = _opening_line(text, block.group(1)) or line
    return TemplateProblem(f"erreur de syntaxe – {reason}", line)


def _path(node: nodes.Node) -> list[str] | None:
    """`client.nom` or `client['nom']` as ["client", "nom"]; None when it does not start from
    a name (a literal, a filter's result…)."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        base = _path(node.node)
        return None if base is None else [*base, node.attr]
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    ):
        base = _path(node.node)
        return None if base is None else [*base, node.arg.value]
    return None


class _Checker:
    """Walks the parsed template: every name, attribute, filter and statement must be one the
    catalogue allows. Names bound by `for` and `set` are local to where Jinja keeps them."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def refuse(self, node: nodes.Node, reason: str) -> TemplateProblem:
        return TemplateProblem(reason, node.lineno)

    def body(self, statements: list[nodes.Node], scope: set[str]) -> None:
        for statement in statements:
            self.statement(statement, scope)

    def statement(self, node: nodes.Node, scope: set[str]) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                self.expression(child, scope)
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope)
            self.body(node.body, scope)
            for branch in node.elif_:
                self.statement(branch, scope)
            self.body(node.else_, scope)
        elif isinstance(node, nodes.For):
            if node.recursive:
                raise self.refuse(node, "boucle récursive non autorisée")
            self.expression(node.iter, scope)
            node.iter = nodes.Filter(
                node.iter, _LOOP_FILTER, [], [], None, None, lineno=node.iter.lineno
            )
            inner = scope | self.targets(node.target)
            if node.test is not None:
                self.expression(node.test, set(inner))
            self.body(node.body, inner | {"loop"})
            self.body(node.else_, set(scope))
        elif isinstance(node, nodes.Assign):
            self.expression(node.node, scope)
            scope |= self.targets(node.target)
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body, set(scope))
            if node.filter is not None:
                self.filter(node.filter, scope)
            scope |= self.targets(node.target)
        elif isinstance(node, nodes.FilterBlock):
            self.filter(node.filter, scope)
            self.body(node.body, scope)
        else:
            tag = _FORBIDDEN_STATEMENTS.get(type(node), type(node).__name__.lower())
            raise self.refuse(node, f"instruction {{% {tag} %}} non autorisée")

    def targets(self, node: nodes.Node) -> set[str]:
        if isinstance(node, nodes.Name):
            if node.name in ROOTS or node.name == "loop":
                raise self.refuse(
                    node, f"« {node.name} » est un nom réservé : choisissez un autre nom"
                )
            if node.name.startswith("_"):
                raise self.refuse(node, f"nom « {node.name} » non autorisé")
            return {node.name}
        if isinstance(node, nodes.Tuple):
            names: set[str] = set()
            for item in node.items:
                names |= self.targets(item)
            return names
        raise self.refuse(node, "affectation non autorisée : donnez un simple nom")

    def expression(self, node: nodes.Node | None, scope: set[str]) -> None:
        if node is None:
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.chain(node, scope)
        elif isinstance(node, nodes.Filter):
            self.filter(node, scope)
        elif isinstance(node, nodes.Test):
            if node.name not in TEST_NAMES:
                raise self.refuse(node, f"test « is {node.name} » non autorisé")
            self.expression(node.node, scope)
            self.arguments(node, scope)
        elif isinstance(node, nodes.Call):
            raise self.refuse(node, "appel de fonction ou de méthode non autorisé")
        elif isinstance(node, nodes.Pow):
            raise self.refuse(node, "opérateur ** non autorisé")
        elif isinstance(node, nodes.Mod) and (
            isinstance(node.left, nodes.Concat)
            or (isinstance(node.left, nodes.Const) and isinstance(node.left.value, str))
        ):
            raise self.refuse(node, "le formatage de texte avec % n'est pas autorisé")
        elif (
            isinstance(node, nodes.Const)
            and _is_number(node.value)
            and not abs(node.value) < MAX_NUMBER
        ):
            raise self.refuse(node, _TOO_BIG)
        elif isinstance(node, _PLAIN_EXPRESSIONS):
            for child in node.iter_child_nodes():
                self.expression(child, scope)
        else:
            raise self.refuse(node, f"construction non autorisée ({type(node).__name__})")

    def arguments(self, node: nodes.Filter | nodes.Test, scope: set[str]) -> None:
        for argument in [*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs]:
            self.expression(argument, scope)

    def filter(self, node: nodes.Filter, scope: set[str]) -> None:
        if node.name not in FILTER_NAMES:
            if node.name in JINJA_FILTERS:
                raise self.refuse(node, f"filtre « {node.name} » non autorisé")
            raise self.refuse(node, f"filtre inconnu « {node.name} »")
        target = _path(node.node) if node.node is not None else None
        dotted = ".".join(target) if target else ""
        if dotted in NAMES:
            if node.name in ("date", "date_longue") and dotted not in DATE_NAMES:
                raise self.refuse(
                    node, f"le filtre |{node.name} s'applique à une date, pas à « {dotted} »"
                )
            if node.name == "euros" and dotted not in AMOUNT_NAMES:
                raise self.refuse(
                    node, f"le filtre |euros s'applique à un montant, pas à « {dotted} »"
                )
        self.expression(node.node, scope)
        self.arguments(node, scope)

    def chain(self, node: nodes.Name | nodes.Getattr | nodes.Getitem, scope: set[str]) -> None:
        path = _path(node)
        if path is None:
            if isinstance(node, nodes.Getattr):
                raise self.refuse(node, f"accès à l'attribut « {node.attr} » non autorisé")
            if isinstance(node, nodes.Getitem):
                if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                    raise self.refuse(node, f"accès à l'attribut « {node.arg.value} » non autorisé")
                self.expression(node.node, scope)
                self.expression(node.arg, scope)
            return
        root, *fields = path
        dotted = ".".join(path)
        if root in scope:
            if not fields or (root == "loop" and fields[0] in LOOP_ATTRIBUTES and len(fields) == 1):
                return
            raise self.refuse(
                node, f"accès à l'attribut « {fields[0]} » de « {root} » non autorisé"
            )
        if dotted in NAMES:
            self.used.setdefault(dotted, node.lineno)
            return
        if any(part.startswith("_") for part in path):
            raise self.refuse(node, f"accès interdit à « {dotted} » (attribut interne)")
        if root in ROOTS and not fields:
            example = f"{root}.{ROOTS[root][0]}"
            raise self.refuse(
                node, f"« {root} » seul n'est pas une variable : écrivez « {example} »"
            )
        for size in range(len(path) - 1, 0, -1):
            prefix = ".".join(path[:size])
            if prefix in NAMES:
                extra = path[size]
                raise self.refuse(
                    node,
                    f"variable inconnue « {dotted} » : « {prefix} » n'a pas de champ « {extra} »"
                    f" (pour un filtre, écrivez « {prefix}|{extra} »)",
                )
        raise self.refuse(node, f"variable inconnue « {dotted} »")


class _Measures(NodeTransformer):
    """Rewrites, after the check, what Jinja would build unwatched: every `~` goes through
    `_concat` and every list, tuple or dict the template writes through `_container`."""

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        operands = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(operands, _CONCAT_FILTER, [], [], None, None, lineno=node.lineno)

    def _measure(self, node: nodes.Expr) -> nodes.Node:
        self.generic_visit(node)
        if getattr(node, "ctx", "load") != "load":
            return node
        return nodes.Filter(node, _CONTAINER_FILTER, [], [], None, None, lineno=node.lineno)

    visit_List = visit_Tuple = visit_Dict = _measure


def _checked_tree(text: str) -> tuple[nodes.Template, dict[str, int]]:
    """The parsed text, walked by the checker (which counts its loops' turns) and rewritten so
    that its texts and lists are measured, and the placeholders it uses with their first line."""
    try:
        tree = environment().parse(text)
        checker = _Checker()
        checker.body(tree.body, set())
        _Measures().visit(tree)
    except TemplateSyntaxError as exc:
        raise _syntax_problem(exc, text) from None
    except RecursionError:
        raise TemplateProblem(_TOO_DEEP) from None
    except ValueError:  # an integer of thousands of digits, refused by Python itself
        raise TemplateProblem(_TOO_BIG) from None
    return tree, checker.used


@lru_cache(maxsize=512)
def _analysed(text: str) -> tuple[tuple[str, int], ...]:
    _, used = _checked_tree(text)
    return tuple(sorted(used.items(), key=lambda item: (item[1], item[0])))


@lru_cache(maxsize=512)
def _compiled(text: str, language: str) -> Template:
    """Only a checked tree is compiled: what runs is what the checker saw."""
    tree, _ = _checked_tree(text)
    try:
        return environment(language).from_string(tree)
    except TemplateSyntaxError as exc:
        raise _syntax_problem(exc, text) from None
    except (RecursionError, SyntaxError):  # Python's own nesting limits
        raise TemplateProblem(_TOO_DEEP) from None


def check(text: str, kind: DocumentKind | None = None, language: str = "fr") -> None:
    """Refuses, with the line and a French reason, a text that would not render safely:
    syntax error, unknown placeholder, forbidden filter or construct, attribute walk. With a
    kind, also a placeholder that kind cannot fill (a price on a supplier's voucher). Then
    renders it once on the sample values, so that a text breaking a limit of time or size
    (or failing on plausible values) is refused before it is saved."""
    _check(text, kind, language, time.monotonic() + MAX_SECONDS)


def _check(text: str, kind: DocumentKind | None, language: str, deadline: float) -> None:
    _check_statically(text, kind)
    _render(text, sample_context(language, kind), language, deadline)


def _check_statically(text: str, kind: DocumentKind | None) -> None:
    _compiled(text, "fr")
    if kind is None:
        return
    allowed = available_names(DocumentKind(kind))
    for name, line in _analysed(text):
        if name not in allowed:
            raise TemplateProblem(
                f"« {name} » n'est pas disponible pour ce document "
                f"({KIND_LABELS[DocumentKind(kind)]})",
                line,
            )


# --- Rendering -------------------------------------------------------------------------------


def _error_line(exc: BaseException) -> int | None:
    """The template line of a render error: Jinja rewrites the traceback so that the frames of
    the template carry its file name and line numbers."""
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _runtime_reason(exc: BaseException) -> str:
    if isinstance(exc, _Limit):
        return str(exc)
    if isinstance(exc, RecursionError):
        return _TOO_DEEP
    if isinstance(exc, SecurityError):
        return "opération interdite par le bac à sable"
    if isinstance(exc, UndefinedError):
        message = str(exc)
        if found := re.search(r"'(.+)' is undefined", message):
            return f"variable inconnue « {found.group(1)} »"
        if found := re.search(r"has no attribute '(.+)'", message):
            return f"champ inconnu « {found.group(1)} »"
        return "variable non définie"
    if isinstance(exc, _FilterMisuse):
        return str(exc)
    if isinstance(exc, ZeroDivisionError):
        return "division par zéro"
    return "opération impossible sur ces valeurs"


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise FormErrors({"language": f"Langue inconnue : « {language} » (fr ou en)."})
    return language


def render(text: str, context: Mapping[str, Any], language: str) -> str:
    """The text with its placeholders filled; raises TemplateProblem (line, French reason)."""
    return _render(text, context, language, time.monotonic() + MAX_SECONDS)


def _streamed(chunks: Iterator[str]) -> str:
    """The rendering, piece by piece: stopped as soon as it prints too much or too long."""
    pieces: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_RENDERED:
            raise _Limit(_TOO_MUCH_OUTPUT)
        _tick()
        pieces.append(chunk)
    return "".join(pieces)


def _render(text: str, context: Mapping[str, Any], language: str, deadline: float) -> str:
    template = _compiled(text, _checked_language(language))
    budget = _BUDGET.set(_Budget(deadline))
    chunks = template.generate(dict(context))
    try:
        return _streamed(chunks)
    except (
        SecurityError,
        UndefinedError,
        _FilterMisuse,
        TypeError,
        ValueError,
        ArithmeticError,
        RecursionError,
    ) as exc:
        raise TemplateProblem(_runtime_reason(exc), _error_line(exc)) from None
    finally:
        chunks.close()
        _BUDGET.reset(budget)


def render_texts(
    texts: Mapping[str, str], context: Mapping[str, Any], language: str
) -> dict[str, str]:
    """Every part rendered, within one deadline for them all; the first failing part raises,
    its name in `.part`."""
    deadline = time.monotonic() + MAX_SECONDS
    rendered: dict[str, str] = {}
    for part, text in texts.items():
        try:
            rendered[part] = _render(text, context, language, deadline)
        except TemplateProblem as problem:
            raise TemplateProblem(problem.reason, problem.line, part) from None
    return rendered


def letter_texts(rendered: Mapping[str, str]) -> LetterTexts:
    """The PDF's texts; a part that renders to blank space is left out of the document."""
    return LetterTexts(
        introduction=rendered.get("introduction", "").strip(),
        not_included=rendered.get("not_included", "").strip(),
        terms=rendered.get("terms", "").strip(),
        closing=rendered.get("closing", "").strip(),
    )


def preview(
    texts: Mapping[str, str],
    context: Mapping[str, Any],
    language: str,
    *,
    kind: DocumentKind | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """The editor's live preview: each part rendered, or its error « Ligne N : … »; never
    raises, so that one broken part does not hide the others. What goes to the browser is
    bounded: a part past PREVIEW_CHARS is cut, with a note saying so."""
    deadline = time.monotonic() + MAX_SECONDS
    rendered: dict[str, str] = {}
    errors: dict[str, str] = {}
    for part, text in texts.items():
        try:
            _check_statically(text, kind)
            shown = _render(text, context, language, deadline)
        except TemplateProblem as problem:
            errors[part] = problem.message
            continue
        if len(shown) > PREVIEW_CHARS:
            shown = shown[:PREVIEW_CHARS] + TRUNCATED
        rendered[part] = shown
    return rendered, errors


# --- Contexts --------------------------------------------------------------------------------


def _address(lines: tuple[str, ...]) -> str:
    return "\n".join(line for line in lines if line)


def _agency(branding: Branding) -> dict[str, str]:
    return {
        "nom": branding.name,
        "adresse": _address(branding.address_lines),
        "telephone": branding.phone,
        "email": branding.email,
        "siret": branding.siret,
        "tva": branding.vat_number,
        "immatriculation": branding.tourism_licence,
    }


def _person(person: Addressee) -> dict[str, str]:
    return {"nom": person.name, "telephone": person.contact_phone, "email": person.contact_email}


def _group_fields(reference: str, title: str, group_name: str, group: Group) -> dict[str, Any]:
    return {
        "reference": reference,
        "titre": title,
        "groupe": group_name,
        "date_debut": group.starts_on,
        "date_fin": group.ends_on,
        "heure_debut": group.start_time,
        "nb_payants": group.paying,
        "nb_gratuits": group.free,
        "nb_accompagnateurs": group.staff,
        "nb_personnes": group.people,
        "langue": group.language,
        "lieu_rdv": group.meeting_place,
    }


def _sender(name: str, email: str, fallback: Addressee) -> dict[str, str]:
    return {"nom": name or fallback.name, "email": email or fallback.contact_email}


_NO_INVOICE: dict[str, Any] = {
    "numero": "",
    "type": "",
    "date": None,
    "echeance": None,
    "montant": None,
    "net_a_payer": None,
}


def context_for_invoice(
    doc: ClientDocument,
    invoice: dict[str, Any],
    *,
    recipient_name: str = "",
    recipient_email: str = "",
    sender_name: str = "",
    sender_email: str = "",
) -> dict[str, Any]:
    """The dossier's names plus the invoice's (`numero`, `type`, `date`, `echeance`,
    `montant`, `net_a_payer`), for the e-mail that carries an issued invoice."""
    context = context_for_client_document(
        doc,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        sender_name=sender_name,
        sender_email=sender_email,
    )
    context["facture"] = {**_NO_INVOICE, **invoice}
    context["montant"] = invoice.get("net_a_payer")
    return context


def context_for_client_document(
    doc: ClientDocument,
    *,
    recipient_name: str = "",
    recipient_email: str = "",
    sender_name: str = "",
    sender_email: str = "",
) -> dict[str, Any]:
    """The catalogue's names filled from a client document. The recipient defaults to the
    client's contact, the sender to the sales rep; what a client document has no value for
    (the supplier) is empty."""
    if doc.previous_total is not None:
        difference = doc.total - doc.previous_total
    else:
        difference = sum((change.amount_difference for change in doc.changes), Decimal(0))
    return {
        "agence": _agency(doc.branding),
        "client": {"nom": doc.client.name, "adresse": _address(doc.client.address_lines)},
        "destinataire": {
            "nom": recipient_name or doc.client.contact_name,
            "email": recipient_email or doc.client.contact_email,
        },
        "dossier": {
            **_group_fields(
                doc.reference, doc.title, f"{doc.client.name} – {doc.title}", doc.group
            ),
            "prix_par_payant": doc.price_per_paying,
            "prix_total": doc.total,
            "version": doc.version,
            "validite": doc.valid_until,
        },
        "fournisseur": {"nom": "", "reponse_avant": None},
        "commercial": _person(doc.sales_rep),
        "utilisateur": _sender(sender_name, sender_email, doc.sales_rep),
        "montant": doc.total,
        "avenant": {
            "numero": doc.amendment_number,
            "motif": doc.amendment_reason,
            "ecart": difference,
        },
        "facture": dict(_NO_INVOICE),
    }


def context_for_supplier_document(
    doc: SupplierDocument,
    *,
    recipient_name: str = "",
    recipient_email: str = "",
    sender_name: str = "",
    sender_email: str = "",
) -> dict[str, Any]:
    """The catalogue's names filled from a booking request or voucher. A supplier never sees
    the client's price or address: those names are empty here (and refused by `check` for
    these kinds). The agency contact stands for the sales rep."""
    return {
        "agence": _agency(doc.branding),
        "client": {"nom": "", "adresse": ""},
        "destinataire": {
            "nom": recipient_name or doc.supplier.contact_name,
            "email": recipient_email or doc.supplier.contact_email,
        },
        "dossier": {
            **_group_fields(doc.reference, doc.title, doc.group_name, doc.group),
            "prix_par_payant": None,
            "prix_total": None,
            "version": None,
            "validite": None,
        },
        "fournisseur": {"nom": doc.supplier.name, "reponse_avant": doc.reply_by},
        "commercial": _person(doc.agency_contact),
        "utilisateur": _sender(sender_name, sender_email, doc.agency_contact),
        "montant": None,
        "avenant": {"numero": None, "motif": "", "ecart": None},
        "facture": dict(_NO_INVOICE),
    }


_SAMPLE_TITLES = {"fr": "Journée châteaux de la Loire", "en": "Loire Valley castles day trip"}
_SAMPLE_LANGUAGES = {"fr": "français", "en": "English"}
_SAMPLE_CONTACTS = {"fr": "Mme Claire Martin", "en": "Ms Claire Martin"}
_SAMPLE_REASONS = {"fr": "Deux participants de plus", "en": "Two more participants"}


def sample_context(language: str = "fr", kind: DocumentKind | None = None) -> dict[str, Any]:
    """Plausible values for every placeholder, for the preview before a dossier is chosen; for
    a supplier's document the recipient is the supplier's contact."""
    language = _checked_language(language)
    sales_rep = Addressee(
        "Julien Moreau", contact_phone="06 12 34 56 78", contact_email="j.moreau@escapades-loire.fr"
    )
    doc = ClientDocument(
        kind=DocumentKind.AMENDMENT,
        language=language,
        branding=Branding(
            name="Escapades en Loire",
            address_lines=("12 rue Nationale", "37000 Tours"),
            phone="02 47 20 10 10",
            email="contact@escapades-loire.fr",
            siret="30326504500003",
            vat_number="FR40303265045",
            tourism_licence="IM037100001",
        ),
        reference="VDL-2026-0142",
        title=_SAMPLE_TITLES[language],
        issued_on=date(2026, 9, 1),
        version=2,
        client=Addressee(
            "Collège Anatole-France",
            ("3 rue Balzac", "37000 Tours"),
            contact_name=_SAMPLE_CONTACTS[language],
            contact_email="c.martin@college-anatole-france.fr",
        ),
        group=Group(
            starts_on=date(2026, 11, 30),
            ends_on=date(2026, 11, 30),
            start_time="09:30",
            paying=22,
            free=2,
            staff=1,
            language=_SAMPLE_LANGUAGES[language],
            meeting_place="Parking du château de Chenonceau",
        ),
        sales_rep=sales_rep,
        price_per_paying=Decimal("118.50"),
        total=Decimal("2607.00"),
        valid_until=date(2026, 10, 15),
        amendment_number=1,
        amendment_reason=_SAMPLE_REASONS[language],
        changes=(Change("added", "Déjeuner", amount_difference=Decimal("237.00")),),
        previous_total=Decimal("2370.00"),
    )
    context = context_for_client_document(doc)
    context["fournisseur"] = {"nom": "Château de Chenonceau", "reponse_avant": date(2026, 9, 15)}
    context["facture"] = {
        "numero": "FA-VDL-2026-000123",
        "type": "Facture d'acompte" if language == "fr" else "Deposit invoice",
        "date": date(2026, 9, 1),
        "echeance": date(2026, 10, 1),
        "montant": Decimal("782.10"),
        "net_a_payer": Decimal("782.10"),
    }
    if kind is not None and DocumentKind(kind) in SUPPLIER_KINDS:
        context["destinataire"] = {
            "nom": "M. Paul Durand" if language == "fr" else "Mr Paul Durand",
            "email": "groupes@chenonceau.example",
        }
    return context


# --- Stored templates ------------------------------------------------------------------------


def _kind_and_language(kind: DocumentKind | str, language: str) -> tuple[DocumentKind, str]:
    """Values that come from the browser: refused in French rather than trusted."""
    errors: dict[str, str] = {}
    try:
        document_kind = DocumentKind(kind)
    except ValueError:
        errors["kind"] = f"Type de document inconnu : « {kind} »."
        document_kind = DocumentKind.QUOTE
    try:
        _checked_language(language)
    except FormErrors as problem:
        errors.update(problem.errors)
    if errors:
        raise FormErrors(errors)
    return document_kind, language


def default_texts(kind: DocumentKind | str, language: str) -> dict[str, str]:
    """The built-in texts, one entry per part (empty for a part the kind does not use)."""
    document_kind, language = _kind_and_language(kind, language)
    builtin = DEFAULT_TEXTS[document_kind][language]
    return {part: builtin.get(part, "") for part in PARTS}


def _stored(session: Session, kind: DocumentKind, language: str) -> DocumentTemplate | None:
    return session.exec(
        select(DocumentTemplate).where(
            DocumentTemplate.kind == kind.value, DocumentTemplate.language == language
        )
    ).first()


def effective_texts(session: Session, kind: DocumentKind | str, language: str) -> dict[str, str]:
    """The texts documents of this kind use: the agency's row, else the built-in texts. An
    empty stored part stays empty (the agency chose to leave it out); only a missing row falls
    back to the built-in texts."""
    document_kind, language = _kind_and_language(kind, language)
    row = _stored(session, document_kind, language)
    if row is None:
        return default_texts(document_kind, language)
    used = PARTS_BY_KIND[document_kind]
    return {part: getattr(row, part) if part in used else "" for part in PARTS}


def is_customised(session: Session, kind: DocumentKind | str, language: str) -> bool:
    document_kind, language = _kind_and_language(kind, language)
    return _stored(session, document_kind, language) is not None


def _describe(kind: DocumentKind, language: str) -> str:
    return f"{KIND_LABELS[kind]} ({LANGUAGES[language]})"


def clean_texts(kind: DocumentKind, values: Mapping[str, Any]) -> dict[str, str]:
    """The submitted parts of a kind, with the browser's CRLF line ends made plain."""
    texts = {}
    for part in PARTS_BY_KIND[kind]:
        raw = values.get(part)
        texts[part] = "" if raw is None else str(raw).replace("\r\n", "\n").replace("\r", "\n")
    return texts


def validation_errors(
    kind: DocumentKind, texts: Mapping[str, str], language: str = "fr"
) -> dict[str, str]:
    """Every failing part at once, so that the editor shows all of them; each part is also
    rendered once on the sample values of its kind and language (`check`), all of them
    within one deadline."""
    deadline = time.monotonic() + MAX_SECONDS
    errors: dict[str, str] = {}
    for part, text in texts.items():
        limit = PART_LIMITS[part]
        if len(text) > limit:
            errors[part] = f"{limit} caractères au plus (le texte en compte {len(text)})."
            continue
        if part == "email_subject":
            if not text.strip():
                errors[part] = "L'objet de l'e-mail est obligatoire."
                continue
            if "\n" in text:
                errors[part] = "L'objet de l'e-mail tient sur une seule ligne."
                continue
        try:
            _check(text, kind, language, deadline)
        except TemplateProblem as problem:
            errors[part] = problem.message
    return errors


def save_template(
    session: Session,
    actor: Actor,
    kind: DocumentKind | str,
    language: str,
    values: Mapping[str, Any],
) -> DocumentTemplate:
    """Stores the agency's texts for a kind and language (all parts or nothing), audited."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    document_kind, language = _kind_and_language(kind, language)
    texts = clean_texts(document_kind, values)
    if errors := validation_errors(document_kind, texts, language):
        raise FormErrors(errors)

    row = _stored(session, document_kind, language)
    created = row is None
    if row is None:
        row = DocumentTemplate(kind=document_kind.value, language=language)
        before = {part: "" for part in PARTS}
    else:
        before = {part: getattr(row, part) for part in PARTS}
    for part in PARTS:
        setattr(row, part, texts.get(part, ""))
    after = {part: getattr(row, part) for part in PARTS}
    changes = audit.changes_between(before, after)
    if not created and not changes:
        return row
    row.updated_by_id = actor.user_id
    row.updated_at = utcnow()
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise FormErrors(
            {"": "Ce modèle vient d'être enregistré par un autre utilisateur : rechargez la page."}
        ) from None
    audit.record(
        session,
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        entity_type=ENTITY,
        entity_id=row.id,
        entity_label=_describe(document_kind, language),
        changes=changes,
    )
    return row


def reset_template(session: Session, actor: Actor, kind: DocumentKind | str, language: str) -> None:
    """Back to the built-in texts: the agency's row is deleted (audited with its texts)."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    document_kind, language = _kind_and_language(kind, language)
    row = _stored(session, document_kind, language)
    if row is None:
        return
    builtin = default_texts(document_kind, language)
    changes = audit.changes_between(
        {part: getattr(row, part) for part in PARTS}, {part: builtin[part] for part in PARTS}
    )
    audit.record(
        session,
        actor,
        AuditAction.DELETE,
        entity_type=ENTITY,
        entity_id=row.id,
        entity_label=f"{_describe(document_kind, language)} – textes par défaut rétablis",
        changes=changes,
    )
    session.delete(row)
    session.flush()
