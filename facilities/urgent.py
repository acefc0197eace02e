"""Urgent help (いますぐの相談): when a parent may need someone tonight, not a list of services.

On the situations below, and on any search late in the evening, the results page puts the services
open now first and shows the national phone lines and the city's own after-hours line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# こんなときは whose parent may be in trouble right now: 「もう夜中だけど…」 and 「子育てがしんどい」 (two of the
# voices the national overview of 利用者支援事業 quotes).
URGENT_SITUATIONS = frozenset({"night-emergency", "exhausted"})
# From this hour to early morning most counters are closed: every search shows the lines.
LATE_EVENING = dt.time(20, 0)
EARLY_MORNING = dt.time(7, 0)


@dataclass(frozen=True)
class HelpLine:
    name: Promise
    number: str
    hours: Promise
    source: str  # who runs it, so a change of number is checked against one document


NATIONAL_LINES = (
    HelpLine(
        name=_("小児救急電話相談（子どもの急な病気・けが）"),
        number="#8000",
        hours=_("夜間・休日（時間は都道府県により異なります）"),
        source="厚生労働省「子ども医療電話相談事業（#8000）」",
    ),
    HelpLine(
        name=_("児童相談所虐待対応ダイヤル（子育ての悩み・虐待かもと思ったら）"),
        number="189",
        hours=_("24時間・365日、通話料無料"),
        source="こども家庭庁「児童相談所虐待対応ダイヤル『189』」",
    ),
)


def is_late(now: dt.datetime) -> bool:
    t = now.time()
    return t >= LATE_EVENING or t < EARLY_MORNING


def needs_urgent_help(*, situation_slug: str | None, now: dt.datetime) -> bool:
    """Whether a results page shows the lines and puts services open now first."""
    return situation_slug in URGENT_SITUATIONS or is_late(now)
