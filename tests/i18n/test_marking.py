"""Every word a template shows is marked, and every catalog says every marked message."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.translations import LANGUAGES
from app.translations import extract
from app.translations import problems
from app.translations.unmarked import unmarked_in
from app.translations.unmarked import unmarked_templates

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_word_in_the_templates_is_marked_for_translation():
    assert [str(found) for found in unmarked_templates(TEMPLATES)] == []


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_catalog_says_every_extracted_message_and_none_is_fuzzy(language):
    template = extract(TEMPLATES)
    assert len(template) > 300, "extraction found too few messages: is the mapping right?"
    assert [str(problem) for problem in problems(template, [language])] == []


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<img alt="A red shoe" src="x.png">', ["A red shoe"]),
        ('<button aria-label="Close">×</button>', ["Close"]),
        ('<input type="submit" value="Place order">', ["Place order"]),
        ('{% set reason = "The method is gone." %}', ["The method is gone."]),
        ('{{ fields.input(form.city, "City") }}', ["City"]),
        ("<p>Total: {{ total }}</p>", ["Total:"]),
        ("<p>ご注文</p>", ["ご注文"]),
    ],
)
def test_unmarked_words_are_found(source, words):
    assert [found.words for found in unmarked_in(source)] == words


@pytest.mark.parametrize(
    "source",
    [
        '<p>{{ _("Hello") }}</p>',
        "<p>{% trans %}Hello {{ name }}{% endtrans %}</p>",
        '<p>{{ ngettext("%(num)d item", "%(num)d items", n) }}</p>',
        '{{ fields.input(form.city, _("City"), autocomplete="shipping address-level2") }}',
        '<div id="checkout-shipping" class="step step--open" data-step-state="{{ s }}"></div>',
        '<input type="text" value="{{ v }}" name="shipping-city">',
        "{# A comment for designers, in English. #}<p>{{ total|money(currency) }}</p>",
        '<p title="{{ _("Sandbox") }}">{{ store_name }} · {{ 3 }} ×</p>',
    ],
)
def test_marked_words_ids_and_values_pass(source):
    assert unmarked_in(source) == []


def test_a_read_only_install_starts_with_the_catalogs_it_has(
    sandbox, tmp_path, monkeypatch, caplog
):
    import app.translations as translations
    from app import create_app
    from app.locales import translate
    from tests.support.app_config import sandbox_config

    def read_only(languages=()):
        raise PermissionError(13, "Permission denied", str(translations.CATALOGS_DIR))

    # Installed where the server may not write: a changed catalog cannot be compiled.
    monkeypatch.setattr(translations, "compile_catalogs", read_only)
    app = create_app({**sandbox_config(sandbox), "INSTANCE_PATH": str(tmp_path)})
    assert "translations not compiled" in caplog.text
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert translate("Cart") == "Warenkorb"  # the catalogs compiled before still serve
