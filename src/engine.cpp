// The grouped KPI engine. A request is served in two steps: `accumulate` makes one pass over the slice of
// each table that each period needs (events are sorted by date, so a period is a contiguous slice) and one
// pass over the accounts per period for the client-set KPIs, adding into per-cell measures; `finalize` turns
// the measures into KPI values. Only the measures that the requested KPIs need are allocated and filled.
#include "accountkpi/kpi/engine.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>

#include "accountkpi/book/org.hpp"
#include "accountkpi/detail/sum.hpp"
#include "accountkpi/kpi/concentration.hpp"
#include "rollup_detail.hpp"

namespace accountkpi::detail {

// ACCOUNTKPI_NO_DISPATCH (ThreadSanitizer builds): the resolver of the clones runs before TSan's runtime
// starts.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang_analyzer__) && \
    !defined(ACCOUNTKPI_NO_DISPATCH)
[[gnu::target_clones("avx2", "default")]]  // twice the lanes a vector where the CPU has them
#endif
Int128
exact_sum(const double* x, std::size_t n) noexcept {
    // Each lane adds at most 512 values below 2^51 a block: never beyond 2^60.
    constexpr std::size_t lanes = 8, block = 512 * lanes;
    constexpr double magic = 0x1.8p52;
    const auto magic_bits = std::bit_cast<std::int64_t>(magic);
    Int128 total = 0;
    for (std::size_t b = 0; b < n; b += block) {
        const std::size_t e = std::min(n, b + block);
        std::int64_t lane[lanes] = {};
        std::int64_t large = 0;
        std::size_t i = b;
        for (; i + lanes <= e; i += lanes) {
            for (std::size_t l = 0; l < lanes; ++l) {
                const double t = x[i + l] * money_scale;
                large |= static_cast<std::int64_t>(std::abs(t) >= 0x1p51);
                lane[l] += std::bit_cast<std::int64_t>(t + magic) - magic_bits;
            }
        }
        if (large != 0) {  // an amount of 2^51 millionths (2.2 billion) or more: one by one, in 128 bits
            for (std::size_t k = b; k < e; ++k) total += to_millionths(x[k]);
            continue;
        }
        for (std::size_t l = 0; l < lanes; ++l) total += lane[l];
        for (; i < e; ++i) total += to_millionths(x[i]);
    }
    return total;
}

}  // namespace accountkpi::detail

namespace accountkpi::kpi {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
/// Below this many revenue lines and account-periods per thread, a request runs on one thread.
constexpr std::size_t min_work_per_thread = 100'000;
/// How many lines ahead a pass over lines in date order asks for the cells it will add to.
constexpr std::size_t prefetch_distance = 16;
using S = State::Sum;
using C = State::Count;
using L = State::List;

double ratio(double num, double den) noexcept {
    return den == 0 ? nan : num / den;
}
/// The ratio of two exact money sums (the millionths cancel).
double ratio(detail::Int128 num, detail::Int128 den) noexcept {
    return den == 0 ? nan : detail::to_double(num) / detail::to_double(den);
}

/// What a set of KPIs needs accumulated.
struct Needs {
    std::array<bool, State::n_sums> sums{};
    std::array<bool, State::n_counts> counts{};
    std::array<bool, State::n_lists> lists{};
    void operator()(S m) { sums[static_cast<std::size_t>(m)] = true; }
    void operator()(C m) { counts[static_cast<std::size_t>(m)] = true; }
    void operator()(L m) { lists[static_cast<std::size_t>(m)] = true; }
    [[nodiscard]] bool any(std::initializer_list<S> ms) const {
        return std::any_of(ms.begin(), ms.end(), [&](S m) { return sums[static_cast<std::size_t>(m)]; });
    }
    [[nodiscard]] bool any(std::initializer_list<C> ms) const {
        return std::any_of(ms.begin(), ms.end(), [&](C m) { return counts[static_cast<std::size_t>(m)]; });
    }
    [[nodiscard]] bool has(L m) const { return lists[static_cast<std::size_t>(m)]; }
};

void add_needs(Kpi k, Needs& n, const Options& o) {
    switch (k) {
        case Kpi::clients_start:
            n(C::clients_start);
            break;
        case Kpi::clients_end:
            n(C::clients_end);
            break;
        case Kpi::active_clients:
            n(C::active);
            break;
        case Kpi::new_clients:
            n(C::new_clients);
            break;
        case Kpi::churned_clients:
            n(C::churned);
            break;
        case Kpi::reactivations:
            n(C::reactivated);
            break;
        case Kpi::retention_rate:
            n(C::clients_start);
            if (o.retention == Options::Retention::set) {
                n(C::retained);
            } else {
                n(C::clients_end);
                n(C::new_clients);
            }
            break;
        case Kpi::churn_rate:
            n(C::churned);
            n(C::clients_start);
            if (o.churn == Options::Churn::include_new) {
                n(C::new_clients);
                n(C::churned_new);
            }
            break;
        case Kpi::revenue_churn_rate:
            n(S::cohort_base);
            n(S::churned_revenue);
            n(S::contraction);
            n(S::expansion);
            break;
        case Kpi::nrr:
            n(S::cohort_base);
            n(S::cohort_current);
            break;
        case Kpi::grr:
            n(S::cohort_base);
            n(S::cohort_kept);
            break;
        case Kpi::expansion_revenue:
            n(S::expansion);
            break;
        case Kpi::contraction_revenue:
            n(S::contraction);
            break;
        case Kpi::churned_revenue:
            n(S::churned_revenue);
            break;
        case Kpi::opening_revenue:
            n(S::opening);
            break;
        case Kpi::new_revenue:
            n(S::new_revenue);
            break;
        case Kpi::reactivated_revenue:
            n(S::reactivated_revenue);
            break;
        case Kpi::resumed_revenue:
            n(S::resumed_revenue);
            break;
        case Kpi::closing_revenue:
            n(S::closing);
            break;
        case Kpi::quick_ratio:
            for (S m : {S::new_revenue, S::reactivated_revenue, S::resumed_revenue, S::expansion,
                        S::contraction, S::churned_revenue})
                n(m);
            break;
        case Kpi::csat:
            n(C::csat_n);
            n(C::csat_satisfied);
            n(S::csat_sum);
            break;
        case Kpi::nps:
            n(C::nps_n);
            n(C::nps_promoters);
            n(C::nps_detractors);
            break;
        case Kpi::ces:
            n(C::ces_n);
            n(C::ces_top);
            n(S::ces_sum);
            break;
        case Kpi::renewal_rate:
            if (o.renewal == Options::RenewalWeight::value) {
                n(S::renewal_value);
                n(S::due_value);
            } else {
                n(C::renewals);
                n(C::due);
            }
            break;
        case Kpi::backlog:
            n(S::backlog);
            break;
        case Kpi::mrr:
        case Kpi::arr:
            n(S::mrr);
            break;
        case Kpi::handover_churn_rate:
            n(C::handovers);
            n(C::handovers_churned);
            break;
        case Kpi::request_count:
            n(C::requests);
            break;
        case Kpi::requests_per_account:
            n(C::requests);
            n(C::active);
            break;
        case Kpi::request_response_days:
            n(C::requests);
            n(L::response_days);
            break;
        case Kpi::unanswered_requests:
            n(C::unanswered);
            break;
        case Kpi::timely_response_rate:
            n(C::timely);
            n(C::requests);
            break;
        case Kpi::request_conversion_rate:
            n(C::converted);
            n(C::requests);
            break;
        case Kpi::avg_project_size:
        case Kpi::avg_deal_size:
            n(C::deals);
            n(S::deal_value);
            break;
        case Kpi::median_project_size:
        case Kpi::median_deal_size:
            n(C::deals);
            n(L::deal_values);
            break;
        case Kpi::projects_per_account:
            n(C::deals);
            n(C::active);
            break;
        case Kpi::deals:
            n(C::deals);
            break;
        case Kpi::communications:
            n(C::emails);
            n(C::calls);
            n(C::meetings);
            break;
        case Kpi::emails:
            n(C::emails);
            break;
        case Kpi::calls:
            n(C::calls);
            break;
        case Kpi::meetings:
            n(C::meetings);
            break;
        case Kpi::internal_communications:
            n(C::internal);
            break;
        case Kpi::client_communications:
            n(C::emails);
            n(C::calls);
            n(C::meetings);
            n(C::internal);
            break;
        case Kpi::touches_per_account_month:
            n(C::emails);
            n(C::calls);
            n(C::meetings);
            n(C::active);
            break;
        case Kpi::days_since_last_touch:
            n(C::touch_n);
            n(S::touch_days);
            break;
        case Kpi::revenue:
            n(S::revenue);
            break;
        case Kpi::cost:
            n(S::cost);
            break;
        case Kpi::gross_profit:
        case Kpi::gross_margin:
            n(S::revenue);
            n(S::cost);
            break;
        case Kpi::avg_rate_hour:
            n(S::amount_hour);
            n(S::units_hour);
            break;
        case Kpi::avg_rate_day:
            n(S::amount_day);
            n(S::units_day);
            break;
        case Kpi::avg_rate_month:
            n(S::amount_month);
            n(S::units_month);
            break;
        case Kpi::avg_rate_normalised_hour:
            for (S m : {S::amount_hour, S::amount_day, S::amount_month, S::units_hour, S::units_day,
                        S::units_month})
                n(m);
            break;
        case Kpi::arpa:
            n(S::revenue);
            n(C::active);
            break;
        case Kpi::gross_profit_per_account:
            n(S::revenue);
            n(S::cost);
            n(C::active);
            break;
        case Kpi::upsell_revenue:
            n(S::upsell);
            break;
        case Kpi::cross_sell_revenue:
            n(S::cross_sell);
            break;
        case Kpi::new_business_revenue:
            n(S::new_business);
            break;
        case Kpi::ltv_historical:
            n(S::ltv);
            n(C::ltv_n);
            break;
        case Kpi::ltv_predicted:
            n(S::predicted);
            n(C::predicted_n);
            break;
        case Kpi::top_share:
        case Kpi::pareto_ratio:
        case Kpi::gini:
        case Kpi::hhi:
        case Kpi::largest_client_share:
            n(L::account_revenue);
            break;
    }
}

std::vector<Kpi> kpis_of(const Request& rq) {
    if (rq.kpis.empty()) return {all_kpis.begin(), all_kpis.end()};
    return rq.kpis;
}

/// What a request accumulates: its measures, and whether it makes the pass over the accounts.
std::pair<Needs, bool> needs_of(const Request& rq) {
    const auto kpis = kpis_of(rq);
    Needs nd;
    for (Kpi k : kpis) add_needs(k, nd, rq.options);
    const bool by_line = std::any_of(rq.by.begin(), rq.by.end(),
                                     [](Key k) { return k == Key::service_line || k == Key::project; });
    const bool wants_account_level = std::any_of(kpis.begin(), kpis.end(), account_level);
    if (by_line) {  // per-account measures are undefined by project or service line: not accumulated
        for (C m : {C::clients_start, C::clients_end, C::active, C::new_clients, C::churned, C::reactivated,
                    C::retained, C::churned_new, C::touch_n, C::ltv_n, C::predicted_n, C::handovers,
                    C::handovers_churned}) {
            nd.counts[static_cast<std::size_t>(m)] = false;
        }
        for (S m : {S::cohort_base, S::cohort_current, S::cohort_kept, S::expansion, S::contraction,
                    S::churned_revenue, S::touch_days, S::ltv, S::predicted, S::opening, S::closing,
                    S::new_revenue, S::reactivated_revenue, S::resumed_revenue}) {
            nd.sums[static_cast<std::size_t>(m)] = false;
        }
        nd.lists[static_cast<std::size_t>(L::account_revenue)] = false;
    }
    return {nd, wants_account_level && !by_line};
}

void check(const Request& rq) {
    if (rq.periods.empty()) throw std::invalid_argument("a KPI request needs at least one period");
    if (rq.by.size() > 7) throw std::invalid_argument("at most 7 group keys");
    for (std::size_t i = 0; i < rq.by.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (rq.by[i] == rq.by[j])
                throw std::invalid_argument("group key '" + std::string(name(rq.by[i])) + "' is given twice");
        }
    }
    const auto& o = rq.options;
    const auto fraction = [](double x, const char* what) {
        if (!(x > 0 && x <= 1))
            throw std::invalid_argument(std::string(what) + " must be in (0, 1], got " + std::to_string(x));
    };
    fraction(o.top_p, "top_p");
    fraction(o.pareto_threshold, "pareto_threshold");
    if (!(o.sla_days >= 0)) throw std::invalid_argument("sla_days must be >= 0");
    if (!(o.handover_days > 0)) throw std::invalid_argument("handover_days must be > 0");
    if (!(o.hours_per_day > 0) || !(o.days_per_month > 0)) {
        throw std::invalid_argument("hours_per_day and days_per_month must be > 0");
    }
    for (std::size_t i = 0; i < o.volume_thresholds.size(); ++i) {
        if (!std::isfinite(o.volume_thresholds[i]) ||
            (i > 0 && !(o.volume_thresholds[i - 1] < o.volume_thresholds[i]))) {
            throw std::invalid_argument("volume_thresholds must be finite and strictly increasing");
        }
    }
}

/// Maps an event (account, owner, project) to the key codes of the request's keys.
class Keyer {
  public:
    Keyer(const Book& book, const std::vector<Key>& by, std::size_t n_bands)
        : book_(book), by_(by), n_bands_(n_bands) {}
    /// The accounts' volume bands in the period being accumulated.
    void set_bands(const std::vector<std::int32_t>* bands) noexcept { bands_ = bands; }
    std::array<std::int32_t, 8> operator()(std::int32_t a, std::int32_t m, std::int32_t p) const noexcept {
        std::array<std::int32_t, 8> codes{};
        for (std::size_t k = 0; k < by_.size(); ++k) codes[k] = code(by_[k], a, m, p);
        return codes;
    }
    std::vector<std::uint64_t> cardinalities() const {
        std::vector<std::uint64_t> out;
        for (Key k : by_) {
            switch (k) {
                case Key::account:
                    out.push_back(book_.accounts().size());
                    break;
                case Key::manager:
                    out.push_back(book_.managers().size());
                    break;
                case Key::region:
                    out.push_back(book_.accounts().regions.names.size());
                    break;
                case Key::domain:
                    out.push_back(book_.accounts().domains.names.size());
                    break;
                case Key::service_line:
                    out.push_back(book_.projects().service_lines.names.size());
                    break;
                case Key::tier:
                    out.push_back(tier_names.size());
                    break;
                case Key::role:
                    out.push_back(role_names.size());
                    break;
                case Key::volume_band:
                    out.push_back(n_bands_);
                    break;
                case Key::project:
                    out.push_back(book_.projects().size());
                    break;
                case Key::team:
                    out.push_back(book_.managers().size());
                    break;
                case Key::unit:
                    out.push_back(book_.units().size());
                    break;
                case Key::account_group:
                    out.push_back(book_.accounts().size());
                    break;
            }
        }
        return out;
    }

  private:
    std::int32_t code(Key k, std::int32_t a, std::int32_t m, std::int32_t p) const noexcept {
        const auto ua = static_cast<std::size_t>(a);
        switch (k) {
            case Key::account:
                return a;
            case Key::manager:
                return m;
            case Key::region:
                return book_.accounts().region[ua];
            case Key::domain:
                return book_.accounts().domain[ua];
            case Key::service_line:
                return p == none ? none : book_.projects().service_line[static_cast<std::size_t>(p)];
            case Key::tier: {
                if (m == none) return none;
                const Tier t = book_.managers().tier[static_cast<std::size_t>(m)];
                return t == Tier::none ? none : static_cast<std::int32_t>(t);
            }
            case Key::role:
                return m == none
                           ? none
                           : static_cast<std::int32_t>(book_.managers().role[static_cast<std::size_t>(m)]);
            case Key::volume_band:
                return (*bands_)[ua];
            case Key::project:
                return p;
            case Key::team:  // the owner's own cells; rolled up the reporting lines after the pass
                return m;
            case Key::unit:
                return m == none ? none : book_.managers().unit[static_cast<std::size_t>(m)];
            case Key::account_group:
                return a;
        }
        return none;
    }
    const Book& book_;
    const std::vector<Key>& by_;
    std::size_t n_bands_;
    const std::vector<std::int32_t>* bands_ = nullptr;
};

/// The request's scope as masks.
class ScopeFilter {
  public:
    ScopeFilter(const Book& book, const Scope& scope, std::size_t n_bands) {
        const auto& acc = book.accounts();
        const auto mark = [](std::vector<std::uint8_t>& mask, std::size_t n,
                             const std::vector<std::int32_t>& ids, const char* what) {
            mask.assign(n, 0);
            for (auto id : ids) {
                if (id < 0 || static_cast<std::size_t>(id) >= n) {
                    throw std::out_of_range(std::string("scope: ") + what + " index " + std::to_string(id) +
                                            " out of range");
                }
                mask[static_cast<std::size_t>(id)] = 1;
            }
        };
        all_accounts_ = scope.accounts.empty() && scope.regions.empty() && scope.domains.empty();
        if (!all_accounts_) {
            std::vector<std::uint8_t> by_id, regions, domains;
            if (!scope.accounts.empty()) mark(by_id, acc.size(), scope.accounts, "account");
            if (!scope.regions.empty()) mark(regions, acc.regions.names.size(), scope.regions, "region");
            if (!scope.domains.empty()) mark(domains, acc.domains.names.size(), scope.domains, "domain");
            accounts_.assign(acc.size(), 1);
            for (std::size_t a = 0; a < acc.size(); ++a) {
                bool ok = by_id.empty() || by_id[a];
                if (!regions.empty())
                    ok = ok && acc.region[a] != none && regions[static_cast<std::size_t>(acc.region[a])];
                if (!domains.empty())
                    ok = ok && acc.domain[a] != none && domains[static_cast<std::size_t>(acc.domain[a])];
                accounts_[a] = ok;
            }
        }
        all_managers_ = scope.managers.empty();
        if (!all_managers_) mark(managers_, book.managers().size(), scope.managers, "manager");
        if (!scope.volume_bands.empty()) mark(bands_ok_, n_bands, scope.volume_bands, "volume band");
    }
    /// The accounts' volume bands in the period being accumulated (when the scope names bands).
    void set_bands(const std::vector<std::int32_t>* bands) noexcept { bands_ = bands; }
    [[nodiscard]] bool needs_bands() const noexcept { return !bands_ok_.empty(); }
    [[nodiscard]] bool all_managers() const noexcept { return all_managers_; }
    [[nodiscard]] bool account(std::int32_t a) const noexcept {
        const auto ua = static_cast<std::size_t>(a);
        return (all_accounts_ || accounts_[ua]) &&
               (bands_ok_.empty() || bands_ok_[static_cast<std::size_t>((*bands_)[ua])]);
    }
    [[nodiscard]] bool manager(std::int32_t m) const noexcept {
        return all_managers_ || (m != none && managers_[static_cast<std::size_t>(m)]);
    }

  private:
    bool all_accounts_ = true, all_managers_ = true;
    std::vector<std::uint8_t> accounts_, managers_, bands_ok_;
    const std::vector<std::int32_t>* bands_ = nullptr;
};

/// The same day `months` months later (earlier when negative), clamped to the end of a shorter month.
Date add_months(Date d, int months) {
    using namespace std::chrono;
    const auto ymd = d.ymd();
    const year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
    const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    return Date{sys_days{year_month_day{ym.year(), ym.month(), std::min(ymd.day(), last)}}};
}

/// Runs `task(t)` for t = 0 .. threads - 1 on `executor`, or when it is empty task 0 on this thread and the
/// others on threads of their own; then rethrows the first exception of a task, if any.
template <class Task>
void in_threads(std::size_t threads, const Executor& executor, const Task& task) {
    std::vector<std::exception_ptr> errors(threads);
    Interruption* const interruption = detail::current_interruption;  // the caller's, on every thread
    const std::function<void(std::size_t)> guarded = [&](std::size_t t) {
        try {
            const InterruptionScope scope(interruption);
            task(t);
        } catch (...) {
            errors[t] = std::current_exception();
        }
    };
    if (threads == 1) {
        guarded(0);
    } else if (executor) {
        executor(threads, guarded);
    } else {
        std::vector<std::jthread> pool;
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
        guarded(0);
    }
    for (const auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

/// The periods [first, first + n) of a dense state (one key) as one thread writes them: cells in place (no
/// other thread writes them), the groups it uses and its list items apart until `fold_into` (the same calls
/// as on a `State` of those periods).
class PeriodSlice {
  public:
    PeriodSlice(State& st, std::size_t first) : st_(st), first_(first), used_(st.slots(), 0) {}
    [[gnu::always_inline]] std::uint32_t group(const std::array<std::int32_t, 8>& codes) noexcept {
        const std::size_t c = State::slot_of(codes[0]);
        used_[c] = 1;
        return static_cast<std::uint32_t>(c);
    }
    [[gnu::always_inline, nodiscard]] std::size_t cell(std::size_t g, std::size_t p) const noexcept {
        return st_.cell(g, first_ + p);
    }
    [[gnu::always_inline]] void prefetch(const std::array<std::int32_t, 8>& codes,
                                         std::size_t p) const noexcept {
        st_.prefetch(codes, first_ + p);
    }
    template <class M, class X>
    [[gnu::always_inline]] void add(M m, std::size_t cell, X x) noexcept {
        st_.add(m, cell, x);
    }
    template <class M>
    [[gnu::always_inline]] void add(M m, std::size_t cell) noexcept {
        st_.add(m, cell);
    }
    [[gnu::always_inline]] void add_exact(State::Sum m, std::size_t cell, detail::Int128 n) noexcept {
        st_.add_exact(m, cell, n);
    }
    template <class M>
    [[gnu::always_inline, nodiscard]] bool has(M m) const noexcept {
        return st_.has(m);
    }
    void push(State::List l, std::size_t g, std::size_t p, double x) {
        items_.push_back({l, static_cast<std::uint32_t>(g), static_cast<std::uint32_t>(first_ + p), x});
    }
    /// The groups used and the list items, in the order they came.
    void fold_into(State& st) const {
        for (std::size_t g = 0; g < used_.size(); ++g) {
            if (used_[g]) st.use(g);
        }
        for (const auto& i : items_) st.push(i.list, i.group, i.period, i.x);
    }

  private:
    struct Item {
        State::List list;
        std::uint32_t group, period;
        double x;
    };
    State& st_;
    std::size_t first_;
    std::vector<std::uint8_t> used_;
    std::vector<Item> items_;
};

/// The contracted monthly value of project `i` on day `day`: its value over its whole months (start, or the
/// signing day without one, to end inclusive, in months of 365.2425 / 12 days, rounded, at least 1) when it
/// is billed by the month, has started by `day` and has an end; else 0.
double monthly_value(const ProjectTable& prj, std::size_t i, Date day) noexcept {
    if (prj.billing[i] != Billing::month || prj.end[i].is_null()) return 0.0;
    const Date first = prj.start[i].is_null() ? prj.signed_on[i] : prj.start[i];
    if (first > day) return 0.0;
    const double days = static_cast<double>(prj.end[i] - first + 1);
    return prj.value[i] / std::max(1.0, std::round(days / (365.2425 / 12)));
}

/// Per-account revenue over a period, exact in millionths (an account whose lines cancel has exactly 0).
struct AccountRevenue {
    std::vector<detail::Int128> sums;
    std::optional<Period> range;
    void reset(std::size_t n) { sums.assign(n, 0); }
    void add(std::size_t a, double x) noexcept { sums[a] += detail::to_millionths(x); }
    void prefetch(std::size_t a) const noexcept { detail::prefetch_write(sums.data() + a); }
    [[nodiscard]] detail::Int128 operator[](std::size_t a) const noexcept { return sums[a]; }
};

}  // namespace

std::string_view name(Key k) noexcept {
    static constexpr std::string_view names[] = {"account",      "manager", "region", "domain",
                                                 "service_line", "tier",    "role",   "volume_band",
                                                 "project",      "team",    "unit",   "account_group"};
    return names[static_cast<std::size_t>(k)];
}

Key parse_key(std::string_view text) {
    for (std::size_t i = 0; i <= static_cast<std::size_t>(Key::account_group); ++i) {
        const auto k = static_cast<Key>(i);
        if (name(k) == text) return k;
    }
    throw std::invalid_argument("unknown group key '" + std::string(text) +
                                "' (expected account, manager, region, domain, service_line, tier, role, "
                                "volume_band, project, team, unit or account_group)");
}

std::vector<std::string> volume_band_labels(const std::vector<double>& t) {
    const auto money = [](double x) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f", x);
        const std::string digits = buf;
        std::string out;
        const std::size_t lead = digits[0] == '-' ? 1 : 0;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i > lead && (digits.size() - i) % 3 == 0) out.push_back(',');
            out.push_back(digits[i]);
        }
        return out;
    };
    if (t.empty()) return {"all"};
    std::vector<std::string> labels{"<" + money(t.front())};
    for (std::size_t i = 1; i < t.size(); ++i) labels.push_back(money(t[i - 1]) + "-" + money(t[i]));
    labels.push_back(">=" + money(t.back()));
    return labels;
}

Period base_period(Period p, Options::NrrBase base) {
    return base == Options::NrrBase::year_ago ? p.year_ago() : p.previous();
}

double compound_churn(double churn, double k) noexcept {
    return 1.0 - std::pow(1.0 - churn, k);
}
double periodic_churn(double churn, double k) noexcept {
    return 1.0 - std::pow(1.0 - churn, 1.0 / k);
}

// ---- State
// --------------------------------------------------------------------------------------------------

State::State(std::vector<Key> by, const std::vector<std::uint64_t>& cardinalities, std::size_t n_periods,
             std::array<bool, n_sums> sums, std::array<bool, n_counts> counts, bool account_level)
    : by_(std::move(by)),
      n_periods_(n_periods),
      account_level_(account_level),
      sum_on_(sums),
      count_on_(counts) {
    lay_out_records();
    std::uint64_t product = 1;
    bool small = true;
    for (auto c : cardinalities) {
        radix_.push_back(product);
        extent_.push_back(c + 1);
        if (product > (std::uint64_t{1} << 40) / (c + 1)) small = false;
        product *= c + 1;  // + 1: the missing value
    }
    if (small && product <= (std::uint64_t{1} << 26)) {
        if (by_.size() == 1) {  // one slot per code, in code order; room for all of them from the start
            dense_ = true;
            n_groups_ = static_cast<std::size_t>(product);
            group_codes_.resize(n_groups_);
            std::iota(group_codes_.begin(), group_codes_.end(), -1);
            used_.assign(n_groups_, 0);
            grow(n_groups_);
        } else {
            lut_.assign(product, 0);
        }
    }
}

std::uint64_t State::composite(std::size_t g) const noexcept {
    std::uint64_t c = 0;
    for (std::size_t k = 0; k < by_.size(); ++k) {
        c += static_cast<std::uint64_t>(group_codes_[g * by_.size() + k] + 1) * radix_[k];
    }
    return c;
}

std::vector<std::size_t> State::groups_in_key_order() const {
    std::vector<std::size_t> order;
    order.reserve(groups());
    for (std::size_t g = 0; g < slots(); ++g) {
        if (in_use(g)) order.push_back(g);
    }
    std::vector<std::uint64_t> keys(slots());
    for (std::size_t g : order) keys[g] = composite(g);
    const auto by_key = [&](std::size_t x, std::size_t y) { return keys[x] < keys[y]; };
    if (!std::is_sorted(order.begin(), order.end(), by_key)) std::sort(order.begin(), order.end(), by_key);
    return order;
}

std::uint32_t State::add_group(const std::array<std::int32_t, 8>& codes) {
    std::uint64_t c = 0;
    for (std::size_t k = 0; k < by_.size(); ++k) c += static_cast<std::uint64_t>(codes[k] + 1) * radix_[k];
    std::uint32_t* slot = nullptr;
    if (!lut_.empty()) {
        slot = &lut_[c];
        if (*slot != 0) return *slot - 1;
    } else if (auto it = overflow_.find(c); it != overflow_.end()) {
        return it->second;
    }
    const auto g = static_cast<std::uint32_t>(n_groups_++);
    for (std::size_t k = 0; k < by_.size(); ++k) group_codes_.push_back(codes[k]);
    if (slot) {
        *slot = g + 1;
    } else {
        overflow_.emplace(c, g);
    }
    grow(g + 1);
    return g;
}

namespace {

/// `v`, `width` values per (period, group) stored period-major with room for `from` groups a period, laid out
/// again with room for `to` >= `from` groups; the new cells are 0.
template <class Vector>
void relayout(Vector& v, std::size_t width, std::size_t periods, std::size_t from, std::size_t to) {
    Vector out(width * to * periods);
    if (!v.empty()) {
        for (std::size_t p = 0; p < periods; ++p) {
            std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(width * from * p), width * from,
                        out.begin() + static_cast<std::ptrdiff_t>(width * to * p));
        }
    }
    v = std::move(out);
}

}  // namespace

void State::lay_out_records() {
    sum_width_ = count_width_ = 0;
    money_pair_ = {};
    for (std::size_t m = 0; m < n_sums; ++m) {
        sum_at_[m] = static_cast<std::uint8_t>(sum_width_);
        if (sum_on_[m]) {
            money_pair_[sum_width_ / 2] = is_money(static_cast<Sum>(m));
            sum_width_ += 2;
        }
    }
    for (std::size_t m = 0; m < n_counts; ++m) {
        count_at_[m] = static_cast<std::uint8_t>(count_width_);
        if (count_on_[m]) ++count_width_;
    }
}

void State::add_sums(double* into, const double* from) const noexcept {
    for (std::size_t j = 0; j < sum_width_; j += 2) {
        if (money_pair_[j / 2]) {
            detail::add_exact(into + j, detail::load_exact(from + j));
        } else if (into[j] == 0 && into[j + 1] == 0) {  // an empty cell: a copy, the same bits
            into[j] = from[j];
            into[j + 1] = from[j + 1];
        } else {
            detail::neumaier_add(into[j], into[j + 1], from[j]);
            detail::neumaier_add(into[j], into[j + 1], from[j + 1]);
        }
    }
}

void State::grow(std::size_t groups) {
    if (groups <= capacity_) return;
    const std::size_t from = capacity_;
    capacity_ = std::max(groups, 2 * capacity_);
    relayout(sums_, sum_width_, n_periods_, from, capacity_);
    relayout(counts_, count_width_, n_periods_, from, capacity_);
}

std::vector<std::uint32_t> State::groups_of(const State& other) {
    std::vector<std::uint32_t> here(other.slots());
    for (std::size_t g = 0; g < other.slots(); ++g) {
        if (!other.in_use(g)) continue;
        std::array<std::int32_t, 8> codes{};
        for (std::size_t k = 0; k < by_.size(); ++k) codes[k] = other.code(g, k);
        here[g] = group(codes);
    }
    return here;
}

bool State::fits(const std::vector<Key>& by, const std::vector<std::uint64_t>& cardinalities,
                 std::size_t n_periods, const std::array<bool, n_sums>& sums,
                 const std::array<bool, n_counts>& counts, bool account_level) const {
    if (by != by_ || cardinalities.size() != extent_.size() || n_periods != n_periods_ || sums != sum_on_ ||
        counts != count_on_ || account_level != account_level_)
        return false;
    for (std::size_t k = 0; k < extent_.size(); ++k) {
        if (cardinalities[k] + 1 != extent_[k]) return false;
    }
    return true;
}

void State::adopt(const State& part, std::size_t first_period) {
    if (part.by_ != by_ || part.extent_ != extent_ || part.sum_on_ != sum_on_ ||
        part.count_on_ != count_on_ || part.account_level_ != account_level_ ||
        first_period + part.n_periods_ > n_periods_) {
        throw std::invalid_argument("adopt: the states come from different requests or books");
    }
    const std::size_t np = n_periods_, pp = part.n_periods_;
    const std::size_t slots = part.slots();
    const std::vector<std::uint32_t> to = groups_of(part);
    for (std::size_t p = 0; p < pp; ++p) {
        for (std::size_t g = 0; g < slots; ++g) {
            if (!part.in_use(g)) continue;
            const std::size_t here = cell(to[g], first_period + p), there = part.cell(g, p);
            add_sums(sums_.data() + here * sum_width_, part.sums_.data() + there * sum_width_);
            for (std::size_t j = 0; j < count_width_; ++j)
                counts_[here * count_width_ + j] += part.counts_[there * count_width_ + j];
        }
    }
    for (std::size_t l = 0; l < n_lists; ++l) {
        for (const auto& [at, x] : part.lists_[l]) {
            lists_[l].emplace_back(static_cast<std::uint32_t>(to[at / pp] * np + first_period + at % pp), x);
        }
    }
}

void State::merge(const State& other) {
    if (&other == this) {  // its own cells and lists would change under the loops: merge a copy
        merge(State(other));
        return;
    }
    if (other.by_ != by_ || other.n_periods_ != n_periods_ || other.extent_ != extent_ ||
        other.sum_on_ != sum_on_ || other.count_on_ != count_on_ || other.account_level_ != account_level_) {
        throw std::invalid_argument("merge: the states come from different requests or books");
    }
    const std::size_t np = n_periods_;
    const std::size_t slots = other.slots();
    const std::vector<std::uint32_t> map = groups_of(other);
    for (std::size_t p = 0; p < np; ++p) {
        for (std::size_t g = 0; g < slots; ++g) {
            if (!other.in_use(g)) continue;
            const std::size_t from = other.cell(g, p), to = cell(map[g], p);
            add_sums(sums_.data() + to * sum_width_, other.sums_.data() + from * sum_width_);
            for (std::size_t j = 0; j < count_width_; ++j)
                counts_[to * count_width_ + j] += other.counts_[from * count_width_ + j];
        }
    }
    for (std::size_t l = 0; l < n_lists; ++l) {
        for (const auto& [at, x] : other.lists_[l]) {
            lists_[l].emplace_back(static_cast<std::uint32_t>(map[at / np] * np + at % np), x);
        }
    }
}

// ---- accumulate
// ---------------------------------------------------------------------------------------------

namespace {
/// The state of the request with each event and account in its own group: the organisation's keys (see
/// `rolls_up`) hold the owner's, his unit's or the account's own cells until `roll_up`.
State accumulate_own_groups(const Book& book, const Request& rq);
}  // namespace

State accumulate(const Book& book, const Request& rq) {
    return roll_up(book, accumulate_own_groups(book, rq));
}

namespace {

State accumulate_own_groups(const Book& book, const Request& rq) {
    check(rq);
    const auto kpis = kpis_of(rq);
    const Options& o = rq.options;
    const std::pair<Needs, bool> plan = needs_of(rq);
    const Needs& nd = plan.first;
    const bool account_pass = plan.second;
    const bool revenue_rows =
        nd.any({S::revenue, S::cost, S::amount_hour, S::amount_day, S::amount_month, S::units_hour,
                S::units_day, S::units_month, S::upsell, S::cross_sell, S::new_business});
    const bool cohort = nd.any({S::cohort_base, S::cohort_current, S::cohort_kept, S::expansion,
                                S::contraction, S::churned_revenue, S::opening, S::closing, S::new_revenue,
                                S::reactivated_revenue, S::resumed_revenue});
    const bool account_revenue = cohort || nd.has(L::account_revenue);
    const bool projects = nd.any({C::deals, C::renewals}) || nd.any({S::deal_value, S::renewal_value}) ||
                          nd.has(L::deal_values);
    const bool due = nd.any({C::due}) || nd.any({S::due_value});
    const bool backlog = nd.any({S::backlog});
    const bool recurring = nd.any({S::mrr});
    const bool interactions = nd.any({C::emails, C::calls, C::meetings, C::internal});
    const bool last_touch = nd.any({C::touch_n});
    const bool requests = nd.any({C::requests, C::answered, C::unanswered, C::timely, C::converted}) ||
                          nd.has(L::response_days);
    const bool surveys = nd.any({C::csat_n, C::csat_satisfied, C::nps_n, C::nps_promoters, C::nps_detractors,
                                 C::ces_n, C::ces_top}) ||
                         nd.any({S::csat_sum, S::ces_sum});

    const std::size_t n_bands = o.volume_thresholds.size() + 1;
    const Keyer keyer_of_request(book, rq.by, n_bands);
    const ScopeFilter scope_of_request(book, rq.scope, n_bands);
    const bool bands_needed = scope_of_request.needs_bands() ||
                              std::find(rq.by.begin(), rq.by.end(), Key::volume_band) != rq.by.end();
    const auto cardinalities = keyer_of_request.cardinalities();
    const auto new_state = [&](std::size_t periods) {
        State s(rq.by, cardinalities, periods, nd.sums, nd.counts, account_pass);
        if (rq.by.empty()) (void)s.group({});  // the ungrouped answer always has its one group
        return s;
    };
    const std::size_t np = rq.periods.size();
    const auto& acc = book.accounts();
    const auto& sp = book.spells();
    const auto& rev = book.revenue();
    const auto& prj = book.projects();
    const std::size_t n_accounts = acc.size();
    const auto first_begin = [&](std::size_t a) {
        return sp.offsets[a] < sp.offsets[a + 1] ? sp.begin[sp.offsets[a]] : Date::max();
    };

    // Per-request indexes, only when needed: projects by end date; each account's interaction dates.
    std::vector<std::uint32_t> by_end;
    if (due) {
        for (std::size_t i = 0; i < prj.size(); ++i) {
            if (!prj.end[i].is_null()) by_end.push_back(static_cast<std::uint32_t>(i));
        }
        std::stable_sort(by_end.begin(), by_end.end(),
                         [&](auto x, auto y) { return prj.end[x] < prj.end[y]; });
    }
    std::vector<std::uint32_t> touch_offsets;
    std::vector<Date> touch_dates;
    if (last_touch && account_pass) {
        const auto& it = book.interactions();
        touch_offsets.assign(n_accounts + 1, 0);
        for (auto a : it.account) ++touch_offsets[static_cast<std::size_t>(a) + 1];
        std::partial_sum(touch_offsets.begin(), touch_offsets.end(), touch_offsets.begin());
        touch_dates.resize(it.size());
        std::vector<std::uint32_t> fill(touch_offsets.begin(), touch_offsets.end() - 1);
        for (std::size_t i = 0; i < it.size(); ++i)
            touch_dates[fill[static_cast<std::size_t>(it.account[i])]++] = it.date[i];
    }

    const bool ltv = nd.any({C::ltv_n});
    const bool handover = nd.any({C::handovers});
    const bool predicted = nd.any({C::predicted_n}) && !rq.account_values.empty();
    if (!rq.account_values.empty() && rq.account_values.size() != np * n_accounts) {
        throw std::invalid_argument(
            "account_values must hold one value per period and account: " + std::to_string(np * n_accounts) +
            " values, got " + std::to_string(rq.account_values.size()));
    }
    // What the revenue pass adds per line; with no keys, no scope and only revenue and cost, it needs no
    // per-line work at all beyond the sums.
    const bool want_revenue = nd.sums[static_cast<std::size_t>(S::revenue)];
    const bool want_cost = nd.sums[static_cast<std::size_t>(S::cost)];
    const bool by_unit =
        nd.any({S::amount_hour, S::amount_day, S::amount_month, S::units_hour, S::units_day, S::units_month});
    const bool by_kind = nd.any({S::upsell, S::cross_sell});
    const bool new_business = nd.any({S::new_business});
    const bool totals_only = rq.by.empty() && rq.scope.empty() && !by_unit && !by_kind && !new_business;
    // The account pass looks up each account's owner only when a key or the scope asks for managers.
    const bool needs_owner =
        !scope_of_request.all_managers() || std::any_of(rq.by.begin(), rq.by.end(), [](Key k) {
            return k == Key::manager || k == Key::tier || k == Key::role || k == Key::team || k == Key::unit;
        });
    // Accumulates the periods [chunk_begin, chunk_end) into `st`, a state of that many periods or a slice of
    // the whole state. Periods are independent (each reads its own slices), so chunks of them run on threads
    // of their own.
    const auto run = [&](auto& st, std::size_t chunk_begin, std::size_t chunk_end) {
        std::vector<std::int32_t> bands;
        Keyer keyer = keyer_of_request;
        ScopeFilter scope = scope_of_request;
        keyer.set_bands(&bands);
        scope.set_bands(&bands);
        AccountRevenue current, previous, base;
        // Historical LTV: each account's gross profit (or revenue) from its first line up to the period's
        // end, kept running so that periods in ascending order read each line once.
        AccountRevenue lifetime;
        std::size_t lifetime_row = 0;
        if (ltv) lifetime.reset(n_accounts);
        // Backlog: each project's billing from its first line up to the period's end, kept running alike.
        std::vector<detail::Int128> billed;
        std::size_t billed_row = 0;
        if (backlog) billed.assign(prj.size(), 0);
        for (std::size_t pi = chunk_begin; pi < chunk_end; ++pi) {
            detail::check_interruption();
            const Period P = rq.periods[pi];
            const std::size_t pl = pi - chunk_begin;  // the period in `st`
            const auto cell_of = [&](std::uint32_t g) { return st.cell(g, pl); };
            if (bands_needed) {  // each account's band: its revenue in the 12 months before P
                AccountRevenue trailing;
                trailing.reset(n_accounts);
                const auto [lo, hi] = rows_in(rev.date, Period{add_months(P.begin(), -12), P.begin()});
                for (std::size_t i = lo; i < hi; ++i)
                    trailing.add(static_cast<std::size_t>(rev.account[i]), rev.amount[i]);
                bands.resize(n_accounts);
                for (std::size_t a = 0; a < n_accounts; ++a) {
                    const double money = detail::from_millionths(trailing[a]);
                    bands[a] = static_cast<std::int32_t>(
                        std::upper_bound(o.volume_thresholds.begin(), o.volume_thresholds.end(), money) -
                        o.volume_thresholds.begin());
                }
            }

            // Revenue lines of P: row measures, and each account's revenue in P.
            if (revenue_rows || account_revenue) {
                if (account_revenue) current.reset(n_accounts);
                current.range = P;
                const auto [lo, hi] = rows_in(rev.date, P);
                if (revenue_rows && totals_only) {
                    // Ungrouped and unscoped: a period's revenue and cost are sums of contiguous slices.
                    const std::size_t cell = cell_of(0);
                    for (const auto& [m, column] :
                         {std::pair{S::revenue, &rev.amount}, std::pair{S::cost, &rev.cost}}) {
                        if (!st.has(m)) continue;
                        st.add_exact(m, cell, detail::exact_sum(column->data() + lo, hi - lo));
                    }
                }
                if (account_revenue && (totals_only || !revenue_rows)) {
                    for (std::size_t i = lo; i < hi; ++i) {
                        detail::interruption_point(i - lo);
                        const std::int32_t a = rev.account[i];
                        if (!scope.account(a)) continue;
                        const auto ua = static_cast<std::size_t>(a);
                        current.add(ua, rev.amount[i]);
                    }
                }
                if (revenue_rows && !totals_only) {
                    for (std::size_t i = lo; i < hi; ++i) {
                        detail::interruption_point(i - lo);
                        if (i + prefetch_distance < hi) {  // lines come in date order: accounts at random
                            const std::size_t j = i + prefetch_distance;
                            const std::int32_t a = rev.account[j];
                            if (account_revenue) current.prefetch(static_cast<std::size_t>(a));
                            st.prefetch(keyer(a, rev.manager[j], rev.project[j]), pl);
                        }
                        const std::int32_t a = rev.account[i];
                        if (!scope.account(a)) continue;
                        // The amount in millionths once, for every money measure it goes into.
                        const detail::Int128 amount = detail::to_millionths(rev.amount[i]);
                        const auto ua = static_cast<std::size_t>(a);
                        if (account_revenue) current.sums[ua] += amount;
                        const std::int32_t m = rev.manager[i];
                        if (!scope.manager(m)) continue;
                        const std::int32_t p = rev.project[i];
                        const std::size_t cell = cell_of(st.group(keyer(a, m, p)));
                        if (want_revenue) st.add_exact(S::revenue, cell, amount);
                        if (want_cost) st.add(S::cost, cell, rev.cost[i]);
                        if (by_unit) {
                            switch (rev.unit[i]) {
                                case Billing::hour:
                                    if (st.has(S::amount_hour)) st.add_exact(S::amount_hour, cell, amount);
                                    if (st.has(S::units_hour)) st.add(S::units_hour, cell, rev.units[i]);
                                    break;
                                case Billing::day:
                                    if (st.has(S::amount_day)) st.add_exact(S::amount_day, cell, amount);
                                    if (st.has(S::units_day)) st.add(S::units_day, cell, rev.units[i]);
                                    break;
                                case Billing::month:
                                    if (st.has(S::amount_month)) st.add_exact(S::amount_month, cell, amount);
                                    if (st.has(S::units_month)) st.add(S::units_month, cell, rev.units[i]);
                                    break;
                                default:
                                    break;
                            }
                        }
                        if (by_kind && p != none) {
                            const ProjectKind kind = prj.kind[static_cast<std::size_t>(p)];
                            if (kind == ProjectKind::upsell && st.has(S::upsell))
                                st.add_exact(S::upsell, cell, amount);
                            if (kind == ProjectKind::cross_sell && st.has(S::cross_sell))
                                st.add_exact(S::cross_sell, cell, amount);
                        }
                        if (new_business && P.contains(first_begin(ua)))
                            st.add_exact(S::new_business, cell, amount);
                    }
                }
            }

            // Each account once: client-set measures, cohort revenue, concentration, last touch.
            if (account_pass) {
                const AccountRevenue* b_rev = nullptr;
                if (cohort) {
                    const Period B = base_period(P, o.nrr_base);
                    if (previous.range && *previous.range == B) {
                        b_rev = &previous;
                    } else {
                        base.reset(n_accounts);
                        base.range = B;
                        const auto [lo, hi] = rows_in(rev.date, B);
                        for (std::size_t i = lo; i < hi; ++i) {
                            detail::interruption_point(i - lo);
                            const auto ua = static_cast<std::size_t>(rev.account[i]);
                            base.add(ua, rev.amount[i]);
                        }
                        b_rev = &base;
                    }
                }
                if (ltv) {
                    const auto upto = static_cast<std::size_t>(
                        std::lower_bound(rev.date.begin(), rev.date.end(), P.end()) - rev.date.begin());
                    if (upto < lifetime_row) {  // an earlier end than the last period: start again
                        lifetime.reset(n_accounts);
                        lifetime_row = 0;
                    }
                    for (; lifetime_row < upto; ++lifetime_row) {
                        detail::interruption_point(lifetime_row);
                        const auto ua = static_cast<std::size_t>(rev.account[lifetime_row]);
                        lifetime.add(ua, rev.amount[lifetime_row]);
                        if (!o.ltv_revenue) lifetime.add(ua, -rev.cost[lifetime_row]);
                    }
                }
                const Date b = P.begin(), last = P.end() - 1;
                for (std::size_t ua = 0; ua < n_accounts; ++ua) {
                    detail::interruption_point(ua);
                    const auto a = static_cast<std::int32_t>(ua);
                    if (!scope.account(a)) continue;
                    bool in_s = false, in_e = false, active = false, is_new = false, reactivated = false,
                         churned = false, churned_new = false;
                    Date reference = last;
                    bool reference_set = false;
                    for (auto k = sp.offsets[ua]; k < sp.offsets[ua + 1]; ++k) {
                        const Date sb = sp.begin[k], se = sp.end[k];
                        const bool contains_before = sb < b && b - 1 < se;  // client on b - 1
                        if (contains_before) {
                            in_s = true;
                            churned = se <= last;
                        }
                        if (sb <= last && last < se) in_e = true;
                        if (sb <= last && b < se) {
                            active = true;
                            const Date last_day = std::min(se - 1, last);
                            if (!reference_set || reference < last_day) reference = last_day;
                            reference_set = true;
                        }
                        if (P.contains(sb)) {
                            if (k == sp.offsets[ua]) {
                                is_new = true;
                                churned_new = se <= last;
                            } else {
                                reactivated = true;
                            }
                        }
                    }
                    const detail::Int128 r_p = account_revenue ? current[ua] : 0;
                    const detail::Int128 r_b = b_rev ? (*b_rev)[ua] : 0;
                    if (!active && !in_s && r_p == 0 && r_b == 0) continue;
                    const std::int32_t owner = needs_owner ? book.owner(a, none, reference) : none;
                    if (!scope.manager(owner)) continue;
                    const std::uint32_t g = st.group(keyer(a, owner, none));
                    const std::size_t cell = cell_of(g);
                    const auto count = [&](C m, bool yes) {
                        if (yes && st.has(m)) st.add(m, cell);
                    };
                    count(C::clients_start, in_s);
                    count(C::clients_end, in_e);
                    count(C::active, active);
                    count(C::new_clients, is_new);
                    count(C::reactivated, reactivated);
                    count(C::churned, in_s && churned);
                    count(C::retained, in_s && in_e);
                    count(C::churned_new, is_new && churned_new);
                    if (cohort && r_b > 0) {
                        constexpr detail::Int128 zero = 0;
                        if (st.has(S::cohort_base)) st.add_exact(S::cohort_base, cell, r_b);
                        if (st.has(S::cohort_current)) st.add_exact(S::cohort_current, cell, r_p);
                        // Kept revenue lies in [0, base]: credit notes beyond the billing keep nothing.
                        if (st.has(S::cohort_kept))
                            st.add_exact(S::cohort_kept, cell, std::clamp(r_p, zero, r_b));
                        if (in_e) {
                            if (st.has(S::expansion))
                                st.add_exact(S::expansion, cell, std::max(zero, r_p - r_b));
                            if (st.has(S::contraction))
                                st.add_exact(S::contraction, cell, std::max(zero, r_b - r_p));
                        } else if (st.has(S::churned_revenue)) {
                            st.add_exact(S::churned_revenue, cell, r_b - r_p);
                        }
                    } else if (cohort) {  // no base revenue: the whole change is new, reactivated or resumed
                        const S movement = is_new        ? S::new_revenue
                                           : reactivated ? S::reactivated_revenue
                                                         : S::resumed_revenue;
                        if (st.has(movement)) st.add_exact(movement, cell, r_p - r_b);
                    }
                    if (cohort && st.has(S::opening)) st.add_exact(S::opening, cell, r_b);
                    if (cohort && st.has(S::closing)) st.add_exact(S::closing, cell, r_p);
                    if (nd.has(L::account_revenue) && r_p > 0)
                        st.push(L::account_revenue, g, pl, detail::from_millionths(r_p));
                    if (ltv && active) {
                        st.add(C::ltv_n, cell);
                        st.add_exact(S::ltv, cell, lifetime[ua]);
                    }
                    if (predicted && active) {
                        const double value = rq.account_values[pi * n_accounts + ua];
                        if (!std::isnan(value)) {
                            st.add(C::predicted_n, cell);
                            st.add(S::predicted, cell, value);
                        }
                    }
                    if (handover && st.has(C::handovers)) {
                        bool handed = false, churned_after = false;
                        for (const Handover& h : handovers_of(book, a, P)) {
                            handed = true;
                            churned_after = churned_after || churns_within(book, a, h.day, o.handover_days);
                        }
                        count(C::handovers, handed);
                        count(C::handovers_churned, churned_after);
                    }
                    if (last_touch && in_e) {
                        const auto first = touch_dates.begin() + touch_offsets[ua];
                        const auto end = touch_dates.begin() + touch_offsets[ua + 1];
                        const auto after = std::upper_bound(first, end, last);
                        if (after != first) {
                            st.add(C::touch_n, cell);
                            st.add(S::touch_days, cell, static_cast<double>(last - *(after - 1)));
                        }
                    }
                }
            }
            if (account_revenue) std::swap(previous, current);

            // Projects signed in P, and contracts ending in P.
            if (projects) {
                const auto [lo, hi] = rows_in(prj.signed_on, P);
                for (std::size_t i = lo; i < hi; ++i) {
                    const std::int32_t a = prj.account[i], m = prj.manager[i];
                    if (!scope.account(a) || !scope.manager(m)) continue;
                    const std::uint32_t g = st.group(keyer(a, m, static_cast<std::int32_t>(i)));
                    const std::size_t cell = cell_of(g);
                    if (st.has(C::deals)) st.add(C::deals, cell);
                    if (st.has(S::deal_value)) st.add(S::deal_value, cell, prj.value[i]);
                    if (nd.has(L::deal_values)) st.push(L::deal_values, g, pl, prj.value[i]);
                    if (prj.kind[i] == ProjectKind::renewal) {
                        if (st.has(C::renewals)) st.add(C::renewals, cell);
                        if (st.has(S::renewal_value)) st.add(S::renewal_value, cell, prj.value[i]);
                    }
                }
            }
            if (due) {
                auto it = std::lower_bound(by_end.begin(), by_end.end(), P.begin(),
                                           [&](std::uint32_t i, Date d) { return prj.end[i] < d; });
                for (; it != by_end.end() && prj.end[*it] < P.end(); ++it) {
                    const auto i = static_cast<std::int32_t>(*it);
                    const std::int32_t a = prj.account[*it];
                    const std::int32_t m = book.owner(a, i, prj.end[*it]);
                    if (!scope.account(a) || !scope.manager(m)) continue;
                    const std::size_t cell = cell_of(st.group(keyer(a, m, i)));
                    if (st.has(C::due)) st.add(C::due, cell);
                    if (st.has(S::due_value)) st.add(S::due_value, cell, prj.value[*it]);
                }
            }
            // Projects open at the period's end (signed, and no end or an end after the last day), for their
            // owner on the last day. Backlog: their value not yet billed, never below 0. MRR: the monthly
            // value of the month-billed ones that have started, their value spread over their whole months.
            if (backlog || recurring) {
                const auto upto = static_cast<std::size_t>(
                    std::lower_bound(rev.date.begin(), rev.date.end(), P.end()) - rev.date.begin());
                if (upto < billed_row) {  // an earlier end than the last period: start again
                    std::fill(billed.begin(), billed.end(), 0);
                    billed_row = 0;
                }
                for (; backlog && billed_row < upto; ++billed_row) {
                    detail::interruption_point(billed_row);
                    const std::int32_t p = rev.project[billed_row];
                    if (p != none)
                        billed[static_cast<std::size_t>(p)] += detail::to_millionths(rev.amount[billed_row]);
                }
                const Date last = P.end() - 1;
                for (std::size_t i = 0; i < prj.size() && prj.signed_on[i] <= last; ++i) {
                    if (!prj.end[i].is_null() && prj.end[i] <= last) continue;  // finished
                    const detail::Int128 left =
                        backlog ? detail::to_millionths(prj.value[i]) - billed[i] : detail::Int128{0};
                    const double monthly = recurring ? monthly_value(prj, i, last) : 0.0;
                    if (left <= 0 && monthly == 0) continue;
                    const std::int32_t a = prj.account[i];
                    const auto pi32 = static_cast<std::int32_t>(i);
                    const std::int32_t m = book.owner(a, pi32, last);
                    if (!scope.account(a) || !scope.manager(m)) continue;
                    const std::size_t cell = cell_of(st.group(keyer(a, m, pi32)));
                    if (left > 0) st.add_exact(S::backlog, cell, left);
                    if (monthly != 0) st.add(S::mrr, cell, monthly);
                }
            }

            if (interactions) {
                const auto& t = book.interactions();
                const auto [lo, hi] = rows_in(t.date, P);
                for (std::size_t i = lo; i < hi; ++i) {
                    const std::int32_t a = t.account[i], m = t.manager[i];
                    if (!scope.account(a) || !scope.manager(m)) continue;
                    const C channel = t.channel[i] == Channel::email  ? C::emails
                                      : t.channel[i] == Channel::call ? C::calls
                                                                      : C::meetings;
                    const bool internal = t.party[i] == Party::internal && st.has(C::internal);
                    if (!st.has(channel) && !internal) continue;
                    const std::size_t cell = cell_of(st.group(keyer(a, m, none)));
                    if (st.has(channel)) st.add(channel, cell);
                    if (internal) st.add(C::internal, cell);
                }
            }

            if (requests) {
                const auto& t = book.requests();
                const auto [lo, hi] = rows_in(t.received_on, P);
                for (std::size_t i = lo; i < hi; ++i) {
                    const std::int32_t a = t.account[i], m = t.manager[i];
                    if (!scope.account(a) || !scope.manager(m)) continue;
                    const std::uint32_t g = st.group(keyer(a, m, t.project[i]));
                    const std::size_t cell = cell_of(g);
                    if (st.has(C::requests)) st.add(C::requests, cell);
                    if (t.responded_on[i].is_null()) {
                        if (st.has(C::unanswered)) st.add(C::unanswered, cell);
                    } else {
                        const auto days = static_cast<double>(t.responded_on[i] - t.received_on[i]);
                        if (st.has(C::answered)) st.add(C::answered, cell);
                        if (nd.has(L::response_days)) st.push(L::response_days, g, pl, days);
                        if (days <= o.sla_days && st.has(C::timely)) st.add(C::timely, cell);
                    }
                    if (t.project[i] != none && st.has(C::converted)) st.add(C::converted, cell);
                }
            }

            if (surveys) {
                const auto& t = book.surveys();
                const auto [lo, hi] = rows_in(t.date, P);
                for (std::size_t i = lo; i < hi; ++i) {
                    const std::int32_t a = t.account[i], m = t.manager[i];
                    if (!scope.account(a) || !scope.manager(m)) continue;
                    const std::size_t cell = cell_of(st.group(keyer(a, m, none)));
                    const double score = t.score[i];
                    const auto count = [&](C c, bool yes) {
                        if (yes && st.has(c)) st.add(c, cell);
                    };
                    switch (t.kind[i]) {
                        case SurveyKind::csat:
                            count(C::csat_n, true);
                            count(C::csat_satisfied, score >= 4);
                            if (st.has(S::csat_sum)) st.add(S::csat_sum, cell, score);
                            break;
                        case SurveyKind::nps:
                            count(C::nps_n, true);
                            count(C::nps_promoters, score >= 9);
                            count(C::nps_detractors, score <= 6);
                            break;
                        case SurveyKind::ces:
                            count(C::ces_n, true);
                            count(C::ces_top, score >= 6);
                            if (st.has(S::ces_sum)) st.add(S::ces_sum, cell, score);
                            break;
                    }
                }
            }
        }
    };

    // One chunk of contiguous periods per thread when there is enough work; the chunks' cells (disjoint
    // periods) are copied into the answer in chunk order, so that it is the same, bit for bit, for any
    // number of threads.
    std::size_t work = account_pass ? n_accounts * np : 0;
    for (const Period& P : rq.periods) {
        const auto [lo, hi] = rows_in(rev.date, P);
        work += hi - lo;
    }
    std::size_t threads = rq.threads > 0 ? rq.threads : std::max(1U, std::thread::hardware_concurrency());
    threads = std::min({threads, np, std::max<std::size_t>(1, work / min_work_per_thread)});
    if (threads <= 1) {
        State st = new_state(np);
        run(st, 0, np);
        return st;
    }
    std::vector<std::size_t> bounds(threads + 1);
    for (std::size_t t = 0; t <= threads; ++t) bounds[t] = t * np / threads;
    State st = new_state(np);
    if (st.dense()) {  // the threads write their periods' cells in place
        std::vector<PeriodSlice> slices;
        for (std::size_t t = 0; t < threads; ++t) slices.emplace_back(st, bounds[t]);
        in_threads(threads, rq.executor, [&](std::size_t t) { run(slices[t], bounds[t], bounds[t + 1]); });
        for (const auto& slice : slices) slice.fold_into(st);
        return st;
    }
    std::vector<State> parts;
    for (std::size_t t = 0; t < threads; ++t) parts.push_back(new_state(bounds[t + 1] - bounds[t]));
    in_threads(threads, rq.executor, [&](std::size_t t) { run(parts[t], bounds[t], bounds[t + 1]); });
    for (std::size_t t = 0; t < threads; ++t) {
        st.adopt(parts[t], bounds[t]);
        parts[t] = State{};  // freed at once: the peak holds the answer and one part, not all of them
    }
    return st;
}

}  // namespace

// ---- finalize
// -----------------------------------------------------------------------------------------------

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

}  // namespace

Result finalize(const Book& book, const Request& rq, const State& st) {
    check(rq);
    {
        const auto [nd, account_pass] = needs_of(rq);
        const auto cardinalities =
            Keyer(book, rq.by, rq.options.volume_thresholds.size() + 1).cardinalities();
        if (!st.fits(rq.by, cardinalities, rq.periods.size(), nd.sums, nd.counts, account_pass)) {
            throw std::invalid_argument(
                "finalize: the state comes from another request or book (its keys, their sizes, its periods "
                "or its measures differ)");
        }
    }
    const auto kpis = kpis_of(rq);
    const Options& o = rq.options;
    // The groups in use in key order; `cells` indexes the lists' cells (slot * np + period).
    const std::size_t np = st.periods(), slots = st.slots(), cells = slots * np;
    const std::vector<std::size_t> order = st.groups_in_key_order();
    const std::size_t rows = order.size() * np;
    std::vector<double> period_months(np);
    for (std::size_t p = 0; p < np; ++p) period_months[p] = rq.periods[p].months();

    const bool need = [&] {
        for (Kpi k : kpis) {
            if (k == Kpi::median_deal_size || k == Kpi::median_project_size) return true;
        }
        return false;
    }();
    const std::vector<double> median_deal =
        need ? medians(st.list(L::deal_values), cells) : std::vector<double>{};
    const bool need_response = std::find(kpis.begin(), kpis.end(), Kpi::request_response_days) != kpis.end();
    const std::vector<double> median_response =
        need_response ? medians(st.list(L::response_days), cells) : std::vector<double>{};
    std::vector<Concentration> conc;
    const bool need_conc = std::any_of(kpis.begin(), kpis.end(), [](Kpi k) {
        return k == Kpi::top_share || k == Kpi::pareto_ratio || k == Kpi::gini || k == Kpi::hhi ||
               k == Kpi::largest_client_share;
    });
    if (need_conc && st.account_level()) {
        conc.assign(cells, Concentration{nan, nan, nan, nan, nan});
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
    }

    Result r;
    r.by = st.by();
    r.kpis = kpis;
    r.key_codes.assign(r.by.size(), {});
    r.values.assign(kpis.size(), {});
    for (auto& v : r.key_codes) v.reserve(rows);
    r.period.reserve(rows);
    // Rows in key order, each group's periods in order.
    for (std::size_t g : order) {
        for (std::size_t p = 0; p < np; ++p) {
            for (std::size_t k = 0; k < r.by.size(); ++k) r.key_codes[k].push_back(st.code(g, k));
            r.period.push_back(static_cast<std::int32_t>(p));
        }
    }
    // The value of KPI `kpi` in the cell stored at `cell` (`at` in the lists, period `p`).
    const auto value_of = [&](Kpi kpi, std::size_t cell, std::size_t at, std::size_t p) {
        const auto sum = [&](S m) { return st.value(m, cell); };
        const auto exact = [&](S m) { return st.millionths(m, cell); };
        const auto count = [&](C m) { return static_cast<double>(st.value(m, cell)); };
        const double months = period_months[p];
        double v = nan;
        switch (kpi) {
            case Kpi::clients_start:
                v = count(C::clients_start);
                break;
            case Kpi::clients_end:
                v = count(C::clients_end);
                break;
            case Kpi::active_clients:
                v = count(C::active);
                break;
            case Kpi::new_clients:
                v = count(C::new_clients);
                break;
            case Kpi::churned_clients:
                v = count(C::churned);
                break;
            case Kpi::reactivations:
                v = count(C::reactivated);
                break;
            case Kpi::retention_rate:
                v = o.retention == Options::Retention::set
                        ? ratio(count(C::retained), count(C::clients_start))
                        : ratio(count(C::clients_end) - count(C::new_clients), count(C::clients_start));
                break;
            case Kpi::churn_rate:
                v = o.churn == Options::Churn::start_cohort
                        ? ratio(count(C::churned), count(C::clients_start))
                        : ratio(count(C::churned) + count(C::churned_new),
                                count(C::clients_start) + count(C::new_clients));
                break;
            case Kpi::revenue_churn_rate: {
                detail::Int128 lost = exact(S::churned_revenue) + exact(S::contraction);
                if (o.revenue_churn == Options::RevenueChurn::net) lost -= exact(S::expansion);
                v = ratio(lost, exact(S::cohort_base));
                break;
            }
            case Kpi::nrr:
                v = ratio(exact(S::cohort_current), exact(S::cohort_base));
                break;
            case Kpi::grr:
                v = ratio(exact(S::cohort_kept), exact(S::cohort_base));
                break;
            case Kpi::expansion_revenue:
                v = sum(S::expansion);
                break;
            case Kpi::contraction_revenue:
                v = sum(S::contraction);
                break;
            case Kpi::churned_revenue:
                v = sum(S::churned_revenue);
                break;
            case Kpi::opening_revenue:
                v = sum(S::opening);
                break;
            case Kpi::new_revenue:
                v = sum(S::new_revenue);
                break;
            case Kpi::reactivated_revenue:
                v = sum(S::reactivated_revenue);
                break;
            case Kpi::resumed_revenue:
                v = sum(S::resumed_revenue);
                break;
            case Kpi::closing_revenue:
                v = sum(S::closing);
                break;
            case Kpi::quick_ratio: {
                const detail::Int128 gained = exact(S::new_revenue) + exact(S::reactivated_revenue) +
                                              exact(S::resumed_revenue) + exact(S::expansion);
                const detail::Int128 lost = exact(S::contraction) + exact(S::churned_revenue);
                v = ratio(gained, lost < 0 ? -lost : lost);
                break;
            }
            case Kpi::csat:
                v = o.csat == Options::Satisfaction::share ? ratio(count(C::csat_satisfied), count(C::csat_n))
                                                           : ratio(sum(S::csat_sum), count(C::csat_n));
                break;
            case Kpi::nps:
                v = 100.0 * ratio(count(C::nps_promoters) - count(C::nps_detractors), count(C::nps_n));
                break;
            case Kpi::ces:
                v = o.ces == Options::Satisfaction::mean ? ratio(sum(S::ces_sum), count(C::ces_n))
                                                         : ratio(count(C::ces_top), count(C::ces_n));
                break;
            case Kpi::renewal_rate:
                v = o.renewal == Options::RenewalWeight::value
                        ? ratio(exact(S::renewal_value), exact(S::due_value))
                        : ratio(count(C::renewals), count(C::due));
                break;
            case Kpi::backlog:
                v = sum(S::backlog);
                break;
            case Kpi::mrr:
                v = sum(S::mrr);
                break;
            case Kpi::arr:
                v = detail::from_millionths(12 * exact(S::mrr));
                break;
            case Kpi::handover_churn_rate:
                v = ratio(count(C::handovers_churned), count(C::handovers));
                break;
            case Kpi::request_count:
                v = count(C::requests);
                break;
            case Kpi::requests_per_account:
                v = ratio(count(C::requests), count(C::active));
                break;
            case Kpi::request_response_days:
                v = median_response[at];
                break;
            case Kpi::unanswered_requests:
                v = count(C::unanswered);
                break;
            case Kpi::timely_response_rate:
                v = ratio(count(C::timely), count(C::requests));
                break;
            case Kpi::request_conversion_rate:
                v = ratio(count(C::converted), count(C::requests));
                break;
            case Kpi::avg_project_size:
            case Kpi::avg_deal_size:
                v = ratio(sum(S::deal_value), count(C::deals));
                break;
            case Kpi::median_project_size:
            case Kpi::median_deal_size:
                v = median_deal[at];
                break;
            case Kpi::projects_per_account:
                v = ratio(count(C::deals), count(C::active));
                break;
            case Kpi::deals:
                v = count(C::deals);
                break;
            case Kpi::communications:
                v = count(C::emails) + count(C::calls) + count(C::meetings);
                break;
            case Kpi::emails:
                v = count(C::emails);
                break;
            case Kpi::calls:
                v = count(C::calls);
                break;
            case Kpi::meetings:
                v = count(C::meetings);
                break;
            case Kpi::internal_communications:
                v = count(C::internal);
                break;
            case Kpi::client_communications:
                v = count(C::emails) + count(C::calls) + count(C::meetings) - count(C::internal);
                break;
            case Kpi::touches_per_account_month:
                v = ratio(count(C::emails) + count(C::calls) + count(C::meetings), count(C::active) * months);
                break;
            case Kpi::days_since_last_touch:
                v = ratio(sum(S::touch_days), count(C::touch_n));
                break;
            case Kpi::revenue:
                v = sum(S::revenue);
                break;
            case Kpi::cost:
                v = sum(S::cost);
                break;
            case Kpi::gross_profit:
                v = detail::from_millionths(exact(S::revenue) - exact(S::cost));
                break;
            case Kpi::gross_margin:
                v = ratio(exact(S::revenue) - exact(S::cost), exact(S::revenue));
                break;
            case Kpi::avg_rate_hour:
                v = ratio(sum(S::amount_hour), sum(S::units_hour));
                break;
            case Kpi::avg_rate_day:
                v = ratio(sum(S::amount_day), sum(S::units_day));
                break;
            case Kpi::avg_rate_month:
                v = ratio(sum(S::amount_month), sum(S::units_month));
                break;
            case Kpi::avg_rate_normalised_hour:
                v = ratio(sum(S::amount_hour) + sum(S::amount_day) + sum(S::amount_month),
                          sum(S::units_hour) +
                              o.hours_per_day * (sum(S::units_day) + o.days_per_month * sum(S::units_month)));
                break;
            case Kpi::arpa:
                v = ratio(sum(S::revenue), count(C::active));
                break;
            case Kpi::gross_profit_per_account:
                v = ratio(detail::from_millionths(exact(S::revenue) - exact(S::cost)), count(C::active));
                break;
            case Kpi::upsell_revenue:
                v = sum(S::upsell);
                break;
            case Kpi::cross_sell_revenue:
                v = sum(S::cross_sell);
                break;
            case Kpi::new_business_revenue:
                v = sum(S::new_business);
                break;
            case Kpi::ltv_historical:
                v = ratio(sum(S::ltv), count(C::ltv_n));
                break;
            case Kpi::ltv_predicted:
                v = ratio(sum(S::predicted), count(C::predicted_n));
                break;
            case Kpi::top_share:
                v = conc[at].top_share;
                break;
            case Kpi::pareto_ratio:
                v = conc[at].pareto_ratio;
                break;
            case Kpi::gini:
                v = conc[at].gini;
                break;
            case Kpi::hhi:
                v = conc[at].hhi;
                break;
            case Kpi::largest_client_share:
                v = conc[at].largest_share;
                break;
        }
        return v;
    };
    // Blocks of groups in key order, the groups shared among threads when the table is large: within a block,
    // one KPI column at a time (the KPI's branch the same all along), the block's records read from memory
    // once and from the cache for the other KPIs. Account-level KPIs without an account pass are NaN.
    std::size_t threads = rq.threads > 0 ? rq.threads : std::max(1U, std::thread::hardware_concurrency());
    threads = std::min({threads, std::max<std::size_t>(1, order.size()),
                        std::max<std::size_t>(1, rows * kpis.size() / min_work_per_thread)});
    std::vector<std::size_t> computed;
    for (std::size_t k = 0; k < kpis.size(); ++k) {
        if (!account_level(kpis[k]) || st.account_level()) computed.push_back(k);
    }
    in_threads(threads, rq.executor, [&](std::size_t t) {  // the columns, written on all threads
        for (std::size_t k = t; k < kpis.size(); k += threads) r.values[k].assign(rows, nan);
    });
    constexpr std::size_t block = 256;
    in_threads(threads, rq.executor, [&](std::size_t t) {
        const std::size_t first = t * order.size() / threads, last = (t + 1) * order.size() / threads;
        for (std::size_t b = first; b < last; b += block) {
            detail::check_interruption();
            const std::size_t e = std::min(last, b + block);
            for (std::size_t k : computed) {
                double* const column = r.values[k].data();
                const Kpi kpi = kpis[k];
                for (std::size_t i = b; i < e; ++i) {
                    const std::size_t g = order[i];
                    for (std::size_t p = 0; p < np; ++p)
                        column[i * np + p] = value_of(kpi, st.cell(g, p), g * np + p, p);
                }
            }
        }
    });
    return r;
}

const std::vector<double>& Result::column(Kpi k) const {
    for (std::size_t i = 0; i < kpis.size(); ++i) {
        if (kpis[i] == k) return values[i];
    }
    throw std::out_of_range("KPI '" + std::string(name(k)) + "' was not requested");
}

Result compute(const Book& book, const Request& request) {
    return finalize(book, request, accumulate(book, request));
}

double value(const Book& book, Kpi kpi, Period period, const Scope& scope, const Options& options) {
    Request rq;
    rq.periods = {period};
    rq.kpis = {kpi};
    rq.options = options;
    rq.scope = scope;
    return compute(book, rq).values[0][0];
}

}  // namespace accountkpi::kpi
