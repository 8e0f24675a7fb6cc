// Portfolio prioritisation (include/accountkpi/tiers/priority.hpp): the items from the engine, the parts as
// percentile ranks, the weighted score (tiers::weighted_score), the flags and their reasons.
#include "accountkpi/tiers/priority.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "accountkpi/kpi/engine.hpp"
#include "accountkpi/ltv/book.hpp"
#include "accountkpi/tiers/score.hpp"
#include "rules_detail.hpp"

namespace accountkpi::tiers {
namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void check(const PriorityOptions& o, const kpi::Scope& portfolio) {
    double total = 0;
    for (double w : o.weights) {
        if (!std::isfinite(w) || w < 0)
            throw std::invalid_argument("priority weights must be finite, >= 0 and not all 0");
        total += w;
    }
    if (!(total > 0)) throw std::invalid_argument("priority weights must be finite, >= 0 and not all 0");
    if (o.shrink != 0) detail::check_fraction("shrink", o.shrink);
    detail::check_fraction("margin_floor", o.margin_floor);
    if (!(o.health_floor >= 0 && o.health_floor <= 100)) {
        throw std::invalid_argument("health_floor is a health score 0-100, got " +
                                    detail::number_text(o.health_floor));
    }
    if (portfolio.managers.empty() && portfolio.accounts.empty())
        throw std::invalid_argument("prioritise: give a manager or accounts");
    health::check(o.health);
}

/// The portfolio's revenue and gross profit by `key` (account or project) over `period` and `base`.
kpi::Result items_request(const Book& book, Period period, Period base, const kpi::Scope& portfolio,
                          const PriorityOptions& o) {
    kpi::Request rq;
    rq.periods = {period, base};
    rq.by = {o.level == PriorityLevel::account ? kpi::Key::account : kpi::Key::project};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::gross_profit};
    if (o.level == PriorityLevel::account) rq.kpis.push_back(kpi::Kpi::active_clients);
    rq.options = o.health.kpi;
    rq.scope = portfolio;
    return kpi::compute(book, rq);
}

/// The items (account or project rows) with their revenue, base revenue and gross profit; at the account
/// level, every client of the period and every account that billed in either period.
PriorityTable items_of(const Book& book, const kpi::Result& r, PriorityLevel level) {
    PriorityTable t;
    std::unordered_map<std::int32_t, std::size_t> row_of;
    std::vector<std::uint8_t> client;
    const auto& revenue = r.column(kpi::Kpi::revenue);
    const auto& profit = r.column(kpi::Kpi::gross_profit);
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const std::int32_t code = r.key_codes[0][i];
        if (code < 0) continue;  // revenue lines without a project
        auto [at, added] = row_of.try_emplace(code, t.rows());
        if (added) {
            t.item.push_back(code);
            t.account.push_back(level == PriorityLevel::account
                                    ? code
                                    : book.projects().account[static_cast<std::size_t>(code)]);
            t.revenue.push_back(0);
            t.base_revenue.push_back(0);
            t.gross_profit.push_back(0);
            client.push_back(0);
        }
        const std::size_t j = at->second;
        if (r.period[i] == 0) {
            t.revenue[j] = revenue[i];
            t.gross_profit[j] = profit[i];
            if (level == PriorityLevel::account)
                client[j] = r.column(kpi::Kpi::active_clients)[i] > 0 ? 1 : 0;
        } else {
            t.base_revenue[j] = std::isnan(revenue[i]) ? 0 : revenue[i];
        }
    }
    if (level == PriorityLevel::project) return t;
    PriorityTable kept;
    for (std::size_t j = 0; j < t.rows(); ++j) {
        if (client[j] || t.revenue[j] != 0 || t.gross_profit[j] != 0 || t.base_revenue[j] != 0) {
            kept.item.push_back(t.item[j]);
            kept.account.push_back(t.account[j]);
            kept.revenue.push_back(t.revenue[j]);
            kept.base_revenue.push_back(t.base_revenue[j]);
            kept.gross_profit.push_back(t.gross_profit[j]);
        }
    }
    return kept;
}

/// Percentile ranks of `x` among its defined values (ties share their mean rank; NaN stays NaN), as
/// pandas' `rank(pct=True)`.
std::vector<double> percentile_ranks(const std::vector<double>& x) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isnan(x[i])) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> out(x.size(), nan);
    const auto n = static_cast<double>(order.size());
    for (std::size_t from = 0; from < order.size();) {
        std::size_t to = from;
        while (to < order.size() && x[order[to]] == x[order[from]]) ++to;
        const double mean_rank = (static_cast<double>(from + 1) + static_cast<double>(to)) / 2;
        for (std::size_t k = from; k < to; ++k) out[order[k]] = mean_rank / n;
        from = to;
    }
    return out;
}

void score_items(PriorityTable& t, const PriorityOptions& o) {
    const auto value = percentile_ranks(t.revenue);
    const auto growth = percentile_ranks(t.growth);
    const auto margin = percentile_ranks(t.margin);
    for (std::size_t j = 0; j < t.rows(); ++j) {
        const std::array<double, 4> parts{value[j], growth[j], margin[j], t.health[j] / 100};
        t.priority.push_back(weighted_score(parts, o.weights).value);
    }
}

void flag(PriorityTable& t, std::size_t j, RiskFlag f, const std::string& reason) {
    t.flags[j] |= static_cast<std::uint8_t>(f);
    const std::string sep = t.risk_flags[j].empty() ? "" : "; ";
    t.risk_flags[j] += sep + std::string(name(f));
    t.reasons[j] += sep + std::string(name(f)) + ": " + reason;
}

void flag_items(PriorityTable& t, const PriorityOptions& o) {
    t.flags.assign(t.rows(), 0);
    t.risk_flags.assign(t.rows(), "");
    t.reasons.assign(t.rows(), "");
    t.drop_candidate.assign(t.rows(), 0);
    for (std::size_t j = 0; j < t.rows(); ++j) {
        const bool loss = t.gross_profit[j] < 0;
        const bool shrinking = t.growth[j] <= -o.shrink;
        const bool low = t.margin[j] >= 0 && t.margin[j] < o.margin_floor;
        if (loss)
            flag(t, j, RiskFlag::loss_making,
                 "gross profit " + detail::float_text(detail::round_to(t.gross_profit[j], 2)));
        if (shrinking)
            flag(t, j, RiskFlag::shrinking, "revenue " + detail::whole_text(t.growth[j] * 100) + "%");
        if (low) {
            flag(t, j, RiskFlag::low_margin,
                 "margin " + detail::float_text(detail::round_to(t.margin[j] * 100, 1)) + "% (floor " +
                     detail::percent_text(o.margin_floor) + ")");
        }
        if (t.health[j] < o.health_floor)
            flag(t, j, RiskFlag::unhealthy, "health " + detail::float_text(detail::round_to(t.health[j], 1)));
        t.drop_candidate[j] = (loss || low) && shrinking ? 1 : 0;
    }
}

template <class T>
void reorder(std::vector<T>& v, const std::vector<std::size_t>& order) {
    std::vector<T> out;
    out.reserve(order.size());
    for (std::size_t i : order) out.push_back(std::move(v[i]));
    v = std::move(out);
}

void rank(PriorityTable& t, const IdIndex& ids) {
    std::vector<std::size_t> order(t.rows());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const double px = t.priority[x], py = t.priority[y];
        if (std::isnan(px) != std::isnan(py)) return std::isnan(py);
        if (px != py && !std::isnan(px)) return px > py;
        if (t.revenue[x] != t.revenue[y]) return t.revenue[x] > t.revenue[y];
        return detail::id_less(ids, t.item[x], t.item[y]);
    });
    reorder(t.item, order);
    reorder(t.account, order);
    reorder(t.revenue, order);
    reorder(t.base_revenue, order);
    reorder(t.growth, order);
    reorder(t.gross_profit, order);
    reorder(t.margin, order);
    reorder(t.health, order);
    reorder(t.ltv_historical, order);
    reorder(t.priority, order);
    reorder(t.flags, order);
    reorder(t.drop_candidate, order);
    reorder(t.risk_flags, order);
    reorder(t.reasons, order);
}

}  // namespace

std::string_view name(PriorityPart p) noexcept {
    switch (p) {
        case PriorityPart::value:
            return "value";
        case PriorityPart::growth:
            return "growth";
        case PriorityPart::margin:
            return "margin";
        case PriorityPart::health:
            return "health";
    }
    return "value";
}

std::string_view name(RiskFlag f) noexcept {
    switch (f) {
        case RiskFlag::loss_making:
            return "loss_making";
        case RiskFlag::shrinking:
            return "shrinking";
        case RiskFlag::low_margin:
            return "low_margin";
        case RiskFlag::unhealthy:
            return "unhealthy";
    }
    return "loss_making";
}

PriorityTable prioritise(const Book& book, Period period, const kpi::Scope& portfolio,
                         const PriorityOptions& options) {
    check(options, portfolio);
    PriorityTable t =
        items_of(book, items_request(book, period, period.previous(), portfolio, options), options.level);
    std::vector<double> account_health(book.accounts().size(), nan);
    if (t.rows() > 0) {
        const health::HealthTable h = health::health(book, period, {}, options.health);
        for (std::size_t i = 0; i < h.rows(); ++i)
            account_health[static_cast<std::size_t>(h.account[i])] = h.health[i];
    }
    const std::vector<double> lifetime = ltv::historical(book, period.end());
    for (std::size_t j = 0; j < t.rows(); ++j) {
        const auto a = static_cast<std::size_t>(t.account[j]);
        const double rev = t.revenue[j], base = t.base_revenue[j];
        t.growth.push_back(base > 0 ? rev / base - 1 : nan);
        t.margin.push_back(rev != 0 ? t.gross_profit[j] / rev : nan);
        t.health.push_back(account_health[a]);
        t.ltv_historical.push_back(lifetime[a]);
    }
    score_items(t, options);
    flag_items(t, options);
    rank(t, options.level == PriorityLevel::account ? book.accounts().ids : book.projects().ids);
    return t;
}

}  // namespace accountkpi::tiers
