"""Guards of the transcript signer's override of pyHanko internals (ADR 1003).

`core.signing.crypto.kept_key_signer` replaces, in pyHanko's internal `_signed_attr_providers`, the
signing-certificate-v2 provider by one that builds the attribute once per certificate. These tests
fail loudly when pyHanko changes under it: another release installed or pinned, the internal method
gone or no longer yielding the provider it swaps, or an attribute that is not pyHanko's own."""

import datetime as dt
import importlib.metadata
import re
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from core.pdf import render_pdf
from core.signing import crypto

ROOT = Path(__file__).resolve().parents[2]


def test_pyhanko_is_the_release_the_override_was_checked_against():
    pinned = re.search(r"^pyhanko==(\S+)", (ROOT / "requirements.txt").read_text(), re.MULTILINE).group(1)
    installed = importlib.metadata.version("pyhanko")
    assert installed == pinned == crypto.PYHANKO_CHECKED, (
        f"pyHanko {installed} installed, {pinned} pinned, the signer's override of pyHanko's internal "
        f"_signed_attr_providers checked against {crypto.PYHANKO_CHECKED}: re-check it as ADR 1003 says "
        "(or drop it), then update core.signing.crypto.PYHANKO_CHECKED"
    )


@pytest.fixture(scope="module")
def kept_signer():
    now = dt.datetime.now(dt.UTC)
    ca_key, key = crypto.new_key(), crypto.new_key()
    ca = crypto.make_ca_certificate(ca_key, common_name="Guard CA", organization="Guard", now=now)
    cert = crypto.make_signing_certificate(
        key, ca_cert=ca, ca_key=ca_key, common_name="Người ký", organization="Trường", now=now
    )
    return crypto.kept_key_signer(
        certificate_pem=crypto.cert_pem(cert),
        encrypted_key_pem=crypto.encrypt_key(key),
        ca_pem=crypto.cert_pem(ca),
        fingerprint=crypto.fingerprint(cert),
    )


def test_the_override_swaps_exactly_pyhankos_signing_certificate_provider(kept_signer):
    args = {"data_digest": bytes(32), "digest_algorithm": "sha256", "attr_settings": PdfCMSSignedAttributes()}
    ours = list(kept_signer._signed_attr_providers(**args))
    theirs = list(signers.SimpleSigner._signed_attr_providers(kept_signer, **args))
    assert [type(p) for p in theirs].count(SigningCertificateV2Provider) == 1
    assert len(ours) == len(theirs)
    swapped = [(a, b) for a, b in zip(ours, theirs, strict=True) if type(a) is not type(b)]
    assert len(swapped) == 1
    kept, original = swapped[0]
    assert type(original) is SigningCertificateV2Provider and isinstance(kept, SigningCertificateV2Provider)


def _signing_certificate_attribute(pdf: bytes):
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    signed_attrs = signature.signer_info["signed_attrs"]
    assert isinstance(signature.signer_info, cms.SignerInfo)
    return next(a["values"][0] for a in signed_attrs if a["type"].native == "signing_certificate_v2")


def test_every_signature_carries_pyhankos_own_attribute(kept_signer):
    pdf = render_pdf("core/pdf/document.html", {"title": "Học bạ", "paragraphs": ["Kết quả học tập."]})
    expected = as_signing_certificate_v2(kept_signer.signing_cert).dump()
    for _attempt in range(2):  # the first signature builds the kept attribute, the second reuses it
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES)
        signed = crypto.run_sync(signers.PdfSigner(meta, kept_signer).sign_pdf, writer).getvalue()
        assert _signing_certificate_attribute(signed).dump() == expected
