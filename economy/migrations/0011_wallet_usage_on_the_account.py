"""A wallet's limit counters move onto its ledger account row (ADR 1301 §8).

They were rows of `economy_walletusage` (one per wallet, day and kind) that the services read under
the wallet's lock, in a statement of their own: reading them in the locking statement itself was not
safe (after a wait on the row lock PostgreSQL re-reads the locked row, not a join's or a subquery's
rows). On the locked row they are re-read with the balance. The entry trigger keeps them, as before,
from the entries: a limited operation's amount on the wallet it counts for (credited by a cash-in,
debited by the others) is added to the counters of its local day and month; a reversal's entry takes
it back off where it still counts. The counters roll forward with the day: `usage` holds the day
`on`, what each kind used that day and what it used in that day's month.

One trigger now does the balance and the counters (the separate counting trigger read the account
and the transaction again for every entry), and the balance guard refuses a client's change of the
counters as it refuses one of the balance.
"""

from django.db import migrations, models

APPLY_ENTRY = r"""
DROP TRIGGER economy_ledgerentry_count_usage ON economy_ledgerentry;
DROP FUNCTION economy_ledger_count_usage();

CREATE OR REPLACE FUNCTION economy_ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t record;
  op text;         -- the limited operation this entry counts for on its account, if any
  counted bigint;  -- what it adds to the counters (negative: a reversal gives it back)
  op_day date;     -- the local day the operation counts on
  txn_day date;    -- the local day of this entry's own transaction
  u jsonb;
  on_day date;
BEGIN
  SELECT kind, amount, created_at, reversal_of_id INTO t FROM economy_ledgertransaction WHERE id = NEW.transaction_id;
  txn_day := (t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
  IF t.kind = 'reversal' THEN
    SELECT kind, amount, created_at INTO t FROM economy_ledgertransaction WHERE id = t.reversal_of_id;
    -- This entry undoes the original's entry on the same account (the opposite amount).
    IF t.kind IN ('cash_in', 'cash_out', 'transfer', 'payment') AND ((t.kind = 'cash_in') = (NEW.amount < 0)) THEN
      op := t.kind;
      counted := -t.amount;
      op_day := (t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
    END IF;
  ELSIF t.kind IN ('cash_in', 'cash_out', 'transfer', 'payment') AND ((t.kind = 'cash_in') = (NEW.amount > 0)) THEN
    op := t.kind;
    counted := t.amount;
    op_day := txn_day;
  END IF;
  IF op IS NOT NULL THEN
    -- Only wallets have limits (an agent's cash account is debited by a cash-out too).
    SELECT usage INTO u FROM economy_ledgeraccount WHERE id = NEW.account_id AND kind = 'wallet' FOR UPDATE;
    IF NOT FOUND THEN
      op := NULL;
    END IF;
  END IF;
  IF op IS NULL THEN
    UPDATE economy_ledgeraccount SET balance = balance + NEW.amount WHERE id = NEW.account_id;
    RETURN NULL;
  END IF;
  -- Roll the counters forward to this transaction's day: a new month starts both from zero, a new
  -- day the day's. (A transaction dated before `on`, a clock a second behind at midnight, rolls
  -- nothing back.)
  on_day := (u->>'on')::date;
  IF on_day IS NULL OR date_trunc('month', on_day) < date_trunc('month', txn_day) THEN
    u := jsonb_build_object('on', txn_day, 'day', '{}'::jsonb, 'month', '{}'::jsonb);
  ELSIF on_day < txn_day THEN
    u := jsonb_build_object('on', txn_day, 'day', '{}'::jsonb, 'month', u->'month');
  END IF;
  on_day := (u->>'on')::date;
  IF op_day = on_day THEN
    u := jsonb_set(u, ARRAY['day', op], to_jsonb(coalesce((u->'day'->>op)::bigint, 0) + counted));
  END IF;
  IF date_trunc('month', op_day) = date_trunc('month', on_day) THEN
    u := jsonb_set(u, ARRAY['month', op], to_jsonb(coalesce((u->'month'->>op)::bigint, 0) + counted));
  END IF;
  UPDATE economy_ledgeraccount SET balance = balance + NEW.amount, usage = u WHERE id = NEW.account_id;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION economy_ledger_guard_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Depth 1 is a statement from a client; the entry trigger's own UPDATE runs at depth 2.
  IF (NEW.balance, NEW.usage) IS DISTINCT FROM (OLD.balance, OLD.usage)
     AND pg_trigger_depth() < 2 AND NOT economy_ledger_maintenance() THEN
    RAISE EXCEPTION 'a ledger balance and a wallet''s limit counters change only through entries (account %)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
"""

# The counters of the ledger posted before: every limited operation not reversed, for today (local)
# and this month. Wallets without one this month keep {} (nothing used).
BACKFILL = r"""
SET LOCAL economy.ledger_maintenance = 'on';
WITH today AS (SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS d),
counted AS (
  SELECT e.account_id, t.kind, (t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, t.amount
  FROM economy_ledgertransaction t
  JOIN economy_ledgerentry e ON e.transaction_id = t.id
  JOIN economy_ledgeraccount a ON a.id = e.account_id AND a.kind = 'wallet'
  WHERE t.kind IN ('cash_in', 'cash_out', 'transfer', 'payment')
    AND ((t.kind = 'cash_in') = (e.amount > 0))
    AND NOT EXISTS (SELECT 1 FROM economy_ledgertransaction r WHERE r.reversal_of_id = t.id)
    AND date_trunc('month', t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh') = date_trunc('month', (SELECT d FROM today))
),
per_kind AS (
  SELECT account_id, kind,
         sum(amount) FILTER (WHERE day = (SELECT d FROM today)) AS day_amount, sum(amount) AS month_amount
  FROM counted GROUP BY 1, 2
)
UPDATE economy_ledgeraccount a SET usage = jsonb_build_object(
    'on', (SELECT d FROM today),
    'day', coalesce((SELECT jsonb_object_agg(kind, day_amount) FROM per_kind p
                     WHERE p.account_id = a.id AND day_amount IS NOT NULL), '{}'::jsonb),
    'month', (SELECT jsonb_object_agg(kind, month_amount) FROM per_kind p WHERE p.account_id = a.id))
WHERE a.id IN (SELECT account_id FROM per_kind);
SET LOCAL economy.ledger_maintenance = 'off';
"""

RESTORE = r"""
CREATE OR REPLACE FUNCTION economy_ledger_guard_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 AND NOT economy_ledger_maintenance() THEN
    RAISE EXCEPTION 'a ledger balance changes only through entries (account %)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION economy_ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE economy_ledgeraccount SET balance = balance + NEW.amount WHERE id = NEW.account_id;
  RETURN NULL;
END $$;
"""

# Going back: migration 0006's counting trigger and its rows, rebuilt from the ledger.
UNDO_COUNTERS = r"""
CREATE FUNCTION economy_ledger_count_usage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t record;
  o record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM economy_ledgeraccount WHERE id = NEW.account_id AND kind = 'wallet') THEN
    RETURN NULL;
  END IF;
  SELECT kind, amount, created_at, reversal_of_id INTO t FROM economy_ledgertransaction WHERE id = NEW.transaction_id;
  IF t.kind = 'reversal' THEN
    SELECT kind, amount, created_at INTO o FROM economy_ledgertransaction WHERE id = t.reversal_of_id;
    IF o.kind IN ('cash_in', 'cash_out', 'transfer', 'payment')
       AND ((o.kind = 'cash_in') = (NEW.amount < 0)) THEN
      UPDATE economy_walletusage SET amount = amount - o.amount
       WHERE account_id = NEW.account_id AND operation = o.kind
         AND day = (o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
    END IF;
  ELSIF t.kind IN ('cash_in', 'cash_out', 'transfer', 'payment') AND ((t.kind = 'cash_in') = (NEW.amount > 0)) THEN
    INSERT INTO economy_walletusage (account_id, day, operation, amount)
    VALUES (NEW.account_id, (t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, t.kind, t.amount)
    ON CONFLICT (account_id, day, operation) DO UPDATE SET amount = economy_walletusage.amount + EXCLUDED.amount;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER economy_ledgerentry_count_usage AFTER INSERT ON economy_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION economy_ledger_count_usage();
INSERT INTO economy_walletusage (account_id, day, operation, amount)
SELECT e.account_id, (t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, t.kind, sum(t.amount)
FROM economy_ledgertransaction t
JOIN economy_ledgerentry e ON e.transaction_id = t.id
JOIN economy_ledgeraccount a ON a.id = e.account_id AND a.kind = 'wallet'
WHERE t.kind IN ('cash_in', 'cash_out', 'transfer', 'payment')
  AND ((t.kind = 'cash_in') = (e.amount > 0))
  AND NOT EXISTS (SELECT 1 FROM economy_ledgertransaction r WHERE r.reversal_of_id = t.id)
GROUP BY 1, 2, 3;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0010_households_wallets_provider_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgeraccount",
            name="usage",
            field=models.JSONField(blank=True, default=dict, verbose_name="hạn mức đã dùng"),
        ),
        # Reversed in the opposite order: the rows of 0006 come back (DeleteModel reversed), then
        # its trigger and its counters (UNDO_COUNTERS), then the old functions (RESTORE).
        migrations.RunSQL(APPLY_ENTRY, RESTORE),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(migrations.RunSQL.noop, UNDO_COUNTERS),
        migrations.DeleteModel(name="WalletUsage"),
    ]
