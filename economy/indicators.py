"""Indicators of the digital economy pillar, registered with core's registry (stock indicators: the
state at the start of the period's end day, per the registry's compute contract)."""

from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, day_after, from_by_commune, register, share_indicator


def _counts(fn):
    def by_commune(period_start, period_end):
        from economy import selectors

        return getattr(selectors, fn)(day_after(period_end))

    return by_commune


def _share_of_households(fn):
    def parts(period_start, period_end):
        from economy import selectors

        day = day_after(period_end)
        return getattr(selectors, fn)(day), selectors.households_by_commune(day)

    return share_indicator(parts)


# Honest measures (issue 13): households of the register whose shop sold, whose e-payment account
# was used, in the 30 days before the day; not shops or accounts merely registered.
_shop_share, _shop_share_by_commune = _share_of_households("selling_households_by_commune")
_account_share, _account_share_by_commune = _share_of_households("paying_households_by_commune")

register(
    Indicator(
        code="economy.households.digital_shop_share",
        pillar="economy",
        name=_("Tỷ lệ hộ gia đình có cửa hàng số bán được hàng"),
        unit="%",
        compute=_shop_share,
        by_commune=True,
        compute_by_commune=_shop_share_by_commune,
        detail_url_name="economy:communes",
        public=True,
        description=_("Hộ có cửa hàng số bán được hàng trong 30 ngày / số hộ trong sổ hộ của xã."),
    )
)
register(
    Indicator(
        code="economy.households.epayment_share",
        pillar="economy",
        name=_("Tỷ lệ hộ gia đình dùng tài khoản thanh toán điện tử"),
        unit="%",
        compute=_account_share,
        by_commune=True,
        compute_by_commune=_account_share_by_commune,
        detail_url_name="economy:communes",
        public=True,
        description=_(
            "Hộ có tài khoản ngân hàng, ví điện tử hoặc Mobile Money có giao dịch trong 30 ngày / số hộ trong sổ hộ."
        ),
    )
)
# Counts per commune, summed for the province.
for code, fn, name, url in [
    # A shop is active when it sold in the last 30 days (issue 13), an account when it was used.
    (
        "economy.digital_shops.active",
        "selling_shops_by_commune",
        _("Cửa hàng số bán được hàng trong 30 ngày"),
        "economy:shops",
    ),
    (
        "economy.epayment_accounts.count",
        "used_accounts_by_commune",
        _("Tài khoản thanh toán điện tử có giao dịch trong 30 ngày"),
        "economy:communes",
    ),
    ("economy.soft_atm.agents", "agents_by_commune", _("Điểm ATM mềm"), "economy:agents"),
]:
    by_commune = _counts(fn)
    register(
        Indicator(
            code=code,
            pillar="economy",
            name=name,
            unit=_("cửa hàng") if "shops" in code else _("tài khoản") if "accounts" in code else _("điểm"),
            compute=from_by_commune(by_commune),
            by_commune=True,
            compute_by_commune=by_commune,
            detail_url_name=url,
            public=True,
        )
    )
