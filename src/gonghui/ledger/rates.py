"""Rates of the ledger's figures (one declaration each; ``core.indicators.Rate``): the signing
rates of collective contracts among the employers with a union."""

from gonghui.core.indicators import Rate, WorkArea

RATES = [
    Rate(
        "ledger.rights.contract.rate",
        "集体合同签订率",
        "ledger.rights.contract",
        "orgs.employers_with_union",
        WorkArea.RIGHTS,
        phrase="集体合同签订率达{r}",
        full="已建会单位均已签订集体合同",
    ),
    Rate(
        "ledger.rights.contract.women.rate",
        "女职工专项集体合同签订率",
        "ledger.rights.contract.women",
        "orgs.employers_with_union",
        WorkArea.RIGHTS,
        phrase="女职工专项集体合同签订率达{r}",
    ),
]
