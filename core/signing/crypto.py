"""X.509 plumbing of the provincial test CA (cryptography): keys, certificates, PEM in and out.

EC P-256 keys: accepted by PAdES validators, and generated in milliseconds (an RSA-2048 key takes
~100 ms per agency and person for no benefit here)."""

import hashlib
from datetime import datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings


def _passphrase() -> bytes:
    return settings.PORTAL_SIGNING_KEY_PASSPHRASE.encode()


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def encrypt_key(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    ).decode()


def decrypt_key(pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=_passphrase())


def name(common_name: str, organization: str = "") -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Lạng Sơn"),
    ]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attrs)


def make_ca_certificate(
    key, *, common_name: str, organization: str, now: datetime, years: int = 10
) -> x509.Certificate:
    subject = name(common_name, organization)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def make_signing_certificate(
    key, *, ca_cert: x509.Certificate, ca_key, common_name: str, organization: str, now: datetime, years: int = 3
) -> x509.Certificate:
    public = key.public_key()
    not_after = min(now + timedelta(days=365 * years), ca_cert.not_valid_after_utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name(common_name, organization))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: what PAdES validators expect of a signer
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_cert(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def asn1_cert(pem: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(load_cert(pem).public_bytes(serialization.Encoding.DER))


def asn1_private_key(encrypted_pem: str) -> asn1_keys.PrivateKeyInfo:
    der = decrypt_key(encrypted_pem).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def run_sync(func, /, *args, **kwargs):
    """Call one of pyHanko's synchronous entry points, which run `asyncio.run()` inside. When this
    thread already runs an event loop (an async view, or Playwright's sync API in a browser test),
    asyncio.run() refuses, so the call goes to a short-lived thread. Only pure PDF work is passed
    here: no database access happens in that thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


# --- Signers that keep their loaded key --------------------------------------------------------------
# pyHanko's SimpleSigner re-parses its private key from DER on every signature (STACK-NOTES, "Signing
# and PDFs at volume"). A batch signs thousands of documents with one certificate, so the decrypted
# key object is kept per certificate, in this process only (never written anywhere).
#
# The signer also overrides pyHanko's internal `_signed_attr_providers` (ADR 1003: measured gain,
# guards, when to revisit). It was checked against this pyHanko release; tests/core/test_pyhanko_guard.py
# fails when another one is installed or pinned, until someone re-checks the override and moves this.
PYHANKO_CHECKED = "0.38.0"

_SIGNERS: dict[str, object] = {}
_SIGNERS_MAX = 256


def kept_key_signer(*, certificate_pem: str, encrypted_key_pem: str, ca_pem: str, fingerprint: str):
    """A pyHanko signer for one certificate whose private key is decrypted and parsed once per process."""
    signer = _SIGNERS.get(fingerprint)
    if signer is not None:
        return signer
    from asn1crypto import cms
    from pyhanko.sign import signers
    from pyhanko.sign.attributes import SigningCertificateV2Provider
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = decrypt_key(encrypted_key_pem)

    class KeptSigningCertificateV2(SigningCertificateV2Provider):
        """The signing-certificate-v2 attribute (RFC 5035: the hash, issuer and serial number of
        the signer's certificate) is the same in every signature by one certificate. pyHanko builds
        it anew each time as a constructed asn1crypto tree, which asn1crypto re-serialises every
        time a parent is encoded: ~90 % of a signature's CPU (bench/society, docs/benchmarks.md).
        Built once, kept as DER, handed out as a freshly parsed (unmodified, cheap to encode) copy."""

        _der: bytes | None = None

        async def get_attribute(self, dry_run=False):
            if KeptSigningCertificateV2._der is None:
                KeptSigningCertificateV2._der = (await super().get_attribute(dry_run=dry_run)).dump()
            return cms.CMSAttribute.load(KeptSigningCertificateV2._der)

    class KeptKeySigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
            return super().sign_raw(data, digest_algorithm)  # other key types: pyHanko's own path

        def _signed_attr_providers(self, *args, **kwargs):
            # pyHanko's own providers (content type and message digest are added by pyHanko
            # itself), with the signing-certificate attribute swapped for the kept one.
            for provider in super()._signed_attr_providers(*args, **kwargs):
                if type(provider) is SigningCertificateV2Provider and provider.signing_cert is self.signing_cert:
                    yield KeptSigningCertificateV2(self.signing_cert)
                else:
                    yield provider

    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    signer = KeptKeySigner(
        signing_cert=asn1_cert(certificate_pem),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert(ca_pem)]),
    )
    if len(_SIGNERS) >= _SIGNERS_MAX:
        _SIGNERS.clear()
    _SIGNERS[fingerprint] = signer
    return signer
