// The revenue bridge: the engine's bridge measures (accumulated in the pass over the accounts, see
// src/kpi/engine.cpp) laid out as one exact column per movement.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "accountkpi/detail/sum.hpp"
#include "accountkpi/kpi/bridge.hpp"
#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::kpi {

std::string_view name(Movement m) noexcept {
    static constexpr std::string_view names[] = {"opening",   "new",         "reactivated", "resumed",
                                                 "expansion", "contraction", "churned",     "closing"};
    return names[static_cast<std::size_t>(m)];
}

Bridge revenue_bridge(const Book& book, const std::vector<Period>& periods, const std::vector<Key>& by,
                      Options::NrrBase base, const Scope& scope, unsigned threads) {
    for (Key k : by) {
        if (k == Key::service_line || k == Key::project) {
            throw std::invalid_argument("revenue_bridge: not by " + std::string(name(k)) +
                                        " (an account's change of revenue belongs to the account); group by "
                                        "account, manager, region, domain, tier, role or volume_band");
        }
    }
    using S = State::Sum;
    Request rq;
    rq.periods = periods;
    rq.by = by;
    rq.kpis = {Kpi::opening_revenue, Kpi::new_revenue,       Kpi::reactivated_revenue,
               Kpi::resumed_revenue, Kpi::expansion_revenue, Kpi::contraction_revenue,
               Kpi::churned_revenue, Kpi::closing_revenue};
    rq.options.nrr_base = base;
    rq.scope = scope;
    rq.threads = threads;
    const State st = accumulate(book, rq);

    // Each movement: its measure, and its sign (contraction and churned are accumulated as losses).
    constexpr std::array<std::pair<S, int>, movements.size()> measure{{{S::opening, 1},
                                                                       {S::new_revenue, 1},
                                                                       {S::reactivated_revenue, 1},
                                                                       {S::resumed_revenue, 1},
                                                                       {S::expansion, 1},
                                                                       {S::contraction, -1},
                                                                       {S::churned_revenue, -1},
                                                                       {S::closing, 1}}};
    const std::vector<std::size_t> order = st.groups_in_key_order();
    const std::size_t np = st.periods(), rows = order.size() * np;
    Bridge out;
    out.by = by;
    out.key_codes.assign(by.size(), {});
    for (auto& codes : out.key_codes) codes.reserve(rows);
    out.period.reserve(rows);
    for (auto& column : out.millionths) column.reserve(rows);
    for (std::size_t g : order) {
        for (std::size_t p = 0; p < np; ++p) {
            for (std::size_t k = 0; k < by.size(); ++k) out.key_codes[k].push_back(st.code(g, k));
            out.period.push_back(static_cast<std::int32_t>(p));
            const std::size_t cell = st.cell(g, p);
            for (std::size_t m = 0; m < movements.size(); ++m) {
                const detail::Int128 n = measure[m].second * st.millionths(measure[m].first, cell);
                if (n > std::numeric_limits<std::int64_t>::max() ||
                    n < std::numeric_limits<std::int64_t>::min()) {
                    throw std::overflow_error("revenue_bridge: the " + std::string(name(movements[m])) +
                                              " movement exceeds 2^63 millionths of the currency unit");
                }
                out.millionths[m].push_back(static_cast<std::int64_t>(n));
            }
        }
    }
    return out;
}

}  // namespace accountkpi::kpi
