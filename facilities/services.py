"""Changes to the directory's search data: the searches that found nothing, and what city staff add
from them (同義語, こんなときは's words)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from facilities.models import SearchMiss, Situation, Synonym
from portal.dates import first_of_month

logger = logging.getLogger(__name__)

# A query that may carry personal data is not kept: four digits in a row (a phone number, an address)
# or a mail address.
_PERSONAL = re.compile(r"\d{4}|@")
MAX_QUERY_CHARS = 50
# Distinct missed queries kept a month; staff read the most frequent hundred.
MAX_MISSES_PER_MONTH = 5000


def miss_query(query: str) -> str:
    """The form a missed query is kept in: NFKC, one space between words; "" when it must not be kept
    (empty, longer than MAX_QUERY_CHARS or looking like personal data)."""
    words = " ".join(unicodedata.normalize("NFKC", query).split())
    if not words or len(words) > MAX_QUERY_CHARS or _PERSONAL.search(words):
        return ""
    return words


def search_miss_record(*, query: str, today: dt.date) -> None:
    """Count one search that found nothing with all its words, in this month's row for the query.

    The count serves staff, not the parent: when the database cannot take the write just now (SQLite
    busy with another request), the search page is shown all the same and the miss goes uncounted."""
    words = miss_query(query)
    if not words:
        return
    month = first_of_month(today)
    try:
        with transaction.atomic():
            if not SearchMiss.objects.filter(month=month, query=words).update(count=F("count") + 1):
                _search_miss_create(month=month, query=words)
    except OperationalError:
        logger.warning("search miss not counted: the database was busy")


def _search_miss_create(*, month: dt.date, query: str) -> None:
    if SearchMiss.objects.filter(month=month).count() >= MAX_MISSES_PER_MONTH:
        return  # random queries (a crawler) must not grow the table without end; known ones still count
    try:
        with transaction.atomic():
            SearchMiss.objects.create(month=month, query=query, count=1)
    except IntegrityError:
        # Another search created the row in between: count on it.
        SearchMiss.objects.filter(month=month, query=query).update(count=F("count") + 1)


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
