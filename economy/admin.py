from django.contrib import admin

from economy.models import (
    AgentStaff,
    BankSupervisor,
    CommissionRule,
    CommuneHouseholds,
    DigitalShop,
    EpaymentAccount,
    EpaymentMonthlyUse,
    Household,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LimitRule,
    Reconciliation,
    ShopMonthlySales,
    ShopProduct,
    SoftAtmAgent,
    Wallet,
)


@admin.register(CommuneHouseholds)
class CommuneHouseholdsAdmin(admin.ModelAdmin):
    list_display = ["commune", "year", "households", "source"]
    list_filter = ["year"]
    search_fields = ["commune__name"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["code", "head_name", "village", "commune", "registered_on"]
    search_fields = ["code", "head_name"]
    list_select_related = ["commune"]
    raw_id_fields = ["commune"]


@admin.register(EpaymentMonthlyUse)
class EpaymentMonthlyUseAdmin(admin.ModelAdmin):
    list_display = ["account", "month", "transactions", "recorded_at"]
    list_filter = ["month"]
    raw_id_fields = ["account"]


@admin.register(DigitalShop)
class DigitalShopAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "platform", "registered_on", "status"]
    list_filter = ["platform", "status"]
    search_fields = ["name", "products"]
    list_select_related = ["commune"]
    raw_id_fields = ["household"]
    # status moves only through economy.services (audited)
    readonly_fields = ["status", "closed_on"]


@admin.register(EpaymentAccount)
class EpaymentAccountAdmin(admin.ModelAdmin):
    list_display = ["commune", "kind", "provider", "opened_on", "closed_on"]
    list_filter = ["kind"]
    list_select_related = ["commune"]
    raw_id_fields = ["household"]


@admin.register(SoftAtmAgent)
class SoftAtmAgentAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "bank", "opened_on", "status"]
    list_filter = ["bank", "status"]
    search_fields = ["name", "address"]
    readonly_fields = ["status", "closed_on"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is append-only (enforced by PostgreSQL): the admin only reads it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "name", "balance", "allow_negative"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "amount"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "amount", "agent", "created_at", "reversal_of"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key"]
    inlines = [LedgerEntryInline]
    list_select_related = ["agent"]


@admin.register(AgentStaff)
class AgentStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "agent", "active"]
    list_select_related = ["user", "agent"]
    autocomplete_fields = ["user"]


@admin.register(BankSupervisor)
class BankSupervisorAdmin(admin.ModelAdmin):
    list_display = ["user", "bank"]
    autocomplete_fields = ["user"]


@admin.register(Wallet)
class WalletAdmin(admin.ModelAdmin):
    list_display = ["number", "full_name", "commune", "status", "opened_at"]
    search_fields = ["number", "citizen_id", "phone"]
    list_select_related = ["commune"]
    # Opened through economy.services.wallets (KYC, one per person, its ledger account).
    readonly_fields = ["number", "citizen_id", "account", "user", "opened_by_agent", "opened_at"]

    def has_add_permission(self, request):
        return False


@admin.register(LimitRule)
class LimitRuleAdmin(admin.ModelAdmin):
    list_display = ["operation", "valid_from", "per_transaction", "per_day", "per_month", "source"]


@admin.register(CommissionRule)
class CommissionRuleAdmin(admin.ModelAdmin):
    list_display = ["operation", "valid_from", "rate_bp", "minimum", "maximum"]


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = ["agent", "day", "status", "expected_cash", "declared_cash"]
    list_filter = ["status"]


@admin.register(ShopProduct)
class ShopProductAdmin(admin.ModelAdmin):
    list_display = ["name", "shop", "category", "is_local_specialty"]
    list_filter = ["category", "is_local_specialty"]
    search_fields = ["name", "shop__name"]
    list_select_related = ["shop"]


@admin.register(ShopMonthlySales)
class ShopMonthlySalesAdmin(ReadOnlyAdmin):
    # Recorded through economy.services (checked, audited).
    list_display = ["shop", "month", "orders", "revenue", "source"]
    list_filter = ["source"]
