"""What the kept signing-certificate-v2 attribute saves per signature (ADR 1003).

Signs the same one-page PDF with two signers that differ only in that one override: the portal's
`core.signing.crypto.kept_key_signer` (the attribute built once per certificate) and the same signer
class with pyHanko's own `_signed_attr_providers` (the attribute built on every signature). Rounds
alternate between the two; each signature's CPU time (`time.process_time`, this process only, so
other processes on the machine count less than in wall time) is recorded. No database: the CA and
the certificate are made in memory.

Usage: python bench/society/signed_attr.py [--signatures 200] [--rounds 3]
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from io import BytesIO

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")

import django

django.setup()

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402

from core.pdf import render_pdf  # noqa: E402
from core.signing import crypto  # noqa: E402


def _signers():
    now = dt.datetime.now(dt.UTC)
    ca_key, key = crypto.new_key(), crypto.new_key()
    ca = crypto.make_ca_certificate(ca_key, common_name="Bench CA", organization="Bench", now=now)
    cert = crypto.make_signing_certificate(
        key, ca_cert=ca, ca_key=ca_key, common_name="Giáo viên chủ nhiệm", organization="Trường", now=now
    )
    kept = crypto.kept_key_signer(
        certificate_pem=crypto.cert_pem(cert),
        encrypted_key_pem=crypto.encrypt_key(key),
        ca_pem=crypto.cert_pem(ca),
        fingerprint=crypto.fingerprint(cert),
    )

    class PyhankoAttribute(type(kept)):
        """The same signer (kept key) with pyHanko's own attribute providers."""

        def _signed_attr_providers(self, *args, **kwargs):
            return signers.SimpleSigner._signed_attr_providers(self, *args, **kwargs)

    plain = PyhankoAttribute(
        signing_cert=kept.signing_cert, signing_key=kept.signing_key, cert_registry=kept.cert_registry
    )
    return {"kept": kept, "pyhanko": plain}


def _sign(pdf: bytes, signer) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="Sig", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    return crypto.run_sync(signers.PdfSigner(meta, signer).sign_pdf, writer, bytes_reserved=8192).getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pdf = render_pdf("core/pdf/document.html", {"title": "Học bạ", "paragraphs": ["Kết quả học tập."]})
    chosen = _signers()
    for signer in chosen.values():  # warm: imports, first-use caches
        _sign(pdf, signer)
    results = {name: [] for name in chosen}
    for round_no in range(1, args.rounds + 1):
        for name, signer in chosen.items():
            started = time.process_time()
            for _i in range(args.signatures):
                _sign(pdf, signer)
            ms = (time.process_time() - started) * 1000 / args.signatures
            results[name].append(ms)
            print(json.dumps({"round": round_no, "signer": name, "cpu_ms_per_signature": round(ms, 2)}), flush=True)
    kept, plain = statistics.median(results["kept"]), statistics.median(results["pyhanko"])
    print(
        json.dumps(
            {
                "median_cpu_ms_kept": round(kept, 2),
                "median_cpu_ms_pyhanko": round(plain, 2),
                "ratio": round(plain / kept, 2),
                "signatures_per_round": args.signatures,
                "rounds": args.rounds,
            }
        )
    )


if __name__ == "__main__":
    main()
