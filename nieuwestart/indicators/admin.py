from django.contrib import admin

from nieuwestart.indicators.models import CaseloadNorm


@admin.register(CaseloadNorm)
class CaseloadNormAdmin(admin.ModelAdmin):
    list_display = ["prison", "norm"]
