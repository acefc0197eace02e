"""The demo city's directory (みどり市, fictional): districts, operators, places and services.

Readings (よみ) are given as a city's open-data file gives them (名称_カナ); entries without one get
a generated reading. Every look-up is by natural key, so seeding twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from facilities.models import Area, Category, Location, Organization, Service, SpecialHours, WeeklyHours
from facilities.search_data import reindex_services

# Data tables read best one entry a line.
# fmt: off
AREAS = [
    ("chuo", "中央地区", "ちゅうおうちく", "Chuo"),
    ("midorigaoka", "緑ヶ丘地区", "みどりがおかちく", "Midorigaoka"),
    ("mitarai", "御手洗地区", "みたらいちく", "Mitarai"),
    ("mozu", "百舌鳥地区", "もずちく", "Mozu"),
    ("minato", "港地区", "みなとちく", "Minato"),
]

# key: (name, kana, kind, phone)
ORGANIZATIONS = {
    "city": ("みどり市", "ミドリシ", Organization.Kind.MUNICIPAL, "0120-000-100"),
    "welfare": ("社会福祉法人みどり福祉会", "シャカイフクシホウジンミドリフクシカイ", Organization.Kind.SOCIAL_WELFARE, "0120-000-200"),
    "npo-hiroba": ("NPO法人ひろばネットみどり", "エヌピーオーホウジンヒロバネットミドリ", Organization.Kind.NPO, "0120-000-300"),
    "npo-hattatsu": ("NPO法人こどもの芽", "エヌピーオーホウジンコドモノメ", Organization.Kind.NPO, "0120-000-400"),
    "private": ("株式会社すくすくケア", "カブシキガイシャスクスクケア", Organization.Kind.PRIVATE, "0120-000-500"),
    "circle": ("子育てサークル連絡会", "コソダテサークルレンラクカイ", Organization.Kind.OTHER, ""),
}

# key: (name, kana, postal code, address, area code, lat, lng, access, barrier-free)
LOCATIONS = {
    "cityhall": ("みどり市役所 本庁舎", "ミドリシヤクショ ホンチョウシャ", "100-0001", "みどり市中央1-1-1", "chuo", "35.681200", "139.767100", "みどり中央駅 北口 徒歩5分", "エレベーター、多目的トイレ、授乳室あり"),
    "health": ("みどり市保健センター", "ミドリシホケンセンター", "100-0002", "みどり市中央2-3-4", "chuo", "35.683000", "139.765000", "みどり中央駅 南口 徒歩8分、駐車場30台", "ベビーカー貸出、授乳室あり"),
    "midori-hall": ("緑ヶ丘児童館", "ミドリガオカジドウカン", "100-0011", "みどり市緑ヶ丘3-2-1", "midorigaoka", "35.690500", "139.752300", "市バス「緑ヶ丘三丁目」すぐ", "段差なし、おむつ替え台あり"),
    "shopping": ("みたらい商店街 空き店舗", "ミタライショウテンガイアキテンポ", "100-0021", "みどり市御手洗2-8-5", "mitarai", "35.671800", "139.781200", "御手洗駅 徒歩3分", "入口にスロープあり"),
    "mozu-nursery": ("百舌鳥保育園", "モズホイクエン", "100-0031", "みどり市百舌鳥1-4-9", "mozu", "35.664200", "139.748900", "百舌鳥駅 徒歩10分", "ベビーカーで入れます"),
    "minato-center": ("港地区コミュニティセンター", "ミナトチクコミュニティセンター", "100-0041", "みどり市港5-1-2", "minato", "35.658700", "139.792400", "港駅 東口 徒歩4分", "エレベーターあり"),
    "children-home": ("乳児院みどりの家", "ニュウジインミドリノイエ", "100-0012", "みどり市緑ヶ丘6-10-3", "midorigaoka", "35.694100", "139.748000", "市バス「緑ヶ丘六丁目」徒歩2分", "段差なし"),
    "hattatsu": ("こどもの芽 発達支援室", "コドモノメハッタツシエンシツ", "100-0022", "みどり市御手洗4-1-7", "mitarai", "35.673900", "139.785600", "御手洗駅 徒歩7分", "エレベーター、多目的トイレあり"),
    "hospital": ("みどり中央病院 病児保育室", "ミドリチュウオウビョウインビョウジホイクシツ", "100-0003", "みどり市中央4-6-1", "chuo", "35.679000", "139.770800", "みどり中央駅 徒歩12分", "院内エレベーターあり"),
}

WEEKDAYS = range(0, 5)
EVERY_DAY = range(0, 7)
MON_SAT = range(0, 6)

# (name, kana or "", category, organization, location, description, min months, max months,
#  pregnant, free, fee, bookable online, walk in, hours: [(weekdays, opens, closes)])
SERVICES = [
    ("ひろば なかよし", "ヒロバナカヨシ", "hub", "npo-hiroba", "shopping",
     "商店街の空き店舗を使った子育てひろば。親子で遊び、子育ての悩みを気軽に話せます。", 0, 36, True, True, "", True, True,
     [(MON_SAT, "09:30", "15:30")]),
    ("緑ヶ丘子育てひろば", "ミドリガオカコソダテヒロバ", "hub", "welfare", "midori-hall",
     "児童館の中にある常設のひろば。毎月、子育て講座や誕生会があります。", 0, 72, True, True, "", True, True,
     [(WEEKDAYS, "10:00", "16:00")]),
    ("みどりの家 親子のつどい", "ミドリノイエオヤコノツドイ", "hub", "welfare", "children-home",
     "乳児院の一室で開く親子のつどい。施設の保育士もいっしょに見守ります。", 0, 36, True, True, "", True, True,
     [(range(0, 3), "10:00", "13:30")]),
    ("百舌鳥ひろば", "", "hub", "welfare", "mozu-nursery",
     "保育園に併設の子育てひろば。園庭開放もしています。", 0, 48, False, True, "", False, True,
     [(WEEKDAYS, "09:00", "14:30")]),
    ("子育てコンシェルジュ（市役所）", "コソダテコンシェルジュシヤクショ", "user-support-specific", "city", "cityhall",
     "保育所や一時預かりなど、どのサービスが合うか一緒に考えます。予約すると待たずに相談できます。", None, None, True, True, "", True, True,
     [(WEEKDAYS, "08:30", "17:15")]),
    ("ひろば なかよし 利用者支援", "ヒロバナカヨシリヨウシャシエン", "user-support-basic", "npo-hiroba", "shopping",
     "ひろばの中の相談窓口。利用者支援専門員が、ご家庭に合ったサービスをご案内し、関係機関におつなぎします。", None, None, True, True, "", True, True,
     [(MON_SAT, "09:30", "15:30")]),
    ("一時預かり すくすくルーム", "イチジアズカリスクスクルーム", "temporary-care", "private", "cityhall",
     "通院、リフレッシュ、冠婚葬祭などのとき、お子さんをお預かりします。", 6, 84, False, False, "1時間 600円", True, False,
     [(MON_SAT, "08:00", "18:00")]),
    ("百舌鳥保育園 一時保育", "モズホイクエンイチジホイク", "temporary-care", "welfare", "mozu-nursery",
     "保育園での一時保育。前日までに電話でお申し込みください。", 6, 72, False, False, "半日 1,200円 / 1日 2,400円", False, False,
     [(WEEKDAYS, "08:30", "17:00")]),
    ("トワイライトステイ みどりの家", "トワイライトステイミドリノイエ", "twilight-stay", "welfare", "children-home",
     "保護者が仕事や病気、家族の介護・通院などで夜間に不在のとき、夜10時までお子さんを預かります。緊急の時は24時間電話でご相談ください。", 0, 144, False, False, "1回 1,000円（非課税世帯は無料）", False, False,
     [(EVERY_DAY, "17:00", "22:00")]),
    ("ショートステイ みどりの家", "ショートステイミドリノイエ", "short-stay", "welfare", "children-home",
     "保護者の入院・出産・介護・看病などで家庭での養育が一時的に難しいとき、泊まりで最大7日間お預かりします。夜間・休日も受け付けます。", 0, 216, False, False, "1泊 2,750円", False, False,
     [(EVERY_DAY, "00:00", "00:00")]),
    ("病児保育室 ぽかぽか", "ビョウジホイクシツポカポカ", "sick-child-care", "private", "hospital",
     "病気やその回復期で集団保育が難しいお子さんを、看護師と保育士がお預かりします。", 6, 144, False, False, "1日 2,000円", True, False,
     [(WEEKDAYS, "08:00", "18:00")]),
    ("ファミリー・サポート・センター", "ファミリーサポートセンター", "family-support", "welfare", "cityhall",
     "子育ての手助けをしてほしい人と、手助けしたい人をつなぐ会員同士の支え合いです。", 3, 144, False, False, "1時間 700円", False, False,
     [(WEEKDAYS, "09:00", "17:00")]),
    ("みどり中央保育園", "ミドリチュウオウホイクエン", "nursery", "city", "cityhall",
     "0歳から5歳の保育所。入所は市役所の保育課へお申し込みください。", 2, 72, False, False, "保育料は所得により異なります", False, False,
     [(MON_SAT, "07:00", "19:00")]),
    ("認定こども園 みなとの森", "ニンテイコドモエンミナトノモリ", "certified-kodomoen", "private", "minato-center",
     "幼稚園と保育所の両方の機能をもつ認定こども園。", 0, 72, False, False, "保育料は所得により異なります", False, False,
     [(WEEKDAYS, "07:30", "18:30")]),
    ("緑ヶ丘幼稚園", "ミドリガオカヨウチエン", "kindergarten", "private", "midori-hall",
     "3歳からの幼稚園。預かり保育があります。", 36, 72, False, False, "月額 25,700円（無償化対象）", False, False,
     [(WEEKDAYS, "09:00", "14:00")]),
    ("小規模保育 ちいさなて", "ショウキボホイクチイサナテ", "small-nursery", "npo-hiroba", "shopping",
     "0歳から2歳までの少人数の保育。", 2, 36, False, False, "保育料は所得により異なります", False, False,
     [(MON_SAT, "07:30", "18:30")]),
    ("港小学校 放課後児童クラブ", "ミナトショウガッコウホウカゴジドウクラブ", "after-school-club", "city", "minato-center",
     "保護者が仕事などで昼間いない小学生の放課後の居場所です。", 72, 144, False, False, "月額 5,000円", False, False,
     [(WEEKDAYS, "13:00", "19:00"), ([5], "08:00", "19:00")]),
    ("緑ヶ丘児童館", "ミドリガオカジドウカン", "childrens-hall", "city", "midori-hall",
     "0歳から18歳までの子どもが自由に遊べる児童館。乳幼児向けの遊びの時間もあります。", 0, 216, False, True, "", False, True,
     [(MON_SAT, "09:00", "17:00")]),
    ("乳幼児健診・育児相談", "ニュウヨウジケンシンイクジソウダン", "health-center", "city", "health",
     "4か月・1歳6か月・3歳児健診と、保健師・栄養士による育児相談。子育てがしんどいとき、眠れないときも、ひとりで抱えずご相談ください。", 0, 72, True, True, "", True, True,
     [(WEEKDAYS, "08:30", "17:15")]),
    ("妊婦相談・母親学級", "ニンプソウダンハハオヤガッキュウ", "health-center", "city", "health",
     "妊娠中の体調や出産準備について、保健師・助産師に相談できます。両親学級もあります。", None, None, True, True, "", True, False,
     [(WEEKDAYS, "09:00", "16:00")]),
    ("みどり障害児相談支援センター", "ミドリショウガイジソウダンシエンセンター", "disability-consultation", "npo-hattatsu", "hattatsu",
     "ことばが遅い、落ち着きがない、集団になじめないなど、発達が気になるお子さんについて相談できます。障害福祉サービスの利用計画も作ります。", 0, 216, False, True, "", False, False,
     [(WEEKDAYS, "09:00", "17:30")]),
    ("児童発達支援 めばえ教室", "ジドウハッタツシエンメバエキョウシツ", "child-development-support", "npo-hattatsu", "hattatsu",
     "発達に支援が必要な未就学のお子さんの療育教室。個別と小集団のプログラムがあります。", 12, 72, False, False, "原則1割負担（3歳以上は無償化）", False, False,
     [(WEEKDAYS, "09:30", "15:30")]),
    ("ふたごの会 つくし", "フタゴノカイツクシ", "parent-circle", "circle", "minato-center",
     "双子・三つ子を育てる家族の会。月1回集まって情報交換しています。", 0, 72, True, True, "", False, True,
     [([2], "10:00", "12:00")]),
    ("パパと遊ぼう サークル", "パパトアソボウサークル", "parent-circle", "circle", "midori-hall",
     "土曜日にお父さんと子どもで集まるサークル。初めての方も歓迎です。", 12, 72, False, True, "", False, True,
     [([5], "10:00", "12:00")]),
    ("ベビーマッサージ講座", "ベビーマッサージコウザ", "parenting-course", "npo-hiroba", "shopping",
     "2か月から1歳未満の赤ちゃんと保護者向けの講座。ふれあいで親子ともにリラックス。", 2, 12, False, True, "", True, False,
     [([3], "10:30", "11:30")]),
    ("離乳食教室", "リニュウショクキョウシツ", "parenting-course", "city", "health",
     "5か月から8か月の赤ちゃんの保護者向け。栄養士が離乳食の進め方をお話しします。", 5, 9, False, True, "", True, False,
     [([1], "13:30", "15:00")]),
]


# Open every day of the year, 祝日 included.
OPEN_ON_HOLIDAYS = {"short-stay", "twilight-stay"}

# 出張ひろば: a pop-up plaza on given dates only (SpecialHours), run by the operator of a permanent hub.
POPUP = ("出張ひろば みなと", "シュッチョウヒロバミナト", "popup-hub", "npo-hiroba", "minato-center",
         "常設のひろばが遠い港地区に、ひろば なかよしのスタッフが出張して開く子育てひろばです。", 0, 36)
# Days from the seeding date on which the pop-up plaza opens (weekly, 10:00–15:00).
POPUP_DAYS = [7 * week + 2 for week in range(8)]
# 年末年始: every hub closes from 29 December to 3 January.
NEW_YEAR_CLOSURE = [(12, d) for d in range(29, 32)] + [(1, d) for d in range(1, 4)]
# fmt: on


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


# English the city gives for some entries (Service.name_en / description_en); the others show the
# Japanese on English pages, as a real city's list would.
# fmt: off
ENGLISH = {
    "子育てコンシェルジュ（市役所）": ("Childcare Concierge (City Hall)", "We help you find the right nursery, temporary care or other service. Book a time to talk without waiting."),
    "一時預かり すくすくルーム": ("Temporary Care Sukusuku Room", "We look after your child while you go to hospital, take a break, or attend a wedding or funeral."),
    "乳幼児健診・育児相談": ("Child Health Checkups and Parenting Advice", "Checkups at 4 months, 1 year 6 months and 3 years, and advice from public-health nurses and dietitians. When parenting feels too much or you cannot sleep, please talk to us."),
}
# fmt: on


def seed(out) -> None:
    areas = {
        code: Area.objects.update_or_create(
            code=code, defaults={"name": name, "name_kana": kana, "name_en": name_en, "order": i}
        )[0]
        for i, (code, name, kana, name_en) in enumerate(AREAS)
    }
    organizations = {
        key: Organization.objects.get_or_create(
            name=name, defaults={"name_kana": kana, "kind": kind, "phone": phone}
        )[0]
        for key, (name, kana, kind, phone) in ORGANIZATIONS.items()
    }
    locations = {}
    for key, (name, kana, postal, address, area, lat, lng, access, barrier_free) in LOCATIONS.items():
        locations[key] = Location.objects.get_or_create(
            name=name,
            defaults={
                "name_kana": kana,
                "postal_code": postal,
                "address": address,
                "area": areas[area],
                "latitude": Decimal(lat),
                "longitude": Decimal(lng),
                "access_notes": access,
                "barrier_free_notes": barrier_free,
            },
        )[0]
    categories = {c.slug: c for c in Category.objects.all()}
    created = 0
    for (
        name,
        kana,
        category,
        org,
        loc,
        description,
        min_age,
        max_age,
        pregnant,
        free,
        fee,
        bookable,
        walk_in,
        hours,
    ) in SERVICES:
        service, was_created = Service.objects.get_or_create(
            name=name,
            location=locations[loc],
            defaults={
                "name_kana": kana,
                "category": categories[category],
                "organization": organizations[org],
                "description": description,
                "min_age_months": min_age,
                "max_age_months": max_age,
                "for_pregnant": pregnant,
                "is_free": free,
                "fee": fee,
                "phone": ORGANIZATIONS[org][3],
                "bookable_online": bookable,
                "walk_in": walk_in,
                "closed_on_holidays": category not in OPEN_ON_HOLIDAYS,
            },
        )
        if name in ENGLISH:
            service.name_en, service.description_en = ENGLISH[name]
            service.save(update_fields=["name_en", "description_en"])
        if was_created:
            created += 1
            WeeklyHours.objects.bulk_create(
                WeeklyHours(service=service, weekday=day, opens_at=_time(opens), closes_at=_time(closes))
                for days, opens, closes in hours
                for day in days
            )
    created += _seed_popup_hub(organizations, locations, categories)
    _seed_new_year_closure()
    # Entries seeded before search data existed get it now (cheap for a demo city).
    reindex_services(Service.objects.all())
    out.write(f"directory: {Service.objects.count()} services ({created} new) in {len(areas)} areas\n")


def _seed_popup_hub(organizations, locations, categories) -> int:
    name, kana, category, org, loc, description, min_age, max_age = POPUP
    popup, created = Service.objects.get_or_create(
        name=name,
        location=locations[loc],
        defaults={
            "name_kana": kana,
            "category": categories[category],
            "organization": organizations[org],
            "description": description,
            "min_age_months": min_age,
            "max_age_months": max_age,
            "for_pregnant": True,
            "phone": ORGANIZATIONS[org][3],
            "walk_in": True,
        },
    )
    if created:
        today = dt.date.today()
        for offset in POPUP_DAYS:
            SpecialHours.objects.create(
                service=popup,
                date=today + dt.timedelta(days=offset),
                opens_at=dt.time(10),
                closes_at=dt.time(15),
                note="港地区コミュニティセンター 2階",
            )
    return int(created)


def _seed_new_year_closure() -> None:
    year = dt.date.today().year
    for service in Service.objects.filter(category__slug="hub"):
        for y in (year, year + 1):
            for month, day in NEW_YEAR_CLOSURE:
                SpecialHours.objects.get_or_create(
                    service=service,
                    date=dt.date(y, month, day),
                    defaults={"is_closed": True, "note": "年末年始休業"},
                )
