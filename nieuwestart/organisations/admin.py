"""Admin for organisations: the place where an administrator keeps contact points up to date.

Reference fields are overwritten by `load_reference_data`; contact points are not.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from nieuwestart.organisations.models import Organisation, SizeClass


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "kind",
        "place",
        "province",
        "population",
        "size_class_display",
        "active",
        "contact_phone",
    )
    list_filter = ("kind", "province", "active", "for_women")
    search_fields = ("name", "code")
    ordering = ("kind", "name")
    readonly_fields = ("uuid",)
    raw_id_fields = ("safety_house",)
    fieldsets = (
        (None, {"fields": ("uuid", "kind", "code", "name", "active", "source")}),
        (_("Contactpunt"), {"fields": ("contact_phone", "contact_email", "contact_hours")}),
        (_("Adres"), {"fields": ("address", "place")}),
        (
            _("Gemeente"),
            {
                "fields": (
                    "province",
                    "population",
                    "safety_house",
                    "aftercare_via_safety_house",
                )
            },
        ),
        (_("Inrichting"), {"fields": ("for_women",)}),
    )

    @admin.display(description=_("grootteklasse"))
    def size_class_display(self, obj: Organisation) -> str:
        size_class = obj.size_class
        return str(SizeClass(size_class).label) if size_class else "—"
