"""Sign-in forms (the site's and the admin's) that stop checking passwords after too many wrong ones."""
from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from . import throttle


class LoginThrottleMixin:
    """Counts failed sign-ins per account and address, and per address; past a limit refuses every try.

    While locked the password is not even checked, so a guesser learns nothing from the answers; a
    successful sign-in clears the count of that account from that address.
    """

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        address = throttle.client_address(self.request) if self.request is not None else ""
        by_account, by_address = throttle.login_limits()
        checks = [(by_account, f"{username}|{address}"), (by_address, address)]
        wait = max(limit.locked_for(identity) for limit, identity in checks)
        if wait:
            raise forms.ValidationError(
                f"Too many failed sign-ins; try again in {throttle.wait_message(wait)}.",
                code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and password:
                for limit, identity in checks:
                    limit.record_failure(identity)
            raise
        by_account.clear(f"{username}|{address}")
        return cleaned


class ThrottledAuthenticationForm(LoginThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(LoginThrottleMixin, AdminAuthenticationForm):
    pass
