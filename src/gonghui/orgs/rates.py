"""The rates of organisation building (one declaration each; ``core.indicators.Rate``)."""

from gonghui.core.indicators import Rate, WorkArea

RATES = [
    Rate(
        "orgs.unionisation_rate",
        "单位建会率",
        "orgs.employers_with_union",
        "orgs.employers",
        WorkArea.ORGANISATION,
        phrase="建会率{r}",
        full="在册单位均已建立工会",
    ),
]
