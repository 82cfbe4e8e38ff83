"""Factur-X EN 16931: the XML of each kind of invoice against the official XSD, the official
EN 16931 schematron and the French CTC schematron of the 2026 reform, its totals against the
document's, the margin scheme as category E / VATEX-EU-D, the parties' electronic addresses,
the refusals with a French reason, the PDF/A-3 metadata of the issued PDF and its
reproducibility. Pure: no database."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache

import pytest
from lxml import etree
from pypdf import PdfReader

from agence.services.billing import facturx
from agence.services.billing.facturx import FacturXError, postal_address
from agence.services.billing.invoice_content import DeductedInvoice, InvoiceDocument
from agence.services.billing.invoice_pdf import render_invoice, siren_of
from tests.services.billing import invoice_samples as samples
from tests.services.billing import schematron

NS = facturx.NS
D = Decimal
SAMPLES = {
    "margin": samples.margin_invoice,
    "mixed": samples.mixed_invoice,
    "mixed_en": lambda: samples.mixed_invoice("en"),
    "deposit": samples.deposit_invoice,
    "final": samples.final_invoice,
    "credit": samples.credit_note,
    "private": samples.private_invoice,
    "company": samples.company_invoice,
    "foreign": samples.foreign_invoice,
    "normal": samples.normal_only_invoice,
}
"""Every kind of invoice: margin scheme, mixed VAT, deposit, final, credit note, an individual
without a SIREN, a private company, a foreign client, and the collège of most of them, a
public client (Chorus Pro service code and engagement number)."""
KNOWN_WARNINGS = {
    # the deposit's ApplicableHeaderTradeDelivery is empty: the XSD requires the element, and
    # a deposit has no delivery date yet (the trip is still to come)
    (schematron.EN16931, "deposit"): {"PEPPOL-EN16931-R008"},
}
"""Warnings (not errors) the schematrons give on our invoices, one by one."""


@cache
def xml(name: str) -> bytes:
    return facturx.invoice_xml(SAMPLES[name]())


@cache
def issued(name: str) -> bytes:
    return facturx.invoice_pdf(SAMPLES[name]())


def tree(name: str) -> etree._Element:
    return etree.fromstring(xml(name))


def texts(root: etree._Element, path: str) -> list[str]:
    return [node.text for node in root.xpath(path, namespaces=NS)]


def one(root: etree._Element, path: str) -> str:
    found = texts(root, path)
    assert len(found) == 1, (path, found)
    return found[0]


SUMMATION = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"


def totals(root: etree._Element) -> dict[str, Decimal]:
    names = (
        "LineTotalAmount",
        "TaxBasisTotalAmount",
        "TaxTotalAmount",
        "GrandTotalAmount",
        "DuePayableAmount",
    )
    found = {name: D(one(root, SUMMATION + name)) for name in names}
    prepaid = texts(root, SUMMATION + "TotalPrepaidAmount")
    found["TotalPrepaidAmount"] = D(prepaid[0]) if prepaid else D(0)
    return found


def breakdown(root: etree._Element) -> list[tuple[str, ...]]:
    """(category, rate, base, VAT, exemption code, exemption text) of each BG-23."""
    rows = []
    for tax in root.xpath(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
    ):

        def get(tag: str, node: etree._Element = tax) -> str:
            found = node.xpath(f"ram:{tag}", namespaces=NS)
            return found[0].text if found else ""

        rows.append(
            (
                get("CategoryCode"),
                get("RateApplicablePercent"),
                get("BasisAmount"),
                get("CalculatedAmount"),
                get("ExemptionReasonCode"),
                get("ExemptionReason"),
            )
        )
    return rows


# ----------------------------------------------------------------------------- valid XML


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_xml_passes_the_official_xsd_and_the_totals_rules(name: str) -> None:
    facturx.check_xml(xml(name))
    root = tree(name)
    assert one(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    assert one(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/*") in (
        "20261202",
        "20260920",
        "20261210",
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_xml_totals_are_the_documents(name: str) -> None:
    doc = SAMPLES[name]()
    found = totals(tree(name))
    assert found == {
        "LineTotalAmount": doc.total_excl_vat,  # BT-106
        "TaxBasisTotalAmount": doc.total_excl_vat,  # BT-109
        "TaxTotalAmount": doc.total_vat,  # BT-110
        "GrandTotalAmount": doc.total_incl_vat,  # BT-112
        "TotalPrepaidAmount": doc.deposits_deducted,  # BT-113
        "DuePayableAmount": doc.amount_due,  # BT-115
    }
    lines = texts(
        tree(name),
        "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
    )
    assert sum(D(value) for value in lines) == found["LineTotalAmount"]
    assert found["GrandTotalAmount"] == found["TaxBasisTotalAmount"] + found["TaxTotalAmount"]
    assert found["DuePayableAmount"] == found["GrandTotalAmount"] - found["TotalPrepaidAmount"]


def test_margin_invoice_is_category_e_with_the_travel_agents_exemption() -> None:
    root = tree("margin")
    assert one(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert one(root, "//rsm:ExchangedDocument/ram:ID") == samples.NUMBER
    assert texts(
        root, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
    ) == ["E"]
    assert one(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == "118.50"
    assert one(root, "//ram:BilledQuantity") == "22.00"
    assert root.xpath("//ram:BilledQuantity/@unitCode", namespaces=NS) == ["C62"]
    assert breakdown(root) == [
        ("E", "0.00", "2607.00", "0.00", "VATEX-EU-D", "Régime particulier – Agences de voyages")
    ]
    notes = dict(
        zip(
            texts(root, "//ram:IncludedNote/ram:SubjectCode"),
            texts(root, "//ram:IncludedNote/ram:Content"),
            strict=True,
        )
    )
    assert notes["TXD"] == "Régime particulier – Agences de voyages"
    assert notes["AAB"] == "Pas d'escompte pour paiement anticipé"
    assert notes["PMD"] == "Pénalités de retard : trois fois le taux d'intérêt légal"
    assert notes["PMT"].startswith("Indemnité forfaitaire pour frais de recouvrement : 40")
    assert "SIRET 123 456 789 00012" in notes["ABL"]


def test_mixed_invoice_breaks_vat_down_per_rate_and_margin() -> None:
    root = tree("mixed")
    assert texts(
        root, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
    ) == [
        "E",
        "S",
        "S",
    ]
    assert texts(
        root, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"
    ) == ["0.00", "20.00", "10.00"]
    assert breakdown(root) == [
        ("S", "20.00", "250.00", "50.00", "", ""),
        ("S", "10.00", "450.00", "45.00", "", ""),
        ("E", "0.00", "2200.00", "0.00", "VATEX-EU-D", "Régime particulier – Agences de voyages"),
    ]


def test_parties_references_delivery_and_payment() -> None:
    root = tree("mixed")
    seller = "//ram:SellerTradeParty/"
    assert one(root, seller + "ram:Name") == "Val de Loire Groupes"
    assert one(root, seller + "ram:GlobalID[@schemeID='0009']") == "12345678900012"
    assert (
        one(root, seller + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == "123456789"
    )
    assert (
        one(root, seller + "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == "FR12123456789"
    )
    assert one(root, seller + "ram:PostalTradeAddress/ram:PostcodeCode") == "37000"
    assert one(root, seller + "ram:PostalTradeAddress/ram:CityName") == "Tours"
    assert one(root, seller + "ram:PostalTradeAddress/ram:CountryID") == "FR"
    buyer = "//ram:BuyerTradeParty/"
    assert one(root, buyer + "ram:Name") == "Collège Anatole-France"
    assert (
        one(root, buyer + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == "194100017"
    )
    assert one(root, buyer + "ram:SpecifiedTaxRegistration/ram:ID") == "FR45194100017"
    assert one(root, buyer + "ram:PostalTradeAddress/ram:LineOne") == "3, rue de l'Église"
    assert one(root, "//ram:BuyerReference") == "SERV-ACHATS-41"  # BT-10
    assert one(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "EJ-2026-000457"
    assert one(root, "//ram:SpecifiedProcuringProject/ram:ID") == "VDL-2026-0142"
    assert one(root, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == "20261201"
    assert one(root, "//ram:BillingSpecifiedPeriod/ram:StartDateTime/*") == "20261130"
    assert one(root, "//ram:BillingSpecifiedPeriod/ram:EndDateTime/*") == "20261201"
    assert one(root, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/*") == "20270101"
    assert one(root, "//ram:SpecifiedTradePaymentTerms/ram:Description").startswith(
        "À régler au plus tard le 01/01/2027"
    )
    assert one(root, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "58"
    assert one(root, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == samples.IBAN
    assert one(root, "//ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") == samples.BIC


def test_deposit_invoice_is_a_prepayment_invoice() -> None:
    root = tree("deposit")
    assert one(root, "//rsm:ExchangedDocument/ram:TypeCode") == "386"
    assert not texts(root, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString")
    assert one(root, "//ram:BillingSpecifiedPeriod/ram:StartDateTime/*") == "20261130"
    assert totals(root)["DuePayableAmount"] == D("782.10")


def test_final_invoice_states_the_prepaid_amount_and_the_deposit_invoices() -> None:
    root = tree("final")
    assert one(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "S4"
    assert one(root, SUMMATION + "TotalPrepaidAmount") == "1500.00"  # BT-113
    assert one(root, SUMMATION + "DuePayableAmount") == "1495.00"  # BT-115
    assert texts(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [
        "FA-VDL-2026-000101",
        "FA-VDL-2026-000115",
    ]
    contents = texts(root, "//ram:IncludedNote/ram:Content")
    assert any("FA-VDL-2026-000115 du 15/10/2026" in content for content in contents)


def test_credit_note_refers_to_the_invoice_it_corrects() -> None:
    root = tree("credit")
    assert one(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert one(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == samples.NUMBER
    assert one(root, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/*") == "20261202"
    assert not root.xpath("//ram:SpecifiedTradeSettlementPaymentMeans", namespaces=NS)
    assert totals(root)["GrandTotalAmount"] == D("99.40")


def test_credit_note_stored_negative_is_written_positive() -> None:
    doc = samples.credit_note()
    negative = replace(
        doc,
        lines=tuple(
            replace(
                line,
                quantity=-line.quantity,
                total_excl_vat=-line.total_excl_vat,
                total_vat=-line.total_vat,
                total_incl_vat=-line.total_incl_vat,
            )
            for line in doc.lines
        ),
        vat_breakdown=tuple(
            replace(row, base=-row.base, vat=-row.vat) for row in doc.vat_breakdown
        ),
        total_excl_vat=-doc.total_excl_vat,
        total_vat=-doc.total_vat,
        total_incl_vat=-doc.total_incl_vat,
        amount_due=-doc.amount_due,
    )
    written = facturx.invoice_xml(negative)
    facturx.check_xml(written)
    assert written == facturx.invoice_xml(doc)


def test_discount_line_is_a_negative_quantity_at_a_positive_price() -> None:
    discount = samples.margin_line("Remise fidélité", "1", "-107.00", "-107.00")
    doc = samples.margin_invoice(
        lines=(*samples.margin_invoice().lines, discount),
        vat_breakdown=(),
        total_excl_vat=D("2500.00"),
        total_incl_vat=D("2500.00"),
        amount_due=D("2500.00"),
    )
    written = facturx.invoice_xml(doc)
    facturx.check_xml(written)
    root = etree.fromstring(written)
    assert texts(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["118.50", "107.00"]
    assert texts(root, "//ram:BilledQuantity") == ["22.00", "-1.00"]


def test_private_client_has_no_siren_and_a_recovery_indemnity_note_saying_it_does_not_apply():
    root = tree("private")
    assert not root.xpath("//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization", namespaces=NS)
    assert not root.xpath("//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration", namespaces=NS)
    notes = dict(
        zip(
            texts(root, "//ram:IncludedNote/ram:SubjectCode"),
            texts(root, "//ram:IncludedNote/ram:Content"),
            strict=True,
        )
    )
    assert notes["PMT"] == facturx.NO_RECOVERY_INDEMNITY  # BR-FR-05: PMT on every invoice
    assert "sans objet, client non professionnel" in notes["PMT"]
    assert not root.xpath("//ram:BuyerReference", namespaces=NS)


def electronic_address(root: etree._Element, party: str) -> tuple[str, str]:
    (node,) = root.xpath(f"//ram:{party}/ram:URIUniversalCommunication/ram:URIID", namespaces=NS)
    return node.text, node.get("schemeID")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_seller_electronic_address_is_its_siren_in_the_directory_scheme_0225(name: str) -> None:
    assert electronic_address(tree(name), "SellerTradeParty") == ("123456789", "0225")  # BT-34


@pytest.mark.parametrize("name", ["mixed", "credit", "deposit", "company"])
def test_buyer_with_a_siren_has_it_as_electronic_address_in_scheme_0225(name: str) -> None:
    root = tree(name)
    siren = one(root, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID")
    assert electronic_address(root, "BuyerTradeParty") == (siren, "0225")  # BT-49
    assert siren == siren_of(SAMPLES[name]().client_siren)


@pytest.mark.parametrize(
    ("name", "email"),
    [("private", "jean.dupont@example.fr"), ("foreign", "direction@arnamur.example.be")],
)
def test_buyer_without_a_siren_has_its_email_as_electronic_address(name: str, email: str) -> None:
    assert electronic_address(tree(name), "BuyerTradeParty") == (email, "EM")


def test_seller_without_a_siret_falls_back_to_its_email() -> None:
    doc = samples.margin_invoice()
    written = facturx.invoice_xml(replace(doc, branding=replace(doc.branding, siret="")))
    root = etree.fromstring(written)
    assert electronic_address(root, "SellerTradeParty") == (doc.branding.email, "EM")


def test_individual_without_email_has_no_electronic_address_and_only_fails_br_fr_12() -> None:
    """The documented gap: an individual out of the reform's e-invoicing (e-reported) with no
    e-mail has no BT-49; the invoice stays valid EN 16931."""
    written = facturx.invoice_xml(samples.private_invoice(email=""))
    facturx.check_xml(written)
    root = etree.fromstring(written)
    assert not root.xpath("//ram:BuyerTradeParty/ram:URIUniversalCommunication", namespaces=NS)
    assert not schematron.check(written, schematron.EN16931).errors
    assert schematron.check(written, schematron.FRENCH_CTC).error_ids() == {"BR-FR-12_BT-49"}


def test_english_document_keeps_french_legal_texts_in_the_xml() -> None:
    root = tree("mixed_en")
    assert "Régime particulier – Agences de voyages" in texts(
        root, "//ram:IncludedNote/ram:Content"
    )
    assert xml("mixed_en") == xml("mixed")


def test_without_iban_there_is_no_payment_means_and_the_xml_stays_valid() -> None:
    doc = samples.mixed_invoice(branding=samples.samples.branding())
    written = facturx.invoice_xml(doc)
    facturx.check_xml(written)
    assert not etree.fromstring(written).xpath(
        "//ram:SpecifiedTradeSettlementPaymentMeans", namespaces=NS
    )


def test_address_lines_are_split_into_postcode_city_and_country() -> None:
    belgian = postal_address(("Rue Royale 12", "Bâtiment B", "1000 Bruxelles", "Belgique"))
    assert (belgian.postcode, belgian.lines, belgian.city, belgian.country) == (
        "1000",
        ("Rue Royale 12", "Bâtiment B"),
        "Bruxelles",
        "BE",
    )
    assert postal_address(("10 Downing Street", "London"), "GB123456789").country == "GB"
    assert postal_address(("8, rue Nationale", "37000 Tours")).country == "FR"
    assert postal_address(("Avenue 1", "United Kingdom")).country == "GB"


# ----------------------------------------------------------------------------- refusals


def refused(doc: InvoiceDocument) -> str:
    with pytest.raises(FacturXError) as caught:
        facturx.invoice_xml(doc)
    with pytest.raises(FacturXError):
        facturx.invoice_pdf(doc)
    return str(caught.value)


def test_totals_that_do_not_add_up_are_refused_in_french() -> None:
    message = refused(samples.mixed_invoice(total_incl_vat=D("2990.00"), amount_due=D("2990.00")))
    assert "ne peut pas être émise en Factur-X" in message
    assert "Total HT 2 900,00 € + TVA 95,00 € ≠ total TTC 2 990,00 €" in message.replace(
        "\u202f", " "
    ).replace("\xa0", " ")
    assert issubclass(FacturXError, ValueError)


def test_lines_that_do_not_make_the_total_are_refused() -> None:
    message = refused(
        samples.mixed_invoice(
            total_excl_vat=D("3100.00"), total_incl_vat=D("3195.00"), amount_due=D("3195.00")
        )
    )
    assert "La somme des lignes" in message


def test_wrong_net_to_pay_and_deposits_are_refused() -> None:
    assert "net à payer" in refused(replace(samples.final_invoice(), amount_due=D("1500.00")))
    deposits = (DeductedInvoice("FA-VDL-2026-000101", date(2026, 9, 20), D("800.00")),)
    assert "factures d'acompte listées" in refused(
        replace(samples.final_invoice(), deducted=deposits)
    )


def test_margin_line_with_vat_is_refused() -> None:
    line = replace(samples.MIXED_LINES[0], vat_rate=D(20), total_vat=D("10.00"))
    line = replace(line, total_incl_vat=line.total_excl_vat + line.total_vat)
    message = refused(samples.mixed_invoice(lines=(line, *samples.MIXED_LINES[1:])))
    assert "régime de la marge ne porte ni taux ni montant de TVA" in message


def test_vat_breakdown_must_match_the_lines() -> None:
    rows = (
        samples.MIXED_BREAKDOWN[0],
        replace(samples.MIXED_BREAKDOWN[1], vat=D("47.00")),
        samples.MIXED_BREAKDOWN[2],
    )
    message = refused(
        samples.mixed_invoice(
            vat_breakdown=rows,
            total_vat=D("97.00"),
            total_incl_vat=D("2997.00"),
            amount_due=D("2997.00"),
        )
    )
    assert "Récapitulatif de TVA (taux 10 %)" in message


def test_vat_rounded_line_by_line_is_accepted() -> None:
    """Ten lines of 0,03 € HT at 20 %: 0,01 € VAT each, 0,10 € in all, where 0,30 € × 20 %
    gives 0,06 €. Line-by-line rounding is how the agency computes it, and EN 16931 allows it."""
    line = samples.normal_line("Photocopie du carnet de voyage", "1", "0.03", "20", "0.03", "0.01")
    doc = samples.normal_only_invoice(
        lines=(line,) * 10,
        vat_breakdown=(),
        total_excl_vat=D("0.30"),
        total_vat=D("0.10"),
        total_incl_vat=D("0.40"),
        amount_due=D("0.40"),
    )
    facturx.check_xml(facturx.invoice_xml(doc))


def test_missing_mentions_are_refused() -> None:
    assert "TVA intracommunautaire de l'agence" in refused(
        samples.margin_invoice(branding=replace(samples.margin_invoice().branding, vat_number=""))
    )
    assert "date d'échéance est obligatoire" in refused(samples.margin_invoice(due_on=None))
    assert "la facture qu'il corrige" in refused(replace(samples.credit_note(), corrects=None))
    assert "Régime particulier – Agences de voyages" in refused(
        samples.margin_invoice(margin_scheme=False)
    )
    assert "aucune ligne" in refused(
        samples.margin_invoice(
            lines=(), vat_breakdown=(), total_excl_vat=D(0), total_incl_vat=D(0), amount_due=D(0)
        )
    )
    assert "numéro de la facture est vide" in refused(samples.margin_invoice(number=""))


def test_amounts_with_more_than_two_decimals_are_refused() -> None:
    line = samples.margin_line("Forfait", "1", "100.005", "100.005")
    message = refused(
        samples.margin_invoice(
            lines=(line,),
            vat_breakdown=(),
            total_excl_vat=D("100.005"),
            total_incl_vat=D("100.005"),
            amount_due=D("100.005"),
        )
    )
    assert "plus de deux décimales" in message


def test_check_xml_rejects_an_xml_against_the_xsd_with_a_french_reason() -> None:
    broken = xml("margin").replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
    with pytest.raises(FacturXError, match="schéma XSD EN 16931"):
        facturx.check_xml(broken)


def test_check_xml_rejects_totals_that_do_not_add_up() -> None:
    broken = xml("final").replace(
        b"<ram:DuePayableAmount>1495.00</ram:DuePayableAmount>",
        b"<ram:DuePayableAmount>1490.00</ram:DuePayableAmount>",
    )
    with pytest.raises(FacturXError, match="BR-CO-16"):
        facturx.check_xml(broken)


def test_xml_of_a_plain_pdf_is_refused() -> None:
    with pytest.raises(FacturXError, match="pas de XML Factur-X"):
        facturx.xml_of(render_invoice(samples.margin_invoice()))


# ----------------------------------------------------------------------------- the PDF


def test_issued_pdf_embeds_the_xml_as_factur_x_pdfa3() -> None:
    document = issued("final")
    assert facturx.xml_of(document) == xml("final")
    assert document.startswith(b"%PDF-1.7")
    reader = PdfReader(io.BytesIO(document))
    assert list(reader.attachments) == ["factur-x.xml"]
    root = reader.trailer["/Root"]
    filespec = root["/AF"][0].get_object()
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/UF"] == "factur-x.xml"
    metadata = root["/Metadata"].get_object()
    assert "/Filter" not in metadata
    xmp = metadata.get_data().decode()
    for expected in (
        "<pdfaid:part>3</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
        "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
        "<xmp:CreateDate>2026-12-02T00:00:00+00:00</xmp:CreateDate>",
        f"<pdf:Producer>{facturx.PRODUCER}</pdf:Producer>",
        "<pdf:Keywords>Facture, Factur-X</pdf:Keywords>",
    ):
        assert expected in xmp, expected
    info = reader.metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261202000000+00'00'"
    assert info["/Producer"] == facturx.PRODUCER
    assert info["/Keywords"] == "Facture, Factur-X"
    assert info["/Title"] == f"Val de Loire Groupes : Facture {samples.NUMBER}"


def test_issued_pdf_text_has_the_number_totals_and_due_date() -> None:
    page_text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(issued("final"))).pages
    )
    page_text = page_text.replace("\u202f", " ").replace("\xa0", " ")
    for expected in (samples.NUMBER, "Net à payer", "1 495,00 €", "01/01/2027", samples.IBAN[:4]):
        assert expected in page_text, expected


def test_equal_invoices_give_equal_factur_x_bytes() -> None:
    assert facturx.invoice_pdf(samples.final_invoice()) == issued("final")
    assert facturx.invoice_xml(samples.final_invoice()) == xml("final")
    assert issued("final") != issued("mixed")


def test_embed_refuses_an_invalid_xml() -> None:
    with pytest.raises(FacturXError, match="PDF Factur-X"):
        facturx.embed(
            render_invoice(samples.margin_invoice()),
            xml("margin").replace(b"<ram:TypeCode>380</ram:TypeCode>", b""),
        )


# ----------------------------------------------------------------------------- schematrons


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_xml_passes_the_en16931_schematron(name: str) -> None:
    found = schematron.check(xml(name), schematron.EN16931)
    assert not found.errors, found.errors
    assert found.warning_ids() == KNOWN_WARNINGS.get((schematron.EN16931, name), set())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_xml_passes_the_french_ctc_schematron(name: str) -> None:
    found = schematron.check(xml(name), schematron.FRENCH_CTC)
    assert not found.errors, found.errors
    assert found.warning_ids() == KNOWN_WARNINGS.get((schematron.FRENCH_CTC, name), set())


def test_en16931_schematron_catches_a_wrong_amount_due() -> None:
    broken = xml("final").replace(b">1495.00<", b">1490.00<")
    assert "BR-CO-16" in schematron.check(broken, schematron.EN16931).error_ids()


def test_french_ctc_schematron_catches_a_missing_buyer_electronic_address() -> None:
    broken = etree.fromstring(xml("mixed"))
    (address,) = broken.xpath("//ram:BuyerTradeParty/ram:URIUniversalCommunication", namespaces=NS)
    address.getparent().remove(address)
    found = schematron.check(etree.tostring(broken), schematron.FRENCH_CTC)
    assert found.error_ids() == {"BR-FR-12_BT-49"}
