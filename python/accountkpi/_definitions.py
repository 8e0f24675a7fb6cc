"""The edge cases and variants of each KPI, in the words of the Python API: the third paragraph of the
docstrings of :mod:`accountkpi.kpi`.

What each KPI measures, its formula, unit, direction and options are the C++ core's KPI registry
(``accountkpi.kpi.kpi_table()``); this holds only the notes that name Python spellings. A KPI without a note
has none. The full reference, with the groups and variants explained, is ``docs/kpis.md``.
"""

from __future__ import annotations

NOTES: dict[str, str] = {
    "clients_start": "A count: never NaN (NaN only when grouped by service line).",
    "clients_end": "A count.",
    "active_clients": "The denominator of the per-account KPIs.",
    "new_clients": "Reactivations are counted apart, in `reactivations`.",
    "churned_clients": (
        "Accounts that join and leave inside the period are not in C (see churn_rate include_new)."
    ),
    "reactivations": "Never counted as new clients.",
    "retention_rate": (
        "S empty -> NaN. method='textbook': (|E| - |N|) / |S|. Reactivated accounts are in E but not in "
        "S, so the default never exceeds 1; join-and-leave inside the period does not bias it."
    ),
    "churn_rate": (
        "S empty -> NaN. Equals 1 - retention_rate when nobody reactivates. method='include_new': (|C| + "
        "new clients lost in the period) / (|S| + |N|). Compound a monthly churn c over a year as 1 - (1 "
        "- c)^12 (accountkpi.kpi.compound_churn), never 12c."
    ),
    "revenue_churn_rate": (
        "Base 0 -> NaN. method='net' subtracts expansion (and may be negative). NRR = 1 - net revenue churn."
    ),
    "nrr": (
        "B is the k whole months before a period of k whole calendar months, else as many days just "
        "before; base='year_ago': the same period a year earlier. New accounts are in neither side. Base "
        "0 -> NaN."
    ),
    "grr": "Never above 1. Base 0 -> NaN.",
    "expansion_revenue": "Over NRR-cohort accounts that are clients at the end.",
    "contraction_revenue": "Over NRR-cohort accounts that are clients at the end.",
    "churned_revenue": "Over NRR-cohort accounts that are not clients at the end.",
    "opening_revenue": (
        "B as for NRR (base='year_ago': a year earlier); credit notes count, so it may be below the NRR "
        "base. opening + new + reactivated + resumed + expansion - contraction - churned = closing, "
        "exactly."
    ),
    "new_revenue": (
        "Usually their revenue in P. Unlike new_business_revenue (lines in their own group), per account."
    ),
    "reactivated_revenue": (
        "A client that leaves and returns inside P with base revenue is expansion or contraction instead."
    ),
    "resumed_revenue": (
        "Clients that billed nothing (or a net credit) in B: billing gaps; also late invoices after churn."
    ),
    "closing_revenue": (
        "Equals revenue ungrouped; by manager, accounts count for their owner on their reference day."
    ),
    "backlog": (
        "Finished: an end date on or before the last day. value is the contracted total for every billing"
        " kind (fixed: the price; hour/day/month: the contracted total). Over-billed projects count 0."
    ),
    "mrr": (
        "months: whole months of the contract (start, else signed_on, to end inclusive), at least 1. "
        "Projects without an end have no term to spread their value over and count 0."
    ),
    "arr": "Fixed, hour- and day-billed projects are one-off: they are in neither.",
    "quick_ratio": (
        "From the revenue bridge (contraction and churned signed). Nothing lost -> NaN. Above 1: growing."
    ),
    "csat": "No answers -> NaN; 3 is not satisfied. method='mean': the mean score.",
    "nps": (
        "Promoters 9-10, detractors 0-6, passives 7-8 stay in the denominator. Range -100..100; no "
        "answers -> NaN."
    ),
    "ces": "No answers -> NaN. method='top_box': share of answers 6 or 7.",
    "renewal_rate": "No contract due -> NaN. weight='value': their value, Σ value(renewals) / Σ value(due).",
    "handover_churn_rate": (
        "No handover -> NaN. A handover whose days are not over yet counts the churn known so far."
    ),
    "request_count": "A count.",
    "requests_per_account": "No clients -> NaN.",
    "request_response_days": "None answered -> NaN. Unanswered requests are counted in unanswered_requests.",
    "unanswered_requests": "A count.",
    "timely_response_rate": "Unanswered requests count as late. No request -> NaN.",
    "request_conversion_rate": "No request -> NaN.",
    "avg_project_size": "None -> NaN. Grouped by account: the size of projects at one client.",
    "median_project_size": "None -> NaN.",
    "projects_per_account": "No clients -> NaN.",
    "communications": "A count.",
    "emails": "A count.",
    "calls": "A count.",
    "meetings": "A count.",
    "internal_communications": "A count.",
    "client_communications": "A count.",
    "touches_per_account_month": "Months are calendar months, or days / 30.436875. No clients -> NaN.",
    "days_since_last_touch": "Clients never contacted are left out of the mean; none -> NaN.",
    "revenue": "Compensated summation: exact to the cent.",
    "cost": "Missing cost counts as 0.",
    "gross_profit": "May be negative.",
    "gross_margin": "Revenue 0 -> NaN; may be negative; never a mean of per-project percentages.",
    "deals": "A count.",
    "avg_deal_size": "None -> NaN.",
    "median_deal_size": "None -> NaN.",
    "avg_rate_hour": "0 units -> NaN.",
    "avg_rate_day": "0 units -> NaN.",
    "avg_rate_month": "0 units -> NaN.",
    "avg_rate_normalised_hour": "0 units -> NaN.",
    "arpa": "No clients -> NaN.",
    "upsell_revenue": "Kind given, or derived from service lines when absent.",
    "cross_sell_revenue": "Kind given, or derived from service lines when absent.",
    "new_business_revenue": "The rest is the farmers' part.",
    "ltv_historical": "ltv_measure='revenue' adds up revenue instead. No clients -> NaN.",
    "ltv_predicted": "Needs a fitted model: book.kpis(..., ltv_model=(bgf, ggf)); NaN without one.",
    "top_share": "Over accounts with revenue > 0 in P; n = 0 -> NaN.",
    "pareto_ratio": "n = 0 -> NaN; 0.2 means a textbook 80/20 book.",
    "gini": "n = 0 -> NaN; all equal -> 0.",
    "hhi": "Multiply by 10,000 for the antitrust scale. n = 0 -> NaN.",
    "largest_client_share": "A share of 10% or more is a disclosure threshold in US segment reporting.",
}
