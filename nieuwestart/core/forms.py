"""Form rendering with NL Design System (Utrecht) markup for every form in the project."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class UtrechtFormRenderer(TemplatesSetting):
    form_template_name = "forms/utrecht_form.html"
    field_template_name = "forms/utrecht_field.html"
