"""Indicators of the party agencies pillar, registered with core's registry: the rollup of the
resolution tasks (on track, late, done) and the read receipts of distributed documents. Stock
indicators: the state at the start of the period's end day, each task as of its last report."""

from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, day_after, register


def _province_only(selector_name):
    def compute(period_start, period_end, commune_code=None):
        from party.selectors import resolutions as tasks

        return None if commune_code is not None else getattr(tasks, selector_name)(day_after(period_end))

    return compute


def _late_compute(period_start, period_end, commune_code=None):
    from party.selectors import resolutions as tasks

    day = day_after(period_end)
    if commune_code is None:
        return tasks.tasks_late_count(day)
    return tasks.tasks_late_by_commune(day).get(commune_code)


def _late_by_commune(period_start, period_end):
    from party.selectors import resolutions as tasks

    return tasks.tasks_late_by_commune(day_after(period_end))


register(
    Indicator(
        code="party.resolution49.tasks_on_track_rate",
        pillar="party",
        name=_("Nhiệm vụ trọng tâm Nghị quyết 49-NQ/TU đúng tiến độ"),
        unit="%",
        compute=_province_only("tasks_on_track_rate"),
        detail_url_name="party:tasks",
        public=True,
        description=_("Nhiệm vụ hoàn thành đúng hạn, hoặc chưa quá hạn và đạt tiến độ dự kiến (sai số 10 điểm)."),
    )
)
register(
    Indicator(
        code="party.tasks.late_count",
        pillar="party",
        name=_("Nhiệm vụ trọng tâm chậm tiến độ"),
        unit=_("nhiệm vụ"),
        compute=_late_compute,
        by_commune=True,
        compute_by_commune=_late_by_commune,
        higher_is_better=False,
        detail_url_name="party:task-rollup",
        public=False,
        description=_("Theo báo cáo tiến độ của cơ quan chủ trì; theo xã: nhiệm vụ do UBND, Đảng ủy xã chủ trì."),
    )
)
register(
    Indicator(
        code="party.tasks.done_rate",
        pillar="party",
        name=_("Nhiệm vụ trọng tâm đã hoàn thành"),
        unit="%",
        compute=_province_only("tasks_done_rate"),
        detail_url_name="party:task-rollup",
        public=True,
    )
)
register(
    Indicator(
        code="party.documents.digital_rate",
        pillar="party",
        name=_("Văn bản Đảng ban hành điện tử, ký số"),
        unit="%",
        compute=_province_only("digital_documents_rate"),
        detail_url_name="party:documents",
        public=False,
    )
)
register(
    Indicator(
        code="party.documents.unread_count",
        pillar="party",
        name=_("Văn bản Đảng chưa được nơi nhận xác nhận đã đọc"),
        unit=_("lượt nhận"),
        compute=_province_only("unread_distributions_count"),
        higher_is_better=False,
        detail_url_name="party:documents",
        public=False,
    )
)
