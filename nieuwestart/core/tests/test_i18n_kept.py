"""`{% translate %}` with a constant text remembered per language (core/templatetags/i18n_kept.py).

What a user needs: every page says the same words as with Django's own tags, in the language
they chose, also when two people with different languages are served by the same process.
"""

from __future__ import annotations

import copy
import re

import pytest
from django.conf import settings as django_settings
from django.template import engines
from django.templatetags import i18n as django_i18n
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from nieuwestart.core.templatetags import i18n_kept


def _template(source: str):
    return engines["django"].from_string("{% load i18n %}" + source)


def test_templates_load_the_kept_library_as_i18n():
    libraries = engines["django"].engine.template_libraries
    assert libraries["i18n"] is i18n_kept.register
    # Everything else is Django's own.
    assert libraries["i18n"].tags["blocktranslate"] is django_i18n.register.tags["blocktranslate"]


def test_a_constant_text_follows_the_language_of_each_render():
    template = _template('{% translate "Werklijst" %}|{% trans "Uitloggen" %}')
    with translation.override("en"):
        english = template.render({})
    with translation.override("nl"):
        dutch = template.render({})
    with translation.override("en"):
        assert template.render({}) == english  # kept per language, not the first one seen
    assert dutch == "Werklijst|Uitloggen"
    assert english != dutch
    with translation.override("en"):
        assert english == f"{translation.gettext('Werklijst')}|{translation.gettext('Uitloggen')}"


def test_as_variable_is_set_on_every_render():
    template = _template('{% translate "Werklijst" as title %}[{{ title }}]')
    with translation.override("nl"):
        assert template.render({}) == "[Werklijst]"
        assert template.render({}) == "[Werklijst]"  # the second render comes from the kept text


def test_a_variable_text_is_translated_anew_each_time():
    template = _template("{% translate label %}")
    node = next(n for n in template.template.nodelist if isinstance(n, django_i18n.TranslateNode))
    assert not isinstance(node, i18n_kept.KeptTranslateNode)
    with translation.override("nl"):
        assert template.render({"label": "Werklijst"}) == "Werklijst"
        assert template.render({"label": "<b>"}) == "&lt;b&gt;"


def test_constant_texts_with_a_filter_or_noop_keep_their_meaning():
    template = _template('{% translate "Werklijst"|upper %}|{% translate "Werklijst" noop %}')
    with translation.override("en"):
        assert template.render({}) == f"{translation.gettext('Werklijst').upper()}|Werklijst"


def _without_kept_library() -> list[dict]:
    templates = copy.deepcopy(django_settings.TEMPLATES)
    del templates[0]["OPTIONS"]["libraries"]["i18n"]
    return templates


def _page(client, path: str) -> str:
    html = client.get(path).content.decode()
    # A new CSRF token is masked differently on every page.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_pages_are_the_same_as_with_djangos_own_tags(web, alice, trajectory):
    """Dutch and English pages from the same process (so with the same compiled templates)."""
    client = web(alice)
    paths = [reverse("trajectories:worklist"), reverse("notify:list"), reverse("worklists:home")]
    paths += [
        reverse(name, args=[trajectory.uuid])
        for name in ("trajectories:detail", "screening:screening", "plans:plan")
    ]
    languages = ("nl", "en", "nl")

    def pages() -> list[str]:
        found = []
        for language in languages:
            client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
            found += [_page(client, path) for path in paths]
        return found

    kept = pages()
    with override_settings(TEMPLATES=_without_kept_library()):
        assert engines["django"].engine.template_libraries["i18n"] is django_i18n.register
        plain = pages()
    for index, (ours, theirs) in enumerate(zip(kept, plain, strict=True)):
        assert ours == theirs, (languages[index // len(paths)], paths[index % len(paths)])
    assert all("<html" in page for page in kept)
    assert kept[0] != kept[len(paths)]  # the languages differ


def test_the_deliberate_replacement_passes_the_checks_but_other_double_names_still_warn():
    # `manage.py check --deploy --fail-level WARNING` runs in CI: the replacement of Django's
    # i18n library is meant, a second library named like another one is still a mistake.
    backend = engines["django"]
    assert backend.check() == []
    backend.engine.libraries["static"] = "nieuwestart.core.templatetags.i18n_kept"
    try:
        warnings = backend.check()
    finally:
        del backend.engine.libraries["static"]
    assert [w.id for w in warnings] == ["templates.W003"]
    assert "'static'" in warnings[0].msg
