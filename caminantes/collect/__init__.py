"""Field collection: the OpenRosa server ODK Collect and KoboCollect talk to, the XLSForms
it serves, and the submissions it keeps (`processing` turns them into domain records).

Imports point down only: lib, geo, audit, accounts (and, from `processing`, the modules it
feeds). Nothing below imports collect; coordination, its sibling, does not either.
"""
