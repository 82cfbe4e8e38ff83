"""Every page is built as Reflex builds it at compile time: a typed row read with a field it
does not have, or a state var that does not exist, fails here rather than in a browser."""

from __future__ import annotations

import pytest

import agence.pages  # noqa: F401  (importing the pages fills the registry)
from agence.components.layout import PAGES


@pytest.mark.parametrize("definition", PAGES, ids=lambda definition: definition.route)
def test_the_page_builds(definition):
    assert definition.render().render()
