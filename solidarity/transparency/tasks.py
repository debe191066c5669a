"""Background work for the transparency pages (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from solidarity.transparency import site_figures


@task()
def refresh_site_figures_task(name: str) -> str:
    """Recompute one site-wide figure (see site_figures.py) and keep it in the cache."""
    site_figures.refresh(name)
    return name
