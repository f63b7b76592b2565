"""The service directory and referrals: which partner offers what where, and a household or
person sent to one of those services, with consent, only the fields the service asks for,
and its answer back to the caseworker who sent it.

A sub-app of assistance (label `referrals`), in the same layer: it imports lib, geo, audit,
accounts, registry (households, people, consent, timeline, hooks) and assistance (the
delivery interface and its refusals), nothing above. Protection referrals (GBV,
trafficking) leave through `registry.hooks.restricted_referral_received` and their answer
comes back through `services.restricted_answered`: nothing here imports protection.
Access rules: `referrals.policies`; writes: `referrals.services`; reads:
`referrals.selectors`.
"""
