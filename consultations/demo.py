"""Demo case records (fictional households): the two user-support sites of みどり市, their
specialists, and a month of consultations with referrals, follow-ups and 地域連携 meetings.

Dates are relative to the day the demo is seeded: the whole previous month (what the monthly report
shows) and the current month up to today. A household is looked up by its guardian's name at its
site, so seeding twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from consultations.models import (
    Action,
    Case,
    Channel,
    Child,
    Contact,
    ContactAction,
    CooperationActivity,
    FollowUp,
    Guardian,
    Need,
    Referral,
    SiteType,
    Specialist,
    UserSupportSite,
)
from facilities.models import Area, Service
from portal.dates import first_of_month, months_ago, previous_month
from portal.demo import demo_user

BASIC_SITE = "ひろば なかよし 利用者支援"
SPECIFIC_SITE = "子育てコンシェルジュ（市役所）"
BASIC_HUB = "ひろば なかよし"

# (guardian, kana, child, months old or None, pregnant weeks left or None, area)
BASIC_HOUSEHOLDS = [
    ("山本 さくら", "やまもと さくら", "山本 陽向", 8, None, "mitarai"),
    ("中村 彩", "なかむら あや", "中村 結衣", 26, None, "mitarai"),
    ("小林 真由美", "こばやし まゆみ", "小林 蓮", 14, 20, "mitarai"),
    ("加藤 恵", "かとう めぐみ", "加藤 湊", 40, None, "mozu"),
    ("吉田 香織", "よしだ かおり", None, None, 12, "mitarai"),
    ("山田 美穂", "やまだ みほ", "山田 葵", 5, None, "chuo"),
    ("佐々木 直子", "ささき なおこ", "佐々木 大翔", 30, None, "mitarai"),
    ("松本 翔太", "まつもと しょうた", "松本 凛", 18, None, "minato"),
    ("井上 理恵", "いのうえ りえ", "井上 樹", 3, None, "mitarai"),
    ("木村 千尋", "きむら ちひろ", "木村 芽依", 52, None, "mozu"),
    ("林 由紀", "はやし ゆき", "林 悠真", 11, None, "mitarai"),
    ("清水 綾香", "しみず あやか", None, None, 8, "chuo"),
    ("山口 真央", "やまぐち まお", "山口 紬", 22, None, "mitarai"),
    ("森 奈々", "もり なな", "森 颯", 7, None, "minato"),
    ("池田 裕子", "いけだ ゆうこ", "池田 杏", 34, None, "mitarai"),
    ("橋本 健太", "はしもと けんた", "橋本 朝陽", 15, None, "midorigaoka"),
    ("阿部 晴美", "あべ はるみ", "阿部 結菜", 45, None, "mitarai"),
    ("石川 舞", "いしかわ まい", "石川 陸", 2, None, "mitarai"),
]
SPECIFIC_HOUSEHOLDS = [
    ("山崎 瞳", "やまざき ひとみ", "山崎 蒼", 10, None, "chuo"),
    ("中島 玲奈", "なかじま れいな", "中島 莉子", 13, None, "chuo"),
    ("前田 さやか", "まえだ さやか", None, None, 16, "midorigaoka"),
    ("藤田 雄一", "ふじた ゆういち", "藤田 心春", 20, None, "chuo"),
    ("後藤 亜希子", "ごとう あきこ", "後藤 律", 9, None, "minato"),
    ("岡田 桃子", "おかだ ももこ", "岡田 陽葵", 28, None, "chuo"),
    ("長谷川 愛", "はせがわ あい", "長谷川 湊斗", 6, None, "mozu"),
    ("村上 優花", "むらかみ ゆうか", "村上 新", 38, None, "chuo"),
    ("近藤 麻衣", "こんどう まい", "近藤 柚希", 12, 24, "midorigaoka"),
    ("石井 千夏", "いしい ちなつ", "石井 大和", 60, None, "chuo"),
    ("坂本 静香", "さかもと しずか", "坂本 澪", 16, None, "minato"),
    ("遠藤 萌", "えんどう もえ", "遠藤 暖", 4, None, "chuo"),
    ("青木 恵美", "あおき えみ", "青木 奏太", 11, None, "mozu"),
    ("西村 早紀", "にしむら さき", None, None, 10, "chuo"),
    ("福田 智美", "ふくだ ともみ", "福田 咲良", 23, None, "minato"),
    ("太田 美紀", "おおた みき", "太田 颯太", 8, None, "chuo"),
]

# What families bring, with where the specialist sends them. (needs, channel, notes, actions,
# referral: service name / None (no referral) / "" (no suitable service), outcome)
SCENARIOS = {
    "basic": [
        (
            ["emergency-care"],
            Channel.PHONE,
            "夜、親を病院に連れて行く間、子どもを預けたいと電話。トワイライトステイの利用方法を案内。",
            [Action.INFORMATION, Action.USAGE_SUPPORT],
            "トワイライトステイ みどりの家",
            Referral.Outcome.USED,
        ),
        (
            ["development"],
            Channel.WALK_IN,
            "ひろばでの様子から、落ち着きがないのが気になると相談。相談支援センターを紹介し、同行の希望を確認。",
            [Action.ADVICE, Action.REFERRAL],
            "みどり障害児相談支援センター",
            Referral.Outcome.USED,
        ),
        (
            ["parenting-stress", "friends"],
            Channel.WALK_IN,
            "最近子育てがしんどいと涙ぐむ。話を聞き、保健師の育児相談とサークルを紹介。",
            [Action.ADVICE, Action.INFORMATION],
            "乳幼児健診・育児相談",
            Referral.Outcome.USED,
        ),
        (
            ["childcare-place"],
            Channel.WALK_IN,
            "通院のため半日預け先を探している。一時預かりの予約方法を一緒に確認。",
            [Action.INFORMATION, Action.USAGE_SUPPORT],
            "一時預かり すくすくルーム",
            Referral.Outcome.USED,
        ),
        (
            ["daily-care"],
            Channel.WALK_IN,
            "離乳食が進まない。離乳食教室を案内。",
            [Action.INFORMATION],
            "離乳食教室",
            Referral.Outcome.REFERRED,
        ),
        (
            ["pregnancy", "parenting-stress"],
            Channel.WALK_IN,
            "第2子妊娠中、上の子の世話と体調の両立が不安。母親学級と一時預かりを案内。",
            [Action.INFORMATION, Action.ADVICE],
            "妊婦相談・母親学級",
            Referral.Outcome.USED,
        ),
        (
            ["economic", "childcare-place"],
            Channel.PHONE,
            "ひとり親で夜勤あり。夜間の預け先の費用負担が大きい。使える制度がなく、市に課題として共有。",
            [Action.ADVICE],
            "",
            None,
        ),
        (
            ["friends"],
            Channel.WALK_IN,
            "転入したばかりで知り合いがいない。パパと遊ぼうサークルを紹介。",
            [Action.INFORMATION],
            "パパと遊ぼう サークル",
            Referral.Outcome.NOT_USED,
        ),
        (
            ["health"],
            Channel.OUTREACH,
            "出張ひろばで、子どもの発熱時に仕事を休めないと相談。病児保育室を案内。",
            [Action.INFORMATION],
            "病児保育室 ぽかぽか",
            Referral.Outcome.REFERRED,
        ),
        (
            ["abuse-concern", "parenting-stress"],
            Channel.HOME_VISIT,
            "夫婦げんかが増え、子どもへの影響が心配。保健センターと連携し、継続して見守る。",
            [Action.ADVICE, Action.REFERRAL],
            "乳幼児健診・育児相談",
            Referral.Outcome.USED,
        ),
        (
            ["development"],
            Channel.ONLINE,
            "ことばが遅いのではとオンラインで相談。めばえ教室の見学を提案。",
            [Action.INFORMATION, Action.ADVICE],
            "児童発達支援 めばえ教室",
            Referral.Outcome.REFERRED,
        ),
        (
            ["childcare-place", "friends"],
            Channel.WALK_IN,
            "リフレッシュしたい。ファミリー・サポート・センターの会員登録を案内。",
            [Action.INFORMATION, Action.USAGE_SUPPORT],
            "ファミリー・サポート・センター",
            Referral.Outcome.REFERRED,
        ),
    ],
    "specific": [
        (
            ["nursery-admission"],
            Channel.WALK_IN,
            "来年4月の保育所入所について相談。入所の流れと空き状況を説明。",
            [Action.INFORMATION, Action.USAGE_SUPPORT],
            "みどり中央保育園",
            Referral.Outcome.REFERRED,
        ),
        (
            ["nursery-admission", "childcare-place"],
            Channel.WALK_IN,
            "育休明けまでのつなぎの預け先を探している。小規模保育と一時預かりを案内。",
            [Action.INFORMATION, Action.USAGE_SUPPORT],
            "小規模保育 ちいさなて",
            Referral.Outcome.USED,
        ),
        (
            ["nursery-admission"],
            Channel.PHONE,
            "認定こども園と幼稚園の違いを知りたい。こども園を案内。",
            [Action.INFORMATION],
            "認定こども園 みなとの森",
            Referral.Outcome.USED,
        ),
        (
            ["pregnancy", "nursery-admission"],
            Channel.WALK_IN,
            "妊娠中、出産後の復職に向けて保育所の情報がほしい。",
            [Action.INFORMATION, Action.ADVICE],
            "妊婦相談・母親学級",
            Referral.Outcome.USED,
        ),
        (
            ["school"],
            Channel.PHONE,
            "来春小学校入学、放課後の預け先を相談。放課後児童クラブを案内。",
            [Action.INFORMATION],
            "港小学校 放課後児童クラブ",
            Referral.Outcome.REFERRED,
        ),
        (
            ["childcare-place"],
            Channel.EMAIL,
            "冠婚葬祭で1日預けたい。一時保育を案内。",
            [Action.INFORMATION],
            "百舌鳥保育園 一時保育",
            Referral.Outcome.NOT_USED,
        ),
        (
            ["nursery-admission", "economic"],
            Channel.WALK_IN,
            "保育料の負担が心配。減免制度を説明。希望の園は空きがなく、待機となる見込み。",
            [Action.INFORMATION, Action.ADVICE],
            "",
            None,
        ),
        (
            ["emergency-care"],
            Channel.PHONE,
            "入院が決まり、数日子どもを預けたい。ショートステイの手続きを支援。",
            [Action.USAGE_SUPPORT, Action.REFERRAL],
            "ショートステイ みどりの家",
            Referral.Outcome.USED,
        ),
    ],
}

FOLLOW_UP_TEXT = [
    "利用できたか電話で確認する",
    "見学の結果を聞く",
    "入所申込書の提出を確認",
    "体調と様子を確認する",
]

COOPERATION = [
    (
        24,
        "みどり市保健センター、緑ヶ丘子育てひろば",
        "乳児家庭の孤立防止の連絡会",
        "4か月健診で把握した家庭を、ひろばの見学につなぐ流れを確認。",
    ),
    (
        15,
        "民生委員・児童委員（御手洗地区）",
        "地域の見守りネットワーク会議",
        "転入家庭の情報共有の方法を話し合った。次回は商店街の方も招く。",
    ),
    (
        6,
        "NPO法人こどもの芽、市こども家庭課",
        "夜間の預け先が足りない課題の共有",
        "トワイライトステイの定員超過が続いていることを市に報告。社会資源の開発として検討を依頼。",
    ),
]


def _site(service_name: str, type_code: str, hub_name: str | None) -> UserSupportSite:
    service = Service.objects.get(name=service_name)
    hub = Service.objects.get(name=hub_name) if hub_name else None
    site, _ = UserSupportSite.objects.get_or_create(
        service=service, defaults={"site_type": SiteType.objects.get(code=type_code), "hub_service": hub}
    )
    return site


def _seed_household(
    site, specialist, household, scenario, rng: random.Random, start: dt.date, today: dt.date
) -> bool:
    name, kana, child_name, child_months, weeks_left, area_code = household
    if Guardian.objects.filter(case__site=site, name=name).exists():
        return False
    # Most households first come in the reported (previous) month, some in the current one.
    this_month = first_of_month(today)
    if rng.random() < 0.8 or today.day == 1:
        first_day = start + dt.timedelta(days=rng.randrange((this_month - start).days))
    else:
        first_day = this_month + dt.timedelta(days=rng.randrange(today.day))
    tz = timezone.get_current_timezone()

    def at(day: dt.date) -> dt.datetime:
        # Never later than now: seeded after midnight, "today at 10:00" has not happened yet.
        moment = dt.datetime.combine(
            day, dt.time(rng.choice([9, 10, 11, 13, 14, 15]), rng.choice([0, 15, 30, 45])), tz
        )
        return min(moment, timezone.now())

    case = Case.objects.create(
        site=site,
        area=Area.objects.filter(code=area_code).first(),
        due_date=today + dt.timedelta(weeks=weeks_left) if weeks_left else None,
        created_by=specialist,
        created_at=at(first_day),
        status=Case.Status.IN_PROGRESS,
    )
    phone = f"090-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
    Guardian.objects.create(case=case, name=name, name_kana=kana, phone=phone)
    if child_name:
        Child.objects.create(case=case, name=child_name, birth_date=months_ago(today, child_months))

    scenario_needs, channel, notes, actions, service_name, outcome = scenario
    needs = [Need.objects.get(code=code) for code in scenario_needs]
    days = {
        first_day,
        *(first_day + dt.timedelta(days=rng.randrange(3, 20)) for _ in range(rng.randrange(0, 3))),
    }
    if rng.random() < 0.25:  # a household that first came the month before (継続ケース)
        days.add(first_day - dt.timedelta(days=rng.randrange(25, 50)))
    days = sorted(d for d in days if d <= today)
    case.created_at = at(days[0])
    case.save(update_fields=["created_at"])
    for number, day in enumerate(days):
        contact = Contact.objects.create(
            case=case,
            contacted_at=at(day),
            channel=channel if number == 0 else rng.choice([Channel.PHONE, Channel.WALK_IN]),
            specialist=specialist,
            notes=notes if number == 0 else "前回の紹介先の利用状況を確認。",
        )
        contact.needs.set(needs)
        for action in actions if number == 0 else [Action.ADVICE]:
            ContactAction.objects.create(contact=contact, action=action)
        if number == 0 and service_name is not None:
            used = outcome in (Referral.Outcome.USED, Referral.Outcome.NOT_USED)
            outcome_on = min(day + dt.timedelta(days=7), today)
            Referral.objects.create(
                case=case,
                contact=contact,
                need=needs[0],
                service=Service.objects.get(name=service_name) if service_name else None,
                outcome=outcome or Referral.Outcome.NO_SERVICE,
                referred_on=day,
                outcome_on=outcome_on if used else None,
            )
    last = days[-1]
    due = last + dt.timedelta(days=rng.randrange(3, 14))
    done = due < today and rng.random() < 0.6
    FollowUp.objects.create(
        case=case,
        contact=case.contacts.order_by("-contacted_at").first(),
        due_on=due,
        assignee=specialist,
        description=rng.choice(FOLLOW_UP_TEXT),
        done_at=at(due) if done else None,
    )
    if done and rng.random() < 0.5:
        case.status, case.closing_reason, case.closed_on = (
            Case.Status.CLOSED,
            Case.ClosingReason.RESOLVED,
            due,
        )
        case.closed_recorded_at = at(due)
        case.save()
    return True


def _seed_portal_family(site: UserSupportSite, specialist, today: dt.date) -> None:
    """The demo parent (parent@example.jp) as a household with consent to booking on her behalf, and a
    referral to a hub course, so that 代理予約 can be tried from the case page."""
    parent = demo_user("parent@example.jp")
    if Case.objects.filter(site=site, parent_account=parent).exists():
        return
    tz = timezone.get_current_timezone()
    case = Case.objects.create(
        site=site,
        area=Area.objects.filter(code="mitarai").first(),
        created_by=specialist,
        created_at=min(dt.datetime.combine(today, dt.time(10, 0), tz), timezone.now()),
        status=Case.Status.RECEIVED,
        parent_account=parent,
        booking_consent_on=today,
    )
    Guardian.objects.create(
        case=case, name=parent.display_name, name_kana="やまだ はなこ", email=parent.email
    )
    contact = Contact.objects.create(
        case=case,
        contacted_at=min(dt.datetime.combine(today, dt.time(10, 0), tz), timezone.now()),
        channel=Channel.WALK_IN,
        specialist=specialist,
        notes="ひろばで、赤ちゃんとのふれあい方を知りたいと相談。ベビーマッサージ講座を紹介し、代理予約に同意をいただいた。",
    )
    contact.needs.set([Need.objects.get(code="friends"), Need.objects.get(code="daily-care")])
    ContactAction.objects.create(contact=contact, action=Action.INFORMATION)
    Referral.objects.create(
        case=case,
        contact=contact,
        need=Need.objects.get(code="friends"),
        service=Service.objects.get(name="ベビーマッサージ講座"),
        referred_on=today,
    )


def seed(out) -> None:
    basic = _site(BASIC_SITE, "basic", BASIC_HUB)
    specific = _site(SPECIFIC_SITE, "specific", None)
    lead = demo_user("specialist@example.jp")
    second = demo_user("specialist2@example.jp")
    Specialist.objects.get_or_create(user=lead, defaults={"site": basic, "is_lead": True})
    Specialist.objects.get_or_create(user=second, defaults={"site": specific, "is_lead": True})

    today = timezone.localdate()
    start = previous_month(today)
    created = 0
    for site, user, households, scenarios, seed_value in (
        (basic, lead, BASIC_HOUSEHOLDS, SCENARIOS["basic"], 1),
        (specific, second, SPECIFIC_HOUSEHOLDS, SCENARIOS["specific"], 2),
    ):
        rng = random.Random(seed_value)
        for number, household in enumerate(households):
            scenario = scenarios[number % len(scenarios)]  # every situation of the site appears
            created += _seed_household(site, user, household, scenario, rng, start, today)
    _seed_portal_family(basic, lead, today)
    for days_ago, partners, topic, outcome in COOPERATION:
        CooperationActivity.objects.get_or_create(
            site=basic,
            topic=topic,
            defaults={
                "held_on": today - dt.timedelta(days=days_ago),
                "partners": partners,
                "outcome": outcome,
                "recorded_by": lead,
            },
        )
    out.write(f"consultations: 2 user-support sites, {created} new demo households\n")
