"""Fill an empty PostgreSQL database with synthetic campaigns and ledger postings, for the
scale benchmark (bench/scale.py) and the fault tests.

    manage.py generate_load_data --campaigns 100000 --postings 5000000 [--yes] [--force]

Every campaign gets a fictional beneficiary and one need; every ledger transaction is a
balanced card or bank donation (two postings) to a random campaign, dated over the last
three years. Campaigns, beneficiaries and needs are bulk-inserted through the ORM; ledger
rows go in with COPY in chunks of whole transactions.

Safety: it refuses a database that already holds campaigns or transactions unless
--force, and refuses to run with DJANGO_DEBUG off unless --yes, so it never writes fake
money into a production ledger by accident. While copying it sets
`session_replication_role = replica` (superuser only), which skips the ledger's database
guards for speed; the rows it writes are balanced by construction and `verify_ledger`
checks them afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from solidarity.campaigns.funds import campaign_fund, campaign_owner
from solidarity.campaigns.models import (
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    CampaignStatus,
    Need,
    NeedCategory,
)
from solidarity.core.progress import ProgressBar
from solidarity.ledger.models import Account, AccountPurpose, Transaction, TransactionKind
from solidarity.ledger.services import get_account

ORM_BATCH = 5000
COPY_CHUNK = 200_000  # postings per COPY and per database transaction


class Command(BaseCommand):
    help = "Generate synthetic campaigns and ledger postings in an empty PostgreSQL database (benchmarks only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaigns", type=int, default=1000)
        parser.add_argument("--postings", type=int, default=10000, help="ledger postings (two per transaction)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="add to a database that is not empty")
        parser.add_argument("--yes", action="store_true", help="run even though DJANGO_DEBUG is off")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("generate_load_data needs PostgreSQL (it loads the ledger with COPY).")
        if not settings.DEBUG and not options["yes"]:
            raise CommandError("DJANGO_DEBUG is off: this may be a production database. Pass --yes if it is not.")
        if not options["force"] and (Campaign.objects.exists() or Transaction.objects.exists()):
            raise CommandError("The database already holds campaigns or transactions; pass --force to add to it.")
        n_campaigns = max(1, options["campaigns"])
        n_transactions = max(0, options["postings"]) // 2
        rng = random.Random(options["seed"])  # noqa: S311 - synthetic data, not secrets
        campaign_ids = self._campaigns(n_campaigns, rng)
        self._ledger(campaign_ids, n_transactions, rng)
        with connection.cursor() as cursor:
            # As autovacuum would have by now: statistics, and the visibility map that
            # lets counts use index-only scans.
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"generated {len(campaign_ids)} campaigns and {n_transactions * 2} postings")

    def _campaigns(self, count: int, rng: random.Random) -> list[int]:
        bar = ProgressBar(self.stderr, "campaigns ")
        now = timezone.now()
        start = Campaign.objects.count()
        ids: list[int] = []
        categories = list(NeedCategory.values)
        for offset in range(0, count, ORM_BATCH):
            size = min(ORM_BATCH, count - offset)
            numbers = range(start + offset, start + offset + size)
            with transaction.atomic():
                people = Beneficiary.objects.bulk_create(
                    [
                        Beneficiary(
                            public_name=f"Person {n}",
                            bio=f"A fictional person, number {n}, for load tests.",
                            status=BeneficiaryStatus.SENTENCED,
                        )
                        for n in numbers
                    ]
                )
                campaigns = Campaign.objects.bulk_create(
                    [
                        Campaign(
                            slug=f"load-{n}",
                            title=f"Legal aid for person {n}",
                            story="Synthetic campaign for load tests. " * 8,
                            beneficiary=person,
                            currency="EUR",
                            status=CampaignStatus.ACTIVE if rng.random() < 0.7 else CampaignStatus.CLOSED,
                            published_at=now - dt.timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60)),
                        )
                        for n, person in zip(numbers, people, strict=True)
                    ]
                )
                Need.objects.bulk_create(
                    [
                        Need(
                            campaign=c,
                            category=rng.choice(categories),
                            description="Lawyer's fees",
                            amount_minor=rng.randrange(10_000, 500_000),
                            currency="EUR",
                        )
                        for c in campaigns
                    ]
                )
            ids += [c.pk for c in campaigns]
            bar(offset + size, count)
        return ids

    def _ledger(self, campaign_ids: list[int], count: int, rng: random.Random) -> None:
        if not count:
            return
        rails = [
            get_account(purpose=AccountPurpose.CARD_PROCESSOR, currency="EUR").pk,
            get_account(purpose=AccountPurpose.BANK, currency="EUR").pk,
        ]
        funds = self._funds(campaign_ids)
        bar = ProgressBar(self.stderr, "transactions ")
        today = timezone.localdate()
        now = timezone.now().isoformat()
        per_chunk = COPY_CHUNK // 2
        kind = str(TransactionKind.DONATION)
        done = 0
        while done < count:
            size = min(per_chunk, count - done)
            with transaction.atomic(), connection.cursor() as cursor:
                self._skip_guards(cursor)
                cursor.execute("LOCK TABLE ledger_transaction IN EXCLUSIVE MODE")
                cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_transaction")
                first = int(cursor.fetchone()[0]) + 1
                txns, posts = io.StringIO(), io.StringIO()
                for txn_id in range(first, first + size):
                    campaign = rng.choice(campaign_ids)
                    amount = rng.randrange(200, 20_000)
                    day = today - dt.timedelta(days=rng.randrange(0, 3 * 365))
                    rail = rng.choice(rails)
                    txns.write(f"{txn_id}\t{kind}\tcampaign:{campaign}\tLoad donation\t{day}\t{now}\t\t\t\t\\N\n")
                    posts.write(f"{txn_id}\t{rail}\t{amount}\tEUR\n{txn_id}\t{funds[campaign]}\t{-amount}\tEUR\n")
                columns = "id, kind, owner, memo, occurred_on, created_at, ref, fx_rate, fx_source, idempotency_key"
                with cursor.copy(f"COPY ledger_transaction ({columns}) FROM STDIN WITH (NULL '\\N')") as copy:  # type: ignore[attr-defined]
                    copy.write(txns.getvalue())
                with cursor.copy(
                    "COPY ledger_posting (transaction_id, account_id, amount_minor, currency) FROM STDIN"
                ) as copy:  # type: ignore[attr-defined]
                    copy.write(posts.getvalue())
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('ledger_transaction', 'id'), %s)",
                    [first + size - 1],
                )
            done += size
            bar(done, count)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('ledger_posting', 'id'), (SELECT MAX(id) FROM ledger_posting))"
            )

    def _funds(self, campaign_ids: list[int]) -> dict[int, int]:
        """One EUR fund account per campaign (created in bulk, of the kind get_account gives)."""
        kind = campaign_fund(Campaign.objects.get(pk=campaign_ids[0])).kind
        funds = Account.objects.filter(purpose=AccountPurpose.CAMPAIGN_FUND, currency="EUR")
        owners = {campaign_owner(c): c for c in campaign_ids}
        existing = dict(funds.filter(owner__in=list(owners)).values_list("owner", "pk"))
        missing = [owner for owner in owners if owner not in existing]
        Account.objects.bulk_create(
            [Account(purpose=AccountPurpose.CAMPAIGN_FUND, kind=kind, currency="EUR", owner=o) for o in missing],
            batch_size=ORM_BATCH,
        )
        rows = funds.filter(owner__in=list(owners)).values_list("owner", "pk")
        return {owners[owner]: pk for owner, pk in rows}

    def _skip_guards(self, cursor: Any) -> None:
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # not a superuser: keep the guards, slower but still correct
            self.stderr.write("note: not a superuser; the ledger guards run for every row (slower)")
