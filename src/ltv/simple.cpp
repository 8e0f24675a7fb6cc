// The simple lifetime-value formula (kpi-definitions section 4).
#include "accountkpi/ltv/simple.hpp"

#include <cmath>

#include "ltv_detail.hpp"

namespace accountkpi::ltv {

double ltv_simple(double margin_per_period, double churn_per_period, double discount_rate_per_period,
                  std::optional<int> horizon_periods) {
    constexpr std::string_view where = "ltv_simple";
    if (!std::isfinite(margin_per_period))
        detail::fail(where,
                     "margin_per_period = " + detail::format_number(margin_per_period) + " is not finite");
    if (!(churn_per_period >= 0 && churn_per_period <= 1))
        detail::fail(where, "churn_per_period = " + detail::format_number(churn_per_period) +
                                " must be a fraction in [0, 1]");
    if (!(discount_rate_per_period >= 0) || !std::isfinite(discount_rate_per_period))
        detail::fail(where, "discount_rate_per_period = " + detail::format_number(discount_rate_per_period) +
                                " must be finite and >= 0");
    const double r = 1 - churn_per_period, d = discount_rate_per_period, m = margin_per_period;
    if (!horizon_periods) {
        if (churn_per_period == 0) return detail::nan;  // never churns: no finite lifetime; pass a horizon
        return m * r / (1 + d - r);
    }
    if (*horizon_periods < 0)
        detail::fail(where, "horizon_periods = " + std::to_string(*horizon_periods) + " must be >= 0");
    // sum_{t=1..T} m q^t with q = r / (1 + d), summed term by term (T is small; exact for q = 1).
    const double q = r / (1 + d);
    double term = 1, sum = 0;
    for (int t = 1; t <= *horizon_periods; ++t) {
        term *= q;
        sum += term;
    }
    return m * sum;
}

double per_period_rate(double annual_rate, int periods_per_year) {
    constexpr std::string_view where = "per_period_rate";
    if (!(annual_rate > -1) || !std::isfinite(annual_rate))
        detail::fail(where,
                     "annual_rate = " + detail::format_number(annual_rate) + " must be finite and > -1");
    if (periods_per_year < 1)
        detail::fail(where, "periods_per_year = " + std::to_string(periods_per_year) + " must be >= 1");
    return std::expm1(std::log1p(annual_rate) / periods_per_year);
}

}  // namespace accountkpi::ltv
