from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtmConfig(AppConfig):
    name = "caminantes.dtm"
    label = "dtm"
    verbose_name = _("Displacement Tracking Matrix")

    def ready(self) -> None:
        from caminantes.accounts.permissions import Perm
        from caminantes.accounts.policies import Scope, register
        from caminantes.dtm import models as m
        from caminantes.lib import navigation

        # Default permission: DTM_ANALYSE (analysts, country managers, IM officers).
        # Enumerators' pages ask with perm=Perm.DTM_COLLECT (see dtm.selectors).
        def scoped(
            org: str = "organization", country: str = "country", area: str | None = None
        ) -> Scope:
            return Scope(permission=Perm.DTM_ANALYSE, organization=org, country=country, area=area)

        register(m.Operation, Scope(permission=Perm.DTM_ANALYSE, organization="organization"))
        register(
            m.Round, Scope(permission=Perm.DTM_ANALYSE, organization="operation__organization")
        )
        register(m.FlowMonitoringPoint, scoped(area="admin_area"))
        register(m.FlowCount, scoped(area="point__admin_area"))
        register(m.FlowCountBreakdown, scoped("count__organization", "count__country"))
        register(m.FlowDaily, scoped(area="point__admin_area"))
        register(m.FlowDailyBreakdown, scoped(area="point__admin_area"))
        register(m.FlowMonthly, scoped(area="point__admin_area"))
        register(m.FlowMonthlyBreakdown, scoped(area="point__admin_area"))
        register(m.SurveySubmission, scoped(area="point__admin_area"))
        register(m.SurveyChoice, scoped("submission__organization", "submission__country"))
        register(m.SurveyChoiceMonthly, scoped(area="point__admin_area"))
        register(m.BaselineAssessment, scoped(area="admin_area"))
        register(m.BaselineBreakdown, scoped("assessment__organization", "assessment__country"))
        register(m.CollectiveSite, scoped(area="admin_area"))
        register(m.SiteAssessment, scoped(area="site__admin_area"))
        register(
            m.SiteAssessmentBreakdown, scoped("assessment__organization", "assessment__country")
        )
        register(m.DtmImport, scoped())
        # Public figures IOM publishes: any member may read them.
        register(m.DtmApiFigure, Scope(any_member=True))
        # Imports whose background worker died (caminantes imports_recover, periodic task).
        from caminantes.lib import stalls

        def imports() -> stalls.Recoverer:
            from caminantes.dtm.imports import recovery

            return recovery.recoverer()

        stalls.register("dtm", imports)
        navigation.add("dtm_home", _("DTM"), Perm.DTM_COLLECT, order=300)
        navigation.add("dtm_imports", _("DTM imports"), Perm.DTM_COLLECT, order=310)

        from caminantes.dtm import outputs

        outputs.ready()
