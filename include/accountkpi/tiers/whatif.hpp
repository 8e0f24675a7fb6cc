#pragma once
/// \file
/// What-if: the profit effect of keeping more clients, from a period's own churn and margins.
///
/// Over a period of `period_years` years the start cohort S loses C clients (churn `c = C / S`). Keeping
/// `points` more of S (0.05 = five points of retention) keeps `k = min(round(points × S), C)` whole clients
/// more: the new churn is `c' = (C − k) / S`, never below 0. A client earns `g` = gross profit of the period
/// / clients active in it, per period. Over a horizon of `n = max(1, round(horizon_years / period_years))`
/// periods, discounted at `d` per period (`(1 + discount)^period_years − 1`), the cohort's profit is
///
///   V(c) = S × g × Σ_{t=1..n} ((1 − c) / (1 + d))^t
///
/// (each period's survivors earn `g`; a retention of 1 stays finite because the horizon is). The uplift is
/// `V(c') − V(c)` and the relative uplift `V(c') / V(c) − 1` (Reichheld's "+5 points of retention, +25% to
/// +95% profit" is this ratio on his numbers).

#include <cstdint>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::tiers {

/// The inputs of `retention_uplift`: what a period of the book says.
struct RetentionInputs {
    std::int64_t clients_start = 0;    ///< S
    std::int64_t churned_clients = 0;  ///< C, at most S
    double gross_profit = 0;           ///< of the period
    double active_clients = 0;         ///< clients on any day of the period
    double period_years = 1;           ///< > 0 (a quarter is 0.25)
};

/// What `book` says over `period` within `scope`: the clients at the start, those churned, the gross profit
/// and the clients active (one engine request), and the period's length in years (`period.months() / 12`).
[[nodiscard]] RetentionInputs retention_inputs(const Book& book, Period period, const kpi::Scope& scope = {},
                                               const kpi::Options& options = {});

/// Every number of the estimate (currency; rates as fractions 0-1).
struct RetentionUplift {
    std::int64_t extra_clients_kept = 0;    ///< k, whole clients
    double churn_rate;                      ///< c = C / S; NaN when S = 0
    double new_churn_rate;                  ///< c' = (C − k) / S
    double gross_profit_per_client;         ///< g; NaN without active clients
    double profit_next_period;              ///< k × g: what the kept clients bring in the next period
    int periods;                            ///< n, periods in the horizon
    double period_discount;                 ///< d, per period
    double lifetime_profit_per_client;      ///< g × Σ_{t=1..n} ((1 − c) / (1 + d))^t
    double new_lifetime_profit_per_client;  ///< the same at c'
    double horizon_profit;                  ///< V(c) = S × lifetime_profit_per_client
    double new_horizon_profit;              ///< V(c')
    double lifetime_uplift;                 ///< V(c') − V(c)
    double profit_uplift;                   ///< V(c') / V(c) − 1; NaN when V(c) is 0
};

/// The estimate for `points` (in [0, 1]) more retention over `horizon_years` (> 0, at most 1000 and 10^6
/// periods) at a yearly `discount`
/// (>= 0). Every field is finite for any `points` in [0, 1] when S > 0, the period has active clients and
/// V(c) ≠ 0. Throws `std::invalid_argument` on points outside [0, 1], a horizon or period length not > 0,
/// a negative or non-finite discount, or counts with C > S or negative.
[[nodiscard]] RetentionUplift retention_uplift(const RetentionInputs& in, double points, double horizon_years,
                                               double discount);

}  // namespace accountkpi::tiers
ACCOUNTKPI_EXPORT_END
