from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = []

# The aggregate reports (suppressed counts, no case): protection/reports/urls.py.
urlpatterns += [path("reports/", include("caminantes.protection.reports.urls"))]
