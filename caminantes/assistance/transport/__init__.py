"""Humanitarian transport: routes, trips, their manifests of booked seats, boarding and arrival.

A sub-app of assistance (label `transport`), in the same layer: it imports lib, geo, audit,
accounts, registry (households, people, consent) and assistance (the delivery interface and
its refusals), nothing above. Access rules: `transport.policies`; writes: `transport.services`;
reads: `transport.selectors`. Every boarded passenger is a service delivery.
"""
