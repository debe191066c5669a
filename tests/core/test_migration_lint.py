"""The migration linter refuses what would break the previous release or lock a big table
during a rolling deploy, says what to change, and accepts a reviewed exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from solidarity.core import migration_operations
from solidarity.core.migration_lint import Problem, lint_migration, lint_project, read_deployed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def state() -> Any:
    """The project as every migration on disk leaves it."""
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def lint(state: Any, app: str, *operations: Any, reviewed: dict[str, str] | None = None) -> list[Problem]:
    migration = migrations.Migration("0999_new", app)
    migration.operations = list(operations)
    if reviewed is not None:
        migration.rolling_deploy_reviewed = reviewed  # type: ignore[attr-defined]
    return lint_migration(migration, state, f"solidarity/{app}/migrations/0999_new.py")


def test_the_projects_new_migrations_are_safe() -> None:
    """What `manage.py lint_migrations` checks; a failure prints what to change in each file."""
    from solidarity.core.management.commands.lint_migrations import DEPLOYED

    problems = lint_project(deployed=read_deployed(DEPLOYED), root=ROOT)
    assert not problems, "\n" + "\n".join(map(str, problems))


def test_the_command_passes_on_the_project(capsys) -> None:
    call_command("lint_migrations")
    assert "safe for a rolling deploy" in capsys.readouterr().out


def test_not_null_column_without_database_default_is_refused(state: Any) -> None:
    (problem,) = lint(
        state, "campaigns", migrations.AddField("campaign", "motto", models.CharField(max_length=20, default=""))
    )
    assert problem.label == "AddField campaigns.campaign.motto"
    assert "previous release's INSERTs leave it out" in problem.why
    assert "null=True, or with db_default" in problem.change
    assert 'rolling_deploy_reviewed = {"AddField campaigns.campaign.motto"' in str(problem)
    assert str(problem).startswith("solidarity/campaigns/migrations/0999_new.py: ")


def test_nullable_or_database_default_columns_pass(state: Any) -> None:
    assert (
        lint(state, "campaigns", migrations.AddField("campaign", "motto", models.CharField(max_length=20, null=True)))
        == []
    )
    assert (
        lint(
            state, "campaigns", migrations.AddField("campaign", "motto", models.CharField(max_length=20, db_default=""))
        )
        == []
    )


def test_a_new_table_may_have_any_column(state: Any) -> None:
    created = migrations.CreateModel("Banner", [("id", models.BigAutoField(primary_key=True))])
    assert lint(state, "campaigns", created, migrations.AddField("banner", "text", models.TextField())) == []


def test_dropping_a_column_needs_two_releases(state: Any) -> None:
    (problem,) = lint(state, "campaigns", migrations.RemoveField("campaign", "deadline"))
    assert problem.label == "RemoveField campaigns.campaign.deadline"
    assert "SeparateDatabaseAndState(state_operations=" in problem.change


def test_removing_a_field_from_the_state_only_passes(state: Any) -> None:
    only_state = migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("campaign", "deadline")])
    assert lint(state, "campaigns", only_state) == []


def test_a_reviewed_exception_passes_and_an_empty_reason_does_not(state: Any) -> None:
    drop = migrations.RemoveField("campaign", "deadline")
    label = "RemoveField campaigns.campaign.deadline"
    assert lint(state, "campaigns", drop, reviewed={label: "the model stopped using it in 0004, released"}) == []
    assert len(lint(state, "campaigns", drop, reviewed={label: " "})) == 1


def test_dropping_or_renaming_tables_and_columns_is_refused(state: Any) -> None:
    assert [p.label for p in lint(state, "campaigns", migrations.DeleteModel("update"))] == [
        "DeleteModel campaigns.update"
    ]
    (renamed,) = lint(state, "campaigns", migrations.RenameField("campaign", "deadline", "ends_on"))
    assert "db_column='deadline'" in renamed.change
    (model,) = lint(state, "campaigns", migrations.RenameModel("Update", "News"))
    assert "db_table = 'campaigns_update'" in model.change


def test_changing_a_column_type_is_refused_but_widening_a_varchar_passes(state: Any) -> None:
    field = state.apps.get_model("campaigns", "campaign")._meta.get_field("slug")
    (problem,) = lint(state, "campaigns", migrations.AlterField("campaign", "slug", models.IntegerField(default=0)))
    assert f"from varchar({field.max_length}) to integer" in problem.why
    wider = models.SlugField(max_length=field.max_length + 50, unique=True)
    assert lint(state, "campaigns", migrations.AlterField("campaign", "slug", wider)) == []


def test_an_index_on_a_big_table_must_be_built_concurrently(state: Any) -> None:
    index = models.Index(fields=["amount_minor"], name="posting_amount_idx")
    (problem,) = lint(state, "ledger", migrations.AddIndex("posting", index))
    assert "big table ledger_posting" in problem.why
    assert "migration_operations.AddIndexConcurrently" in problem.change
    assert lint(state, "ledger", migration_operations.AddIndexConcurrently("posting", index)) == []


def test_a_new_indexed_column_on_a_big_table_is_refused(state: Any) -> None:
    problems = lint(
        state,
        "ledger",
        migrations.AddField("posting", "memo", models.CharField(max_length=20, null=True, db_index=True)),
    )
    assert [p.label for p in problems] == ["AddField index ledger.posting.memo"]
    assert "db_index=False" in problems[0].change


def test_the_command_names_the_file_and_fails(tmp_path, capsys) -> None:
    # Nothing counted as deployed: the project's own early migrations show what is refused.
    empty = tmp_path / "deployed.txt"
    empty.write_text("")
    with pytest.raises(CommandError, match="unsafe for a rolling deploy"):
        call_command("lint_migrations", deployed=empty)
    err = capsys.readouterr().err
    assert "solidarity/payments/migrations/0007_bank_line_plain_payer_columns_dropped.py: RemoveField" in err
    assert "Change: " in err


def test_setting_not_null_is_refused(state: Any) -> None:
    problems = lint(state, "campaigns", migrations.AlterField("campaign", "deadline", models.DateField()))
    assert [p.label for p in problems] == ["AlterField campaigns.campaign.deadline"]
    assert "sets NOT NULL" in problems[0].why


@pytest.mark.django_db(transaction=True)
def test_the_concurrent_index_operation_builds_and_drops_its_index_on_this_database(state: Any) -> None:
    index = models.Index(fields=["published_on"], name="lint_test_update_idx")
    operation = migration_operations.AddIndexConcurrently("update", index)
    before, after = state.clone(), state.clone()
    operation.state_forwards("campaigns", after)

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            return set(connection.introspection.get_constraints(cursor, "campaigns_update"))

    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("campaigns", editor, before, after)
    try:
        assert "lint_test_update_idx" in indexes()
    finally:
        with connection.schema_editor(atomic=False) as editor:
            operation.database_backwards("campaigns", editor, after, before)
    assert "lint_test_update_idx" not in indexes()
