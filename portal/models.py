"""Accounts and roles (利用者と役割)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
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


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """The audit log is append-only: no bulk update or delete through the ORM either."""

    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")

    def about(self, target: models.Model) -> AuditQuerySet:
        return self.filter(target_type=target._meta.label_lower, target_id=target.pk)


class AuditEntry(models.Model):
    """監査ログ: who (``by``) did what to which record, when and from where, for every app.

    Append-only: ``save`` refuses a second write, and on PostgreSQL a trigger refuses UPDATE and
    DELETE whatever code runs. The target is named by model label and primary key (not a foreign
    key) so a log entry outlives what it names and an app needs no relation to the log.
    """

    class Action(models.TextChoices):
        READ = "read", _("閲覧")
        CREATE = "create", _("作成")
        UPDATE = "update", _("更新")
        EXPORT = "export", _("出力")
        ANONYMIZE = "anonymize", _("匿名化")
        REFUSED = "refused", _("アクセス拒否")

    # No database constraint: the log outlives the accounts it names (a parent who deleted their
    # account stays a number here), and an append-only row cannot be updated to drop the reference.
    by = models.ForeignKey(
        "portal.User",
        verbose_name=_("操作した人"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("対象の種類"), max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(_("対象の番号"), null=True, blank=True)
    # Where the target belongs (a case's 実施場所, a session's service): shown, never personal data.
    place = models.CharField(_("場所"), max_length=200, blank=True)
    detail = models.CharField(_("内容"), max_length=300, blank=True)
    data = models.JSONField(_("変更の内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザ"), max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by} {self.get_action_display()} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")

    @property
    def target_label(self) -> str:
        """「ケース 12」: the kind of record and its number, never a person's name."""
        if not self.target_type:
            return ""
        try:
            model = apps.get_model(self.target_type)
        except LookupError:
            return f"{self.target_type} {self.target_id}"
        return f"{model._meta.verbose_name} {self.target_id}"


class OutgoingMail(models.Model):
    """送信記録: one row per mail that must go out once, keyed by (message, object, occasion,
    recipient). Every mail of the portal is claimed here before it is sent (``portal.mail``).

    ``claimed_at`` is written and committed before the send; ``sent_at`` after it; the key gives
    the mail its stable ``Message-ID``. A claim older
    than ``portal.mail.CLAIM_TIMEOUT`` without ``sent_at`` belongs to a sender that died, and the
    next attempt takes it over.
    """

    message = models.CharField(_("メッセージ"), max_length=60)
    about_type = models.CharField(_("対象の種類"), max_length=60, blank=True)
    about_id = models.PositiveBigIntegerField(_("対象の番号"), default=0)
    occasion = models.CharField(_("機会"), max_length=40, blank=True)
    recipient = models.ForeignKey(
        "portal.User", verbose_name=_("宛先"), on_delete=models.CASCADE, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("送信の試行回数"), default=0)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    claimed_at = models.DateTimeField(_("送信開始"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("送信記録")
        verbose_name_plural = _("送信記録")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "about_type", "about_id", "occasion", "recipient"],
                name="mail_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["about_type", "about_id"], name="mail_about")]

    def __str__(self) -> str:
        return f"{self.message} {self.about_type}:{self.about_id} {self.occasion} → {self.recipient_id}"
