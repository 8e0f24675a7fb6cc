#pragma once
/// \file
/// The textbook lifetime value of an account with constant margin, retention and discount rate
/// (kpi-definitions section 4, `ltv_simple`). Every rate is per *period*, and the caller chooses the period:
/// a monthly margin needs a monthly churn and a monthly discount rate (`per_period_rate` converts an annual
/// rate).

#include <optional>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Lifetime value of an account paying `margin_per_period` m at the end of each period it stays, retained
/// each period with probability r = 1 - churn, discounted at d per period:
///
///  - infinite horizon (`horizon_periods` empty): m r / (1 + d - r) = sum_{t>=1} m r^t / (1 + d)^t;
///  - finite horizon T: sum_{t=1..T} m r^t / (1 + d)^t.
///
/// With churn 0 and an infinite horizon the result is NaN, never inf and never the perpetuity m / d: an
/// account that never churns has no finite lifetime in this model, and the caller must say how long to count
/// by passing a horizon.
///
/// \param margin_per_period m, currency per period (any sign)
/// \param churn_per_period fraction 0-1 of accounts lost per period
/// \param discount_rate_per_period d >= 0, fraction per period (0.01 = 1 % per period)
/// \param horizon_periods number of periods T >= 0 to count, or empty for an infinite horizon
/// \throws std::invalid_argument when an argument is NaN or infinite, churn is outside [0, 1], d < 0, or the
///         horizon is negative.
double ltv_simple(double margin_per_period, double churn_per_period, double discount_rate_per_period,
                  std::optional<int> horizon_periods = std::nullopt);

/// The rate per period equivalent to `annual_rate` compounded over `periods_per_year` periods:
/// (1 + annual_rate)^(1 / periods_per_year) - 1 (e.g. 10 % a year is 0.797 % a month).
/// \throws std::invalid_argument when annual_rate <= -1 or NaN, or periods_per_year < 1.
double per_period_rate(double annual_rate, int periods_per_year);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
