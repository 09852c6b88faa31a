"""URL configuration: the web UI, the API under /api/v1 and health endpoints."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from nieuwestart.accounts.oidc import OidcLogoutView
from nieuwestart.core import views as core_views

urlpatterns = [
    path("", include("nieuwestart.trajectories.urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.screening.urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.plans.urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.infosheet.urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.referrals.urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.meetings.urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.handover.urls")),
    path("berichten/", include("nieuwestart.notify.urls")),
    path("indicatoren/", include("nieuwestart.indicators.urls")),
    path("werk/", include("nieuwestart.worklists.urls")),
    path("account/", include("nieuwestart.accounts.urls")),
    # Sign-in through the organisation (OpenID Connect); 404 unless NIEUWESTART_OIDC_ENABLED.
    path("oidc/logout/", OidcLogoutView.as_view(), name="oidc_logout"),  # 404 when off, too
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("privacy/", include("nieuwestart.audit.urls")),
    path("privacy/bewaartermijnen/", include("nieuwestart.retention.urls")),
    path("api/v1/", include("nieuwestart.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("gezond/leeft", core_views.liveness, name="liveness"),
    path("gezond/klaar", core_views.readiness, name="readiness"),
    # The admin signs in through the application's own sign-in (second factor, lockout, rate
    # limit), never through Django's admin login form.
    path(
        "beheer/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("beheer/", admin.site.urls),
]

# Benchmark only (docs/benchmarks.md): the same queries without the access policy and the log.
# The settings refuse NIEUWESTART_BENCHMARK_NAIVE outside tests and DEBUG.
if settings.BENCHMARK_NAIVE:
    urlpatterns.append(path("naief/", include("nieuwestart.api.naive_urls")))

handler400 = "nieuwestart.core.views.bad_request"
handler403 = "nieuwestart.core.views.permission_denied"
handler404 = "nieuwestart.core.views.page_not_found"
handler500 = "nieuwestart.core.views.server_error"
