"""The permission layer every app reuses.

Views declare who may enter with ``@role_required(Role.X, ...)``; object-level scoping is done by each
app's permission-scoped getters (``_get_case_for_user`` etc.), which return 404 for other people's
objects. Staff roles must have set up a second factor (allauth TOTP) before any staff page opens.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from portal.models import STAFF_ROLES, Role

View = Callable[..., HttpResponse]


def needs_mfa_setup(user: Any) -> bool:
    return user.is_authenticated and user.role in STAFF_ROLES and not is_mfa_enabled(user)


def role_required(*roles: str) -> Callable[[View], View]:
    """Let in signed-in users of the given roles; staff roles only after MFA is set up.

    Anonymous users go to the login page; a signed-in user of another role gets 403.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_role(*roles):
                raise PermissionDenied
            if needs_mfa_setup(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('mfa_activate_totp')}?{query}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required(*STAFF_ROLES)
city_staff_required = role_required(Role.CITY_STAFF)
parent_required = role_required(Role.PARENT)


# Apps whose models city staff administer in the Django admin. Case records (consultations) are not
# here on purpose: city staff see only aggregate statistics of them.
CITY_STAFF_ADMIN_APPS = frozenset({"portal", "facilities", "hubs"})


class CityStaffAdminBackend:
    """Grants city staff the admin permissions of the apps they administer, nothing else."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not (user_obj.is_active and getattr(user_obj, "role", None) == Role.CITY_STAFF):
            return False
        return perm.split(".", 1)[0] in CITY_STAFF_ADMIN_APPS

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return bool(user_obj.is_active and getattr(user_obj, "role", None) == Role.CITY_STAFF) and (
            app_label in CITY_STAFF_ADMIN_APPS
        )
