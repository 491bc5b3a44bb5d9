"""Indicators of the party agencies pillar, registered with core's registry."""

from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, register
from core.indicators.targets import LOCAL


def _day(moment):
    local = moment.astimezone(LOCAL)
    day = local.date()
    return day if local.time() == local.time().min else day.fromordinal(day.toordinal() + 1)


def tasks_on_track(period_start, period_end, commune_code=None):
    from party.selectors import tasks_on_track_rate

    return None if commune_code is not None else tasks_on_track_rate(_day(period_end))


def digital_documents(period_start, period_end, commune_code=None):
    from party.selectors import digital_documents_rate

    return None if commune_code is not None else digital_documents_rate(_day(period_end))


register(
    Indicator(
        code="party.resolution49.tasks_on_track_rate",
        pillar="party",
        name=_("Nhiệm vụ trọng tâm Nghị quyết 49-NQ/TU đúng tiến độ"),
        unit="%",
        compute=tasks_on_track,
        detail_url_name="party:tasks",
        public=True,
        description=_("Nhiệm vụ hoàn thành đúng hạn, hoặc chưa quá hạn và đạt tiến độ dự kiến (sai số 10 điểm)."),
    )
)
register(
    Indicator(
        code="party.documents.digital_rate",
        pillar="party",
        name=_("Văn bản Đảng ban hành điện tử, ký số"),
        unit="%",
        compute=digital_documents,
        detail_url_name="party:documents",
        public=False,
    )
)
