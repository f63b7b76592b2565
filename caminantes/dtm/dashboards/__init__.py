"""DTM dashboards: flow figures from the daily rollup and survey figures, per operation.

`filters` reads the period, point and direction from a request; `flows` and `surveys`
compute the figures (plain dataclasses, the same for pages, the round report and the
benchmark); `figures` turns them into charts; `views` are the pages.
"""
