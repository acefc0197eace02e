"""Fill the directory with a synthetic prefecture for the benchmarks (bench/README.md).

Names and readings are composed from word lists (place + nickname + facility kind, each with its
reading), so search meets the kanji, kana and katakana a real open-data file has. Every row goes in with
bulk inserts in one transaction; 100,000 services take about a minute, not hours.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from facilities.bookings.kinds import Course
from facilities.bookings.models import Session
from facilities.models import Area, Category, Location, Organization, Service, SpecialHours, WeeklyHours
from facilities.search_data import merge_pending_grams, set_search_data

# (kanji, reading in hiragana)
PLACES = [
    ("緑ヶ丘", "みどりがおか"),
    ("桜台", "さくらだい"),
    ("青葉", "あおば"),
    ("若葉", "わかば"),
    ("本町", "ほんまち"),
    ("中央", "ちゅうおう"),
    ("東山", "ひがしやま"),
    ("西原", "にしはら"),
    ("南町", "みなみまち"),
    ("北野", "きたの"),
    ("松原", "まつばら"),
    ("竹ノ塚", "たけのつか"),
    ("梅ヶ枝", "うめがえ"),
    ("富士見", "ふじみ"),
    ("旭町", "あさひまち"),
    ("日の出", "ひので"),
    ("春日", "かすが"),
    ("泉", "いずみ"),
    ("大和", "やまと"),
    ("新町", "しんまち"),
    ("高砂", "たかさご"),
    ("千代田", "ちよだ"),
    ("中野", "なかの"),
    ("川口", "かわぐち"),
    ("森下", "もりした"),
    ("石川", "いしかわ"),
    ("上野", "うえの"),
    ("下田", "しもだ"),
    ("平和台", "へいわだい"),
    ("光が丘", "ひかりがおか"),
    ("朝日", "あさひ"),
    ("港南", "こうなん"),
    ("山手", "やまて"),
    ("白山", "はくさん"),
    ("栄", "さかえ"),
    ("宮前", "みやまえ"),
    ("浜田", "はまだ"),
    ("岡本", "おかもと"),
    ("御手洗", "みたらい"),
    ("百舌鳥", "もず"),
    ("港", "みなと"),
    ("小松", "こまつ"),
    ("大島", "おおしま"),
    ("長岡", "ながおか"),
    ("清水", "しみず"),
    ("桜井", "さくらい"),
    ("柏木", "かしわぎ"),
    ("若松", "わかまつ"),
    ("鶴見", "つるみ"),
    ("亀山", "かめやま"),
    ("藤沢", "ふじさわ"),
    ("菊川", "きくかわ"),
    ("萩原", "はぎわら"),
    ("葛西", "かさい"),
    ("杉並", "すぎなみ"),
    ("稲田", "いなだ"),
    ("豊田", "とよだ"),
    ("福島", "ふくしま"),
    ("吉田", "よしだ"),
    ("三田", "みた"),
    ("四谷", "よつや"),
    ("八幡", "やはた"),
    ("十日市", "とおかいち"),
    ("百合ヶ丘", "ゆりがおか"),
    ("美里", "みさと"),
    ("緑町", "みどりちょう"),
    ("青山", "あおやま"),
    ("赤坂", "あかさか"),
    ("白石", "しろいし"),
    ("黒川", "くろかわ"),
    ("金沢", "かなざわ"),
    ("銀座", "ぎんざ"),
    ("水元", "みずもと"),
    ("風間", "かざま"),
    ("星ヶ丘", "ほしがおか"),
    ("月見台", "つきみだい"),
    ("花園", "はなぞの"),
    ("野田", "のだ"),
    ("原町", "はらまち"),
    ("湊", "みなと"),
]

# Names nurseries and circles give themselves; kana, so the reading is the name.
NICKNAMES = [
    "ひまわり",
    "たんぽぽ",
    "さくらんぼ",
    "どんぐり",
    "にこにこ",
    "すくすく",
    "のびのび",
    "つくし",
    "こばと",
    "ひよこ",
    "あおぞら",
    "わかくさ",
    "すみれ",
    "りんご",
    "なかよし",
    "おひさま",
    "にじいろ",
    "きらきら",
    "ぽかぽか",
    "もりのこ",
    "うみのこ",
    "そらまめ",
    "こすもす",
    "あじさい",
    "みつばち",
    "かもめ",
    "コアラ",
    "パンダ",
    "ポプラ",
    "どれみ",
]

# category slug → (weight, [(kind, reading)], (min months, max months) or None, weekly pattern key)
CATEGORIES = {
    "nursery": (25, [("保育園", "ほいくえん"), ("保育所", "ほいくしょ")], (2, 72), "long"),
    "certified-kodomoen": (
        8,
        [("こども園", "こどもえん"), ("認定こども園", "にんていこどもえん")],
        (0, 72),
        "long",
    ),
    "kindergarten": (8, [("幼稚園", "ようちえん")], (36, 72), "school"),
    "small-nursery": (
        8,
        [("小規模保育室", "しょうきぼほいくしつ"), ("乳児保育室", "にゅうじほいくしつ")],
        (2, 36),
        "long",
    ),
    "after-school-club": (
        15,
        [
            ("放課後児童クラブ", "ほうかごじどうくらぶ"),
            ("学童クラブ", "がくどうくらぶ"),
            ("学童保育所", "がくどうほいくしょ"),
        ],
        (72, 144),
        "after_school",
    ),
    "hub": (
        8,
        [
            ("子育てひろば", "こそだてひろば"),
            ("子育て支援センター", "こそだてしえんせんたー"),
            ("親子ひろば", "おやこひろば"),
        ],
        (0, 36),
        "hub",
    ),
    "popup-hub": (2, [("出張ひろば", "しゅっちょうひろば")], (0, 36), "popup"),
    "temporary-care": (
        8,
        [("一時預かり室", "いちじあずかりしつ"), ("一時保育", "いちじほいく")],
        (6, 84),
        "care",
    ),
    "childrens-hall": (5, [("児童館", "じどうかん"), ("児童センター", "じどうせんたー")], (0, 216), "care"),
    "parent-circle": (
        6,
        [
            ("子育てサークル", "こそだてさーくる"),
            ("ママサークル", "ままさーくる"),
            ("ふたごの会", "ふたごのかい"),
        ],
        (0, 72),
        "weekly",
    ),
    "parenting-course": (
        5,
        [
            ("子育て講座", "こそだてこうざ"),
            ("離乳食教室", "りにゅうしょくきょうしつ"),
            ("両親学級", "りょうしんがっきゅう"),
        ],
        (0, 36),
        "weekly",
    ),
    "health-center": (
        3,
        [("保健センター", "ほけんせんたー"), ("育児相談", "いくじそうだん")],
        None,
        "office",
    ),
    "sick-child-care": (
        2,
        [("病児保育室", "びょうじほいくしつ"), ("病後児保育室", "びょうごじほいくしつ")],
        (6, 144),
        "care",
    ),
    "child-development-support": (
        3,
        [("児童発達支援教室", "じどうはったつしえんきょうしつ"), ("療育センター", "りょういくせんたー")],
        (12, 72),
        "office",
    ),
    "disability-consultation": (
        2,
        [("障害児相談支援事業所", "しょうがいじそうだんしえんじぎょうしょ")],
        (0, 216),
        "office",
    ),
    "user-support-basic": (2, [("子育て相談窓口", "こそだてそうだんまどぐち")], None, "hub"),
    "user-support-specific": (1, [("保育コンシェルジュ", "ほいくこんしぇるじゅ")], None, "office"),
    "family-support": (
        1,
        [("ファミリー・サポート・センター", "ふぁみりーさぽーとせんたー")],
        (3, 144),
        "office",
    ),
    "short-stay": (1, [("ショートステイ", "しょーとすてい")], (0, 216), "overnight"),
    "twilight-stay": (1, [("トワイライトステイ", "とわいらいとすてい")], (0, 144), "evening"),
}

# Categories a parent books online (予約) in real cities; the others are phone or walk-in.
BOOKABLE = {
    "hub",
    "popup-hub",
    "temporary-care",
    "parenting-course",
    "health-center",
    "sick-child-care",
    "user-support-basic",
}
WALK_IN = {"hub", "popup-hub", "childrens-hall", "parent-circle", "user-support-basic"}

BUILDINGS = [
    ("コミュニティセンター", "こみゅにてぃせんたー"),
    ("公民館", "こうみんかん"),
    ("小学校", "しょうがっこう"),
    ("駅前ビル", "えきまえびる"),
    ("市民センター", "しみんせんたー"),
    ("児童会館", "じどうかいかん"),
    ("保健福祉センター", "ほけんふくしせんたー"),
]

DESCRIPTIONS = {
    "long": "0歳から就学前のお子さんの保育。延長保育があります。入所は市役所の保育課へお申し込みください。",
    "school": "3歳からの幼児教育。預かり保育があります。",
    "after_school": "保護者が仕事などで昼間いない小学生の放課後の居場所です。",
    "hub": "親子で遊び、子育ての悩みを気軽に話せるひろば。子育て講座や誕生会もあります。",
    "popup": "常設のひろばが遠い地域で、週1〜2回開く出張ひろばです。",
    "care": "通院、リフレッシュ、冠婚葬祭などのとき、お子さんをお預かりします。",
    "weekly": "月に数回集まって、情報交換やおしゃべりをしています。初めての方も歓迎です。",
    "office": "保健師・専門員が相談に応じます。予約すると待たずに相談できます。",
    "overnight": "保護者の入院・出産・介護などで家庭での養育が難しいとき、泊まりでお預かりします。",
    "evening": "保護者が夜間に不在のとき、夜10時までお子さんを預かります。",
}

# pattern key → list of (weekdays, opens, closes); one is picked per service.
WEEKLY = {
    "long": [
        (range(0, 6), "07:00", "19:00"),
        (range(0, 6), "07:30", "18:30"),
        (range(0, 5), "07:00", "20:00"),
    ],
    "school": [(range(0, 5), "09:00", "14:00"), (range(0, 5), "08:30", "14:30")],
    "after_school": [(range(0, 5), "13:00", "19:00")],
    "hub": [
        (range(0, 6), "09:30", "15:30"),
        (range(0, 5), "10:00", "16:00"),
        (range(1, 6), "10:00", "15:00"),
    ],
    "popup": [(range(1, 2), "10:00", "15:00"), (range(3, 4), "10:00", "15:30")],
    "care": [(range(0, 6), "08:00", "18:00"), (range(0, 5), "09:00", "17:00")],
    "weekly": [(range(d, d + 1), "10:00", "12:00") for d in range(6)],
    "office": [(range(0, 5), "08:30", "17:15"), (range(0, 5), "09:00", "17:00")],
    "overnight": [(range(0, 7), "00:00", "00:00")],
    "evening": [(range(0, 7), "17:00", "22:00")],
}

_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


def katakana(hiragana: str) -> str:
    return hiragana.translate(_TO_KATAKANA)


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@dataclass
class _Built:
    services: int = 0
    weekly_hours: int = 0
    special_hours: int = 0
    sessions: int = 0
    search_seconds: float = 0.0


class Command(BaseCommand):
    help = "Add N synthetic services (a prefecture-sized directory) with bulk inserts, for the benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, required=True, help="how many services to add")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same directory)")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, services: int, seed: int, batch_size: int, **options) -> None:
        if services < 1:
            raise CommandError("--services must be at least 1")
        started = time.perf_counter()
        rng = random.Random(seed)
        with transaction.atomic():
            built = self._generate(rng, services, batch_size)
        inserted = time.perf_counter()
        if connection.vendor == "postgresql":
            # The planner must see the new row counts before anyone measures a query plan.
            merge_pending_grams()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        finished = time.perf_counter()
        self.stdout.write(
            f"generated {built.services} services, {built.weekly_hours} weekly hours, "
            f"{built.special_hours} special hours, {built.sessions} sessions in {finished - started:.1f} s "
            f"(of which search data {built.search_seconds:.1f} s, analyze {finished - inserted:.1f} s)"
        )

    def _generate(self, rng: random.Random, count: int, batch_size: int) -> _Built:
        areas = self._areas(rng, max(5, min(len(PLACES), count // 200)))
        organizations = self._organizations(rng, max(10, count // 8), batch_size)
        locations = self._locations(rng, areas, max(5, count // 2), batch_size)
        categories = {
            c.slug: c for c in Category.objects.filter(slug__in=CATEGORIES).select_related("parent")
        }
        missing = set(CATEGORIES) - set(categories)
        if missing:
            raise CommandError(f"categories missing (run migrate first): {', '.join(sorted(missing))}")
        slugs = list(CATEGORIES)
        weights = [CATEGORIES[slug][0] for slug in slugs]
        today = timezone.localdate()

        rows: list[Service] = []
        for slug in rng.choices(slugs, weights=weights, k=count):
            rows.append(
                self._service(rng, slug, categories[slug], rng.choice(organizations), rng.choice(locations))
            )
        # bulk_create bypasses Service.save(), which keeps the search data. Computing it before the
        # insert, rather than with reindex_services() after it, saves an UPDATE of every row
        # (bulk_update costs milliseconds a row; see bench/README.md).
        started = time.perf_counter()
        for service in rows:
            set_search_data(service)
        search_seconds = time.perf_counter() - started
        Service.objects.bulk_create(rows, batch_size=batch_size)

        hours: list[WeeklyHours] = []
        special: list[SpecialHours] = []
        sessions: list[Session] = []
        for service in rows:
            pattern = CATEGORIES[service.category.slug][3]
            days, opens, closes = rng.choice(WEEKLY[pattern])
            if service.bookable_online:
                sessions += self._sessions(rng, service, today, days[0], _time(opens))
            for day in days:
                hours.append(
                    WeeklyHours(service=service, weekday=day, opens_at=_time(opens), closes_at=_time(closes))
                )
            if pattern == "after_school":
                hours.append(
                    WeeklyHours(service=service, weekday=5, opens_at=_time("08:00"), closes_at=_time("19:00"))
                )
            if pattern == "popup":
                for week in range(1, 5):
                    special.append(
                        SpecialHours(
                            service=service,
                            date=today + dt.timedelta(days=7 * week),
                            opens_at=_time("10:00"),
                            closes_at=_time("15:00"),
                            note="出張ひろば",
                        )
                    )
            elif rng.random() < 0.1:
                special.append(
                    SpecialHours(
                        service=service,
                        date=today + dt.timedelta(days=rng.randint(1, 60)),
                        is_closed=True,
                        note="臨時休業",
                    )
                )
        WeeklyHours.objects.bulk_create(hours, batch_size=batch_size * 5)
        SpecialHours.objects.bulk_create(special, batch_size=batch_size * 5)
        Session.objects.bulk_create(sessions, batch_size=batch_size)
        return _Built(len(rows), len(hours), len(special), len(sessions), search_seconds)

    @staticmethod
    def _sessions(
        rng: random.Random, service: Service, today: dt.date, weekday: int, opens: dt.time
    ) -> list[Session]:
        """A bookable service's next three weekly 回 (a 2-hour slot at opening time), open for booking."""
        # From the day after tomorrow: booking closes at 17:00 the day before (the Course policy's window).
        first = today + dt.timedelta(days=2)
        day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
        tz = timezone.get_current_timezone()
        rows = []
        for week in range(3):
            starts_at = dt.datetime.combine(day + dt.timedelta(weeks=week), opens, tzinfo=tz)
            opens_at, closes_at, cancel_cutoff = Course().window(starts_at)
            rows.append(
                Session(
                    service=service,
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(hours=2),
                    capacity=rng.choice([3, 5, 10, 15, 20]),
                    min_age_months=service.min_age_months,
                    max_age_months=service.max_age_months,
                    for_pregnant=service.for_pregnant,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    cancel_cutoff=cancel_cutoff,
                )
            )
        return rows

    def _areas(self, rng: random.Random, count: int) -> list[Area]:
        start = Area.objects.count()
        areas = []
        for i, (name, reading) in enumerate(rng.sample(PLACES, count)):
            areas.append(
                Area(
                    code=f"gen-{start + i:04d}",
                    name=f"{name}地区",
                    name_kana=f"{reading}ちく",
                    order=start + i,
                )
            )
        return Area.objects.bulk_create(areas)

    def _organizations(self, rng: random.Random, count: int, batch_size: int) -> list[Organization]:
        rows = []
        for _ in range(count):
            place, reading = rng.choice(PLACES)
            nickname = rng.choice(NICKNAMES)
            kind = rng.choices(list(Organization.Kind), weights=[4, 3, 2, 2, 1])[0]
            name, kana = {
                Organization.Kind.MUNICIPAL: (f"{place}市", f"{reading}し"),
                Organization.Kind.SOCIAL_WELFARE: (
                    f"社会福祉法人{place}福祉会",
                    f"しゃかいふくしほうじん{reading}ふくしかい",
                ),
                Organization.Kind.NPO: (f"NPO法人{nickname}ネット", f"えぬぴーおーほうじん{nickname}ねっと"),
                Organization.Kind.PRIVATE: (f"株式会社{nickname}ケア", f"かぶしきがいしゃ{nickname}けあ"),
                Organization.Kind.OTHER: (
                    f"{place}子育てサークル連絡会",
                    f"{reading}こそだてさーくるれんらくかい",
                ),
            }[kind]
            rows.append(Organization(name=name, name_kana=katakana(kana), kind=kind, phone=self._phone(rng)))
        return Organization.objects.bulk_create(rows, batch_size=batch_size)

    def _locations(
        self, rng: random.Random, areas: list[Area], count: int, batch_size: int
    ) -> list[Location]:
        # Districts spread over a prefecture-sized box around Tokyo Bay; places jitter around their district.
        centres = {area.pk: (35.4 + rng.random() * 0.6, 139.3 + rng.random() * 0.7) for area in areas}
        rows = []
        for _ in range(count):
            area = rng.choice(areas)
            place, reading = rng.choice(PLACES)
            building, building_reading = rng.choice(BUILDINGS)
            lat, lng = centres[area.pk]
            rows.append(
                Location(
                    name=f"{place}{building}",
                    name_kana=katakana(reading + building_reading),
                    postal_code=f"{rng.randint(100, 299)}-{rng.randint(0, 9999):04d}",
                    address=f"{area.name.removesuffix('地区')}市{place}{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                    area=area,
                    latitude=Decimal(f"{lat + rng.gauss(0, 0.01):.6f}"),
                    longitude=Decimal(f"{lng + rng.gauss(0, 0.01):.6f}"),
                    access_notes=f"{place}駅 徒歩{rng.randint(2, 20)}分",
                )
            )
        return Location.objects.bulk_create(rows, batch_size=batch_size)

    def _service(
        self,
        rng: random.Random,
        slug: str,
        category: Category,
        organization: Organization,
        location: Location,
    ) -> Service:
        _weight, kinds, ages, pattern = CATEGORIES[slug]
        kind, kind_reading = rng.choice(kinds)
        place, reading = rng.choice(PLACES)
        nickname = rng.choice(NICKNAMES)
        name, kana = rng.choice(
            [
                (f"{place}{kind}", reading + kind_reading),
                (f"{place}{nickname}{kind}", reading + nickname + kind_reading),
                (f"{kind} {nickname}", kind_reading + nickname),
                (f"{nickname}{kind}", nickname + kind_reading),
            ]
        )
        status = rng.choices(list(Service.Status), weights=[95, 3, 2])[0]
        bookable = slug in BOOKABLE and rng.random() < 0.6
        return Service(
            organization=organization,
            location=location,
            category=category,
            name=name,
            name_kana=katakana(kana),
            description=f"{place}の{kind}です。{DESCRIPTIONS[pattern]}",
            min_age_months=ages[0] if ages else None,
            max_age_months=ages[1] if ages else None,
            for_pregnant=slug in {"hub", "health-center", "parenting-course", "user-support-basic"},
            residents_only=rng.random() < 0.3,
            is_free=pattern in {"hub", "popup", "weekly", "office"},
            fee=""
            if pattern in {"hub", "popup", "weekly", "office"}
            else f"1時間 {rng.randint(3, 12) * 100}円",
            phone=self._phone(rng),
            bookable_online=bookable,
            walk_in=slug in WALK_IN,
            status=status,
            published=rng.random() < 0.98,
        )

    @staticmethod
    def _phone(rng: random.Random) -> str:
        return f"0{rng.randint(3, 99)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
