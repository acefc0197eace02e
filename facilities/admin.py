from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from facilities.models import (
    Area,
    Category,
    CategoryLabel,
    ColumnMapping,
    ImportBatch,
    Location,
    Organization,
    Service,
    Situation,
    SpecialHours,
    Synonym,
    TownArea,
    WeeklyHours,
)
from facilities.search import match_query, query_words


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "name_kana", "code", "order"]
    list_editable = ["order"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "order"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "name_kana"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "address"]
    list_filter = ["area"]
    search_fields = ["name", "name_kana", "address"]


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


class SpecialHoursInline(admin.TabularInline):
    model = SpecialHours
    extra = 0
    ordering = ["-date"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """サービスの管理 (city staff). Search uses the portal's own Japanese matching, so staff find an
    entry the way parents do (かな, カナ, 半角)."""

    list_display = ["name", "name_kana", "category", "location_area", "status", "published", "last_checked"]
    list_filter = [
        "status",
        "published",
        "category",
        "location__area",
        "bookable_online",
        "is_free",
        "closed_on_holidays",
    ]
    search_fields = ["name", "name_kana", "description", "source_id"]
    search_help_text = _("名称・よみ・説明で検索（ひらがな・カタカナ・半角でも可）")
    list_select_related = ["category", "organization", "location__area"]
    autocomplete_fields = ["organization", "location", "category"]
    date_hierarchy = "last_checked"
    actions = ["mark_checked_today", "retire"]
    inlines = [WeeklyHoursInline, SpecialHoursInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "name_kana",
                    "category",
                    "organization",
                    "location",
                    "description",
                    "source_id",
                ]
            },
        ),
        (_("英語の表示"), {"fields": ["name_en", "description_en"], "classes": ["collapse"]}),
        (_("対象"), {"fields": ["min_age_months", "max_age_months", "for_pregnant", "residents_only"]}),
        (
            _("費用・使いかた"),
            {"fields": ["is_free", "fee", "bookable_online", "walk_in", "phone", "email", "url"]},
        ),
        (_("状態"), {"fields": ["status", "published", "closed_on_holidays", "last_checked"]}),
        (
            _("施設一覧（オープンデータ）の項目"),
            {"fields": ["age_text", "capacity", "hours_notes", "remarks", "open_data"]},
        ),
    ]

    @admin.display(description=_("地区"), ordering="location__area__order")
    def location_area(self, obj: Service) -> str:
        return obj.location.area.name

    def get_search_results(self, request, queryset, search_term):
        if not query_words(search_term):
            return queryset, False
        return queryset.filter(pk__in=match_query(Service.objects.all(), search_term).values("pk")), False

    @admin.action(description=_("情報確認日をきょうにする"))
    def mark_checked_today(self, request, queryset):
        from django.utils import timezone

        for service in queryset:
            service.last_checked = timezone.localdate()
            service.save(update_fields=["last_checked"])

    @admin.action(description=_("終了にする（保護者の画面から外す）"))
    def retire(self, request, queryset):
        for service in queryset:
            service.status = Service.Status.ENDED
            service.save(update_fields=["status"])


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion", "two_way"]
    list_editable = ["expansion", "two_way"]
    list_display_links = ["term"]
    search_fields = ["term", "expansion", "term_normalized", "expansion_normalized"]
    list_filter = ["two_way"]


@admin.register(Situation)
class SituationAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "nights_weekends", "pregnant"]
    list_editable = ["order"]
    search_fields = ["title", "words", "keywords"]
    filter_horizontal = ["categories"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(CategoryLabel)
class CategoryLabelAdmin(admin.ModelAdmin):
    """種別の読み替え used by 一括登録 (facilities.importing)."""

    list_display = ["label", "category"]
    list_filter = ["category"]
    search_fields = ["label", "label_normalized"]


@admin.register(TownArea)
class TownAreaAdmin(admin.ModelAdmin):
    """町字 → 地区 used by 一括登録 to place an address in a district."""

    list_display = ["town", "area"]
    list_filter = ["area"]
    search_fields = ["town"]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
    readonly_fields = ["header"]
    exclude = ["header_key"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_by", "status", "total_rows", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["filename", "created_by", "status", "total_rows", "report", "message", "finished_at"]
    exclude = ["mapping"]

    def has_add_permission(self, request) -> bool:
        return False
