"""Form rendering with NL Design System (Utrecht) markup for every form in the project."""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape as html_escape
from typing import Any

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.translation import gettext

from nieuwestart.core.templatetags.ns_components import icon_html


class UtrechtFormRenderer(TemplatesSetting):
    form_template_name = "forms/utrecht_form.html"
    field_template_name = "forms/utrecht_field.html"


def _esc(value: Any) -> str:
    """Django's `conditional_escape`, the same text, without its check for lazy strings on
    every call (a form of 260 inputs escapes about a thousand values)."""
    if type(value) is str:
        return html_escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html_escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_esc(name)}")
        else:
            text = value if isinstance(value, str) else str(value)
            parts.append(f' {_esc(name)}="{_esc(text)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    """Django's widgets/input.html, without its final newline."""
    value = widget["value"]
    value_attr = ""
    if value is not None:
        text = value if isinstance(value, str) else str(value)
        value_attr = f' value="{_esc(text)}"'
    return (
        f'<input type="{_esc(widget["type"])}" '
        f'name="{_esc(widget["name"])}"{value_attr}{_attrs(widget["attrs"])}>'
    )


def _input_widget(context: dict[str, Any]) -> str:
    return _input(context["widget"])


def _textarea(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = _esc(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_esc(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _choices(
    widget: dict[str, Any],
    *,
    start: str,
    group: tuple[str, str],
    option: Callable[[dict[str, Any]], str | None],
    end: str,
) -> str | None:
    """The walk over `optgroups` that select.html and multiple_input.html share: `start`, each
    group's options (wrapped in `group`, its label in the `{}`, when the group has a name),
    `end`. None when an option needs a template this module does not write."""
    group_start, group_end = group
    parts = [start]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(group_start.format(_esc(group_name)))
        for each in options:
            html = option(each)
            if html is None:
                return None
            parts.append(html)
        if group_name:
            parts.append(group_end)
    parts.append(end)
    return "".join(parts)


def _select_option(option: dict[str, Any]) -> str | None:
    """Django's widgets/select_option.html."""
    if option["template_name"] != "django/forms/widgets/select_option.html":
        return None
    value = option["value"]
    text = value if isinstance(value, str) else str(value)
    return (
        f'\n  <option value="{_esc(text)}"{_attrs(option["attrs"])}>'
        f"{_esc(option['label'])}</option>\n"
    )


def _select(context: dict[str, Any]) -> str | None:
    widget = context["widget"]
    return _choices(
        widget,
        start=f'<select name="{_esc(widget["name"])}"{_attrs(widget["attrs"])}>',
        group=('\n  <optgroup label="{}">', "\n  </optgroup>"),
        option=_select_option,
        end="\n</select>",
    )


OPTION_TEMPLATES = {"django/forms/widgets/radio_option.html"}


def _input_option(option: dict[str, Any]) -> str | None:
    """Django's widgets/input_option.html, the label wrapping the input."""
    if option["template_name"] not in OPTION_TEMPLATES or not option["wrap_label"]:
        return None
    option_id = option["attrs"].get("id")
    label_for = f' for="{_esc(option_id)}"' if option_id else ""
    return (
        f"<div>\n    <label{label_for}>{_input(option)}\n {_esc(option['label'])}</label>\n\n</div>"
    )


def _multiple_input(context: dict[str, Any]) -> str | None:
    """Django's widgets/multiple_input.html (radio buttons, checkboxes) with input_option.html."""
    widget = context["widget"]
    attrs = widget["attrs"]
    id_attr = f' id="{_esc(attrs["id"])}"' if attrs.get("id") else ""
    class_attr = f' class="{_esc(attrs["class"])}"' if attrs.get("class") else ""
    return _choices(
        widget,
        start=f"<div{id_attr}{class_attr}>",
        group=("\n  <div><label>{}</label>", "\n  </div>"),
        option=_input_option,
        end="\n</div>",
    )


@functools.cache
def _error_icon() -> str:
    return icon_html("error")


def _field_errors(field: BoundField) -> str:
    """templates/components/field_errors.html, with its final newline."""
    errors = field.errors
    if not errors:
        return "\n"
    id_attr = f' id="{_esc(field.auto_id)}_error"' if field.auto_id else ""
    hidden = _esc(gettext("Fout:"))
    items = "".join(
        f'<p class="ns-field-error">{_error_icon()}<span><span class="ns-visually-hidden">'
        f"{hidden} </span>{_esc(str(error))}</span></p>"
        for error in errors
    )
    return (
        '<div class="utrecht-form-field-error-message utrecht-form-field__error-message"'
        f"{id_attr}>{items}</div>\n"
    )


def _help_text(field: BoundField) -> str:
    if not field.help_text:
        return ""
    id_attr = f' id="{_esc(field.auto_id)}_helptext"' if field.auto_id else ""
    return (
        '<div class="utrecht-form-field-description utrecht-form-field__description"'
        f"{id_attr}>{_esc(field.help_text)}</div>"
    )


def _optional(field: BoundField) -> str:
    if field.field.required:
        return ""
    return f' <span class="ns-optional">({_esc(gettext("niet verplicht"))})</span>'


def _field_group(context: dict[str, Any]) -> str:
    """templates/forms/utrecht_field.html in Python: the same markup, byte for byte."""
    field: BoundField = context["field"]
    invalid = " utrecht-form-field--invalid" if field.errors else ""
    label = _esc(field.label) if field.label else ""
    if field.use_fieldset:
        describedby = field.aria_describedby
        aria = f' aria-describedby="{_esc(describedby)}"' if describedby else ""
        legend = (
            '<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-'
            f'legend utrecht-form-label ns-legend">{label}{_optional(field)}</legend>'
            if label
            else ""
        )
        return (
            '<div class="utrecht-form-field utrecht-form-field--fieldset utrecht-html'
            f'{invalid}">\n'
            '  <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset '
            f'ns-fieldset"{aria}>\n'
            f"    {legend}\n"
            f"    {_help_text(field)}\n"
            f"    {_field_errors(field)}\n"
            f'    <div class="utrecht-form-field__input ns-choices">{field}</div>\n'
            "  </fieldset>\n"
            "</div>"
        )
    label_for = _esc(field.id_for_label)
    if field.widget_type == "checkbox":
        return (
            '<div class="utrecht-form-field utrecht-form-field--checkbox utrecht-html'
            f'{invalid}">\n'
            f'  <div class="utrecht-form-field__input">{field}</div>\n'
            '  <div class="utrecht-form-field__label"><label class="utrecht-form-label '
            f'utrecht-form-label--checkbox" for="{label_for}">{label}</label></div>\n'
            f"  {_help_text(field)}\n"
            f"  {_field_errors(field)}\n"
            "</div>"
        )
    label_block = (
        '<div class="utrecht-form-field__label"><label class="utrecht-form-label" '
        f'for="{label_for}">{label}{_optional(field)}</label></div>'
        if label
        else ""
    )
    return (
        f'<div class="utrecht-form-field utrecht-form-field--text utrecht-html{invalid}">\n'
        f"  {label_block}\n"
        f"  {_help_text(field)}\n"
        f"  {_field_errors(field)}\n"
        f'  <div class="utrecht-form-field__input">{field}</div>\n'
        "</div>"
    )


def _form(context: dict[str, Any]) -> str:
    """templates/forms/utrecht_form.html in Python: the error summary, then every field."""
    form = context["form"]
    fields: list[tuple[BoundField, Any]] = context["fields"]
    parts = []
    if form.errors:
        parts.append(
            '<div class="utrecht-alert utrecht-alert--error ns-error-summary" role="alert" '
            'tabindex="-1" data-ns-error-summary>\n'
            f'  <div class="utrecht-alert__icon">{_error_icon()}</div>\n'
            '  <div class="utrecht-alert__content">\n'
            '    <div class="utrecht-alert__message">\n'
            '      <h2 class="utrecht-heading-3 ns-error-summary__title">'
            f"{_esc(gettext('Er is iets niet goed ingevuld'))}</h2>\n      "
        )
        parts.extend(
            f'<p class="utrecht-paragraph">{_esc(error)}</p>' for error in context["errors"]
        )
        parts.append("\n      ")
        if len(form.errors) > 1 or "__all__" not in form.errors:
            parts.append('<ul class="utrecht-unordered-list ns-error-summary__list">')
            for field, field_errors in fields:
                label = "" if field.label is None else str(field.label)
                colon = "" if label[-1:] in "?:" else ":"
                parts.extend(
                    '\n        <li class="utrecht-unordered-list__item"><a class="utrecht-link" '
                    f'href="#{_esc(field.id_for_label)}">{_esc(label)}{colon} {_esc(error)}</a></li>'
                    for error in field_errors
                )
            parts.append("\n      </ul>")
        parts.append("\n    </div>\n  </div>\n</div>")
    parts.append('\n<div class="ns-form-fields">\n')
    parts.extend(f"{field.as_field_group()}\n" for field, _errors in fields)
    parts.extend(str(field) for field in context["hidden_fields"])
    parts.append("\n</div>")
    # Django's renderer strips what the template writes around it.
    return "".join(parts).strip()


_QUICK: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "forms/utrecht_form.html": _form,
    "forms/utrecht_field.html": _field_group,
    "django/forms/widgets/radio.html": _multiple_input,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
    **{
        f"django/forms/widgets/{name}.html": _input_widget
        # The ones the screening and plan forms use, so tested (screening/tests/
        # test_form_rendering.py, plans/tests/test_form_rendering.py).
        for name in ("text", "date", "checkbox", "number", "hidden")
    },
}


class QuickUtrechtFormRenderer(UtrechtFormRenderer):
    """The same markup as UtrechtFormRenderer, for one field and Django's plain widgets built
    in Python instead of through templates.

    For a form with hundreds of inputs and options (the screening: about 260), Django's field
    and widget templates cost as much CPU as the rest of the request together. The whole form
    (`{{ form }}`, forms/utrecht_form.html with its error summary) is written here too.
    Templates it does not know (other widgets) still render through the templates. It is the
    project's FORM_RENDERER. A change to forms/utrecht_form.html, forms/utrecht_field.html or
    components/field_errors.html must be made here too: tests/test_quick_forms.py and the
    screening's and plan's test_form_rendering.py fail until both give the same bytes.
    """

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        quick = _QUICK.get(template_name)
        if quick is not None and request is None:
            html = quick(context)
            if html is not None:
                return html
        return super().render(template_name, context, request)
