"""Demo accounts, one per role (fictional people). Staff accounts come with a TOTP second factor."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from portal.models import Role, User

DEMO_PASSWORD = "kosodate-demo-2026"
# Base32 secret of the demo staff's authenticator. Fictional accounts only; add it to any TOTP app,
# or use the bypass code that `make demo` sets (DEBUG only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEMO_USERS = [
    ("parent@example.jp", "山田 花子", Role.PARENT),
    ("parent2@example.jp", "佐藤 美咲", Role.PARENT),
    ("specialist@example.jp", "鈴木 由美（基本型）", Role.SPECIALIST),
    ("specialist2@example.jp", "高橋 健一（特定型）", Role.SPECIALIST),
    ("hubstaff@example.jp", "田中 優子（拠点職員）", Role.HUB_STAFF),
    ("city@example.jp", "伊藤 誠（こども家庭課）", Role.CITY_STAFF),
]


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def seed(out) -> None:
    for email, name, role in DEMO_USERS:
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": name, "role": role})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if (
            role != Role.PARENT
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
    out.write(f"デモ用アカウント / demo accounts (password: {DEMO_PASSWORD})\n")
    for email, name, role in DEMO_USERS:
        out.write(f"  {Role(role).label:<10} {email:<26} {name}\n")
    out.write(f"  staff second factor: TOTP secret {DEMO_TOTP_SECRET} (or 000000 under `make demo`)\n")
