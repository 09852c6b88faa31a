"""Sign-in and password change forms in plain Dutch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nieuwestart.accounts.passwords import (
    MAX_LENGTH,
    CurrentPassword,
    password_change_check_current,
)

# Longer fields are refused before any check runs: the checks' time grows with the length.
OLD_PASSWORD_MAX_LENGTH = 1024
TOO_LONG = _("Dit wachtwoord is te lang. Gebruik niet meer dan %(limit_value)d tekens.")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "De gebruikersnaam of het wachtwoord klopt niet. Na %(limit)s foute pogingen "
            "wordt het account %(minutes)s minuten geblokkeerd."
        ),
        "inactive": _("Dit account is niet actief. Neem contact op met uw beheerder."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Gebruikersnaam")
        self.fields["password"].label = _("Wachtwoord")
        self.fields["username"].error_messages["required"] = _("Vul uw gebruikersnaam in.")
        self.fields["password"].error_messages["required"] = _("Vul uw wachtwoord in.")

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.LOGIN_FAILURE_LIMIT,
                "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            },
        )


class TokenForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        min_length=6,
        max_length=6,
        help_text=_("Zes cijfers. De code verandert elke 30 seconden."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": _("Vul de code van zes cijfers in."),
            "min_length": _("De code heeft zes cijfers."),
            "max_length": _("De code heeft zes cijfers."),
        },
    )


class PasswordChangeForm(forms.Form):
    """Current password, new password twice (ASVS 6.2.3), checked against AUTH_PASSWORD_VALIDATORS.

    Nothing is trimmed (`strip=False`): a password is kept exactly as typed, spaces included.
    A wrong current password counts as a failed sign-in (nieuwestart.accounts.passwords).
    """

    old_password = forms.CharField(
        label=_("Huidig wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=OLD_PASSWORD_MAX_LENGTH,
        error_messages={
            "required": _("Vul uw huidige wachtwoord in."),
            "max_length": _("Dit is niet uw huidige wachtwoord: dat is korter."),
        },
    )
    new_password1 = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Minstens 12 tekens. Alle tekens mogen, ook spaties. Een zin van een paar woorden "
            "is goed te onthouden. Gebruik geen wachtwoord dat u ergens anders ook gebruikt, "
            "en niet vooral uw naam of de naam van uw organisatie."
        ),
        max_length=MAX_LENGTH,
        error_messages={"required": _("Vul een nieuw wachtwoord in."), "max_length": TOO_LONG},
    )
    new_password2 = forms.CharField(
        label=_("Nieuw wachtwoord nog een keer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=MAX_LENGTH,
        error_messages={
            "required": _("Vul het nieuwe wachtwoord nog een keer in."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        self.current_password_result = ""
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        password: str = self.cleaned_data["old_password"]
        result = password_change_check_current(user=self.user, password=password)
        self.current_password_result = result.value
        if result is CurrentPassword.LOCKED:
            until = timezone.localtime(self.user.locked_until).strftime("%H:%M")
            raise forms.ValidationError(
                _(
                    "Er is te vaak een verkeerd wachtwoord ingevuld. Uw account is daarom "
                    "geblokkeerd tot %(until)s uur. Daarna kunt u het opnieuw proberen."
                ),
                code="locked",
                params={"until": until},
            )
        if result is CurrentPassword.WRONG:
            raise forms.ValidationError(
                _(
                    "Dit is niet uw huidige wachtwoord. Let op: na %(limit)s foute pogingen "
                    "wordt uw account %(minutes)s minuten geblokkeerd."
                ),
                code="password_incorrect",
                params={
                    "limit": settings.LOGIN_FAILURE_LIMIT,
                    "minutes": settings.LOGIN_LOCKOUT_MINUTES,
                },
            )
        return password

    def clean_new_password2(self) -> str:
        first = self.cleaned_data.get("new_password1")
        second: str = self.cleaned_data["new_password2"]
        if first and first != second:
            raise forms.ValidationError(
                _(
                    "De twee nieuwe wachtwoorden zijn niet hetzelfde. Typ het nieuwe wachtwoord "
                    "twee keer precies hetzelfde."
                ),
                code="password_mismatch",
            )
        return second

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new = cleaned.get("new_password1")
        if not new or "old_password" not in cleaned:
            # Without the right current password the new one is not checked at all: the
            # checks cost time, and nobody may probe them without knowing the password.
            return cleaned
        if cleaned.get("old_password") == new:
            self.add_error(
                "new_password1",
                forms.ValidationError(
                    _(
                        "Uw nieuwe wachtwoord is hetzelfde als uw huidige wachtwoord. Kies een "
                        "ander wachtwoord."
                    ),
                    code="password_unchanged",
                ),
            )
            return cleaned
        try:
            password_validation.validate_password(new, self.user)
        except forms.ValidationError as error:
            self.add_error("new_password1", error)
        return cleaned
