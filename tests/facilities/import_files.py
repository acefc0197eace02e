"""Facility lists as cities publish them, built from the two published column definitions of
自治体標準オープンデータセット「子育て施設一覧」 (the earlier 推奨データセット and the current one)."""

from __future__ import annotations

import csv
import io

EARLIER_COLUMNS = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "種別",
    "住所",
    "方書",
    "緯度",
    "経度",
    "アクセス方法",
    "駐車場情報",
    "電話番号",
    "内線番号",
    "FAX番号",
    "法人番号",
    "団体名",
    "認可等年月日",
    "収容定員",
    "受入年齢",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "一時預かりの有無",
    "URL",
    "備考",
]

# 53 columns, as a city publishes the current 子育て施設一覧 (spellings as in the definition).
CURRENT_COLUMNS = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英語",
    "種別",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "高度の種別",
    "高度の値",
    "アクセス方法",
    "駐車場情報",
    "電話番号",
    "内線番号",
    "FAX番号",
    "メールアドレス",
    "連絡先FormURL",
    "連絡先備考",
    "郵便番号",
    "法人番号",
    "団体名",
    "認可等年月日",
    "収容定員",
    "受入年齢",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "一時預かりの有無",
    "子供預かり料金種別",
    "子供預かり料金",
    "子供預かり料金備考",
    "子供預かり開所時間",
    "子供預かり閉所時間",
    "病児保育の有無",
    "授乳室",
    "おむつ替えコーナー",
    "飲食可否",
    "ベビーカー貸出",
    "ベビーカー利用",
    "URL",
    "画像",
    "画像_ライセンス",
    "備考",
]

# Rows as a city posts them (values from the notations people write), in the current layout's names.
NURSERY = {
    "全国地方公共団体コード": "131016",
    "ID": "hoiku-001",
    "地方公共団体名": "東京都千代田区",
    "名称": "さくら保育園",
    "名称_カナ": "サクラホイクエン",
    "種別": "認可私立保育所",
    "所在地_連結表記": "みどり市中央一丁目2-3",
    "建物名等(方書)": "さくらビル2階",
    "緯度": "35.680000",
    "経度": "139.760000",
    "アクセス方法": "みどり駅から徒歩5分",
    "駐車場情報": "なし",
    "電話番号": "０３－１２３４－５６７８",
    "法人番号": "1234567890123",
    "団体名": "社会福祉法人さくら会",
    "認可等年月日": "2015-04-01",
    "収容定員": "６０",
    "受入年齢": "生後57日から",
    "利用可能曜日": "月～土（祝日を除く）",
    "開始時間": "７：００",
    "終了時間": "19時",
    "利用可能日時特記事項": "土曜日は17時まで",
    "一時預かりの有無": "有",
    "URL": "https://sakura.example.jp/",
    "備考": "延長保育あり",
    "郵便番号": "100-0001",
    "メールアドレス": "info@sakura.example.jp",
    "授乳室": "有",
    "病児保育の有無": "無",
}
KINDERGARTEN = {
    "ID": "yochien-002",
    "名称": "ひまわり幼稚園",
    "種別": "私立幼稚園",
    "所在地_連結表記": "みどり市本町3-4-5",
    "緯度": "35.690000",
    "経度": "139.750000",
    "団体名": "（個人立）",
    "受入年齢": "3歳クラスから5歳クラスまで",
    "利用可能曜日": "平日",
    "開始時間": "9:00～14:00",
    "終了時間": "",
}
HALL = {
    "ID": "jidokan-003",
    "名称": "みどり児童館",
    "種別": "児童館",
    "所在地_連結表記": "みどり市北町1-1",
    "団体名": "みどり市",
    "受入年齢": "18歳未満",
    "利用可能曜日": "火、水、木～土曜日",
    "開始時間": "9時30分",
    "終了時間": "17:00:00",
}


def rows_in(
    columns: list[str], rows: list[dict[str, str]], renames: dict[str, str] | None = None
) -> list[list]:
    """The header and rows in ``columns``; ``renames`` maps a current name to the file's own."""
    renames = renames or {}
    back = {v: k for k, v in renames.items()}
    table = [columns]
    for row in rows:
        table.append([row.get(back.get(column, column), "") for column in columns])
    return table


EARLIER_RENAMES = {
    "全国地方公共団体コード": "都道府県コード又は市区町村コード",
    "ID": "NO",
    "所在地_連結表記": "住所",
    "建物名等(方書)": "方書",
    "所在地_都道府県": "都道府県名",
    "所在地_市区町村": "市区町村名",
}


def earlier_table(rows: list[dict[str, str]]) -> list[list]:
    return rows_in(EARLIER_COLUMNS, rows, EARLIER_RENAMES)


def current_table(rows: list[dict[str, str]]) -> list[list]:
    return rows_in(CURRENT_COLUMNS, rows)


def csv_bytes(table: list[list], *, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(table)
    return out.getvalue().encode(encoding)


def xlsx_bytes(table: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
