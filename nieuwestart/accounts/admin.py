from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from nieuwestart.accounts.models import ApiToken, OidcIdentity, User


@admin.register(User)
class NieuweStartUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "organisation", "role", "is_active")
    list_filter = ("role", "is_active", "organisation__kind")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Nieuwe Start", {"fields": ("organisation", "role", "phone", "locked_until")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "key_hash", "prefix", "created_at", "last_used_at")
    fields = ("user", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are made with `manage.py apitoken`, shown once


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    """Links of accounts to an organisation's sign-in (issuer, subject); made at first sign-in."""

    list_display = ("user", "issuer", "subject", "confirmed", "created_at", "last_sign_in_at")
    search_fields = ("user__username", "subject")
    readonly_fields = ("user", "issuer", "subject", "created_at", "last_sign_in_at")
