"""Error pages (エラーページ) in the portal's layout, in the user's language, with a way back.

One template (``error.html``) and one table of texts for every status, so a new status is one entry.
Django's own handlers render 400 and 500 without the request and the CSRF failure page without the
layout; these views replace them (``portal/urls.py`` and ``CSRF_FAILURE_VIEW``).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from portal.i18n import city_name

logger = logging.getLogger(__name__)

TEXTS = {
    400: (
        _("リクエストを処理できませんでした"),
        _(
            "入力に使えない文字（制御文字など）が含まれているか、形式が正しくありません。前のページに戻って入力し直してください。"
        ),
    ),
    403: (
        _("このページを開く権限がありません"),
        _(
            "お使いのアカウントでは、このページは利用できません。必要な場合は市の担当課にお問い合わせください。"
        ),
    ),
    404: (
        _("ページが見つかりません"),
        _("お探しのページは移動または削除されたか、アドレスが間違っている可能性があります。"),
    ),
    405: (
        _("この操作はできません"),
        _("このページはこの方法では開けません。前のページに戻ってボタンから操作してください。"),
    ),
    500: (
        _("システムでエラーが発生しました"),
        _(
            "ご不便をおかけしています。入力した内容は保存されていない可能性があります。しばらくしてからもう一度お試しください。"
        ),
    ),
}
CSRF_TEXTS = (
    _("ページの有効期限が切れました"),
    _(
        "フォームを開いてから時間がたったか、Cookie が無効になっています。ページを読み込み直してから、もう一度送信してください。"
    ),
)


def error_page(request: HttpRequest, status: int, *, texts: tuple | None = None) -> HttpResponse:
    title, message = texts or TEXTS[status]
    return render(request, "error.html", {"title": title, "message": message}, status=status)


# Django calls the handlers with exception= / reason= by keyword: the names are part of the signature.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    return error_page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:  # noqa: ARG001
    return error_page(request, 403, texts=CSRF_TEXTS)


def server_error(_request: HttpRequest) -> HttpResponse:
    """Rendered without the request: no context processor, no database, nothing that can fail again."""
    title, message = TEXTS[500]
    try:
        body = render_to_string("error.html", {"title": title, "message": message, "city_name": city_name()})
    except Exception:  # the layout itself is broken: still answer, in both languages
        logger.exception("The 500 page could not be rendered")
        body = '<!DOCTYPE html><title>Error</title><p>システムでエラーが発生しました。 / A system error occurred.</p><p><a href="/">ホーム / Home</a></p>'
    return HttpResponse(body, status=500)
