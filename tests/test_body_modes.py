"""The Body tab's views come from a registry (gui/widgets/response/body_modes): the
buttons follow it, and a body opens in the view last chosen where that view fits it."""

import pytest
from PySide6.QtWidgets import QApplication

from gui.core.present import Presentation
from gui.widgets import theme
from gui.widgets.response.body_modes import VIEWS, mode_for
from gui.widgets.response.body_view import BodyView


@pytest.fixture
def view(qtbot):
    body = BodyView()
    qtbot.addWidget(body)
    return body


def test_one_button_per_registered_view_in_order(view):
    names = [m.name for m in view._modes.values()]
    assert len(names) == len(VIEWS)
    assert names == ["pretty", "raw", "hex", "preview", "tree"]
    assert [view._buttons[n].objectName() for n in names] == [f"{n}Button" for n in names]


JSON = Presentation(language="json", parsed={"a": 1}, pretty='{"a": 1}')
TEXT = Presentation(language="text", pretty="hello")
HTML = Presentation(language="html", pretty="<p>hi</p>")
IMAGE = Presentation(language="image")
BINARY = Presentation(language="binary", binary=True)


@pytest.mark.parametrize(("body", "chosen", "opens"), [
    (JSON, "pretty", "pretty"), (JSON, "tree", "tree"), (JSON, "preview", "pretty"),
    (JSON, "raw", "raw"), (JSON, "hex", "hex"),
    (TEXT, "tree", "pretty"), (TEXT, "preview", "pretty"),
    (HTML, "pretty", "preview"), (HTML, "tree", "preview"), (HTML, "raw", "raw"),
    (IMAGE, "pretty", "preview"), (IMAGE, "hex", "hex"),
    (BINARY, "pretty", "hex"), (BINARY, "preview", "hex"), (BINARY, "tree", "hex"),
    (BINARY, "raw", "raw"),
])
def test_a_body_opens_in_the_chosen_view_where_it_fits(view, body, chosen, opens):
    assert mode_for(view._modes, body, chosen) == opens


def test_syntax_colours_follow_the_theme(view):
    app = QApplication.instance()
    try:
        theme.apply(app, theme.DARK)
        colour = view.highlighter._formats["punct"].foreground().color().name()
        assert colour == theme.SYNTAX_COLOURS["punct"][1]
        assert theme.contrast(colour, theme.DARK_COLOURS.base) >= 4.5
    finally:
        theme.apply(app, theme.LIGHT)
    assert view.highlighter._formats["punct"].foreground().color().name() == \
        theme.SYNTAX_COLOURS["punct"][0]
