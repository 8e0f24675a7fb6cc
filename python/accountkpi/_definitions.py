"""The formula and the edge cases of every KPI: the docstrings of :mod:`accountkpi.kpi` come from here.

The full reference, with the groups and variants explained, is ``docs/kpis.md``.
"""

from __future__ import annotations

# name: (what it measures, formula, edge cases and variants)
DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "clients_start": (
        "Clients at the start of the period, |S|.",
        "accounts that are clients on day begin - 1",
        "A count: never NaN (NaN only when grouped by service line).",
    ),
    "clients_end": (
        "Clients at the end of the period, |E|.",
        "accounts that are clients on day end - 1",
        "A count.",
    ),
    "active_clients": (
        "Clients on any day of the period.",
        "accounts with a spell overlapping [begin, end)",
        "The denominator of the per-account KPIs.",
    ),
    "new_clients": (
        "First-time acquisitions, |N|.",
        "accounts whose first spell starts in the period",
        "Reactivations are counted apart, in `reactivations`.",
    ),
    "churned_clients": (
        "Clients lost, |C|.",
        "accounts of S whose spell ends in the period",
        "Accounts that join and leave inside the period are not in C (see churn_rate include_new).",
    ),
    "reactivations": (
        "Returning clients.",
        "accounts whose second or later spell starts in the period",
        "Never counted as new clients.",
    ),
    "retention_rate": (
        "Share of the starting clients still clients at the end.",
        "|S ∩ E| / |S|",
        "S empty -> NaN. method='textbook': (|E| - |N|) / |S|. Reactivated accounts are in E but "
        "not in S, so the default never exceeds 1; join-and-leave inside the period does not bias it.",
    ),
    "churn_rate": (
        "Share of the starting clients lost in the period.",
        "|C| / |S|",
        "S empty -> NaN. Equals 1 - retention_rate when nobody reactivates. method='include_new': "
        "(|C| + new clients lost in the period) / (|S| + |N|). Compound a monthly churn c over a year "
        "as 1 - (1 - c)^12 (accountkpi.kpi.compound_churn), never 12c.",
    ),
    "revenue_churn_rate": (
        "Revenue lost from the base cohort.",
        "(churned revenue + contraction) / base revenue",
        "Base 0 -> NaN. method='net' subtracts expansion (and may be negative). NRR = 1 - net revenue churn.",
    ),
    "nrr": (
        "Net revenue retention.",
        "Σ rev_P(cohort) / Σ rev_B(cohort), cohort = accounts with revenue > 0 in B",
        "B is the k whole months before a period of k whole calendar months, else as many days just before; "
        "base='year_ago': the same period a year earlier. New accounts are in neither side. Base 0 -> NaN.",
    ),
    "grr": (
        "Gross revenue retention.",
        "Σ min(rev_P, rev_B) / Σ rev_B over the NRR cohort",
        "Never above 1. Base 0 -> NaN.",
    ),
    "expansion_revenue": (
        "Growth of cohort accounts still clients.",
        "Σ max(0, rev_P - rev_B)",
        "Over NRR-cohort accounts that are clients at the end.",
    ),
    "contraction_revenue": (
        "Shrinkage of cohort accounts still clients.",
        "Σ max(0, rev_B - rev_P)",
        "Over NRR-cohort accounts that are clients at the end.",
    ),
    "churned_revenue": (
        "Revenue of cohort accounts no longer clients.",
        "Σ (rev_B - rev_P)",
        "Over NRR-cohort accounts that are not clients at the end.",
    ),
    "opening_revenue": (
        "Opening of the revenue bridge: revenue in the base period of the accounts of the group.",
        "Σ rev_B over all accounts",
        "B as for NRR (base='year_ago': a year earlier); credit notes count, so it may be below the NRR "
        "base. opening + new + reactivated + resumed + expansion - contraction - churned = closing, exactly.",
    ),
    "new_revenue": (
        "Revenue change of first-time clients (bridge movement 'new').",
        "Σ (rev_P - rev_B) over accounts with rev_B <= 0 whose first spell starts in P",
        "Usually their revenue in P. Unlike new_business_revenue (lines in their own group), per account.",
    ),
    "reactivated_revenue": (
        "Revenue change of returning clients (bridge movement 'reactivated').",
        "Σ (rev_P - rev_B) over accounts with rev_B <= 0 whose second or later spell starts in P",
        "A client that leaves and returns inside P with base revenue is expansion or contraction instead.",
    ),
    "resumed_revenue": (
        "Revenue change of the other accounts without base revenue (bridge movement 'resumed').",
        "Σ (rev_P - rev_B) over accounts with rev_B <= 0 that are neither new nor reactivated in P",
        "Clients that billed nothing (or a net credit) in B: billing gaps; also late invoices after churn.",
    ),
    "closing_revenue": (
        "Closing of the revenue bridge: revenue in the period of the accounts of the group.",
        "Σ rev_P over all accounts",
        "Equals revenue ungrouped; by manager, accounts count for their owner on their reference day.",
    ),
    "backlog": (
        "Contracted value not yet billed at the end of the period.",
        "Σ max(0, value - billed up to end - 1) over projects signed by end - 1 and not finished by then",
        "Finished: an end date on or before the last day. value is the contracted total for every billing "
        "kind (fixed: the price; hour/day/month: the contracted total). Over-billed projects count 0.",
    ),
    "mrr": (
        "Monthly recurring revenue of month-billed projects (retainers) open at the end of the period.",
        "Σ value / months(start, end) over month-billed projects started by end - 1 and ending after it",
        "months: whole months of the contract (start, else signed_on, to end inclusive), at least 1. "
        "Projects without an end have no term to spread their value over and count 0.",
    ),
    "arr": (
        "Annual recurring revenue: 12 × mrr.",
        "12 × mrr",
        "Fixed, hour- and day-billed projects are one-off: they are in neither.",
    ),
    "quick_ratio": (
        "Growth efficiency: revenue gained per unit of revenue lost.",
        "(new + reactivated + resumed + expansion) / |contraction + churned|",
        "From the revenue bridge (contraction and churned signed). Nothing lost -> NaN. Above 1: growing.",
    ),
    "csat": (
        "Customer satisfaction.",
        "share of CSAT answers (1-5) that are 4 or 5",
        "No answers -> NaN; 3 is not satisfied. method='mean': the mean score.",
    ),
    "nps": (
        "Net promoter score.",
        "100 × (promoters - detractors) / answers on the 0-10 scale",
        "Promoters 9-10, detractors 0-6, passives 7-8 stay in the denominator. Range -100..100; "
        "no answers -> NaN.",
    ),
    "ces": (
        "Customer effort score.",
        "mean CES answer (1-7, higher = easier)",
        "No answers -> NaN. method='top_box': share of answers 6 or 7.",
    ),
    "renewal_rate": (
        "Contracts renewed.",
        "renewal projects signed in P / projects whose end date falls in P",
        "No contract due -> NaN. weight='value': their value, Σ value(renewals) / Σ value(due).",
    ),
    "handover_churn_rate": (
        "Accounts lost soon after the closer handed them to a farmer.",
        "accounts handed from a closer to a farmer in P that churn within handover_days (90) of the handover"
        " / accounts handed over in P",
        "No handover -> NaN. A handover whose days are not over yet counts the churn known so far.",
    ),
    "request_count": ("Client requests received.", "requests with received_on in P", "A count."),
    "requests_per_account": ("Requests per client.", "request_count / active_clients", "No clients -> NaN."),
    "request_response_days": (
        "How fast requests are answered.",
        "median days from received_on to responded_on, over answered requests received in P",
        "None answered -> NaN. Unanswered requests are counted in unanswered_requests.",
    ),
    "unanswered_requests": (
        "Requests still without an answer.",
        "requests received in P with no responded_on",
        "A count.",
    ),
    "timely_response_rate": (
        "Requests answered within the SLA.",
        "requests received in P answered within sla_days (2) / requests received in P",
        "Unanswered requests count as late. No request -> NaN.",
    ),
    "request_conversion_rate": (
        "Requests that became projects.",
        "requests with a project / requests received in P",
        "No request -> NaN.",
    ),
    "avg_project_size": (
        "Mean project value (same as avg_deal_size).",
        "mean value of projects signed in P",
        "None -> NaN. Grouped by account: the size of projects at one client.",
    ),
    "median_project_size": ("Median project value.", "median value of projects signed in P", "None -> NaN."),
    "projects_per_account": (
        "Projects per client.",
        "projects signed in P / active_clients",
        "No clients -> NaN.",
    ),
    "communications": (
        "Interactions, both sides of the junction.",
        "emails + calls + meetings dated in P = client_communications + internal_communications",
        "A count.",
    ),
    "emails": ("Emails.", "interactions of channel email in P", "A count."),
    "calls": ("Calls.", "interactions of channel call in P", "A count."),
    "meetings": ("Meetings.", "interactions of channel meeting in P", "A count."),
    "internal_communications": (
        "Talks with the company's own people on the client's behalf.",
        "interactions of party internal dated in P",
        "A count.",
    ),
    "client_communications": (
        "Talks with the client.",
        "interactions of party client (the default) dated in P",
        "A count.",
    ),
    "touches_per_account_month": (
        "Contact cadence.",
        "communications / (active_clients × months in P)",
        "Months are calendar months, or days / 30.436875. No clients -> NaN.",
    ),
    "days_since_last_touch": (
        "Time since the last contact.",
        "mean over clients at end - 1 with an interaction of (end - 1 - last interaction)",
        "Clients never contacted are left out of the mean; none -> NaN.",
    ),
    "revenue": (
        "Revenue.",
        "Σ amount of revenue lines dated in P",
        "Compensated summation: exact to the cent.",
    ),
    "cost": ("Cost.", "Σ cost of revenue lines dated in P", "Missing cost counts as 0."),
    "gross_profit": ("Gross profit.", "Σ (amount - cost)", "May be negative."),
    "gross_margin": (
        "Gross margin.",
        "gross_profit / revenue (revenue-weighted)",
        "Revenue 0 -> NaN; may be negative; never a mean of per-project percentages.",
    ),
    "deals": ("Deals signed.", "projects signed in P", "A count."),
    "avg_deal_size": ("Average check.", "mean value of projects signed in P", "None -> NaN."),
    "median_deal_size": ("Median check.", "median value of projects signed in P", "None -> NaN."),
    "avg_rate_hour": (
        "Average hourly rate.",
        "Σ amount / Σ units over lines billed per hour",
        "0 units -> NaN.",
    ),
    "avg_rate_day": (
        "Average daily rate.",
        "Σ amount / Σ units over lines billed per day",
        "0 units -> NaN.",
    ),
    "avg_rate_month": (
        "Average monthly rate.",
        "Σ amount / Σ units over lines billed per month",
        "0 units -> NaN.",
    ),
    "avg_rate_normalised_hour": (
        "Average rate per hour over every billing unit.",
        "Σ amount / Σ hours, with a day = hours_per_day (8) hours and a month = days_per_month (21) days",
        "0 units -> NaN.",
    ),
    "arpa": ("Average revenue per account.", "revenue / active_clients", "No clients -> NaN."),
    "upsell_revenue": (
        "Upsell revenue.",
        "revenue in P of projects of kind upsell",
        "Kind given, or derived from service lines when absent.",
    ),
    "cross_sell_revenue": (
        "Cross-sell revenue.",
        "revenue in P of projects of kind cross_sell",
        "Kind given, or derived from service lines when absent.",
    ),
    "new_business_revenue": (
        "The closers' part of revenue.",
        "revenue in P of accounts acquired in P (N)",
        "The rest is the farmers' part.",
    ),
    "ltv_historical": (
        "Historical lifetime value per client.",
        "mean over active clients of their gross profit from their first line up to end - 1",
        "ltv_measure='revenue' adds up revenue instead. No clients -> NaN.",
    ),
    "ltv_predicted": (
        "Predicted lifetime value per client.",
        "mean over active clients of each one's predicted CLV (BG/NBD + Gamma-Gamma) at end - 1",
        "Needs a fitted model: book.kpis(..., ltv_model=(bgf, ggf)); NaN without one.",
    ),
    "top_share": (
        "Revenue share of the top accounts.",
        "share of the top ceil(p × n) accounts, p = 0.2",
        "Over accounts with revenue > 0 in P; n = 0 -> NaN.",
    ),
    "pareto_ratio": (
        "The 80/20 check.",
        "smallest fraction of accounts whose revenue reaches 80% of the total",
        "n = 0 -> NaN; 0.2 means a textbook 80/20 book.",
    ),
    "gini": (
        "Inequality of revenue across accounts.",
        "Σ_i (2i - n - 1) x_(i) / (n Σ x), ascending",
        "n = 0 -> NaN; all equal -> 0.",
    ),
    "hhi": (
        "Herfindahl-Hirschman index.",
        "Σ s_i², s_i the revenue shares (0..1)",
        "Multiply by 10,000 for the antitrust scale. n = 0 -> NaN.",
    ),
    "largest_client_share": (
        "Dependence on one client.",
        "the largest single revenue share",
        "A share of 10% or more is a disclosure threshold in US segment reporting.",
    ),
}
