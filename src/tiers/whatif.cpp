// What-if: the profit effect of keeping more clients over a capped, discounted horizon.
#include "accountkpi/tiers/whatif.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::tiers {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Σ_{t=1..n} q^t, with q = 1 exactly n.
double geometric_sum(double q, int n) {
    if (q == 1) return n;
    return q * (1 - std::pow(q, n)) / (1 - q);
}

}  // namespace

RetentionUplift retention_uplift(const RetentionInputs& in, double points, double horizon_years,
                                 double discount) {
    if (!(points >= 0 && points <= 1))
        throw std::invalid_argument(
            "retention_uplift: points is a fraction in [0, 1] (0.05 = five points), got " +
            std::to_string(points));
    if (!(horizon_years > 0 && horizon_years <= 1000))
        throw std::invalid_argument("retention_uplift: the horizon (years) must be > 0 and at most 1000");
    if (!(discount >= 0) || !std::isfinite(discount))
        throw std::invalid_argument("retention_uplift: the discount rate (a year) must be >= 0 and finite");
    if (!(in.period_years > 0) || !std::isfinite(in.period_years) || horizon_years / in.period_years > 1e6)
        throw std::invalid_argument(
            "retention_uplift: the period length (years) must be > 0 and the horizon "
            "at most 10^6 periods");
    if (in.clients_start < 0 || in.churned_clients < 0 || in.churned_clients > in.clients_start)
        throw std::invalid_argument("retention_uplift: need 0 <= churned clients <= clients at the start");
    RetentionUplift r{};
    const auto s = static_cast<double>(in.clients_start);
    const auto kept = static_cast<std::int64_t>(std::llround(points * s));
    r.extra_clients_kept = std::min(kept, in.churned_clients);
    r.churn_rate = in.clients_start > 0 ? static_cast<double>(in.churned_clients) / s : nan;
    r.new_churn_rate =
        in.clients_start > 0 ? static_cast<double>(in.churned_clients - r.extra_clients_kept) / s : nan;
    r.gross_profit_per_client = in.active_clients > 0 ? in.gross_profit / in.active_clients : nan;
    r.profit_next_period = static_cast<double>(r.extra_clients_kept) * r.gross_profit_per_client;
    r.periods = std::max(1, static_cast<int>(std::lround(horizon_years / in.period_years)));
    r.period_discount = std::pow(1 + discount, in.period_years) - 1;
    const auto per_client = [&](double churn) {
        return r.gross_profit_per_client * geometric_sum((1 - churn) / (1 + r.period_discount), r.periods);
    };
    r.lifetime_profit_per_client = per_client(r.churn_rate);
    r.new_lifetime_profit_per_client = per_client(r.new_churn_rate);
    r.horizon_profit = s * r.lifetime_profit_per_client;
    r.new_horizon_profit = s * r.new_lifetime_profit_per_client;
    r.lifetime_uplift = r.new_horizon_profit - r.horizon_profit;
    r.profit_uplift = r.horizon_profit != 0 ? r.new_horizon_profit / r.horizon_profit - 1 : nan;
    return r;
}

RetentionInputs retention_inputs(const Book& book, Period period, const kpi::Scope& scope,
                                 const kpi::Options& options) {
    using kpi::Kpi;
    kpi::Request rq;
    rq.periods = {period};
    rq.kpis = {Kpi::clients_start, Kpi::churned_clients, Kpi::active_clients, Kpi::gross_profit};
    rq.options = options;
    rq.scope = scope;
    const kpi::Result r = kpi::compute(book, rq);
    const auto first = [&](Kpi k) { return r.rows() > 0 ? r.column(k)[0] : 0.0; };
    return RetentionInputs{static_cast<std::int64_t>(first(Kpi::clients_start)),
                           static_cast<std::int64_t>(first(Kpi::churned_clients)), first(Kpi::gross_profit),
                           first(Kpi::active_clients), period.months() / 12};
}

}  // namespace accountkpi::tiers
