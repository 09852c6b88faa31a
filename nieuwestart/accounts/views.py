"""Sign in, second factor (TOTP) and sign out.

Outside demo mode a professional sets up an authenticator app the first time (QR code shown
once) and enters a code at every sign-in. Demo mode skips the second factor. When organisation
sign-in (OpenID Connect, nieuwestart.accounts.oidc) is on, the login page offers it first, and
signing out also ends the session at the provider when it has an end_session endpoint.

Sign-in posts (per client address) and second-factor posts (per account) are rate limited
(nieuwestart.accounts.ratelimits); a session ended by its absolute lifetime comes back to the
login page, which says why (nieuwestart.accounts.session_lifetime).

The password change page (ASVS 6.2.2, 6.2.3) is for people with a local password who have
passed the second factor; someone signed in through the organisation is told that the
organisation manages the password. See nieuwestart.accounts.passwords for the rules.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nieuwestart.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from nieuwestart.accounts.models import User
from nieuwestart.accounts.oidc import MESSAGES, oidc_enabled, provider_logout_url
from nieuwestart.accounts.passwords import (
    PASSWORD_CHANGE,
    CurrentPassword,
    password_change,
    password_change_log,
)
from nieuwestart.accounts.ratelimits import (
    SECOND_FACTOR,
    SIGN_IN,
    address_key,
    rate_limit_failure,
    rate_limit_hit,
    rate_limit_reached,
    rate_limited_page,
)
from nieuwestart.accounts.session_lifetime import SESSION_ENDED_KEY
from nieuwestart.accounts.signins import OIDC_BACKEND


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.session.pop(SESSION_ENDED_KEY, False):
            messages.info(
                request,
                _(
                    "U bent automatisch uitgelogd, omdat u al %(hours)s uur geleden bent "
                    "ingelogd. Zo blijft niemand te lang ingelogd, bijvoorbeeld op een computer "
                    "die anderen ook gebruiken. Log opnieuw in om verder te werken."
                )
                % {"hours": settings.SESSION_MAX_HOURS},
            )
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = rate_limit_reached(limit=SIGN_IN, who=address_key(request))
        if wait:
            return rate_limited_page(request, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        rate_limit_failure(limit=SIGN_IN, who=address_key(self.request))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        if context["oidc_enabled"]:
            url = reverse("oidc_authentication_init")
            next_url = context.get(self.redirect_field_name)
            context["oidc_login_url"] = (
                f"{url}?{urlencode({'next': next_url})}" if next_url else url
            )
        return context


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    target = provider_logout_url(request)  # reads the session, so before it ends
    logout(request)
    messages.info(request, _("U bent uitgelogd."))
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not settings.REQUIRE_SECOND_FACTOR or user.is_verified():  # type: ignore[attr-defined]
        return redirect(settings.LOGIN_REDIRECT_URL)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling and request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        # Signed in through the organisation without a second factor there: setting up the app
        # now would make the provider's password the only factor. The callback refuses this
        # already; this covers a device removed after the sign-in.
        logout(request)
        messages.error(
            request,
            _("U kunt niet inloggen via uw organisatie: %(reason)s")
            % {"reason": MESSAGES["no_second_factor"]},
        )
        return redirect(settings.LOGIN_URL)
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    assert device is not None
    if request.method == "POST":
        wait = rate_limit_hit(limit=SECOND_FACTOR, who=f"user:{user.pk}")
        if wait:
            return rate_limited_page(request, wait)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("code", _("Deze code klopt niet. Probeer de nieuwste code uit de app."))
    qr_svg = ""
    if enrolling:
        qr_svg = segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR-code voor uw authenticator-app")
        )
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "enrolling": enrolling, "qr_svg": qr_svg, "secret": _b32(device)},
    )


def _b32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    # /account/ is open before the second factor (SecondFactorMiddleware): a password alone
    # must not be enough to change the password.
    if settings.REQUIRE_SECOND_FACTOR and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:second_factor")
    template = "accounts/password_change.html"
    if request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        return render(request, template, {"managed": "organisation"})
    if not user.has_usable_password():
        return render(request, template, {"managed": "none"})
    who = f"user:{user.pk}"
    # Not `request.POST or None`: an empty post must still be a bound form with its errors.
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        wait = rate_limit_reached(limit=PASSWORD_CHANGE, who=who)
        if wait:
            password_change_log(user=user, result="refused", reason="rate_limited", request=request)
            context = {"form": PasswordChangeForm(user), "wait": wait}
            response = render(request, template, context, status=429)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            password_change(
                actor=user, password=form.cleaned_data["new_password1"], request=request
            )
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(
                request,
                _(
                    "Uw wachtwoord is gewijzigd. U blijft hier ingelogd. Was u ook op een andere "
                    "computer of in een andere browser ingelogd? Daar moet u opnieuw inloggen."
                ),
            )
            return redirect("accounts:password_change")
        if form.current_password_result in (CurrentPassword.WRONG, CurrentPassword.LOCKED):
            rate_limit_failure(limit=PASSWORD_CHANGE, who=who)
            password_change_log(
                user=user,
                result="refused",
                reason=form.current_password_result,
                request=request,
            )
    return render(request, template, {"form": form})
