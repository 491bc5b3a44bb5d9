"""Payment providers behind one interface.

A provider turns a pending Payment into what the payer needs to pay (a VietQR code, or a
redirect to the bank's page) and verifies the bank's callback. The portal ships:

- SandboxProvider ("sandbox"): a VietQR code for a test account, and a sandbox bank
  (core.payments.sandbox) that sends the callback a real bank would send, signed with HMAC-SHA256
  of the raw JSON body in the `X-Signature` header (settings.PORTAL_PAYMENT_CALLBACK_SECRET). The
  body carries `timestamp` (Unix seconds) and `nonce` inside what is signed: the service refuses a
  stale timestamp and a nonce already seen (core.payments.models.CallbackNonce).

Only enabled providers are answered at all (`enabled_providers`): the configured one, those listed
in PORTAL_PAYMENT_PROVIDERS_ENABLED, and the sandbox only while PORTAL_PAYMENT_SANDBOX_ENABLED.
- VNPayProvider ("vnpay"): the skeleton of a real gateway of the VNPAY/NAPAS kind — the request
  and IPN shapes below — which refuses to start (ImproperlyConfigured) until its settings are set.
"""

import datetime as dt
import hashlib
import hmac
import json
import re
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext

from core.payments import vietqr


class InvalidCallbackError(Exception):
    """The callback is not authentic or not well formed: answer 4xx, change nothing."""


@dataclass(frozen=True)
class PaymentRequest:
    qr_payload: str = ""
    qr_svg: str = ""
    redirect_url: str = ""
    bank_name: str = ""
    account: str = ""
    account_name: str = ""


@dataclass(frozen=True)
class CallbackData:
    reference: str
    amount: int
    status: str  # "paid" | "failed"
    transaction_id: str
    raw: dict
    timestamp: int  # Unix seconds, as signed by the provider
    nonce: str  # unique per callback the provider sends, as signed


NONCE_RE = re.compile(r"[A-Za-z0-9_.:-]{16,100}")


class PaymentProvider(ABC):
    name: str = ""
    # What the payment page calls this way of paying (e.g. "Ví điện tử"), when offered as an alternative.
    label = ""
    # HTTP method the provider's server uses to call us back.
    callback_method: str = "POST"

    def alternative_url(self, payment) -> str:
        """Where a payer can pay this (pending) payment's object with this provider instead of the
        payment's own: the payment page links to it. "" (the default) offers nothing."""
        return ""

    @abstractmethod
    def create_payment_request(self, payment) -> PaymentRequest:
        """What the payment page shows (QR) or where it sends the payer (redirect_url)."""

    @abstractmethod
    def verify_callback(self, *, body: bytes, headers: Mapping[str, str], params: Mapping[str, str]) -> CallbackData:
        """Authenticate and parse a callback; raise InvalidCallbackError if it is not genuine."""


def _sign(body: bytes) -> str:
    return hmac.new(settings.PORTAL_PAYMENT_CALLBACK_SECRET.encode(), body, hashlib.sha256).hexdigest()


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def create_payment_request(self, payment) -> PaymentRequest:
        bank_bin = getattr(settings, "PORTAL_PAYMENT_SANDBOX_BANK_BIN", "970436")
        account = getattr(settings, "PORTAL_PAYMENT_SANDBOX_ACCOUNT", "0011001234567")
        payload = vietqr.build_payload(
            bank_bin=bank_bin, account=account, amount=payment.amount, reference=payment.reference
        )
        return PaymentRequest(
            qr_payload=payload,
            qr_svg=vietqr.qr_svg(payload),
            bank_name=getattr(settings, "PORTAL_PAYMENT_SANDBOX_BANK_NAME", "")
            or gettext("Ngân hàng thử nghiệm (sandbox)"),
            account=account,
            account_name=getattr(settings, "PORTAL_PAYMENT_SANDBOX_ACCOUNT_NAME", "KHO BAC NHA NUOC LANG SON"),
        )

    @staticmethod
    def sign(body: bytes) -> str:
        return _sign(body)

    def verify_callback(self, *, body: bytes, headers: Mapping[str, str], params: Mapping[str, str]) -> CallbackData:
        signature = headers.get("X-Signature", "")
        # compare_digest: no timing oracle on the signature.
        if not signature or not hmac.compare_digest(signature.lower(), _sign(body)):
            raise InvalidCallbackError("bad signature")
        try:
            data = json.loads(body)
            reference = str(data["reference"])
            amount = data["amount"]
            status = data["status"]
            transaction_id = str(data.get("transaction_id", ""))[:100]
            timestamp = data["timestamp"]
            nonce = data["nonce"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidCallbackError("malformed body") from exc
        if not isinstance(amount, int) or isinstance(amount, bool) or status not in {"paid", "failed"}:
            raise InvalidCallbackError("malformed body")
        if not isinstance(timestamp, int) or isinstance(timestamp, bool) or not (0 < timestamp < 2**40):
            raise InvalidCallbackError("malformed timestamp")
        if not isinstance(nonce, str) or not NONCE_RE.fullmatch(nonce):
            raise InvalidCallbackError("malformed nonce")
        return CallbackData(
            reference=reference,
            amount=amount,
            status=status,
            transaction_id=transaction_id,
            raw=data,
            timestamp=timestamp,
            nonce=nonce,
        )


class VNPayProvider(PaymentProvider):
    """Skeleton of a VNPAY-style redirect gateway (not exercised here: no gateway reachable).

    Settings: PORTAL_VNPAY_TMN_CODE (merchant code), PORTAL_VNPAY_HASH_SECRET, PORTAL_VNPAY_PAYMENT_URL
    (e.g. https://pay.vnpay.vn/vpcpay.html), and SITE_URL for the return URL.

    - create_payment_request: a redirect to PAYMENT_URL with the vnp_* parameters (Version 2.1.0,
      Command=pay, Amount in VND × 100, CurrCode=VND, TxnRef=our reference, OrderInfo, ReturnUrl,
      CreateDate/ExpireDate in GMT+7 as yyyyMMddHHmmss, IpAddr), sorted by key and URL-encoded, then
      vnp_SecureHash = HMAC-SHA512(hash secret, that query string).
    - verify_callback: the IPN arrives as GET with the same vnp_* parameters; recompute the hash
      over the sorted parameters without vnp_SecureHash/vnp_SecureHashType; vnp_ResponseCode "00"
      with vnp_TransactionStatus "00" means paid. The gateway expects a JSON answer
      {"RspCode": "00", "Message": "Confirm Success"}; mapping our answers to its codes is the
      remaining work when a contract with the gateway exists.
    """

    name = "vnpay"
    callback_method = "GET"

    def __init__(self):
        self.tmn_code = getattr(settings, "PORTAL_VNPAY_TMN_CODE", "")
        self.secret = getattr(settings, "PORTAL_VNPAY_HASH_SECRET", "")
        self.payment_url = getattr(settings, "PORTAL_VNPAY_PAYMENT_URL", "")
        if not (self.tmn_code and self.secret and self.payment_url.startswith("https://")):
            raise ImproperlyConfigured(
                "VNPayProvider needs PORTAL_VNPAY_TMN_CODE, PORTAL_VNPAY_HASH_SECRET and PORTAL_VNPAY_PAYMENT_URL"
            )

    def _hash(self, params: Mapping[str, str]) -> str:
        query = urllib.parse.urlencode(sorted(params.items()))
        return hmac.new(self.secret.encode(), query.encode(), hashlib.sha512).hexdigest()

    def create_payment_request(self, payment) -> PaymentRequest:
        local = timezone.localtime
        params = {
            "vnp_Version": "2.1.0",
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": payment.description[:255],
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": settings.SITE_URL + payment.get_absolute_url(),
            "vnp_CreateDate": local(payment.created_at).strftime("%Y%m%d%H%M%S"),
            "vnp_ExpireDate": local(payment.expires_at).strftime("%Y%m%d%H%M%S"),
            "vnp_IpAddr": "127.0.0.1",
        }
        params["vnp_SecureHash"] = self._hash(params)
        return PaymentRequest(redirect_url=f"{self.payment_url}?{urllib.parse.urlencode(params)}")

    def verify_callback(self, *, body: bytes, headers: Mapping[str, str], params: Mapping[str, str]) -> CallbackData:
        fields = {k: v for k, v in params.items() if k.startswith("vnp_")}
        received = fields.pop("vnp_SecureHash", "")
        fields.pop("vnp_SecureHashType", None)
        if not received or not hmac.compare_digest(received.lower(), self._hash(fields)):
            raise InvalidCallbackError("bad signature")
        try:
            amount = int(fields["vnp_Amount"]) // 100
            paid = fields.get("vnp_ResponseCode") == "00" and fields.get("vnp_TransactionStatus") == "00"
            # vnp_PayDate (GMT+7) is inside the hash; the gateway's transaction number, with our
            # reference, names one notification. A gateway retry of the same notification is then
            # answered as a replay: its first delivery was applied (answer mapping: see above).
            paid_at = dt.datetime.strptime(fields["vnp_PayDate"], "%Y%m%d%H%M%S").replace(
                tzinfo=dt.timezone(dt.timedelta(hours=7))
            )
            return CallbackData(
                reference=fields["vnp_TxnRef"],
                amount=amount,
                status="paid" if paid else "failed",
                transaction_id=fields.get("vnp_TransactionNo", ""),
                raw=fields,
                timestamp=int(paid_at.timestamp()),
                nonce=f"{fields['vnp_TxnRef']}:{fields['vnp_TransactionNo']}:{fields.get('vnp_ResponseCode', '')}",
            )
        except (KeyError, ValueError) as exc:
            raise InvalidCallbackError("malformed parameters") from exc


PROVIDERS: dict[str, type[PaymentProvider]] = {"sandbox": SandboxProvider, "vnpay": VNPayProvider}


def register_provider(cls: type[PaymentProvider]) -> type[PaymentProvider]:
    """Add a provider shipped by an app (core imports no pillar: the app registers its provider in
    its AppConfig.ready()). It is answered only once enabled (PORTAL_PAYMENT_PROVIDERS_ENABLED)."""
    if not cls.name or not re.fullmatch(r"[a-z0-9_]+", cls.name):
        raise ImproperlyConfigured(f"payment provider name {cls.name!r} must be lowercase letters, digits, _")
    existing = PROVIDERS.get(cls.name)
    if existing is not None and existing is not cls:
        raise ImproperlyConfigured(f"payment provider {cls.name!r} is already registered")
    PROVIDERS[cls.name] = cls
    return cls


def sandbox_enabled() -> bool:
    return bool(getattr(settings, "PORTAL_PAYMENT_SANDBOX_ENABLED", not settings.PRODUCTION))


def enabled_providers() -> frozenset[str]:
    """Providers whose callbacks are answered: the configured one and PORTAL_PAYMENT_PROVIDERS_ENABLED,
    never the sandbox while it is off (its endpoint then does not exist)."""
    names = {settings.PORTAL_PAYMENT_PROVIDER, *getattr(settings, "PORTAL_PAYMENT_PROVIDERS_ENABLED", [])}
    if not sandbox_enabled():
        names.discard("sandbox")
    return frozenset(n for n in names if n in PROVIDERS)


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider by name (default settings.PORTAL_PAYMENT_PROVIDER). Unknown → LookupError."""
    name = name or settings.PORTAL_PAYMENT_PROVIDER
    try:
        cls = PROVIDERS[name]
    except KeyError:
        raise LookupError(f"unknown payment provider {name!r}") from None
    return cls()
