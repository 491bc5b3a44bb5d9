from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core import ratelimit
from core.signing.forms import VerifyCodeForm, VerifyUploadForm
from core.signing.selectors import signed_document_by_code, signing_ca_active
from core.signing.verification import verify_pdf


@never_cache
@require_GET
def verify_document(request, code: str):
    """Public (no login): re-validates the stored signed PDF and shows who signed it, when, and its hash."""
    document = signed_document_by_code(code)
    if document is None:
        raise Http404
    if not _verification_allowed(request):
        return render(request, "signing/upload.html", _limited_context(), status=429)
    with document.file.open("rb") as fh:
        data = fh.read()
    result = verify_pdf(data)
    context = {
        "document": document,
        "result": result,
        "hash_matches": result.sha256 == document.sha256,
        "upload_form": VerifyUploadForm(),
    }
    return render(request, "signing/verify.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def verify_upload(request):
    """Public: check a PDF copy someone received (uploaded, validated, not stored), or look up a code."""
    upload_form = VerifyUploadForm()
    code_form = VerifyCodeForm()
    result = None
    if request.method == "POST" and "code" in request.POST:
        code_form = VerifyCodeForm(request.POST)
        if code_form.is_valid():
            document = signed_document_by_code(code_form.cleaned_data["code"])
            if document is not None:
                return redirect(document.get_verification_url())
            code_form.add_error("code", _("Không tìm thấy văn bản với mã kiểm tra này."))
    elif request.method == "POST":
        upload_form = VerifyUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            if not _verification_allowed(request):
                upload_form.add_error(None, _limited_message())
                return render(
                    request, "signing/upload.html", {"upload_form": upload_form, "code_form": code_form}, status=429
                )
            result = verify_pdf(upload_form.cleaned_data["file"].read())
    return render(
        request, "signing/upload.html", {"upload_form": upload_form, "code_form": code_form, "result": result}
    )


def _verification_allowed(request) -> bool:
    """Each verification validates every signature's certificate chain: counted per client address."""
    return ratelimit.allow(request, "signing-verify", limit=settings.PORTAL_VERIFY_RATE_PER_HOUR, window_seconds=3600)


def _limited_message() -> str:
    return _("Bạn đã kiểm tra quá nhiều văn bản trong một giờ, vui lòng thử lại sau.")


def _limited_context() -> dict:
    form = VerifyUploadForm()
    form.add_error(None, _limited_message())
    return {"upload_form": form, "code_form": VerifyCodeForm(), "result": None}


@require_GET
def ca_certificate(request):
    """The provincial CA certificate (PEM), to add as a trusted root in a PDF reader. A GET never
    writes: the CA is created by provisioning (core/signing/reference.py) or the first signing, so
    before either there is nothing to download."""
    ca = signing_ca_active()
    if ca is None:
        raise Http404
    response = HttpResponse(ca.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="lang-son-test-ca.pem"'
    return response
