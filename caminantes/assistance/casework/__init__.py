"""Casework: voluntary relocation (as Brazil's interiorization), health and food service
records with cash and voucher assistance (recorded, not paid), and livelihoods and
integration (training, job placement, seed capital, skills certification) with outcomes at
follow-up.

A sub-app of assistance (label `casework`): it imports the registry (households, people and
their documents through the registry's selectors, consent through `registry.consent`, the
timeline), `assistance.delivery` (every service is a delivery, so the 5W and the timeline
see it) and `assistance.transport` (a relocation may travel on a trip), and nothing above
them.
"""
