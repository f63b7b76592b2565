"""Temporary accommodation: sites, rooms and beds, stays (check-in, extension, check-out,
no-show), the waiting list and the nightly headcount.

A sub-app of assistance (label `shelter`): it imports the registry (households, people, read
through the registry's selectors) and `assistance.delivery` (every stay is a service
delivery), and nothing above them.
"""
