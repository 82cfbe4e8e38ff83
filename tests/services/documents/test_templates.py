"""Letter and e-mail templates: the catalogue of placeholders, the built-in texts, the static
check (line and French reason), the sandbox, rendering in the document's language, and the
stored templates (rights, all-or-nothing validation, audit, fallback to the built-in texts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from jinja2.exceptions import SecurityError
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AuditEntry, DocumentTemplate
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.documents import locale
from agence.services.documents.content import (
    LANGUAGES,
    SUPPLIER_KINDS,
    Addressee,
    Branding,
    ClientDocument,
    DocumentKind,
    Group,
    SupplierDocument,
    SupplierService,
)
from agence.services.documents.default_texts import DEFAULT_TEXTS
from agence.services.documents.templates import (
    FILTER_NAMES,
    NAMES,
    PART_LABELS,
    PART_LIMITS,
    PARTS,
    PARTS_BY_KIND,
    PLACEHOLDER_GROUPS,
    PLACEHOLDERS,
    PREVIEW_CHARS,
    TemplateProblem,
    available_names,
    check,
    context_for_client_document,
    context_for_supplier_document,
    default_texts,
    effective_texts,
    environment,
    is_customised,
    letter_texts,
    placeholders_for,
    preview,
    render,
    render_texts,
    reset_template,
    sample_context,
    save_template,
)
from tests.factories import actor_for, make_user

KINDS = list(DocumentKind)
KINDS_AND_LANGUAGES = [(kind, language) for kind in KINDS for language in LANGUAGES]

BRANDING = Branding(
    name="Escapades en Loire",
    address_lines=("12 rue Nationale", "37000 Tours"),
    phone="02 47 20 10 10",
    email="contact@escapades-loire.fr",
    siret="30326504500003",
    vat_number="FR40303265045",
    tourism_licence="IM037100001",
)
GROUP = Group(
    starts_on=date(2026, 11, 30),
    ends_on=date(2026, 12, 1),
    start_time="08:15",
    paying=22,
    free=2,
    staff=1,
    language="français",
    meeting_place="Parvis du collège",
)
SALES_REP = Addressee(
    "Julien Moreau", contact_phone="06 12 34 56 78", contact_email="j.moreau@escapades-loire.fr"
)


def quote(**values) -> ClientDocument:
    data = {
        "kind": DocumentKind.QUOTE,
        "language": "fr",
        "branding": BRANDING,
        "reference": "VDL-2026-0142",
        "title": "Châteaux de la Loire",
        "issued_on": date(2026, 9, 14),
        "version": 1,
        "client": Addressee(
            "Collège Anatole-France",
            ("3 rue Balzac", "37000 Tours"),
            contact_name="Mme Claire Martin",
            contact_email="c.martin@college.fr",
        ),
        "group": GROUP,
        "sales_rep": SALES_REP,
        "price_per_paying": Decimal("118.50"),
        "total": Decimal("2607.00"),
        "valid_until": date(2026, 10, 15),
    }
    data.update(values)
    return ClientDocument(**data)


def voucher(**values) -> SupplierDocument:
    data = {
        "kind": DocumentKind.VOUCHER,
        "language": "fr",
        "branding": BRANDING,
        "reference": "VDL-2026-0142",
        "title": "Châteaux de la Loire",
        "issued_on": date(2026, 9, 14),
        "supplier": Addressee(
            "Château de Chenonceau",
            contact_name="M. Paul Durand",
            contact_email="groupes@chenonceau.example",
        ),
        "group_name": "Collège Anatole-France – Châteaux de la Loire",
        "group": GROUP,
        "services": (SupplierService(date(2026, 11, 30), "10:00", "Visite guidée", "25 pers."),),
        "agency_contact": SALES_REP,
        "reply_by": date(2026, 9, 30),
    }
    data.update(values)
    return SupplierDocument(**data)


def flat_names(context: dict) -> set[str]:
    """The dotted names a context offers (`{"client": {"nom": …}}` → {"client.nom"})."""
    names = set()
    for key, value in context.items():
        if isinstance(value, dict):
            names |= {f"{key}.{field}" for field in value}
        else:
            names.add(key)
    return names


def problem_of(text: str, kind: DocumentKind | None = None) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as failure:
        check(text, kind)
    return failure.value


# --- Parts and catalogue -----------------------------------------------------------------------


def test_only_the_quote_and_the_contract_carry_the_price_exclusions_and_the_terms():
    for kind in KINDS:
        expected = (
            PARTS
            if kind in (DocumentKind.QUOTE, DocumentKind.CONTRACT)
            else ("email_subject", "email_body", "introduction", "closing")
        )
        if kind == DocumentKind.INVOICE:  # only the e-mail: the invoice prints no letter text
            expected = ("email_subject", "email_body")
        assert PARTS_BY_KIND[kind] == expected
    assert set(PART_LABELS) == set(PARTS)


def test_the_catalogue_lists_every_placeholder_of_the_issue_once_in_its_group():
    required = {
        *(f"agence.{f}" for f in ("nom", "adresse", "telephone", "email", "siret", "tva")),
        "client.nom",
        "client.adresse",
        "destinataire.nom",
        "destinataire.email",
        *(
            f"dossier.{f}"
            for f in (
                "reference",
                "titre",
                "date_debut",
                "date_fin",
                "heure_debut",
                "nb_payants",
                "nb_gratuits",
                "nb_accompagnateurs",
                "nb_personnes",
                "langue",
                "lieu_rdv",
                "prix_par_payant",
                "prix_total",
                "version",
                "validite",
            )
        ),
        "fournisseur.nom",
        "commercial.nom",
        "commercial.telephone",
        "commercial.email",
        "utilisateur.nom",
        "utilisateur.email",
        "montant",
        "avenant.numero",
        "avenant.motif",
        "avenant.ecart",
    }
    names = [p.name for p in PLACEHOLDERS]
    assert required <= set(names)
    assert len(names) == len(set(names))
    assert names == [p.name for _, group in PLACEHOLDER_GROUPS for p in group]
    assert all(description and example for _, description, example in PLACEHOLDERS)


def test_each_kind_lists_only_the_placeholders_it_can_fill():
    def listed(kind):
        return {p.name for _, group in placeholders_for(kind) for p in group}

    assert "montant" in listed(DocumentKind.QUOTE)
    assert "fournisseur.nom" not in listed(DocumentKind.QUOTE)
    assert "avenant.numero" not in listed(DocumentKind.QUOTE)
    assert "avenant.numero" in listed(DocumentKind.AMENDMENT)
    for kind in SUPPLIER_KINDS:
        assert "fournisseur.nom" in listed(kind)
        assert not {"montant", "dossier.prix_total", "client.adresse"} & listed(kind)


def test_the_context_builders_fill_exactly_the_catalogue():
    assert flat_names(context_for_client_document(quote())) == NAMES
    assert flat_names(context_for_supplier_document(voucher())) == NAMES
    for language in LANGUAGES:
        assert flat_names(sample_context(language)) == NAMES


def test_the_sandbox_offers_only_the_listed_filters_and_no_globals():
    env = environment("fr")
    assert {name for name in env.filters if not name.startswith("_")} == set(FILTER_NAMES)
    assert set(FILTER_NAMES) == {
        *("date", "date_longue", "euros", "upper", "lower", "capitalize", "title", "default"),
        *("trim", "round", "length", "join", "first", "last", "replace"),
    }
    assert env.globals == {}
    assert env.autoescape is False
    assert env.keep_trailing_newline is True


# --- Built-in texts ----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "language"), KINDS_AND_LANGUAGES)
def test_every_built_in_text_passes_the_check_and_renders_on_the_sample(kind, language):
    texts = default_texts(kind, language)
    context = sample_context(language, kind)
    for part in PARTS:
        text = texts[part]
        if part not in PARTS_BY_KIND[kind]:
            assert text == ""
            continue
        assert text.strip(), f"{kind} {language} {part} is empty"
        assert len(text) <= PART_LIMITS[part]
        check(text, kind)
        rendered = render(text, context, language)
        assert "{{" not in rendered and "{%" not in rendered
        assert "None" not in rendered


def test_the_built_in_quote_e_mail_names_the_dossier_greets_and_signs():
    texts = default_texts(DocumentKind.QUOTE, "fr")
    context = context_for_client_document(quote(), sender_name="Julie Petit")
    subject = render(texts["email_subject"], context, "fr")
    body = render(texts["email_body"], context, "fr")
    assert subject == "Votre devis VDL-2026-0142 – Châteaux de la Loire"
    assert body.startswith("Bonjour Mme Claire Martin,\n\n")
    assert "du 30/11/2026 au 01/12/2026" in body
    assert body.rstrip().endswith("Julie Petit\nEscapades en Loire\n02 47 20 10 10")


def test_the_built_in_greeting_stays_polite_without_a_contact_name():
    texts = default_texts(DocumentKind.QUOTE, "fr")
    context = context_for_client_document(quote(client=Addressee("Collège Anatole-France")))
    assert render(texts["email_body"], context, "fr").startswith("Bonjour,\n\n")


def test_the_built_in_terms_of_sale_follow_the_code_du_tourisme():
    french = DEFAULT_TEXTS[DocumentKind.QUOTE]["fr"]["terms"]
    for expected in (
        "L211-1",
        "R211-3",
        "acompte",
        "Solde",
        "Prix",
        "Modification",
        "Annulation par le client",
        "barème d'annulation",
        "Responsabilité",
        "Assurances",
        "Réclamations",
        "Médiateur du Tourisme et du Voyage",
        "Données personnelles",
    ):
        assert expected in french, expected
    english = DEFAULT_TEXTS[DocumentKind.QUOTE]["en"]["terms"]
    assert "French Tourism Code" in english and "Tourism and Travel Ombudsman" in english
    assert french.count("\n\n") == english.count("\n\n") >= 10
    assert DEFAULT_TEXTS[DocumentKind.CONTRACT]["fr"]["terms"] == french


def test_the_built_in_exclusions_name_the_usual_extras():
    text = DEFAULT_TEXTS[DocumentKind.QUOTE]["fr"]["not_included"]
    for extra in ("dépenses personnelles", "pourboires", "assurance annulation"):
        assert extra in text


# --- Rendering ---------------------------------------------------------------------------------


def test_a_french_document_prints_the_reference_the_date_and_the_amount():
    context = context_for_client_document(quote())
    text = "{{ dossier.reference }} du {{ dossier.date_debut|date }} : {{ montant|euros }}"
    amount = locale.money(Decimal("2607.00"), "fr")
    assert amount == "2\u202f607,00\xa0€"
    assert render(text, context, "fr") == f"VDL-2026-0142 du 30/11/2026 : {amount}"


def test_an_english_document_formats_amounts_and_long_dates_in_english():
    context = context_for_client_document(quote(language="en"))
    assert render("{{ montant|euros }}", context, "en") == "€2,607.00"
    assert render("{{ dossier.date_debut|date }}", context, "en") == "30/11/2026"
    assert render("{{ dossier.date_debut|date_longue }}", context, "en") == locale.long_day(
        date(2026, 11, 30), "en"
    )
    assert render("{{ dossier.date_debut|date_longue }}", context, "fr") == "lundi 30 novembre 2026"


def test_without_a_filter_dates_and_amounts_still_print_readably_and_missing_values_not_at_all():
    context = context_for_client_document(quote(valid_until=None))
    text = "{{ dossier.date_debut }}|{{ dossier.prix_par_payant }}|{{ dossier.validite }}"
    assert render(text, context, "fr") == f"30/11/2026|{locale.money(Decimal('118.50'))}|"


def test_the_values_keep_their_types_for_the_filters():
    context = context_for_client_document(quote())
    assert context["montant"] == Decimal("2607.00")
    assert context["dossier"]["date_debut"] == date(2026, 11, 30)
    assert context["dossier"]["nb_personnes"] == 25
    assert context["dossier"]["langue"] == "français"
    assert context["client"]["adresse"] == "3 rue Balzac\n37000 Tours"


def test_the_recipient_and_the_sender_default_to_the_contact_and_the_sales_rep():
    context = context_for_client_document(quote())
    assert context["destinataire"] == {"nom": "Mme Claire Martin", "email": "c.martin@college.fr"}
    assert context["utilisateur"] == {
        "nom": "Julien Moreau",
        "email": "j.moreau@escapades-loire.fr",
    }
    chosen = context_for_client_document(
        quote(), recipient_name="M. Roux", recipient_email="roux@college.fr", sender_name="Julie"
    )
    assert chosen["destinataire"] == {"nom": "M. Roux", "email": "roux@college.fr"}
    assert chosen["utilisateur"]["nom"] == "Julie"


def test_an_amendment_gives_its_number_reason_and_price_difference():
    doc = quote(
        kind=DocumentKind.AMENDMENT,
        version=2,
        amendment_number=1,
        amendment_reason="Deux participants de plus",
        previous_total=Decimal("2370.00"),
    )
    text = "n° {{ avenant.numero }} ({{ avenant.motif }}) : {{ avenant.ecart|euros }}"
    assert render(text, context_for_client_document(doc), "fr") == (
        f"n° 1 (Deux participants de plus) : {locale.money(Decimal('237.00'))}"
    )


def test_a_supplier_document_names_the_supplier_and_hides_the_client_price():
    context = context_for_supplier_document(voucher())
    text = "{{ fournisseur.nom }} / {{ destinataire.nom }} / {{ fournisseur.reponse_avant|date }}"
    assert render(text, context, "fr") == "Château de Chenonceau / M. Paul Durand / 30/09/2026"
    assert render("{{ dossier.groupe }}", context, "fr") == (
        "Collège Anatole-France – Châteaux de la Loire"
    )
    assert context["montant"] is None and context["dossier"]["prix_total"] is None


def test_rendering_keeps_the_trailing_newline():
    assert render("{{ dossier.reference }}\n", sample_context("fr"), "fr") == "VDL-2026-0142\n"


def test_render_texts_names_the_part_that_fails():
    texts = {"introduction": "Bonjour", "closing": "a\n{{ dossier.nb_payants / 0 }}"}
    with pytest.raises(TemplateProblem) as failure:
        render_texts(texts, sample_context("fr"), "fr")
    assert (failure.value.part, failure.value.line) == ("closing", 2)
    assert str(failure.value) == "Ligne 2 : division par zéro"


def test_a_filter_given_the_wrong_value_at_render_time_gives_its_line_and_reason():
    text = "{% set titre = dossier.titre %}\n\n{{ titre|euros }}"
    with pytest.raises(TemplateProblem) as failure:
        render(text, sample_context("fr"), "fr")
    assert failure.value.message == "Ligne 3 : le filtre |euros s'applique à un montant"


def test_letter_texts_keeps_the_four_letter_parts_and_drops_blank_ones():
    texts = letter_texts(
        {"email_subject": "Objet", "introduction": "Bonjour\n", "terms": "  \n", "closing": "Fin"}
    )
    assert (texts.introduction, texts.not_included, texts.terms, texts.closing) == (
        "Bonjour",
        "",
        "",
        "Fin",
    )


def test_the_preview_renders_the_good_parts_and_reports_the_broken_ones():
    rendered, errors = preview(
        {"email_subject": "Devis {{ dossier.reference }}", "introduction": "a\n{{ client.nmo }}"},
        sample_context("fr"),
        "fr",
    )
    assert rendered == {"email_subject": "Devis VDL-2026-0142"}
    assert errors == {"introduction": "Ligne 2 : variable inconnue « client.nmo »"}


def test_the_preview_of_a_kind_refuses_what_that_kind_cannot_fill():
    _, errors = preview(
        {"introduction": "{{ montant|euros }}"},
        sample_context("fr", DocumentKind.VOUCHER),
        "fr",
        kind=DocumentKind.VOUCHER,
    )
    assert errors["introduction"].startswith("Ligne 1 : « montant » n'est pas disponible")


# --- Static check: what passes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Texte sans variable.",
        "{{ client.nom }} – {{ dossier.reference }}",
        "{{ client['nom'] }}",
        "{{ dossier.date_debut|date }} {{ dossier.date_fin|date_longue }} {{ montant|euros }}",
        "{{ destinataire.nom|default('Madame, Monsieur', true)|trim|upper }}",
        "{{ client.adresse|replace('\\n', ', ') }}",
        "{{ montant|round(0) }} {{ client.nom|length }} {{ client.nom|first }}",
        "{% if dossier.nb_gratuits > 0 and dossier.validite %}oui{% else %}non{% endif %}",
        "{% if dossier.nb_gratuits is even %}pair{% elif avenant.motif %}x{% endif %}",
        "{% for ligne in ['a', 'b'] %}{{ loop.index }}. {{ ligne }}{% endfor %}",
        "{% set total = dossier.nb_payants + dossier.nb_gratuits %}{{ total }} personnes",
        "{% set signature %}{{ utilisateur.nom }}{% endset %}{{ signature }}",
        "{% filter upper %}{{ agence.nom }}{% endfilter %}",
        "{{ 'Réf. ' ~ dossier.reference }} {{ client.nom[:3] }}",
        "{# un commentaire #}{% raw %}{{ pas une variable }}{% endraw %}",
    ],
)
def test_valid_templates_pass(text):
    check(text)


# --- Static check: what is refused, with its line and reason ------------------------------------


def test_an_unknown_placeholder_is_refused_with_its_line():
    problem = problem_of("Bonjour,\n{{ client.nmo }}")
    assert (problem.line, problem.reason) == (2, "variable inconnue « client.nmo »")
    assert str(problem) == "Ligne 2 : variable inconnue « client.nmo »"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("{{ clien.nom }}", 1, "variable inconnue « clien.nom »"),
        ("a\n\n{{ montant }} {{ total }}", 3, "variable inconnue « total »"),
        ("{{ client }}", 1, "« client » seul n'est pas une variable : écrivez « client.nom »"),
        ("{{ loop.index }}", 1, "variable inconnue « loop.index »"),
        (
            "{% for x in [1] %}{{ x }}{% endfor %}\n{{ x }}",
            2,
            "variable inconnue « x »",
        ),
        (
            "{{ client.nom.upper }}",
            1,
            "variable inconnue « client.nom.upper » : « client.nom » n'a pas de champ « upper » "
            "(pour un filtre, écrivez « client.nom|upper »)",
        ),
        ("{% set client = 'x' %}", 1, "« client » est un nom réservé : choisissez un autre nom"),
    ],
)
def test_unknown_names_are_refused(text, line, reason):
    problem = problem_of(text)
    assert (problem.line, problem.reason) == (line, reason)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "a\nb\n{% if dossier.nb_gratuits %}\ngratuités\n",
            3,
            "erreur de syntaxe – bloc {% if %} non fermé (il manque {% endif %})",
        ),
        (
            "{% for x in [1] %}\n{% if x %}\n{% endif %}\nfin",
            1,
            "erreur de syntaxe – bloc {% for %} non fermé (il manque {% endfor %})",
        ),
        (
            "{% for x in [1] %}\n{% endif %}",
            2,
            "erreur de syntaxe – balise {% endif %} inattendue : le bloc {% for %} en cours "
            "attend {% endfor %}",
        ),
        (
            "ok\n{% endif %}",
            2,
            "erreur de syntaxe – balise {% endif %} sans bloc ouvert correspondant",
        ),
        ("{% bonjour %}", 1, "erreur de syntaxe – balise {% bonjour %} inconnue"),
        ("a\n{{ client.nom ", 2, "erreur de syntaxe – le texte se termine avant « }} »"),
        ("{{ client.nom }", 1, "erreur de syntaxe – « } » inattendu"),
        (
            "{{ client.nom montant }}",
            1,
            "erreur de syntaxe – « montant » inattendu, « }} » attendu",
        ),
        ("{{ }}", 1, "erreur de syntaxe – expression attendue avant « }} »"),
        ("{{ 'abc }}", 1, "erreur de syntaxe – guillemet non fermé"),
        ("{# note", 1, "erreur de syntaxe – commentaire {# non fermé (il manque #})"),
    ],
)
def test_syntax_errors_are_refused_with_the_line_and_the_reason_in_french(text, line, reason):
    problem = problem_of(text)
    assert (problem.line, problem.reason) == (line, reason)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{{ client.nom|majuscules }}", "filtre inconnu « majuscules »"),
        ("{{ client.nom|attr('x') }}", "filtre « attr » non autorisé"),
        ("{{ client.nom|format(1) }}", "filtre « format » non autorisé"),
        ("{{ client.nom|date }}", "le filtre |date s'applique à une date, pas à « client.nom »"),
        (
            "{{ dossier.nb_payants|euros }}",
            "le filtre |euros s'applique à un montant, pas à « dossier.nb_payants »",
        ),
        ("{% if client.nom is callable %}{% endif %}", "test « is callable » non autorisé"),
    ],
)
def test_unknown_or_forbidden_filters_are_refused(text, reason):
    assert problem_of(text).reason == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{% include 'autre' %}", "instruction {% include %} non autorisée"),
        ("{% import 'autre' as a %}", "instruction {% import %} non autorisée"),
        ("{% extends 'base' %}", "instruction {% extends %} non autorisée"),
        ("{% macro m() %}{% endmacro %}", "instruction {% macro %} non autorisée"),
        ("{% with a = 1 %}{% endwith %}", "instruction {% with %} non autorisée"),
        ("{{ range(10) }}", "appel de fonction ou de méthode non autorisé"),
        ("{{ client.nom.upper() }}", "appel de fonction ou de méthode non autorisé"),
        ("{% set ns = namespace() %}", "appel de fonction ou de méthode non autorisé"),
        ("{{ 9 ** 9 }}", "opérateur ** non autorisé"),
        ("{% for x in [1] recursive %}{% endfor %}", "boucle récursive non autorisée"),
    ],
)
def test_statements_and_calls_outside_plain_text_are_refused(text, reason):
    assert problem_of(text).reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "{{ client.__class__ }}",
        "{{ ''.__class__ }}",
        "{{ client['__class__'] }}",
        "{{ ''['__class__'] }}",
        "{{ dossier.date_debut.__class__.__mro__ }}",
        "{{ (client.nom|upper).__class__ }}",
        "{% set x = client.nom %}{{ x.__class__ }}",
        "{{ client.items }}",
        "{{ cycler }}",
        "{{ self }}",
    ],
)
def test_attribute_walks_out_of_the_catalogue_are_refused_statically(text):
    problem = problem_of(text)
    assert problem.line == 1
    assert any(word in problem.reason for word in ("interdit", "non autorisé", "inconnue"))


@pytest.mark.parametrize(
    "text",
    [
        "{{ client.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ dossier.date_debut.__class__ }}",
        "{{ client.update({'nom': 'x'}) }}",
        "{{ 'x' * 1000000 }}",
        "{{ 9 ** 99 }}",
    ],
)
def test_the_sandbox_refuses_at_render_time_what_the_check_would_have_refused(text):
    with pytest.raises(SecurityError):
        environment("fr").from_string(text).render(sample_context("fr"))


TOO_LONG = "texte assemblé trop long (20000 caractères au plus)"
TOO_BIG = "nombre trop grand (15 chiffres au plus)"
TOO_MUCH = "texte produit trop long (50000 caractères au plus)"
TOO_DEEP = "texte trop imbriqué : simplifiez les blocs, les parenthèses ou les filtres enchaînés"
FORMATTING = "le formatage de texte avec % n'est pas autorisé"

LIMITS = [
    (
        "{% for a in client.nom * 100 %}{% for b in client.nom * 100 %}.{% endfor %}{% endfor %}",
        "trop de tours de boucle (1000 au plus)",
    ),
    ("{{ client.nom * 100000 }}", "texte répété trop long (20000 caractères au plus)"),
    ("{% for x in [1] * 3 %}{% endfor %}", "une liste ne se répète pas"),
    (
        "{{ client.nom|join(dossier.reference * 1000) }}",
        "texte joint trop long (20000 caractères au plus)",
    ),
    (
        "{{ client.nom|replace('', dossier.reference * 100) }}",
        "remplacement trop long (20000 caractères au plus)",
    ),
    # The attacks of the issue, at their size: a 30 MB preview, a 4 s freeze, 671 MB held.
    ("{{ '%0030000000d' % 1 }}", FORMATTING),
    ("{% set f = '%0030000000d' %}{{ f % 1 }}", FORMATTING),
    ("{% set n = 10 %}" + "{% set n = n * n %}" * 23 + "{{ n }}", TOO_BIG),
    ("{% set a = '0123456789' %}" + "{% set a = a ~ a %}" * 26 + "{{ a }}", TOO_LONG),
    # The same growths by other operators and containers.
    ("{% set a = '0123456789' %}" + "{% set a = a + a %}" * 26 + "{{ a }}", TOO_LONG),
    ("{% set n = 1 %}" + "{% set n = n + n %}" * 60 + "{{ n }}", TOO_BIG),
    ("{% set n = -999999999999999 %}{{ n - 1 }}", TOO_BIG),
    (
        "{% set a = [1] %}" + "{% set a = [a, a] %}" * 26 + "{{ a }}",
        "liste trop grande (20000 caractères au plus)",
    ),
    (
        "{% set a = ['0123456789'] %}" + "{% set a = a + a %}" * 26 + "{{ a|length }}",
        "liste trop grande (20000 caractères au plus)",
    ),
    (
        "{% set a %}0123456789{% endset %}"
        + "{% set a %}{{ a }}{{ a }}{% endset %}" * 26
        + "{{ a|length }}",
        TOO_MUCH,
    ),
    ("{% for c in client.nom * 40 %}" + "x" * 2000 + "{% endfor %}", TOO_MUCH),
    (
        "{% set a %}{% for c in client.nom * 40 %}" + "x" * 2000 + "{% endfor %}{% endset %}",
        TOO_MUCH,
    ),
    ("{% for i in client.nom * 40 %}{{ agence.nom * 500 }}{% endfor %}", TOO_MUCH),
    # What Python itself refuses is said in French rather than crashing the editor.
    ("{{ 1" + "0" * 5000 + " }}", TOO_BIG),
    ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", TOO_DEEP),
    ("{{ client.nom" + "|upper" * 3000 + " }}", TOO_DEEP),
    ("{% if 1 %}" * 200 + "x" + "{% endif %}" * 200, TOO_DEEP),
    ("{% for i in 'ab' %}" * 30 + "x" + "{% endfor %}" * 30, TOO_DEEP),
]


@pytest.mark.parametrize(("text", "reason"), LIMITS)
def test_a_template_that_would_spin_or_fill_memory_is_refused_at_check(text, reason):
    assert problem_of(text).reason == reason


@pytest.mark.parametrize(("text", "reason"), LIMITS)
def test_a_template_that_would_spin_or_fill_memory_is_refused_at_render_time(text, reason):
    with pytest.raises(TemplateProblem) as failure:
        render(text, sample_context("fr"), "fr")
    assert failure.value.reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "{{ 99999999999999999 }}",
        "{{ montant * 1.0e300 }}",
        "{{ 'a %s b' % client.nom }}",
        "{{ ('%' ~ '30000000d') % 1 }}",
    ],
)
def test_huge_numbers_and_text_formatting_are_refused_before_rendering(text):
    problem_of(text)


def test_arithmetic_concatenation_and_lists_still_work_within_the_limits():
    context = sample_context("fr")
    assert render("{{ dossier.nb_payants % 5 }}/{{ 7 // 2 }}/{{ 1 - 3 }}", context, "fr") == (
        "2/3/-2"
    )
    assert render("{{ montant * 2 }}", context, "fr") == locale.money(Decimal("5214.00"), "fr")
    assert render("{{ 'Réf. ' ~ dossier.reference ~ ' v' ~ 2 }}", context, "fr") == (
        "Réf. VDL-2026-0142 v2"
    )
    assert render("{{ client.nom + ' !' }}", context, "fr") == "Collège Anatole-France !"
    assert render("{{ [1, 'a'] + [(2, 3)] }} {{ {'k': 1} }}", context, "fr") == (
        "[1, 'a', (2, 3)] {'k': 1}"
    )
    text = "{% for a, b in [(1, 'x'), (2, 'y')] %}{{ a }}{{ b }}{% endfor %}"
    assert render(text, context, "fr") == "1x2y"
    assert render("{{ ('x' * 20000)|length }}", context, "fr") == "20000"


def test_a_rendering_stops_at_its_deadline(monkeypatch):
    monkeypatch.setattr("agence.services.documents.templates.rendering.MAX_SECONDS", -1)
    with pytest.raises(TemplateProblem) as failure:
        render("{% for c in client.nom %}{{ c }}{% endfor %}", sample_context("fr"), "fr")
    assert failure.value.reason == "rendu trop long (plus d'une seconde) : simplifiez le modèle"
    with pytest.raises(TemplateProblem):
        check("{{ client.nom }}")


def test_the_preview_sends_a_bounded_text_and_says_it_was_cut():
    long_part = "{% for i in 'ab' %}{{ agence.nom * 1000 }}{% endfor %}"
    rendered, errors = preview({"terms": long_part}, sample_context("fr"), "fr")
    assert errors == {}
    assert len(render(long_part, sample_context("fr"), "fr")) == 36_000
    assert len(rendered["terms"]) == PREVIEW_CHARS + len("\n… aperçu tronqué")
    assert rendered["terms"].endswith("\n… aperçu tronqué")


def test_a_kind_refuses_the_placeholders_it_cannot_fill():
    assert "montant" not in available_names(DocumentKind.VOUCHER)
    problem = problem_of("Bonjour\n{{ montant|euros }}", DocumentKind.VOUCHER)
    assert problem.line == 2
    assert problem.reason == "« montant » n'est pas disponible pour ce document (Bon d'échange)"
    assert problem_of("{{ fournisseur.nom }}", DocumentKind.QUOTE).line == 1
    assert problem_of("{{ avenant.numero }}", DocumentKind.CONTRACT).line == 1
    check("{{ avenant.numero }}", DocumentKind.AMENDMENT)
    check("{{ fournisseur.nom }}", DocumentKind.SUPPLIER_REQUEST)


# --- Stored templates --------------------------------------------------------------------------


@pytest.fixture
def admin(session) -> Actor:
    return actor_for(make_user(session, {Right(Module.PARAMETERS, a) for a in Action}))


@pytest.fixture
def reader(session) -> Actor:
    return actor_for(make_user(session, {Right(Module.PARAMETERS, Action.SEE)}))


def save(actor: Actor, values: dict, kind=DocumentKind.QUOTE, language="fr") -> DocumentTemplate:
    with session_scope() as session:
        return save_template(session, actor, kind, language, values)


def refused(actor: Actor, values: dict, kind=DocumentKind.QUOTE) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, values, kind)
    return failure.value.errors


def texts(kind=DocumentKind.QUOTE, language="fr") -> dict[str, str]:
    with session_scope() as session:
        return effective_texts(session, kind, language)


def customised(kind=DocumentKind.QUOTE, language="fr") -> bool:
    with session_scope() as session:
        return is_customised(session, kind, language)


def count(model) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def audit_entries() -> list[AuditEntry]:
    with session_scope() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))


def edited(**parts: str) -> dict[str, str]:
    return {**default_texts(DocumentKind.QUOTE, "fr"), **parts}


def test_without_a_stored_template_the_built_in_texts_apply(db):
    assert texts() == default_texts(DocumentKind.QUOTE, "fr")
    assert texts(DocumentKind.VOUCHER, "en")["terms"] == ""
    assert not customised()


def test_a_saved_template_replaces_the_built_in_texts_of_its_kind_and_language(admin):
    row = save(admin, edited(introduction="Bonjour {{ destinataire.nom }} !"))
    assert row.updated_by_id == admin.user_id
    assert texts()["introduction"] == "Bonjour {{ destinataire.nom }} !"
    assert customised()
    assert not customised(DocumentKind.QUOTE, "en")
    assert texts(DocumentKind.QUOTE, "en") == default_texts(DocumentKind.QUOTE, "en")


def test_an_emptied_part_stays_empty_rather_than_falling_back(admin):
    save(admin, edited(not_included="", closing=""))
    stored = texts()
    assert stored["not_included"] == stored["closing"] == ""
    assert stored["terms"] == default_texts(DocumentKind.QUOTE, "fr")["terms"]


def test_parts_a_kind_does_not_use_are_not_stored(admin):
    values = {**default_texts(DocumentKind.VOUCHER, "fr"), "terms": "{{ client.nom }}"}
    save(admin, values, DocumentKind.VOUCHER)
    assert texts(DocumentKind.VOUCHER)["terms"] == ""


def test_saving_is_audited_with_the_changed_parts(admin):
    save(admin, edited())
    save(admin, edited(closing="À bientôt."))
    save(admin, edited(closing="À bientôt."))  # unchanged: no new entry
    created, updated = audit_entries()
    assert (created.action, created.entity_type) == ("creation", "modèle de document")
    assert created.entity_label == "Devis / programme (Français)"
    assert (updated.action, updated.user_id) == ("modification", admin.user_id)
    assert set(updated.changes) == {"closing"}
    assert updated.changes["closing"][1] == "À bientôt."
    assert count(DocumentTemplate) == 1


def test_every_failing_part_is_reported_at_once_and_nothing_is_written(admin):
    errors = refused(
        admin,
        edited(
            introduction="Bonjour\n{{ client.nmo }}",
            closing="{% if montant %}\nMerci",
            terms="x" * (PART_LIMITS["terms"] + 1),
        ),
    )
    assert errors == {
        "introduction": "Ligne 2 : variable inconnue « client.nmo »",
        "closing": "Ligne 1 : erreur de syntaxe – bloc {% if %} non fermé (il manque {% endif %})",
        "terms": f"20000 caractères au plus (le texte en compte {PART_LIMITS['terms'] + 1}).",
    }
    assert count(DocumentTemplate) == 0
    assert count(AuditEntry) == 0


def test_the_e_mail_subject_is_required_and_holds_on_one_line(admin):
    assert refused(admin, edited(email_subject=" "))["email_subject"] == (
        "L'objet de l'e-mail est obligatoire."
    )
    assert refused(admin, edited(email_subject="a\nb"))["email_subject"] == (
        "L'objet de l'e-mail tient sur une seule ligne."
    )


def test_a_placeholder_the_kind_cannot_fill_is_refused_on_save(admin):
    values = {**default_texts(DocumentKind.VOUCHER, "fr"), "closing": "Total {{ montant|euros }}"}
    errors = refused(admin, values, DocumentKind.VOUCHER)
    assert errors == {
        "closing": "Ligne 1 : « montant » n'est pas disponible pour ce document (Bon d'échange)"
    }


def test_the_browser_line_ends_are_stored_plain(admin):
    save(admin, edited(introduction="Ligne 1\r\nLigne 2"))
    assert texts()["introduction"] == "Ligne 1\nLigne 2"


def test_saving_or_resetting_needs_the_right_to_edit_the_parameters(admin, reader):
    with pytest.raises(AccessDenied):
        save(reader, edited())
    assert count(DocumentTemplate) == 0
    save(admin, edited(closing="Merci."))
    with pytest.raises(AccessDenied), session_scope() as session:
        reset_template(session, reader, DocumentKind.QUOTE, "fr")
    assert customised()


def test_reset_brings_back_the_built_in_texts_and_is_audited(admin):
    save(admin, edited(closing="Merci."))
    with session_scope() as session:
        reset_template(session, admin, DocumentKind.QUOTE, "fr")
    assert not customised()
    assert texts() == default_texts(DocumentKind.QUOTE, "fr")
    entry = audit_entries()[-1]
    assert (entry.action, entry.entity_type) == ("suppression", "modèle de document")
    assert entry.changes["closing"][0] == "Merci."
    with session_scope() as session:  # nothing stored: nothing to do, nothing audited
        reset_template(session, admin, DocumentKind.QUOTE, "fr")
    assert len(audit_entries()) == 2


def test_unknown_kinds_and_languages_are_refused_in_french(admin):
    with pytest.raises(FormErrors) as failure:
        texts("brochure", "de")
    assert failure.value.errors == {
        "kind": "Type de document inconnu : « brochure ».",
        "language": "Langue inconnue : « de » (fr ou en).",
    }
    with pytest.raises(FormErrors):
        save(admin, edited(), language="it")
    with pytest.raises(FormErrors):
        render("x", {}, "de")


def test_only_the_invoice_email_offers_the_invoice_placeholders():
    from agence.services.documents.templates import available_names, check, sample_context

    assert "facture.numero" in available_names(DocumentKind.INVOICE)
    assert "facture.numero" not in available_names(DocumentKind.QUOTE)
    check("{{ facture.type }} {{ facture.numero }}", DocumentKind.INVOICE)
    with pytest.raises(TemplateProblem):
        check("{{ facture.numero }}", DocumentKind.QUOTE)
    rendered = render(
        "{{ facture.numero }} – {{ facture.net_a_payer|euros }}"
        " avant le {{ facture.echeance|date }}",
        sample_context("fr", DocumentKind.INVOICE),
        "fr",
    )
    amount = locale.money(Decimal("782.10"), "fr")
    assert rendered == f"FA-VDL-2026-000123 – {amount} avant le 01/10/2026"


# --- Limits at save and on a stored template ---------------------------------------------------


@pytest.mark.parametrize(("text", "reason"), LIMITS)
def test_saving_renders_the_template_once_and_refuses_one_that_breaks_a_limit(admin, text, reason):
    errors = refused(admin, edited(terms=text))
    assert list(errors) == ["terms"]
    assert errors["terms"].endswith(reason)
    assert count(DocumentTemplate) == 0


def test_a_stored_template_breaking_a_limit_fails_cleanly_when_the_e_mail_is_prepared(session):
    from agence.services.documents import issuing
    from tests.factories import demo_admin, demo_dossier

    commercial = demo_admin(session)
    dossier = demo_dossier(commercial, "2027-05-12")
    attack = "{% set n = 10 %}\n" + "{% set n = n * n %}" * 23 + "{{ n }}"
    with session_scope() as s:  # written before saving checked anything
        s.add(DocumentTemplate(kind="devis", language="fr", **{**edited(), "email_body": attack}))
    request = issuing.DocumentRequest(DocumentKind.QUOTE, "fr")
    with session_scope() as s, pytest.raises(FormErrors) as failure:
        issuing.email_draft(s, commercial, dossier.id, request)
    assert failure.value.errors == {
        "kind": "Modèle « Devis / programme » : Ligne 2 : nombre trop grand (15 chiffres au plus)"
    }
