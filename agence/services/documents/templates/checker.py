"""The static check: a template's tree walked before anything runs. It refuses, with the line
and a French reason, what the catalogue does not describe — an unknown placeholder, a forbidden
filter or construct, an attribute walk such as `client.__class__` — and rewrites the tree so
that loops, `~` and the lists the template builds are measured by the sandbox. Only the checked
tree is compiled, and the sandbox still refuses at render time what this check would have
missed."""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import Template, TemplateSyntaxError, nodes
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.visitor import NodeTransformer

from agence.services.documents.content import KIND_LABELS, DocumentKind
from agence.services.documents.templates.catalogue import (
    AMOUNT_NAMES,
    DATE_NAMES,
    FILTER_NAMES,
    LOOP_ATTRIBUTES,
    NAMES,
    ROOTS,
    TEST_NAMES,
    available_names,
)
from agence.services.documents.templates.sandbox import (
    CONCAT_FILTER,
    CONTAINER_FILTER,
    LOOP_FILTER,
    MAX_NUMBER,
    TOO_BIG,
    TOO_DEEP,
    TemplateProblem,
    environment,
    is_number,
)

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
                node.iter, LOOP_FILTER, [], [], None, None, lineno=node.iter.lineno
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
            and is_number(node.value)
            and not abs(node.value) < MAX_NUMBER
        ):
            raise self.refuse(node, TOO_BIG)
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
        return nodes.Filter(operands, CONCAT_FILTER, [], [], None, None, lineno=node.lineno)

    def _measure(self, node: nodes.Expr) -> nodes.Node:
        self.generic_visit(node)
        if getattr(node, "ctx", "load") != "load":
            return node
        return nodes.Filter(node, CONTAINER_FILTER, [], [], None, None, lineno=node.lineno)

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
        raise TemplateProblem(TOO_DEEP) from None
    except ValueError:  # an integer of thousands of digits, refused by Python itself
        raise TemplateProblem(TOO_BIG) from None
    return tree, checker.used


@lru_cache(maxsize=512)
def _analysed(text: str) -> tuple[tuple[str, int], ...]:
    _, used = _checked_tree(text)
    return tuple(sorted(used.items(), key=lambda item: (item[1], item[0])))


@lru_cache(maxsize=512)
def compiled(text: str, language: str) -> Template:
    """Only a checked tree is compiled: what runs is what the checker saw."""
    tree, _ = _checked_tree(text)
    try:
        return environment(language).from_string(tree)
    except TemplateSyntaxError as exc:
        raise _syntax_problem(exc, text) from None
    except (RecursionError, SyntaxError):  # Python's own nesting limits
        raise TemplateProblem(TOO_DEEP) from None


def check_statically(text: str, kind: DocumentKind | None) -> None:
    compiled(text, "fr")
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
