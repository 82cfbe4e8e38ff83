"""The road book « Convocation / road book » for the group leader: where and when to meet, who
to call, the day-by-day programme with addresses and map links. No prices."""

from __future__ import annotations

from agence.services.documents.content import Addressee, ClientDocument
from agence.services.documents.labels import label, labelled
from agence.services.documents.locale import day
from agence.services.documents.pdf import BrandedPdf
from agence.services.documents.pdf_sections import (
    closing,
    group_section,
    moment_text,
    new_pdf,
    opening,
    programme_section,
)


def first_time(doc: ClientDocument) -> str:
    """The group's start time, else the start of the first timed programme entry."""
    if doc.group.start_time:
        return doc.group.start_time
    for programme_day in doc.programme:
        for entry in programme_day.entries:
            if entry.time:
                return entry.time.split("–")[0].strip()
    return ""


def _meeting(pdf: BrandedPdf, doc: ClientDocument) -> None:
    """The meeting place and the first time, big, then the coach and the driver's phone."""
    language = doc.language
    group = doc.group
    place = labelled("meeting", group.meeting_place, language) if group.meeting_place else ""
    pdf.callout([place, moment_text(group.starts_on, first_time(doc), language)])
    pdf.info_block(
        [
            (label("coach_company", language), group.coach_company),
            (label("driver_phone", language), group.driver_phone),
        ]
    )
    pdf.ln(3)


def _contacts(pdf: BrandedPdf, doc: ClientDocument) -> None:
    """The agency first (its phone is the one to call), then the contacts of the dossier."""
    language = doc.language
    agency = Addressee(
        name=doc.branding.name, contact_phone=doc.branding.phone, contact_email=doc.branding.email
    )
    pdf.section_title(label("useful_contacts", language))
    pdf.data_table(
        [label("name", language), label("phone", language), label("email", language)],
        [
            [
                " – ".join(part for part in (person.name, person.contact_name) if part),
                person.contact_phone,
                person.contact_email,
            ]
            for person in (agency, *doc.contacts)
        ],
        col_widths=(2, 1.2, 1.8),
    )


def render_road_book(doc: ClientDocument) -> bytes:
    language = doc.language
    title = label("title_road_book", language)
    pdf = new_pdf(doc, title)
    opening(
        pdf,
        title,
        doc.title,
        [
            (label("reference", language), doc.reference),
            (label("issued_on", language), day(doc.issued_on, language)),
        ],
    )
    _meeting(pdf, doc)
    pdf.paragraph(doc.texts.introduction)
    group_section(pdf, doc.group, with_meeting_place=False)
    _contacts(pdf, doc)
    programme_section(pdf, doc.programme, place_key="meeting", with_maps=True)
    closing(pdf, doc.texts.closing)
    return pdf.to_bytes()
