"""Documents of the agency: content (plain data), builders (database → content), letter templates
(Jinja2, sandboxed) and PDF renderers (fpdf2)."""
