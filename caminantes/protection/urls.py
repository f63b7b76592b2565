"""Protection pages. No survivor code or name ever goes into a URL: cases by uuid only."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from caminantes.protection import views, views_sections, views_xfer

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cases, name="protection_cases"),
    path("new/gbv/", views.new_gbv, name="protection_new_gbv"),
    path("new/trafficking/", views.new_trafficking, name="protection_new_trafficking"),
    path("cases/<uuid:uuid>/", views.case_page, name="protection_case"),
    path("cases/<uuid:uuid>/reveal/", views.reveal, name="protection_reveal"),
    path("cases/<uuid:uuid>/print/", views.print_view, name="protection_print"),
    path("cases/<uuid:uuid>/services/", views_sections.add_service, name="protection_service"),
    path("cases/<uuid:uuid>/actions/", views_sections.add_action, name="protection_action"),
    path("cases/<uuid:uuid>/sessions/", views_sections.add_session, name="protection_session"),
    path("cases/<uuid:uuid>/close/", views_sections.close, name="protection_close"),
    path("cases/<uuid:uuid>/team/", views_sections.team, name="protection_team"),
    path("actions/<uuid:uuid>/done/", views_sections.action_done, name="protection_action_done"),
    path("team/<uuid:uuid>/end/", views_sections.unassign, name="protection_unassign"),
    # Transfers and referrals (views_xfer).
    path("cases/<uuid:uuid>/transfer/", views_xfer.case_transfer, name="protection_case_transfer"),
    path(
        "cases/<uuid:uuid>/referrals/", views_xfer.case_referrals, name="protection_case_referrals"
    ),
    path(
        "referrals/<uuid:uuid>/status/",
        views_xfer.referral_status,
        name="protection_referral_status",
    ),
    path("transfers/", views_xfer.incoming_transfers, name="protection_transfers"),
    path("transfers/<uuid:uuid>/", views_xfer.transfer_answer, name="protection_transfer"),
    path("inbox/", views_xfer.inbox, name="protection_inbox"),
    path("inbox/<uuid:uuid>/", views_xfer.inbox_item, name="protection_inbox_item"),
    *[
        path(
            f"cases/<uuid:uuid>/{section}/",
            views_sections.edit_section,
            {"section": section},
            name=f"protection_edit_{section}",
        )
        for section in views_sections.SECTIONS
    ],
]

# The aggregate reports (suppressed counts, no case): protection/reports/urls.py.
urlpatterns += [path("reports/", include("caminantes.protection.reports.urls"))]
