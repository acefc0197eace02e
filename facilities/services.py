"""Changes to the directory's search data: the searches that found nothing, and what city staff add
from them (同義語, こんなときは's words)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from facilities.models import SearchMiss, Situation, Synonym
from portal.dates import first_of_month

# A query that may carry personal data is not kept: four digits in a row (a phone number, an address)
# or a mail address.
_PERSONAL = re.compile(r"\d{4}|@")
MAX_QUERY_CHARS = 50


def miss_query(query: str) -> str:
    """The form a missed query is kept in: NFKC, one space between words; "" when it must not be kept
    (empty, longer than MAX_QUERY_CHARS or looking like personal data)."""
    words = " ".join(unicodedata.normalize("NFKC", query).split())
    if not words or len(words) > MAX_QUERY_CHARS or _PERSONAL.search(words):
        return ""
    return words


def search_miss_record(*, query: str, today: dt.date) -> None:
    """Count one search that found nothing with all its words, in this month's row for the query."""
    words = miss_query(query)
    if not words:
        return
    month = first_of_month(today)
    with transaction.atomic():
        updated = SearchMiss.objects.filter(month=month, query=words).update(count=F("count") + 1)
        if updated:
            return
        try:
            with transaction.atomic():
                SearchMiss.objects.create(month=month, query=words, count=1)
        except IntegrityError:
            # Another search created the row in between: count on it.
            SearchMiss.objects.filter(month=month, query=words).update(count=F("count") + 1)


def search_miss_add_synonym(*, query: str, expansion: str) -> Synonym:
    """A missed query becomes a 同義語 leading to ``expansion`` (the directory's word)."""
    synonym = Synonym(term=query, expansion=expansion)
    synonym.full_clean()
    with transaction.atomic():
        synonym.save()
    return synonym


def search_miss_add_situation_word(*, query: str, situation: Situation) -> Situation:
    """A missed query becomes one of the words that show ``situation`` above the results."""
    words = situation.keywords.split()
    new = [word for word in query.split() if word not in words]
    if not new:
        raise ValidationError(_("このことばはすでに登録されています。"))
    situation.keywords = " ".join([*words, *new])
    with transaction.atomic():
        situation.save(update_fields=["keywords"])
    return situation
