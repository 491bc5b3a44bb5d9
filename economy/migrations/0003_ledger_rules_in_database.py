"""The ledger's rules enforced by PostgreSQL itself (ADR 1301), whatever writes to it.

- Balanced: the entries of a transaction sum to zero, and there are at least two (deferred
  constraint triggers, checked at COMMIT, so a transaction's entries can be inserted one by one).
- Append-only: UPDATE, DELETE and TRUNCATE of entries and transactions are refused. The one door is
  the session setting `economy.ledger_maintenance = 'on'` (tests that must empty committed tables;
  a restore): anyone who can set it could also drop the trigger, so it hides nothing. TRUNCATE of
  empty tables is allowed, so Django's flush between other apps' transactional tests still works.
- Balances: an inserted entry adds its amount to its account's balance (the CHECK
  economy_ledger_balance_not_negative then refuses a negative wallet); a direct UPDATE of a balance
  is refused.
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION economy_ledger_maintenance() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('economy.ledger_maintenance', true), '') = 'on'
$$;

CREATE FUNCTION economy_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF economy_ledger_maintenance() THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION 'the ledger is append-only: % on % refused (post a reversal instead)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE FUNCTION economy_ledger_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  has_rows boolean;
BEGIN
  IF economy_ledger_maintenance() THEN RETURN NULL; END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', TG_TABLE_NAME) INTO has_rows;
  IF has_rows THEN
    RAISE EXCEPTION 'the ledger is append-only: TRUNCATE of % refused', TG_TABLE_NAME
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER economy_ledgerentry_append_only BEFORE UPDATE OR DELETE ON economy_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION economy_ledger_refuse_change();
CREATE TRIGGER economy_ledgerentry_no_truncate BEFORE TRUNCATE ON economy_ledgerentry
  FOR EACH STATEMENT EXECUTE FUNCTION economy_ledger_refuse_truncate();
CREATE TRIGGER economy_ledgertransaction_append_only BEFORE UPDATE OR DELETE ON economy_ledgertransaction
  FOR EACH ROW EXECUTE FUNCTION economy_ledger_refuse_change();
CREATE TRIGGER economy_ledgertransaction_no_truncate BEFORE TRUNCATE ON economy_ledgertransaction
  FOR EACH STATEMENT EXECUTE FUNCTION economy_ledger_refuse_truncate();

CREATE FUNCTION economy_ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE economy_ledgeraccount SET balance = balance + NEW.amount WHERE id = NEW.account_id;
  RETURN NULL;
END $$;
CREATE TRIGGER economy_ledgerentry_apply AFTER INSERT ON economy_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION economy_ledger_apply_entry();

CREATE FUNCTION economy_ledger_guard_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Depth 1 is a statement from a client; the entry trigger's own UPDATE runs at depth 2.
  IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 AND NOT economy_ledger_maintenance() THEN
    RAISE EXCEPTION 'a ledger balance changes only through entries (account %)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER economy_ledgeraccount_guard_balance BEFORE UPDATE ON economy_ledgeraccount
  FOR EACH ROW EXECUTE FUNCTION economy_ledger_guard_balance();

CREATE FUNCTION economy_ledger_assert_balanced(txn bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  total numeric;
  n integer;
BEGIN
  SELECT coalesce(sum(amount), 0), count(*) INTO total, n FROM economy_ledgerentry WHERE transaction_id = txn;
  IF n < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % is not balanced (% entries, sum %)', txn, n, total
      USING ERRCODE = 'check_violation';
  END IF;
END $$;
CREATE FUNCTION economy_ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM economy_ledger_assert_balanced(NEW.transaction_id);
  RETURN NULL;
END $$;
CREATE FUNCTION economy_ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM economy_ledger_assert_balanced(NEW.id);
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER economy_ledgerentry_balanced AFTER INSERT ON economy_ledgerentry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION economy_ledger_entry_balanced();
CREATE CONSTRAINT TRIGGER economy_ledgertransaction_balanced AFTER INSERT ON economy_ledgertransaction
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION economy_ledger_transaction_balanced();
"""

REVERSE = r"""
DROP TRIGGER economy_ledgertransaction_balanced ON economy_ledgertransaction;
DROP TRIGGER economy_ledgerentry_balanced ON economy_ledgerentry;
DROP FUNCTION economy_ledger_transaction_balanced();
DROP FUNCTION economy_ledger_entry_balanced();
DROP FUNCTION economy_ledger_assert_balanced(bigint);
DROP TRIGGER economy_ledgeraccount_guard_balance ON economy_ledgeraccount;
DROP FUNCTION economy_ledger_guard_balance();
DROP TRIGGER economy_ledgerentry_apply ON economy_ledgerentry;
DROP FUNCTION economy_ledger_apply_entry();
DROP TRIGGER economy_ledgertransaction_no_truncate ON economy_ledgertransaction;
DROP TRIGGER economy_ledgertransaction_append_only ON economy_ledgertransaction;
DROP TRIGGER economy_ledgerentry_no_truncate ON economy_ledgerentry;
DROP TRIGGER economy_ledgerentry_append_only ON economy_ledgerentry;
DROP FUNCTION economy_ledger_refuse_truncate();
DROP FUNCTION economy_ledger_refuse_change();
DROP FUNCTION economy_ledger_maintenance();
"""


class Migration(migrations.Migration):
    dependencies = [("economy", "0002_ledger")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
