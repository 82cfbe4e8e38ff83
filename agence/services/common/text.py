"""Text helpers shared by the business rules: normalized names, French departments."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_text(text: str) -> str:
    """`Comité d'Entreprise — SNCF` → `comite d entreprise sncf` (no accents, case, punctuation)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return _NOT_ALNUM.sub(" ", plain.lower()).strip()


def department_of(postcode: str, country: str = "FR") -> str:
    """The French département of a postcode (`37000` → `37`, `20200` → `2B`, `97400` → `974`)."""
    code = postcode.strip().replace(" ", "")
    if country != "FR" or len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def slugify(text: str) -> str:
    """A file-name-safe form: `Bon d'échange` → `bon-d-echange`."""
    return re.sub(r"[^a-z0-9]+", "-", normalize_text(text)).strip("-")
