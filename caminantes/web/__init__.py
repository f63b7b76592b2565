"""The shell around every module: layout, home page, switchers, health and error pages.

Layer: top, beside the API and above lib -> geo -> audit -> accounts -> registry -> modules
-> coordination. It may import any app's selectors (never `protection`'s); nothing but the
project's urls imports web.
"""
