"""The shell around every module: layout, home page, switchers, health and error pages.

Layer: top. It may import any app's selectors; nothing imports web.
"""
