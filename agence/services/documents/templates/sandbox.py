"""The sandbox a template runs in, treated as untrusted code: Jinja2's immutable sandbox with
only our filters, no globals and strict undefined names, and a budget per rendering.

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
from collections.abc import Generator, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from jinja2 import StrictUndefined, Template, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.tests import TESTS as JINJA_TESTS

from agence.services.common.forms import FormErrors
from agence.services.documents import locale
from agence.services.documents.content import LANGUAGES
from agence.services.documents.templates.catalogue import JINJA_FILTER_NAMES, TEST_NAMES

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
TOO_BIG = "nombre trop grand (15 chiffres au plus)"
_TOO_MUCH_OUTPUT = f"texte produit trop long ({MAX_RENDERED} caractères au plus)"
_TOO_SLOW = "rendu trop long (plus d'une seconde) : simplifiez le modèle"
TOO_DEEP = "texte trop imbriqué : simplifiez les blocs, les parenthèses ou les filtres enchaînés"


@dataclass
class _Budget:
    deadline: float
    iterations: int = MAX_ITERATIONS
    output: int = MAX_RENDERED


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)
LOOP_FILTER = "_loop_budget"
"""Wraps every loop's iterable (the checker rewrites the tree); users cannot name it."""
CONCAT_FILTER = "_concat"
"""Replaces every `~` (Jinja's own join is not watched by the sandbox)."""
CONTAINER_FILTER = "_container"
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
    size: int


class _Tuple(tuple):
    """A tuple the template built, carrying its printed size (see `_measured`)."""

    size: int


class _Dict(dict):
    """A dict the template built, carrying its printed size (see `_measured`)."""

    __slots__ = ("size",)
    size: int


_MEASURED: dict[type, type[_List | _Tuple | _Dict]] = {list: _List, tuple: _Tuple, dict: _Dict}


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


def is_number(value: Any) -> bool:
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
        if operator == "%" and not is_number(left):
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
        if is_number(result) and abs(result) >= MAX_NUMBER:
            raise _Limit(TOO_BIG)
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
    env.filters[LOOP_FILTER] = _loop_budget
    env.filters[CONCAT_FILTER] = _concat
    env.filters[CONTAINER_FILTER] = _measured
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
        return TOO_DEEP
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


def checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise FormErrors({"language": f"Langue inconnue : « {language} » (fr ou en)."})
    return language


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


def run(template: Template, context: Mapping[str, Any], deadline: float) -> str:
    """A compiled template rendered within the budget (time, loop turns, printed size);
    raises TemplateProblem (line, French reason)."""
    budget = _BUDGET.set(_Budget(deadline))
    # `generate` is a generator function (annotated as a mere Iterator): closed when stopped.
    chunks = cast(Generator[str, None, None], template.generate(dict(context)))
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
