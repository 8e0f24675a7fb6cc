// Finalizing a request: the state's cells turned into KPI values, one case per KPI (see
// accountkpi/kpi/engine.hpp and docs/kpis.md for the definitions).
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/kpi/concentration.hpp"
#include "accountkpi/kpi/engine.hpp"
#include "engine_detail.hpp"

namespace accountkpi::kpi {

// Below 2^51 in magnitude, a 64-bit integer n becomes a double exactly as the bits of 1.5 x 2^52 + n less
// 1.5 x 2^52: an integer add and a subtraction, both in vector registers (which convert 64-bit integers to
// doubles only from AVX-512 on). A chunk with a larger n is converted one value at a time.
namespace {
constexpr auto magic_bits = std::bit_cast<std::uint64_t>(detail::whole_number_magic);
constexpr auto nan_bits = std::bit_cast<std::uint64_t>(nan);
/// Nonzero when `n` is outside [-2^51, 2^51).
[[gnu::always_inline]] inline std::uint64_t beyond_2_51(std::uint64_t n) noexcept {
    return (n + (std::uint64_t{1} << 51U)) >> 52U;
}
[[gnu::always_inline]] inline double small_to_double(std::uint64_t n) noexcept {
    return std::bit_cast<double>(n + magic_bits) - detail::whole_number_magic;
}
}  // namespace

ACCOUNTKPI_VECTOR_CLONES void from_millionths(const std::int64_t* n, std::size_t m, double* out) noexcept {
    std::uint64_t large = 0;
    for (std::size_t q = 0; q < m; ++q) {
        const auto u = static_cast<std::uint64_t>(n[q]);
        large |= beyond_2_51(u);
        out[q] = small_to_double(u) / detail::money_scale;
    }
    if (large != 0) {
        for (std::size_t q = 0; q < m; ++q) out[q] = detail::from_millionths(n[q]);
    }
}

ACCOUNTKPI_VECTOR_CLONES void ratios(const std::int64_t* num, const std::int64_t* den, std::size_t m,
                                     double* out) noexcept {
    std::uint64_t large = 0;
    for (std::size_t q = 0; q < m; ++q) {
        const auto a = static_cast<std::uint64_t>(num[q]), b = static_cast<std::uint64_t>(den[q]);
        large |= beyond_2_51(a) | beyond_2_51(b);
        // NaN where b is 0, chosen by a mask of bits: a choice of values would become a branch around the
        // division, which the compiler then cannot make for several cells at once.
        const auto quotient = std::bit_cast<std::uint64_t>(small_to_double(a) / small_to_double(b));
        const std::uint64_t none = 0 - static_cast<std::uint64_t>(b == 0);
        out[q] = std::bit_cast<double>((quotient & ~none) | (nan_bits & none));
    }
    if (large != 0) {
        for (std::size_t q = 0; q < m; ++q) out[q] = ratio(detail::Int128{num[q]}, detail::Int128{den[q]});
    }
}

ACCOUNTKPI_VECTOR_CLONES bool differences(const std::int64_t* a, const std::int64_t* b, std::size_t m,
                                          std::int64_t* out) noexcept {
    std::uint64_t wrapped = 0;  // its sign bit set where a difference overflowed
    for (std::size_t q = 0; q < m; ++q) {
        const auto x = static_cast<std::uint64_t>(a[q]), y = static_cast<std::uint64_t>(b[q]);
        const std::uint64_t d = x - y;
        wrapped |= (x ^ y) & (x ^ d);
        out[q] = static_cast<std::int64_t>(d);
    }
    return (wrapped >> 63U) == 0;
}

namespace {

/// Per-cell medians of a (cell, value) list; NaN where a cell has no value.
std::vector<double> medians(std::vector<std::pair<std::uint32_t, double>> pairs, std::size_t cells) {
    std::vector<double> out(cells, nan);
    std::sort(pairs.begin(), pairs.end());
    for (std::size_t i = 0; i < pairs.size();) {
        std::size_t j = i;
        while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
        const std::size_t n = j - i, mid = i + n / 2;
        out[pairs[i].first] = n % 2 ? pairs[mid].second : (pairs[mid - 1].second + pairs[mid].second) / 2;
        i = j;
    }
    return out;
}

/// Per-cell concentration of the accounts' revenue (NaN where a cell has none).
std::vector<Concentration> concentrations(const State& st, std::size_t cells, const Options& o) {
    std::vector<Concentration> conc(cells, Concentration{nan, nan, nan, nan, nan});
    auto pairs = st.list(L::account_revenue);
    std::sort(pairs.begin(), pairs.end());
    std::vector<double> values;
    for (std::size_t i = 0; i < pairs.size();) {
        std::size_t j = i;
        values.clear();
        while (j < pairs.size() && pairs[j].first == pairs[i].first) values.push_back(pairs[j++].second);
        conc[pairs[i].first] = concentration_of_sorted(values, o.top_p, o.pareto_threshold);
        i = j;
    }
    return conc;
}

bool wants(const std::vector<Kpi>& kpis, std::initializer_list<Kpi> any) {
    return std::any_of(kpis.begin(), kpis.end(),
                       [&](Kpi k) { return std::find(any.begin(), any.end(), k) != any.end(); });
}

/// Whether KPI `k` is one of a cell's revenue and cost alone (see `of_revenue_and_cost`), and which of them
/// it reads.
constexpr bool of_money_sums(Kpi k) noexcept {
    return k == Kpi::revenue || k == Kpi::cost || k == Kpi::gross_profit || k == Kpi::gross_margin;
}
constexpr bool reads_revenue(Kpi k) noexcept {
    return k != Kpi::cost;
}
constexpr bool reads_cost(Kpi k) noexcept {
    return k != Kpi::revenue;
}
/// KPI `k` (`of_money_sums`) of a cell's revenue and cost, in exact millionths.
[[gnu::always_inline]] inline double of_revenue_and_cost(Kpi k, detail::Int128 revenue,
                                                         detail::Int128 cost) noexcept {
    switch (k) {
        case Kpi::revenue:
            return detail::from_millionths(revenue);
        case Kpi::cost:
            return detail::from_millionths(cost);
        case Kpi::gross_profit:
            return detail::from_millionths(revenue - cost);
        default:  // gross_margin
            return ratio(revenue - cost, revenue);
    }
}

/// A chunk of cells' revenue and cost in 64-bit millionths, whose KPI values are made together: the
/// conversions and divisions of several cells at once (see `from_millionths` and `ratios`).
struct MoneyCells {
    static constexpr std::size_t size = 256;
    std::array<std::int64_t, size> revenue, cost, profit;

    /// Writes KPI `K` (`of_money_sums`) of the first `n` cells to `out` (the sum that `K` does not read
    /// unset).
    template <Kpi K>
    void write(std::size_t n, double* out) {
        if constexpr (K == Kpi::revenue) {
            from_millionths(revenue.data(), n, out);
        } else if constexpr (K == Kpi::cost) {
            from_millionths(cost.data(), n, out);
        } else if (!differences(revenue.data(), cost.data(), n, profit.data())) {  // a profit beyond 64 bits
            for (std::size_t q = 0; q < n; ++q) out[q] = of_revenue_and_cost(K, revenue[q], cost[q]);
        } else if constexpr (K == Kpi::gross_profit) {
            from_millionths(profit.data(), n, out);
        } else {
            ratios(profit.data(), revenue.data(), n, out);
        }
    }
};

/// The KPI values of a state's cells: each KPI's definition over a cell's measures, with what some KPIs need
/// beyond them (medians and concentration per cell, each period's length in months), made once.
class CellValues {
  public:
    /// The values of `st`, whose periods are the request's from `first_period` on.
    CellValues(const State& st, const Request& rq, const std::vector<Kpi>& kpis, std::size_t first_period = 0)
        : st_(st), o_(rq.options), period_months_(st.periods()) {
        const std::size_t cells = st.slots() * st.periods();  // the lists' cells: slot * periods + period
        for (std::size_t p = 0; p < period_months_.size(); ++p)
            period_months_[p] = rq.periods[first_period + p].months();
        if (wants(kpis, {Kpi::median_deal_size, Kpi::median_project_size}))
            median_deal_ = medians(st.list(L::deal_values), cells);
        if (wants(kpis, {Kpi::request_response_days}))
            median_response_ = medians(st.list(L::response_days), cells);
        if (st.account_level() &&
            wants(kpis, {Kpi::top_share, Kpi::pareto_ratio, Kpi::gini, Kpi::hhi, Kpi::largest_client_share}))
            conc_ = concentrations(st, cells, o_);
    }

    /// Writes KPI `K` of the groups `groups[0..n)` to `out`, group `groups[i]`'s periods in order from
    /// `out[i * periods]`. The loop is made once per KPI (see `fill`), the KPI's case chosen when it is
    /// compiled, not once a cell.
    template <Kpi K>
    void fill_groups(const std::size_t* groups, std::size_t n, double* out) const {
        if constexpr (of_money_sums(K)) {
            if (st_.narrow()) {
                fill_narrow<K>(groups, n, out);
                return;
            }
        }
        const std::size_t np = period_months_.size();
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t g = groups[i];
            for (std::size_t p = 0; p < np; ++p) out[i * np + p] = (*this)(K, st_.cell(g, p), g * np + p, p);
        }
    }

    /// `fill_groups` of KPI `K` of revenue and cost alone (`of_money_sums`) in a narrow state: the sums read
    /// as the 64-bit integers they are, the state's layout held in locals.
    template <Kpi K>
    void fill_narrow(const std::size_t* groups, std::size_t n, double* out) const {
        const std::size_t np = period_months_.size(), width = st_.sum_width();
        const std::size_t period_step = st_.cell(0, 1) * width;
        const double* const records = st_.period_sums(0);
        const std::size_t revenue_at = reads_revenue(K) ? st_.sum_at(S::revenue) : 0;
        const std::size_t cost_at = reads_cost(K) ? st_.sum_at(S::cost) : 0;
        const auto money = [](const double* at) {
            std::int64_t millionths = 0;
            std::memcpy(&millionths, at, sizeof millionths);
            return millionths;
        };
        MoneyCells cells{};  // a chunk of cells at a time, in the order of `out`
        std::size_t m = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double* const first = records + groups[i] * width;
            for (std::size_t p = 0; p < np; ++p) {
                const double* const record = first + p * period_step;
                if (reads_revenue(K)) cells.revenue[m] = money(record + revenue_at);
                if (reads_cost(K)) cells.cost[m] = money(record + cost_at);
                if (++m == MoneyCells::size) {
                    cells.write<K>(m, out);
                    out += std::exchange(m, 0);
                }
            }
        }
        cells.write<K>(m, out);
    }

    /// The value of KPI `kpi` in the cell stored at `cell` (`at` in the lists, period `p`).
    // One case per KPI, each its definition in a line or two: a table of definitions, which a split by family
    // would only cut apart behind a second switch.
    // NOLINTNEXTLINE(readability-function-size)
    [[nodiscard, gnu::always_inline]] double operator()(Kpi kpi, std::size_t cell, std::size_t at,
                                                        std::size_t p) const {
        double v = nan;
        switch (kpi) {
            case Kpi::clients_start:
                v = count(cell, C::clients_start);
                break;
            case Kpi::clients_end:
                v = count(cell, C::clients_end);
                break;
            case Kpi::active_clients:
                v = count(cell, C::active);
                break;
            case Kpi::new_clients:
                v = count(cell, C::new_clients);
                break;
            case Kpi::churned_clients:
                v = count(cell, C::churned);
                break;
            case Kpi::reactivations:
                v = count(cell, C::reactivated);
                break;
            case Kpi::retention_rate:
                v = o_.retention == Options::Retention::set
                        ? ratio(count(cell, C::retained), count(cell, C::clients_start))
                        : ratio(count(cell, C::clients_end) - count(cell, C::new_clients),
                                count(cell, C::clients_start));
                break;
            case Kpi::churn_rate:
                v = o_.churn == Options::Churn::start_cohort
                        ? ratio(count(cell, C::churned), count(cell, C::clients_start))
                        : ratio(count(cell, C::churned) + count(cell, C::churned_new),
                                count(cell, C::clients_start) + count(cell, C::new_clients));
                break;
            case Kpi::revenue_churn_rate: {
                detail::Int128 lost = exact(cell, S::churned_revenue) + exact(cell, S::contraction);
                if (o_.revenue_churn == Options::RevenueChurn::net) lost -= exact(cell, S::expansion);
                v = ratio(lost, exact(cell, S::cohort_base));
                break;
            }
            case Kpi::nrr:
                v = ratio(exact(cell, S::cohort_current), exact(cell, S::cohort_base));
                break;
            case Kpi::grr:
                v = ratio(exact(cell, S::cohort_kept), exact(cell, S::cohort_base));
                break;
            case Kpi::expansion_revenue:
                v = sum(cell, S::expansion);
                break;
            case Kpi::contraction_revenue:
                v = sum(cell, S::contraction);
                break;
            case Kpi::churned_revenue:
                v = sum(cell, S::churned_revenue);
                break;
            case Kpi::opening_revenue:
                v = sum(cell, S::opening);
                break;
            case Kpi::new_revenue:
                v = sum(cell, S::new_revenue);
                break;
            case Kpi::reactivated_revenue:
                v = sum(cell, S::reactivated_revenue);
                break;
            case Kpi::resumed_revenue:
                v = sum(cell, S::resumed_revenue);
                break;
            case Kpi::closing_revenue:
                v = sum(cell, S::closing);
                break;
            case Kpi::quick_ratio: {
                const detail::Int128 gained = exact(cell, S::new_revenue) +
                                              exact(cell, S::reactivated_revenue) +
                                              exact(cell, S::resumed_revenue) + exact(cell, S::expansion);
                const detail::Int128 lost = exact(cell, S::contraction) + exact(cell, S::churned_revenue);
                v = ratio(gained, lost < 0 ? -lost : lost);
                break;
            }
            case Kpi::csat:
                v = o_.csat == Options::Satisfaction::share
                        ? ratio(count(cell, C::csat_satisfied), count(cell, C::csat_n))
                        : ratio(sum(cell, S::csat_sum), count(cell, C::csat_n));
                break;
            case Kpi::nps:
                v = 100.0 * ratio(count(cell, C::nps_promoters) - count(cell, C::nps_detractors),
                                  count(cell, C::nps_n));
                break;
            case Kpi::ces:
                v = o_.ces == Options::Satisfaction::mean
                        ? ratio(sum(cell, S::ces_sum), count(cell, C::ces_n))
                        : ratio(count(cell, C::ces_top), count(cell, C::ces_n));
                break;
            case Kpi::renewal_rate:
                v = o_.renewal == Options::RenewalWeight::value
                        ? ratio(exact(cell, S::renewal_value), exact(cell, S::due_value))
                        : ratio(count(cell, C::renewals), count(cell, C::due));
                break;
            case Kpi::backlog:
                v = sum(cell, S::backlog);
                break;
            case Kpi::mrr:
                v = sum(cell, S::mrr);
                break;
            case Kpi::arr:
                v = detail::from_millionths(12 * exact(cell, S::mrr));
                break;
            case Kpi::handover_churn_rate:
                v = ratio(count(cell, C::handovers_churned), count(cell, C::handovers));
                break;
            case Kpi::request_count:
                v = count(cell, C::requests);
                break;
            case Kpi::requests_per_account:
                v = ratio(count(cell, C::requests), count(cell, C::active));
                break;
            case Kpi::request_response_days:
                v = median_response_[at];
                break;
            case Kpi::unanswered_requests:
                v = count(cell, C::unanswered);
                break;
            case Kpi::timely_response_rate:
                v = ratio(count(cell, C::timely), count(cell, C::requests));
                break;
            case Kpi::request_conversion_rate:
                v = ratio(count(cell, C::converted), count(cell, C::requests));
                break;
            case Kpi::avg_project_size:
            case Kpi::avg_deal_size:
                v = ratio(sum(cell, S::deal_value), count(cell, C::deals));
                break;
            case Kpi::median_project_size:
            case Kpi::median_deal_size:
                v = median_deal_[at];
                break;
            case Kpi::projects_per_account:
                v = ratio(count(cell, C::deals), count(cell, C::active));
                break;
            case Kpi::deals:
                v = count(cell, C::deals);
                break;
            case Kpi::communications:
                v = count(cell, C::emails) + count(cell, C::calls) + count(cell, C::meetings);
                break;
            case Kpi::emails:
                v = count(cell, C::emails);
                break;
            case Kpi::calls:
                v = count(cell, C::calls);
                break;
            case Kpi::meetings:
                v = count(cell, C::meetings);
                break;
            case Kpi::internal_communications:
                v = count(cell, C::internal);
                break;
            case Kpi::client_communications:
                v = count(cell, C::emails) + count(cell, C::calls) + count(cell, C::meetings) -
                    count(cell, C::internal);
                break;
            case Kpi::touches_per_account_month:
                v = ratio(count(cell, C::emails) + count(cell, C::calls) + count(cell, C::meetings),
                          count(cell, C::active) * period_months_[p]);
                break;
            case Kpi::days_since_last_touch:
                v = ratio(sum(cell, S::touch_days), count(cell, C::touch_n));
                break;
            case Kpi::revenue:
            case Kpi::cost:
            case Kpi::gross_profit:
            case Kpi::gross_margin:
                v = of_revenue_and_cost(kpi, reads_revenue(kpi) ? exact(cell, S::revenue) : 0,
                                        reads_cost(kpi) ? exact(cell, S::cost) : 0);
                break;
            case Kpi::avg_rate_hour:
                v = ratio(sum(cell, S::amount_hour), sum(cell, S::units_hour));
                break;
            case Kpi::avg_rate_day:
                v = ratio(sum(cell, S::amount_day), sum(cell, S::units_day));
                break;
            case Kpi::avg_rate_month:
                v = ratio(sum(cell, S::amount_month), sum(cell, S::units_month));
                break;
            case Kpi::avg_rate_normalised_hour:
                v = ratio(sum(cell, S::amount_hour) + sum(cell, S::amount_day) + sum(cell, S::amount_month),
                          sum(cell, S::units_hour) +
                              o_.hours_per_day *
                                  (sum(cell, S::units_day) + o_.days_per_month * sum(cell, S::units_month)));
                break;
            case Kpi::arpa:
                v = ratio(sum(cell, S::revenue), count(cell, C::active));
                break;
            case Kpi::gross_profit_per_account:
                v = ratio(detail::from_millionths(exact(cell, S::revenue) - exact(cell, S::cost)),
                          count(cell, C::active));
                break;
            case Kpi::upsell_revenue:
                v = sum(cell, S::upsell);
                break;
            case Kpi::cross_sell_revenue:
                v = sum(cell, S::cross_sell);
                break;
            case Kpi::new_business_revenue:
                v = sum(cell, S::new_business);
                break;
            case Kpi::ltv_historical:
                v = ratio(sum(cell, S::ltv), count(cell, C::ltv_n));
                break;
            case Kpi::ltv_predicted:
                v = ratio(sum(cell, S::predicted), count(cell, C::predicted_n));
                break;
            case Kpi::top_share:
                v = conc_[at].top_share;
                break;
            case Kpi::pareto_ratio:
                v = conc_[at].pareto_ratio;
                break;
            case Kpi::gini:
                v = conc_[at].gini;
                break;
            case Kpi::hhi:
                v = conc_[at].hhi;
                break;
            case Kpi::largest_client_share:
                v = conc_[at].largest_share;
                break;
        }
        return v;
    }

  private:
    [[nodiscard]] double sum(std::size_t cell, S m) const noexcept { return st_.value(m, cell); }
    [[nodiscard]] detail::Int128 exact(std::size_t cell, S m) const noexcept {
        return st_.millionths(m, cell);
    }
    [[nodiscard]] double count(std::size_t cell, C m) const noexcept {
        return static_cast<double>(st_.value(m, cell));
    }

    const State& st_;
    const Options& o_;
    std::vector<double> period_months_;
    std::vector<double> median_deal_, median_response_;
    std::vector<Concentration> conc_;
};

/// Writes KPI `kpi` of the groups `groups[0..n)` to `out` (see `CellValues::fill_groups`).
void fill(const CellValues& values, Kpi kpi, const std::size_t* groups, std::size_t n, double* out) {
    using Filler = void (*)(const CellValues&, const std::size_t*, std::size_t, double*);
    static constexpr auto fillers = []<std::size_t... I>(std::index_sequence<I...> /*kpis*/) {
        return std::array<Filler, sizeof...(I)>{[](const CellValues& v, const std::size_t* g, std::size_t m,
                                                   double* o) { v.fill_groups<all_kpis[I]>(g, m, o); }...};
    }
    (std::make_index_sequence<all_kpis.size()>{});
    fillers[static_cast<std::size_t>(kpi)](values, groups, n, out);
}

/// The indices of the request's KPIs that a state computes: account-level KPIs need its account pass (they
/// are NaN without one).
std::vector<std::size_t> computed_kpis(const State& st, const std::vector<Kpi>& kpis) {
    std::vector<std::size_t> computed;
    for (std::size_t k = 0; k < kpis.size(); ++k) {
        if (!account_level(kpis[k]) || st.account_level()) computed.push_back(k);
    }
    return computed;
}

/// Throws `std::invalid_argument` unless `st` has the shape that accumulating `rq` over `book` gives.
void check_fits(const Book& book, const Request& rq, const State& st) {
    const auto [nd, account_pass] = needs_of(rq);
    const auto cardinalities = key_cardinalities(book, rq.by, rq.options.volume_thresholds.size() + 1);
    if (!st.fits(rq.by, cardinalities, rq.periods.size(), nd.sums, nd.counts, account_pass)) {
        throw std::invalid_argument(
            "finalize: the state comes from another request or book (its keys, their sizes, its periods "
            "or its measures differ)");
    }
}

/// The columns of a result of `rows` rows with the keys of `st` and the KPIs `kpis`, made on `threads`
/// threads (each column on one: the pages of large columns are touched in parallel) on huge pages: the keys,
/// the periods and the KPIs `computed` (indices into `kpis`) to be written whole by the caller, the other
/// KPIs NaN.
Result columns_of(const State& st, const std::vector<Kpi>& kpis, const std::vector<std::size_t>& computed,
                  std::size_t rows, std::size_t threads, const Executor& executor) {
    Result r;
    r.by = st.by();
    r.kpis = kpis;
    r.key_codes.resize(r.by.size());
    r.values.resize(kpis.size());
    const std::size_t n_columns = r.by.size() + 1 + kpis.size();
    in_threads(threads, executor, [&](std::size_t t) {
        for (std::size_t c = t; c < n_columns; c += threads) {
            if (c < r.by.size()) {
                detail::size_for_overwrite(r.key_codes[c], rows, std::int32_t{0});
            } else if (c == r.by.size()) {
                detail::size_for_overwrite(r.period, rows, std::int32_t{0});
            } else if (const std::size_t k = c - r.by.size() - 1;
                       std::find(computed.begin(), computed.end(), k) != computed.end()) {
                detail::size_for_overwrite(r.values[k], rows, nan);
            } else {
                detail::assign_on_huge_pages(r.values[k], rows, nan);
            }
        }
    });
    return r;
}

/// Writes the key codes and periods of the rows of groups `order[first]` to `order[last - 1]` (each group's
/// periods in order) into `r`.
void write_rows(const State& st, const std::vector<std::size_t>& order, std::size_t first, std::size_t last,
                Result& r) {
    const std::size_t np = st.periods();
    for (std::size_t k = 0; k < r.by.size(); ++k) {
        std::int32_t* const column = r.key_codes[k].data();
        for (std::size_t i = first; i < last; ++i) std::fill_n(column + i * np, np, st.code(order[i], k));
    }
    std::int32_t* const period = r.period.data();
    for (std::size_t i = first; i < last; ++i) {
        for (std::size_t p = 0; p < np; ++p) period[i * np + p] = static_cast<std::int32_t>(p);
    }
}

}  // namespace

Result finalize(const Book& book, const Request& rq, const State& st) {
    check(rq);
    check_fits(book, rq, st);
    const auto kpis = kpis_of(rq);
    const std::size_t np = st.periods();
    const std::vector<std::size_t> order = st.groups_in_key_order();
    const std::size_t rows = order.size() * np;
    const CellValues value_of(st, rq, kpis);
    // Blocks of groups in key order, the groups shared among threads when the table is large: within a block,
    // its rows' keys and periods, then one KPI column at a time (the loop made for that KPI), the
    // block's records read from memory once and from the cache for the other KPIs. Account-level KPIs
    // without an account pass are NaN.
    const std::size_t threads = threads_for(rq.threads, order.size(), rows * kpis.size());
    const std::vector<std::size_t> computed = computed_kpis(st, kpis);
    Result r = columns_of(st, kpis, computed, rows, threads, rq.executor);
    constexpr std::size_t block = 256;
    in_threads(threads, rq.executor, [&](std::size_t t) {
        const std::size_t first = t * order.size() / threads, last = (t + 1) * order.size() / threads;
        for (std::size_t b = first; b < last; b += block) {
            detail::check_interruption();
            const std::size_t e = std::min(last, b + block);
            write_rows(st, order, b, e, r);
            for (std::size_t k : computed)
                fill(value_of, kpis[k], order.data() + b, e - b, r.values[k].data() + b * np);
        }
    });
    return r;
}

PeriodColumns::PeriodColumns(const Request& rq, std::size_t slots)
    : rq_(rq), kpis_(kpis_of(rq)), slots_(slots), all_(slots), values_(kpis_.size()) {
    check(rq);
    std::iota(all_.begin(), all_.end(), std::size_t{0});
    for (auto& periods : values_) periods.resize(rq.periods.size());
}

void PeriodColumns::add(const State& st, std::size_t p) {
    const CellValues value_of(st, rq_, kpis_, p);
    const std::vector<std::size_t> computed = computed_kpis(st, kpis_);
    for (std::size_t k : computed) values_[k][p].resize(slots_);
    // Blocks of slots, each KPI's values of a block in turn: the block's records read from memory once.
    constexpr std::size_t block = 2048;
    for (std::size_t b = 0; b < slots_; b += block) {
        detail::check_interruption();
        const std::size_t e = std::min(slots_, b + block);
        for (std::size_t k : computed) fill(value_of, kpis_[k], &all_[b], e - b, values_[k][p].data() + b);
    }
}

Result PeriodColumns::finish(const std::vector<std::uint8_t>& used) && {
    const std::size_t np = rq_.periods.size();
    std::vector<std::size_t> rows;  // the slots in use, in key order (a dense state's slots are)
    for (std::size_t g = 0; g < slots_; ++g) {
        if (used[g]) rows.push_back(g);
    }
    const std::size_t n = rows.size() * np;
    Result r;
    r.by = rq_.by;
    r.kpis = kpis_;
    r.key_codes.resize(1);
    r.values.resize(kpis_.size());
    // A column at a time on each thread: the keys, the periods, and each KPI's periods turned into its rows
    // (each slot's periods in order), freed once written: the peak holds the periods' values and a column a
    // thread.
    const std::size_t columns = kpis_.size() + 2;
    const std::size_t threads = threads_for(rq_.threads, columns, n * columns);
    in_threads(threads, rq_.executor, [&](std::size_t t) {
        for (std::size_t c = t; c < columns; c += threads) {
            detail::check_interruption();
            if (c == kpis_.size()) {
                detail::reserve_on_huge_pages(r.key_codes[0], n);
                for (std::size_t g : rows)
                    r.key_codes[0].insert(r.key_codes[0].end(), np, State::code_of_slot(g));
            } else if (c == kpis_.size() + 1) {
                detail::reserve_on_huge_pages(r.period, n);
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    for (std::size_t p = 0; p < np; ++p) r.period.push_back(static_cast<std::int32_t>(p));
                }
            } else if (auto& periods = values_[c]; periods[0].empty()) {
                detail::assign_on_huge_pages(r.values[c], n, nan);  // not computed
            } else {
                std::vector<double>& column = r.values[c];
                detail::reserve_on_huge_pages(column, n);
                for (std::size_t g : rows) {
                    for (std::size_t p = 0; p < np; ++p) column.push_back(periods[p][g]);
                }
                periods = {};
            }
        }
    });
    return r;
}

}  // namespace accountkpi::kpi
