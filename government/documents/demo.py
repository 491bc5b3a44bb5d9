"""Demo data of documents and direction, and of meetings (core.demo registry): at the Provincial
People's Committee a clerk and a specialist beside the demo province leader, a clerk at the demo
commune; incoming documents registered and assigned, an outgoing decision signed, numbered, issued
and delivered to the commune (signature checked), a task, and tomorrow's meeting. Idempotent: the
documents are made once, when the province's books are empty."""

import datetime as dt

from django.utils import timezone

from core.demo import register

CLERK_EMAIL = "vanthu@demo.langson.vn"
SPECIALIST_EMAIL = "chuyenvien@demo.langson.vn"
COMMUNE_CLERK_EMAIL = "vanthu.xa@demo.langson.vn"


def _account(email, full_name, agency, role_names, log):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from core.users.demo import DEMO_PASSWORD
    from core.users.models import User

    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, "agency": agency})
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.set([Group.objects.get(name=name) for name in role_names])
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if created:
        log(f"demo account {email} ({', '.join(role_names)}, {agency.code})")
    return user


def _pdf(upload_name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.pdf import render_pdf

    return SimpleUploadedFile(upload_name, render_pdf("government/pdf/demo_attachment.html", {"name": text}))


@register("documents", order=70)
def seed(*, scale: str, log=print) -> None:
    from core.agencies.models import Agency
    from core.users import roles
    from core.users.demo import COMMUNE_CODE
    from core.users.models import User
    from government.documents import services
    from government.documents.models import Document

    province = Agency.objects.get(code="ubnd-tinh")
    commune = Agency.objects.get(code=f"ubnd-xa-{COMMUNE_CODE}")
    clerk = _account(CLERK_EMAIL, "Nông Thị Văn", province, [roles.DEPARTMENT_OFFICIAL, roles.DOCUMENT_CLERK], log)
    specialist = _account(SPECIALIST_EMAIL, "Hoàng Văn Chuyên", province, [roles.DEPARTMENT_OFFICIAL], log)
    _account(COMMUNE_CLERK_EMAIL, "Lộc Thị Thư", commune, [roles.COMMUNE_OFFICIAL, roles.DOCUMENT_CLERK], log)
    leader = User.objects.filter(email="lanhdao@demo.langson.vn", agency=province).first()
    if leader is None or Document.objects.filter(agency=province).exists():
        return
    today = timezone.localdate()
    first = services.document_register(
        actor=clerk,
        doc_type="CV",
        number_symbol="4521/VPCP-KSTT",
        issued_on=today - dt.timedelta(days=3),
        issuing_body="Văn phòng Chính phủ",
        abstract="Về việc đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình",
        urgency="urgent",
        main_file=_pdf("4521-vpcp.pdf", "Công văn 4521/VPCP-KSTT"),
    )
    services.document_assign(
        document=first,
        actor=leader,
        handler_id=specialist.pk,
        handling_unit="Phòng Kiểm soát thủ tục hành chính",
        deadline=today + dt.timedelta(days=5),
        direction_note="Giao Phòng KSTTHC chủ trì, tham mưu văn bản chỉ đạo các sở, ngành và UBND cấp xã.",
    )
    services.task_assign(
        actor=leader,
        assignee_id=specialist.pk,
        title="Tổng hợp tỷ lệ hồ sơ trực tuyến toàn trình của các xã",
        deadline=today + dt.timedelta(days=4),
        document=first,
    )
    services.document_register(
        actor=clerk,
        doc_type="KH",
        number_symbol="215/KH-SKHCN",
        issued_on=today - dt.timedelta(days=1),
        issuing_body="Sở Khoa học và Công nghệ",
        abstract="Kế hoạch chuyển đổi số năm 2027 trên địa bàn tỉnh Lạng Sơn",
        main_file=_pdf("215-skhcn.pdf", "Kế hoạch 215/KH-SKHCN"),
    )
    draft = services.outgoing_create(
        actor=specialist,
        doc_type="QĐ",
        abstract="Quyết định ban hành danh mục dữ liệu mở của tỉnh năm 2027",
        recipients=[commune],
        main_file=_pdf("du-thao-qd.pdf", "Dự thảo quyết định danh mục dữ liệu mở"),
    )
    services.outgoing_submit(document=draft, actor=specialist, reviewer_id=clerk.pk, signer_id=leader.pk)
    services.outgoing_approve(document=draft, actor=clerk)
    services.outgoing_sign(document=draft, actor=leader)
    issued = services.outgoing_issue(document=draft, actor=clerk)
    for arrived in Document.objects.filter(source=issued):
        services.incoming_check_signature(document_id=arrived.pk)
    log(f"documents: 2 incoming at {province.code}, {issued.number_symbol} issued and delivered to {commune.code}")
    _meeting(leader, specialist, clerk, log)


def _meeting(leader, specialist, clerk, log) -> None:
    from core.users.models import User
    from government.meetings import services

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(8, 0)))
    others = list(
        User.objects.filter(email__in=["canbo.so@demo.langson.vn", "canbo.xa@demo.langson.vn"]).values_list(
            "email", flat=True
        )
    )
    services.meeting_create(
        actor=clerk,
        title="Giao ban chuyển đổi số tháng",
        agenda="1. Kết quả dịch vụ công trực tuyến toàn trình\n2. Kế hoạch chuyển đổi số năm 2027\n3. Giao nhiệm vụ",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        location="Phòng họp số 1, UBND tỉnh",
        video_url="https://meet.jit.si/LangSon-giao-ban-demo",
        chair_id=leader.pk,
        participant_emails=[specialist.email, *others],
    )
    log("meetings: tomorrow's briefing scheduled")
