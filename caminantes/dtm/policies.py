"""Who may see the DTM's records: each model's scope at the policy door.

Imported by `DtmConfig.ready()` so that the rules are in place at start-up. The default
permission is DTM_ANALYSE (analysts, country managers, IM officers); enumerators' pages ask
with `perm=Perm.DTM_COLLECT` (see dtm.selectors).
"""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.dtm import models as m


def analysed(
    organization: str = "organization", country: str = "country", area: str | None = None
) -> Scope:
    """For analysts of the organisation, in the country (and admin areas) of the record."""
    return Scope(permission=Perm.DTM_ANALYSE, organization=organization, country=country, area=area)


register(m.Operation, Scope(permission=Perm.DTM_ANALYSE, organization="organization"))
register(m.Round, Scope(permission=Perm.DTM_ANALYSE, organization="operation__organization"))
register(m.FlowMonitoringPoint, analysed(area="admin_area"))
register(m.FlowCount, analysed(area="point__admin_area"))
register(m.FlowCountBreakdown, analysed("count__organization", "count__country"))
register(m.FlowDaily, analysed(area="point__admin_area"))
register(m.FlowDailyBreakdown, analysed(area="point__admin_area"))
register(m.FlowMonthly, analysed(area="point__admin_area"))
register(m.FlowMonthlyBreakdown, analysed(area="point__admin_area"))
register(m.MonitoredDay, analysed(area="point__admin_area"))
register(m.SurveySubmission, analysed(area="point__admin_area"))
register(m.SurveyRefusal, analysed(area="point__admin_area"))
register(m.SurveyChoice, analysed("submission__organization", "submission__country"))
register(m.SurveyChoiceMonthly, analysed(area="point__admin_area"))
register(m.BaselineAssessment, analysed(area="admin_area"))
register(m.BaselineBreakdown, analysed("assessment__organization", "assessment__country"))
register(m.CollectiveSite, analysed(area="admin_area"))
register(m.SiteAssessment, analysed(area="site__admin_area"))
register(m.SiteAssessmentBreakdown, analysed("assessment__organization", "assessment__country"))
register(m.DtmImport, analysed())
# Public figures IOM publishes: any member may read them.
register(m.DtmApiFigure, Scope(any_member=True))
