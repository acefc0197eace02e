"""Accounts and roles (利用者と役割)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARENT = "parent", _("保護者")
    SPECIALIST = "specialist", _("利用者支援専門員")
    HUB_STAFF = "hub_staff", _("拠点職員")
    CITY_STAFF = "city_staff", _("市職員")


# Roles that work with other people's data: they must sign in with a second factor (MFA).
STAFF_ROLES = frozenset({Role.SPECIALIST, Role.HUB_STAFF, Role.CITY_STAFF})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("role", Role.CITY_STAFF)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address. The role decides which pages they reach."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("メールアドレス"), unique=True)
    display_name = models.CharField(_("表示名"), max_length=100, blank=True)
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, default=Role.PARENT)
    # The language the person reads mail in; set from the page language they last used.
    language = models.CharField(_("言語"), max_length=8, default="ja")
    # Reminder mails the day before a booked session; a parent may turn them off on the account page.
    reminder_mails = models.BooleanField(_("前日のリマインダーメール"), default=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args, **kwargs) -> None:
        # Only city staff may enter the Django admin; the flag follows the role so it cannot drift.
        self.is_staff = self.role == Role.CITY_STAFF
        super().save(*args, **kwargs)

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles
