"""Site-wide sums come from the cache, refreshed by one background task when stale."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from solidarity.transparency import site_figures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_with_no_lifetime_every_read_computes(settings, monkeypatch) -> None:
    settings.SOLIDARITY_SITE_FIGURES_MAX_AGE = 0
    calls = []
    monkeypatch.setitem(site_figures.FIGURES, "donations", lambda: calls.append(1) or len(calls))
    assert (site_figures.donations(), site_figures.donations()) == (1, 2)


def test_a_stale_figure_is_served_and_one_refresh_is_asked_for(settings, monkeypatch) -> None:
    settings.SOLIDARITY_SITE_FIGURES_MAX_AGE = 60
    calls = []
    monkeypatch.setitem(site_figures.FIGURES, "donations", lambda: calls.append(1) or 7)
    asked = []
    from solidarity.transparency import tasks

    class FakeTask:
        def enqueue(self, name: str) -> None:
            asked.append(name)

    monkeypatch.setattr(tasks, "refresh_site_figures_task", FakeTask())
    now = [1000.0]
    monkeypatch.setattr(site_figures.time, "time", lambda: now[0])
    assert site_figures.donations() == 7  # cold cache: computed once, in the request
    now[0] += 61
    assert site_figures.donations() == 7  # stale: served as it is...
    assert site_figures.donations() == 7
    assert calls == [1] and asked == ["donations"]  # ...and one refresh asked for


def test_the_refresh_task_stores_a_new_value(settings, monkeypatch) -> None:
    settings.SOLIDARITY_SITE_FIGURES_MAX_AGE = 60
    value = [3]
    monkeypatch.setitem(site_figures.FIGURES, "donations", lambda: value[0])
    assert site_figures.donations() == 3
    value[0] = 4
    from solidarity.transparency.tasks import refresh_site_figures_task

    refresh_site_figures_task.call("donations")
    assert site_figures.donations() == 4
