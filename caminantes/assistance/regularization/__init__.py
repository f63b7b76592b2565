"""Documentation and regularization: each host country's schemes as ordered steps, a
person's enrolment in a scheme followed step by step, offices with appointment slots (no
double booking), reminders for tomorrow's appointments, and how many people wait at each
step.

A sub-app of assistance (label `regularization`): it imports the registry (people read
through the registry's selectors, documents added through `registry.services.document_add`,
consent asked through `registry.consent`, the household timeline) and `assistance.delivery`
(a document obtained is a service delivery), and nothing above them.
"""
