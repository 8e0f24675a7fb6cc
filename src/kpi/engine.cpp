// The grouped KPI engine. A request is served in two steps: `accumulate` makes one pass over the slice of
// each table that each period needs (events are sorted by date, so a period is a contiguous slice) and one
// pass over the accounts per period for the client-set KPIs, adding into per-cell measures; `finalize` turns
// the measures into KPI values. Only the measures that the requested KPIs need are allocated and filled.
#include "accountkpi/kpi/engine.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

#include "accountkpi/book/org.hpp"
#include "accountkpi/detail/sum.hpp"
#include "accountkpi/detail/zeroed.hpp"
#include "detail/machine.hpp"
#include "engine_detail.hpp"
#include "rollup_detail.hpp"

namespace accountkpi::detail {

ACCOUNTKPI_VECTOR_CLONES Int128 exact_sum(const double* x, std::size_t n) noexcept {
    // Each lane adds at most 512 values below 2^51 a block: never beyond 2^60.
    constexpr std::size_t lanes = 8, block = 512 * lanes;
    const auto magic_bits = std::bit_cast<std::int64_t>(whole_number_magic);
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
                lane[l] += std::bit_cast<std::int64_t>(t + whole_number_magic) - magic_bits;
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

/// How many lines ahead a pass over lines in date order asks for the cells it will add to.
constexpr std::size_t prefetch_distance = 16;

}  // namespace

namespace {

// What each KPI needs accumulated, by family (the families of docs/kpis.md); each returns whether `k` is one
// of its KPIs.

bool add_client_needs(Kpi k, Needs& n, const Options& o) {
    switch (k) {
        case Kpi::clients_start:
            n(C::clients_start);
            return true;
        case Kpi::clients_end:
            n(C::clients_end);
            return true;
        case Kpi::active_clients:
            n(C::active);
            return true;
        case Kpi::new_clients:
            n(C::new_clients);
            return true;
        case Kpi::churned_clients:
            n(C::churned);
            return true;
        case Kpi::reactivations:
            n(C::reactivated);
            return true;
        case Kpi::retention_rate:
            n(C::clients_start);
            if (o.retention == Options::Retention::set) {
                n(C::retained);
            } else {
                n(C::clients_end);
                n(C::new_clients);
            }
            return true;
        case Kpi::churn_rate:
            n(C::churned);
            n(C::clients_start);
            if (o.churn == Options::Churn::include_new) {
                n(C::new_clients);
                n(C::churned_new);
            }
            return true;
        case Kpi::handover_churn_rate:
            n(C::handovers);
            n(C::handovers_churned);
            return true;
        default:
            return false;
    }
}

/// Revenue retention and the revenue bridge.
bool add_revenue_retention_needs(Kpi k, Needs& n) {
    switch (k) {
        case Kpi::revenue_churn_rate:
            for (S m : {S::cohort_base, S::churned_revenue, S::contraction, S::expansion}) n(m);
            return true;
        case Kpi::nrr:
            n(S::cohort_base);
            n(S::cohort_current);
            return true;
        case Kpi::grr:
            n(S::cohort_base);
            n(S::cohort_kept);
            return true;
        case Kpi::expansion_revenue:
            n(S::expansion);
            return true;
        case Kpi::contraction_revenue:
            n(S::contraction);
            return true;
        case Kpi::churned_revenue:
            n(S::churned_revenue);
            return true;
        case Kpi::opening_revenue:
            n(S::opening);
            return true;
        case Kpi::new_revenue:
            n(S::new_revenue);
            return true;
        case Kpi::reactivated_revenue:
            n(S::reactivated_revenue);
            return true;
        case Kpi::resumed_revenue:
            n(S::resumed_revenue);
            return true;
        case Kpi::closing_revenue:
            n(S::closing);
            return true;
        case Kpi::quick_ratio:
            for (S m : {S::new_revenue, S::reactivated_revenue, S::resumed_revenue, S::expansion,
                        S::contraction, S::churned_revenue})
                n(m);
            return true;
        default:
            return false;
    }
}

bool add_satisfaction_needs(Kpi k, Needs& n) {
    switch (k) {
        case Kpi::csat:
            n(C::csat_n);
            n(C::csat_satisfied);
            n(S::csat_sum);
            return true;
        case Kpi::nps:
            n(C::nps_n);
            n(C::nps_promoters);
            n(C::nps_detractors);
            return true;
        case Kpi::ces:
            n(C::ces_n);
            n(C::ces_top);
            n(S::ces_sum);
            return true;
        default:
            return false;
    }
}

/// Projects, deals and contracts.
bool add_project_needs(Kpi k, Needs& n, const Options& o) {
    switch (k) {
        case Kpi::renewal_rate:
            if (o.renewal == Options::RenewalWeight::value) {
                n(S::renewal_value);
                n(S::due_value);
            } else {
                n(C::renewals);
                n(C::due);
            }
            return true;
        case Kpi::backlog:
            n(S::backlog);
            return true;
        case Kpi::mrr:
        case Kpi::arr:
            n(S::mrr);
            return true;
        case Kpi::avg_project_size:
        case Kpi::avg_deal_size:
            n(C::deals);
            n(S::deal_value);
            return true;
        case Kpi::median_project_size:
        case Kpi::median_deal_size:
            n(C::deals);
            n(L::deal_values);
            return true;
        case Kpi::projects_per_account:
            n(C::deals);
            n(C::active);
            return true;
        case Kpi::deals:
            n(C::deals);
            return true;
        default:
            return false;
    }
}

/// Requests and how they are answered.
bool add_request_needs(Kpi k, Needs& n) {
    switch (k) {
        case Kpi::request_count:
            n(C::requests);
            return true;
        case Kpi::requests_per_account:
            n(C::requests);
            n(C::active);
            return true;
        case Kpi::request_response_days:
            n(C::requests);
            n(L::response_days);
            return true;
        case Kpi::unanswered_requests:
            n(C::unanswered);
            return true;
        case Kpi::timely_response_rate:
            n(C::timely);
            n(C::requests);
            return true;
        case Kpi::request_conversion_rate:
            n(C::converted);
            n(C::requests);
            return true;
        default:
            return false;
    }
}

bool add_communication_needs(Kpi k, Needs& n) {
    switch (k) {
        case Kpi::communications:
            for (C m : {C::emails, C::calls, C::meetings}) n(m);
            return true;
        case Kpi::emails:
            n(C::emails);
            return true;
        case Kpi::calls:
            n(C::calls);
            return true;
        case Kpi::meetings:
            n(C::meetings);
            return true;
        case Kpi::internal_communications:
            n(C::internal);
            return true;
        case Kpi::client_communications:
            for (C m : {C::emails, C::calls, C::meetings, C::internal}) n(m);
            return true;
        case Kpi::touches_per_account_month:
            for (C m : {C::emails, C::calls, C::meetings, C::active}) n(m);
            return true;
        case Kpi::days_since_last_touch:
            n(C::touch_n);
            n(S::touch_days);
            return true;
        default:
            return false;
    }
}

/// Revenue, margin and rates.
bool add_revenue_needs(Kpi k, Needs& n) {
    switch (k) {
        case Kpi::revenue:
            n(S::revenue);
            return true;
        case Kpi::cost:
            n(S::cost);
            return true;
        case Kpi::gross_profit:
        case Kpi::gross_margin:
            n(S::revenue);
            n(S::cost);
            return true;
        case Kpi::avg_rate_hour:
            n(S::amount_hour);
            n(S::units_hour);
            return true;
        case Kpi::avg_rate_day:
            n(S::amount_day);
            n(S::units_day);
            return true;
        case Kpi::avg_rate_month:
            n(S::amount_month);
            n(S::units_month);
            return true;
        case Kpi::avg_rate_normalised_hour:
            for (S m : {S::amount_hour, S::amount_day, S::amount_month, S::units_hour, S::units_day,
                        S::units_month})
                n(m);
            return true;
        case Kpi::arpa:
            n(S::revenue);
            n(C::active);
            return true;
        case Kpi::gross_profit_per_account:
            n(S::revenue);
            n(S::cost);
            n(C::active);
            return true;
        case Kpi::upsell_revenue:
            n(S::upsell);
            return true;
        case Kpi::cross_sell_revenue:
            n(S::cross_sell);
            return true;
        case Kpi::new_business_revenue:
            n(S::new_business);
            return true;
        default:
            return false;
    }
}

/// Lifetime value and the concentration of revenue.
bool add_value_needs(Kpi k, Needs& n) {
    switch (k) {
        case Kpi::ltv_historical:
            n(S::ltv);
            n(C::ltv_n);
            return true;
        case Kpi::ltv_predicted:
            n(S::predicted);
            n(C::predicted_n);
            return true;
        case Kpi::top_share:
        case Kpi::pareto_ratio:
        case Kpi::gini:
        case Kpi::hhi:
        case Kpi::largest_client_share:
            n(L::account_revenue);
            return true;
        default:
            return false;
    }
}

/// Adds what KPI `k` needs to `n`; throws `std::logic_error` for a KPI that no family knows (a KPI added to
/// the list without its measures).
void add_needs(Kpi k, Needs& n, const Options& o) {
    const bool known = add_client_needs(k, n, o) || add_revenue_retention_needs(k, n) ||
                       add_satisfaction_needs(k, n) || add_project_needs(k, n, o) ||
                       add_request_needs(k, n) || add_communication_needs(k, n) || add_revenue_needs(k, n) ||
                       add_value_needs(k, n);
    if (!known) throw std::logic_error("KPI '" + std::string(name(k)) + "' has no measures in the engine");
}

}  // namespace

std::vector<Kpi> kpis_of(const Request& rq) {
    if (rq.kpis.empty()) return {all_kpis.begin(), all_kpis.end()};
    return rq.kpis;
}

/// What a request accumulates: its measures, and whether it makes the pass over the accounts.
/// Whether `by` groups by project or service line (the groups are projects', not accounts').
bool by_line(const std::vector<Key>& by) {
    return std::any_of(by.begin(), by.end(),
                       [](Key k) { return k == Key::service_line || k == Key::project; });
}

std::pair<Needs, bool> needs_of(const Request& rq) {
    const auto kpis = kpis_of(rq);
    Needs nd;
    for (Kpi k : kpis) add_needs(k, nd, rq.options);
    const bool line_keys = by_line(rq.by);
    const bool wants_account_level = std::any_of(kpis.begin(), kpis.end(), account_level);
    if (line_keys) {  // per-account measures are undefined by project or service line: not accumulated
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
    return {nd, wants_account_level && !line_keys};
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

namespace {

/// Maps an event (account, owner, project) to the key codes of the request's keys.
class Keyer {
  public:
    Keyer(const Book& book, const std::vector<Key>& by, std::size_t n_bands)
        : book_(book), by_(by), n_bands_(n_bands) {}
    /// The accounts' volume bands in the period being accumulated.
    void set_bands(const std::vector<std::int32_t>* bands) noexcept { bands_ = bands; }
    [[gnu::always_inline]] std::array<std::int32_t, 8> operator()(std::int32_t a, std::int32_t m,
                                                                  std::int32_t p) const noexcept {
        std::array<std::int32_t, 8> codes{};
        for (std::size_t k = 0; k < by_.size(); ++k) codes[k] = code(by_[k], a, m, p);
        return codes;
    }
    /// The first key (of a dense state, the only one).
    [[nodiscard]] Key first_key() const noexcept { return by_.front(); }
    /// The first key's code of each account when it is the account's alone (region, domain); else none.
    [[nodiscard]] const std::int32_t* account_codes() const noexcept {
        switch (by_.front()) {
            case Key::region:
                return book_.accounts().region.data();
            case Key::domain:
                return book_.accounts().domain.data();
            default:
                return nullptr;
        }
    }
    /// The code of the first key alone (all there is to the group of a dense state).
    [[gnu::always_inline]] std::int32_t first(std::int32_t a, std::int32_t m, std::int32_t p) const noexcept {
        return code(by_.front(), a, m, p);
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
    [[gnu::always_inline]] std::int32_t code(Key k, std::int32_t a, std::int32_t m,
                                             std::int32_t p) const noexcept {
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
    /// Whether every account and manager is in scope (no mask to read).
    [[nodiscard]] bool everything() const noexcept {
        return all_accounts_ && all_managers_ && bands_ok_.empty();
    }
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

/// The slots of a dense state (one key) that one thread's cells have used, apart from the other threads'.
class SlotsInUse {
  public:
    explicit SlotsInUse(std::size_t slots) : used_(slots, 0) {}
    /// Marks the slot of `codes` as in use and returns it.
    [[gnu::always_inline]] std::uint32_t group(const std::array<std::int32_t, 8>& codes) noexcept {
        const std::size_t c = State::slot_of(codes[0]);
        used_[c] = 1;
        return static_cast<std::uint32_t>(c);
    }
    /// Whether the group of `codes` is in use already.
    [[gnu::always_inline, nodiscard]] bool holds(const std::array<std::int32_t, 8>& codes) const noexcept {
        return used_[State::slot_of(codes[0])] != 0;
    }
    /// Marks slot `g` as in use (as `group` does) when `yes`.
    void use(std::size_t g, bool yes = true) noexcept { used_[g] |= static_cast<std::uint8_t>(yes); }
    /// Whether each slot is in use.
    [[nodiscard]] const std::vector<std::uint8_t>& used() const noexcept { return used_; }

  private:
    std::vector<std::uint8_t> used_;
};

/// The periods [first, first + n) of a dense state (one key) as one thread writes them: cells in place (no
/// other thread writes them), the groups it uses and its list items apart until `fold_into` (the same calls
/// as on a `State` of those periods).
class PeriodSlice {
  public:
    PeriodSlice(State& st, std::size_t first) : st_(st), first_(first), used_(st.slots()) {}
    [[gnu::always_inline]] std::uint32_t group(const std::array<std::int32_t, 8>& codes) noexcept {
        return used_.group(codes);
    }
    [[gnu::always_inline, nodiscard]] bool holds(const std::array<std::int32_t, 8>& codes) const noexcept {
        return used_.holds(codes);
    }
    void use(std::size_t g, bool yes = true) noexcept { used_.use(g, yes); }
    [[gnu::always_inline, nodiscard]] std::size_t cell(std::size_t g, std::size_t p) const noexcept {
        return st_.cell(g, first_ + p);
    }
    [[gnu::always_inline]] void prefetch(const std::array<std::int32_t, 8>& codes,
                                         std::size_t p) const noexcept {
        st_.prefetch(codes, first_ + p);
    }
    [[nodiscard]] bool worth_prefetching() const noexcept { return st_.worth_prefetching(); }
    [[nodiscard]] std::size_t dense_slots() const noexcept { return st_.dense_slots(); }
    [[nodiscard]] double* period_sums(std::size_t p) noexcept { return st_.period_sums(first_ + p); }
    [[nodiscard]] std::size_t sum_width() const noexcept { return st_.sum_width(); }
    [[nodiscard]] std::size_t sum_at(State::Sum m) const noexcept { return st_.sum_at(m); }
    [[nodiscard]] bool narrow() const noexcept { return st_.narrow(); }
    [[nodiscard]] bool records_hold_only(std::initializer_list<State::Sum> sums) const noexcept {
        return st_.records_hold_only(sums);
    }
    /// Clears the cells of its period `p` (handed out uncleared: see `detail::DeferredZeroing`).
    void zero_period(std::size_t p) noexcept { st_.zero_periods(first_ + p, first_ + p + 1); }
    /// Whether a group in use is a row in every period of these cells (true).
    [[nodiscard]] static constexpr bool groups_span_periods() noexcept { return true; }
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
        st.use_slots(used_.used());
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
    SlotsInUse used_;
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

std::vector<std::uint64_t> key_cardinalities(const Book& book, const std::vector<Key>& by,
                                             std::size_t n_bands) {
    return Keyer(book, by, n_bands).cardinalities();
}

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

// ---- accumulate
// ---------------------------------------------------------------------------------------------

namespace {

/// What a request asks of the passes: the tables it reads, and what each line or account adds.
struct Plan {
    Needs nd;
    bool account_pass = false;  // one pass over the accounts per period
    bool revenue_rows = false, cohort = false, account_revenue = false, projects = false, due = false,
         backlog = false, recurring = false, interactions = false, last_touch = false, requests = false,
         surveys = false, ltv = false, handover = false, predicted = false;
    // What the revenue pass adds per line; with no keys, no scope and only revenue and cost, it needs no
    // per-line work at all beyond the sums (`totals_only`).
    bool want_revenue = false, want_cost = false, by_unit = false, by_kind = false, new_business = false,
         totals_only = false;
    // A line adds its revenue and cost to its cell and nothing else (with `account_revenue`, also to its
    // account's revenue).
    bool sums_only = false;
    bool bands_needed = false;  // each account's volume band, per period
    bool needs_owner = false;   // the account pass looks up each account's owner
    // A grouped request keyed by accounts (not by project or service line) has a row for every account on the
    // book in its periods, whatever the KPIs: the account pass adds them, or a pass of its own
    // (`known_rows`).
    bool known_rows = false;
};

Plan plan_of(const Request& rq, const ScopeFilter& scope) {
    Plan pl;
    std::tie(pl.nd, pl.account_pass) = needs_of(rq);
    pl.known_rows = !rq.by.empty() && !by_line(rq.by);
    const Needs& nd = pl.nd;
    pl.revenue_rows =
        nd.any({S::revenue, S::cost, S::amount_hour, S::amount_day, S::amount_month, S::units_hour,
                S::units_day, S::units_month, S::upsell, S::cross_sell, S::new_business});
    pl.cohort = nd.any({S::cohort_base, S::cohort_current, S::cohort_kept, S::expansion, S::contraction,
                        S::churned_revenue, S::opening, S::closing, S::new_revenue, S::reactivated_revenue,
                        S::resumed_revenue});
    pl.account_revenue = pl.cohort || nd.has(L::account_revenue);
    pl.projects = nd.any({C::deals, C::renewals}) || nd.any({S::deal_value, S::renewal_value}) ||
                  nd.has(L::deal_values);
    pl.due = nd.any({C::due}) || nd.any({S::due_value});
    pl.backlog = nd.any({S::backlog});
    pl.recurring = nd.any({S::mrr});
    pl.interactions = nd.any({C::emails, C::calls, C::meetings, C::internal});
    pl.last_touch = nd.any({C::touch_n});
    pl.requests = nd.any({C::requests, C::answered, C::unanswered, C::timely, C::converted}) ||
                  nd.has(L::response_days);
    pl.surveys = nd.any({C::csat_n, C::csat_satisfied, C::nps_n, C::nps_promoters, C::nps_detractors,
                         C::ces_n, C::ces_top}) ||
                 nd.any({S::csat_sum, S::ces_sum});
    pl.ltv = nd.any({C::ltv_n});
    pl.handover = nd.any({C::handovers});
    pl.predicted = nd.any({C::predicted_n}) && !rq.account_values.empty();
    pl.want_revenue = nd.sums[static_cast<std::size_t>(S::revenue)];
    pl.want_cost = nd.sums[static_cast<std::size_t>(S::cost)];
    pl.by_unit =
        nd.any({S::amount_hour, S::amount_day, S::amount_month, S::units_hour, S::units_day, S::units_month});
    pl.by_kind = nd.any({S::upsell, S::cross_sell});
    pl.new_business = nd.any({S::new_business});
    pl.sums_only = !pl.by_unit && !pl.by_kind && !pl.new_business;
    pl.totals_only = rq.by.empty() && rq.scope.empty() && pl.sums_only;
    pl.bands_needed =
        scope.needs_bands() || std::find(rq.by.begin(), rq.by.end(), Key::volume_band) != rq.by.end();
    pl.needs_owner = !scope.all_managers() || std::any_of(rq.by.begin(), rq.by.end(), [](Key k) {
        return k == Key::manager || k == Key::tier || k == Key::role || k == Key::team || k == Key::unit;
    });
    return pl;
}

/// Per-request indexes, built once and only when needed: projects by end date; each account's interaction
/// dates.
struct Indexes {
    std::vector<std::uint32_t> by_end;
    std::vector<std::uint32_t> touch_offsets;
    std::vector<Date> touch_dates;
};

Indexes indexes_of(const Book& book, const Plan& plan) {
    Indexes ix;
    const auto& prj = book.projects();
    if (plan.due) {
        for (std::size_t i = 0; i < prj.size(); ++i) {
            if (!prj.end[i].is_null()) ix.by_end.push_back(static_cast<std::uint32_t>(i));
        }
        std::stable_sort(ix.by_end.begin(), ix.by_end.end(),
                         [&](auto x, auto y) { return prj.end[x] < prj.end[y]; });
    }
    if (plan.last_touch && plan.account_pass) {
        const auto& it = book.interactions();
        const std::size_t n_accounts = book.accounts().size();
        ix.touch_offsets.assign(n_accounts + 1, 0);
        for (auto a : it.account) ++ix.touch_offsets[static_cast<std::size_t>(a) + 1];
        std::partial_sum(ix.touch_offsets.begin(), ix.touch_offsets.end(), ix.touch_offsets.begin());
        ix.touch_dates.resize(it.size());
        std::vector<std::uint32_t> fill(ix.touch_offsets.begin(), ix.touch_offsets.end() - 1);
        for (std::size_t i = 0; i < it.size(); ++i)
            ix.touch_dates[fill[static_cast<std::size_t>(it.account[i])]++] = it.date[i];
    }
    return ix;
}

/// What an account's spells say about period P: client on the day before it (`in_s`) and on its last day
/// (`in_e`), active in it, new, reactivated or churned in it; `reference`, the last day in P on which it was
/// a client (the day its owner is asked for).
struct SpellFacts {
    bool in_s = false, in_e = false, active = false, is_new = false, reactivated = false, churned = false,
         churned_new = false;
    Date reference;
};

/// Accumulates a chunk of the request's periods into `Cells` (a `State` of those periods, or a `PeriodSlice`
/// of the whole state), one method per table read. Periods are independent (each reads its own slices), so
/// chunks of them run on threads of their own; within a chunk the running sums (each account's lifetime
/// revenue, each project's billing) carry from one period to the next.
template <class Cells>
class PeriodAccumulator {
  public:
    PeriodAccumulator(const Book& book, const Request& rq, const Plan& plan, const Indexes& ix,
                      const Keyer& keyer, const ScopeFilter& scope, Cells& st)
        : book_(book),
          rq_(rq),
          o_(rq.options),
          plan_(plan),
          ix_(ix),
          sp_(book.spells()),
          rev_(book.revenue()),
          prj_(book.projects()),
          n_accounts_(book.accounts().size()),
          st_(st),
          keyer_(keyer),
          scope_(scope),
          P_(rq.periods.front()) {
        keyer_.set_bands(&bands_);
        scope_.set_bands(&bands_);
        if (plan_.ltv) lifetime_.reset(n_accounts_);
        if (plan_.backlog) billed_.assign(prj_.size(), 0);
    }
    PeriodAccumulator(const PeriodAccumulator&) = delete;
    PeriodAccumulator& operator=(const PeriodAccumulator&) = delete;

    /// Accumulates the request's periods [begin, end) into the cells' periods 0 .. end - begin, calling
    /// `done(p)` after each period `p` when given. Cells handed out uncleared (`cleared` false: a
    /// `PeriodSlice`) are cleared a period at a time just before its passes, which then find them in the
    /// caches, unless the passes set every one of them (`sets_every_cell`).
    void run(std::size_t begin, std::size_t end, const std::function<void(std::size_t)>& done = {},
             bool cleared = true) {
        end_ = end;
        dense_ = st_.dense_slots() > 0;  // here: a `OnePeriod` has its state only now
        constexpr bool may_be_uncleared = requires(Cells & c) {
            c.zero_period(std::size_t{});
        };
        bool clearing = false;
        if constexpr (may_be_uncleared) {
            setting_ = !cleared && sets_every_cell(begin, end);
            clearing = !cleared && !setting_;
        }
        // Rows of the accounts on the book: where an account's one group is the same in every period and a
        // row in all of them, once after the lines of all the periods (`add_known_own_groups`).
        const bool known_once = plan_.known_rows && !plan_.account_pass && !plan_.needs_owner &&
                                !plan_.bands_needed && st_.groups_span_periods();
        for (std::size_t pi = begin; pi < end; ++pi) {
            detail::check_interruption();
            pi_ = pi;
            pl_ = pi - begin;
            P_ = rq_.periods[pi];
            known_from_ = known_from_of(P_);
            if constexpr (may_be_uncleared) {
                if (clearing) st_.zero_period(pl_);
            }
            if (plan_.bands_needed) assign_bands();
            if (plan_.revenue_rows || plan_.account_revenue) add_revenue();
            if (plan_.account_pass)
                add_accounts();
            else if (plan_.known_rows && !known_once)
                add_known_accounts();
            if (plan_.account_revenue) std::swap(previous_, current_);
            if (plan_.projects) add_signed_projects();
            if (plan_.due) add_due_projects();
            if (plan_.backlog || plan_.recurring) add_open_projects();
            if (plan_.interactions) add_interactions();
            if (plan_.requests) add_requests();
            if (plan_.surveys) add_surveys();
            if (done) done(pi);
        }
        if (known_once) add_known_own_groups(begin, end);
    }

  private:
    [[nodiscard]] std::size_t cell_of(std::uint32_t g) const noexcept { return st_.cell(g, pl_); }
    [[nodiscard]] Date first_begin(std::size_t a) const noexcept {
        return sp_.offsets[a] < sp_.offsets[a + 1] ? sp_.begin[sp_.offsets[a]] : Date::max();
    }
    [[gnu::always_inline]] void count(C m, std::size_t cell, bool yes) {
        if (yes && st_.has(m)) st_.add(m, cell);
    }

    /// Each account's volume band: its revenue in the 12 months before P.
    void assign_bands() {
        AccountRevenue trailing;
        trailing.reset(n_accounts_);
        const auto [lo, hi] = rows_in(rev_.date, Period{add_months(P_.begin(), -12), P_.begin()});
        for (std::size_t i = lo; i < hi; ++i)
            trailing.add(static_cast<std::size_t>(rev_.account[i]), rev_.amount[i]);
        bands_.resize(n_accounts_);
        for (std::size_t a = 0; a < n_accounts_; ++a) {
            const double money = detail::from_millionths(trailing[a]);
            bands_[a] = static_cast<std::int32_t>(
                std::upper_bound(o_.volume_thresholds.begin(), o_.volume_thresholds.end(), money) -
                o_.volume_thresholds.begin());
        }
    }

    // ---- revenue: the lines of P, their measures, and each account's revenue in P

    void add_revenue() {
        if (plan_.account_revenue) current_.reset(n_accounts_);
        current_.range = P_;
        const auto [lo, hi] = rows_in(rev_.date, P_);
        if (plan_.revenue_rows && plan_.totals_only) {
            // Ungrouped and unscoped: a period's revenue and cost are sums of contiguous slices.
            const std::size_t cell = cell_of(0);
            for (const auto& [m, column] :
                 {std::pair{S::revenue, &rev_.amount}, std::pair{S::cost, &rev_.cost}}) {
                if (!st_.has(m)) continue;
                st_.add_exact(m, cell, detail::exact_sum(column->data() + lo, hi - lo));
            }
        }
        if (plan_.account_revenue && (plan_.totals_only || !plan_.revenue_rows)) {
            for (std::size_t i = lo; i < hi; ++i) {
                detail::interruption_point(i - lo);
                const std::int32_t a = rev_.account[i];
                if (!scope_.account(a)) continue;
                current_.add(static_cast<std::size_t>(a), rev_.amount[i]);
            }
        }
        if (plan_.revenue_rows && !plan_.totals_only) {
            if (few_cells(hi - lo)) {
                add_line_sums(lo, hi);
                return;
            }
            if (plan_.sums_only && !plan_.account_revenue && dense_ && st_.narrow()) {
                add_dense_lines(lo, hi);
                return;
            }
            const bool cells_ahead = st_.worth_prefetching();
            const bool ahead = plan_.account_revenue || cells_ahead;
            for (std::size_t i = lo; i < hi; ++i) {
                detail::interruption_point(i - lo);
                if (ahead && i + prefetch_distance < hi) {  // lines come in date order: accounts at random
                    const std::size_t j = i + prefetch_distance;
                    const std::int32_t a = rev_.account[j];
                    if (plan_.account_revenue) current_.prefetch(static_cast<std::size_t>(a));
                    if (cells_ahead) st_.prefetch(line_codes(a, rev_.manager_of(j), rev_.project_of(j)), pl_);
                }
                add_revenue_line(i);
            }
        }
    }

    /// Whether `lines` lines that add only revenue and cost go to few cells: one key of at most a quarter as
    /// many slots (by region, domain, manager in a large book), or of slots whose sums stay in a core's cache
    /// and not many more than the lines (by account in a small book: the pass over the slots costs less than
    /// the lines' adds into the cells saved).
    [[nodiscard]] bool few_cells(std::size_t lines) const noexcept {
        constexpr std::size_t cache_bytes = std::size_t{1} << 20;
        const std::size_t slots = st_.dense_slots();
        const bool cached = slots * 3 * sizeof(std::int64_t) <= cache_bytes && slots <= 4 * lines;
        return plan_.sums_only && !plan_.account_revenue && slots > 0 && (slots <= lines / 4 || cached);
    }
    /// Whether every period of [begin, end) takes `add_line_sums` into a narrow state whose records hold
    /// only the revenue and cost it sums: its pass of each period's slots then sets every cell (`setting_`),
    /// so that cells handed out uncleared need no clearing.
    [[nodiscard]] bool sets_every_cell(std::size_t begin, std::size_t end) const {
        if (!dense_ || !st_.narrow() || !plan_.revenue_rows || plan_.totals_only) return false;
        const bool records = plan_.want_revenue && plan_.want_cost
                                 ? st_.records_hold_only({S::revenue, S::cost})
                                 : st_.records_hold_only({plan_.want_revenue ? S::revenue : S::cost});
        const auto periods = std::span(rq_.periods).subspan(begin, end - begin);
        return records && std::all_of(periods.begin(), periods.end(), [&](const Period& P) {
                   const auto [lo, hi] = rows_in(rev_.date, P);
                   return few_cells(hi - lo);
               });
    }

    /// The lines [lo, hi) of P (see `few_cells`) summed per slot in 64-bit integers of millionths, added to
    /// the cells once at the end (or set: see `setting_`): a line waits for no 128-bit add through a cell
    /// that the line before it wrote, and writes no byte (which the compiler must assume aliases every
    /// pointer it holds). An amount too large, or a sum about to overflow, goes to the cell after them (sums
    /// of millionths are exact: the order of the additions does not matter).
    void add_line_sums(std::size_t lo, std::size_t hi) {
        const std::size_t slots = st_.dense_slots();
        // Per slot: revenue, cost, whether a line came (see `few_cells`); zero between periods (the pass into
        // the cells below clears what the lines wrote; an interrupted pass ends the accumulator with it).
        if (line_sums_.size() != 3 * slots) line_sums_.assign(3 * slots, 0);
        with_slot_of([&](const auto& slot_of) { sum_lines(lo, hi, slot_of); });
        if (st_.narrow()) {
            add_slot_sums_narrow(slots);
        } else {
            add_slot_sums(slots);
        }
        for (const auto& [m, g, n] : large_lines_) st_.add_exact(m, cell_of(g), n);
        large_lines_.clear();
    }
    /// Calls `pass(slot_of)` with `slot_of(i)`, the slot of line `i` by the request's one key in a dense
    /// state (`out_of_scope`: none). Where every line is in scope and the key is the line's account,
    /// project or owner, or a code of its account (region, domain), it is read straight from a column:
    /// no scope checked, no owner or project looked up and no key chosen, per line.
    template <class Pass>
    void with_slot_of(const Pass& pass) {
        const Key key = keyer_.first_key();
        const std::int32_t* const account = rev_.account.data();
        const std::int32_t* const account_codes = keyer_.account_codes();
        const bool owner = key == Key::manager || key == Key::team;  // the line's owner (see `Keyer::code`)
        const auto column = [&](const Array<std::int32_t>& codes) {
            pass([codes = codes.data()](std::size_t i) { return State::slot_of(codes[i]); });
        };
        if (!scope_.everything()) {
            pass([this](std::size_t i) -> std::size_t {
                const std::int32_t a = rev_.account[i];
                if (!scope_.account(a)) return out_of_scope;
                const std::int32_t m = rev_.manager_of(i);
                if (!scope_.manager(m)) return out_of_scope;
                return State::slot_of(keyer_.first(a, m, rev_.project_of(i)));
            });
        } else if (key == Key::account) {
            column(rev_.account);
        } else if (account_codes != nullptr) {
            pass([account, account_codes](std::size_t i) {
                return State::slot_of(account_codes[static_cast<std::size_t>(account[i])]);
            });
        } else if (owner && !rev_.manager.empty()) {
            column(rev_.manager);
        } else if (key == Key::project && !rev_.project.empty()) {
            column(rev_.project);
        } else {
            pass([this](std::size_t i) -> std::size_t {
                return State::slot_of(keyer_.first(rev_.account[i], rev_.manager_of(i), rev_.project_of(i)));
            });
        }
    }
    /// `add_line_sums`'s pass of the slots' sums into the cells of a wide state.
    void add_slot_sums(std::size_t slots) noexcept {
        std::int64_t* const sums = line_sums_.data();
        // Every slot, without a branch on whether a line came (a slot's sums are zero when none did): about
        // half of the slots have lines in a month, at random.
        const bool revenue = plan_.want_revenue, cost = plan_.want_cost;
        for (std::size_t g = 0; g < slots; ++g) {
            std::int64_t* const at = sums + 3 * g;
            st_.use(g, at[2] != 0);
            const std::size_t cell = cell_of(static_cast<std::uint32_t>(g));
            if (revenue) st_.add_exact(S::revenue, cell, at[0]);
            if (cost) st_.add_exact(S::cost, cell, at[1]);
            at[0] = at[1] = at[2] = 0;
        }
    }
    /// `add_line_sums`'s pass of the slots' sums into the cells of a narrow state (set when `setting_`),
    /// through the period's records held in registers (see `add_dense_lines`).
    void add_slot_sums_narrow(std::size_t slots) noexcept {
        std::int64_t* const sums = line_sums_.data();
        double* const records = st_.period_sums(pl_);
        const std::size_t width = st_.sum_width();
        const bool revenue = plan_.want_revenue, cost = plan_.want_cost;
        const std::size_t revenue_at = st_.sum_at(S::revenue), cost_at = st_.sum_at(S::cost);
        const auto into_cells = [&](auto put) {
            for (std::size_t g = 0; g < slots; ++g) {
                std::int64_t* const at = sums + 3 * g;
                st_.use(g, at[2] != 0);
                double* const record = records + g * width;
                const auto group = static_cast<std::uint32_t>(g);
                if (revenue) put(S::revenue, group, record + revenue_at, at[0]);
                if (cost) put(S::cost, group, record + cost_at, at[1]);
                at[0] = at[1] = at[2] = 0;
            }
        };
        if (setting_) {
            into_cells([](S, std::uint32_t, double* to, std::int64_t n) { std::memcpy(to, &n, sizeof n); });
        } else {
            into_cells([this](S m, std::uint32_t g, double* to, std::int64_t n) {
                add_narrow_millionths(m, g, to, n);
            });
        }
    }
    /// The lines [lo, hi) summed into `line_sums_` by the slot `slot_of(i)` of line `i` (`out_of_scope`:
    /// none).
    static constexpr std::size_t out_of_scope = std::numeric_limits<std::size_t>::max();
    template <class SlotOf>
    void sum_lines(std::size_t lo, std::size_t hi, const SlotOf& slot_of) {
        std::int64_t* const sums = line_sums_.data();
        const bool revenue = plan_.want_revenue, cost = plan_.want_cost;
        for (std::size_t i = lo; i < hi; ++i) {
            detail::interruption_point(i - lo);
            const std::size_t g = slot_of(i);
            if (g == out_of_scope) continue;
            std::int64_t* at = sums + 3 * g;
            at[2] = 1;
            if (revenue) add_line_sum(S::revenue, g, at[0], rev_.amount[i]);
            if (cost) add_line_sum(S::cost, g, at[1], rev_.cost[i]);
        }
    }
    [[gnu::always_inline]] void add_line_sum(S m, std::size_t g, std::int64_t& sum, double x) {
        if (!detail::add_small_millionths(sum, x))
            large_lines_.emplace_back(m, static_cast<std::uint32_t>(g), detail::to_millionths(x));
    }

    /// The lines [lo, hi) of P that add only revenue and cost to the cells of a narrow dense state, through
    /// the period's records held in registers: an add through the state's members would load them again
    /// after every store (an 8-byte integer stored may alias them, as far as the compiler knows).
    void add_dense_lines(std::size_t lo, std::size_t hi) {
        with_slot_of([&](const auto& slot_of) { add_dense_lines(lo, hi, slot_of); });
    }
    template <class SlotOf>
    void add_dense_lines(std::size_t lo, std::size_t hi, const SlotOf& slot_of) {
        double* const records = st_.period_sums(pl_);
        const std::size_t width = st_.sum_width();
        const bool revenue = plan_.want_revenue, cost = plan_.want_cost;
        const std::size_t revenue_at = st_.sum_at(S::revenue), cost_at = st_.sum_at(S::cost);
        const bool ahead = st_.worth_prefetching();
        for (std::size_t i = lo; i < hi; ++i) {
            detail::interruption_point(i - lo);
            if (ahead && i + prefetch_distance < hi) {  // lines come in date order: accounts at random
                const std::size_t h = slot_of(i + prefetch_distance);
                if (h != out_of_scope) detail::prefetch_write(records + h * width);
            }
            const std::size_t g = slot_of(i);
            if (g == out_of_scope) continue;
            st_.use(g);
            double* const record = records + g * width;
            const auto group = static_cast<std::uint32_t>(g);
            if (revenue) add_narrow(S::revenue, group, record + revenue_at, rev_.amount[i]);
            if (cost) add_narrow(S::cost, group, record + cost_at, rev_.cost[i]);
        }
    }
    /// Adds `x` to the narrow money sum at `at` (measure `m` of group `g`); a large amount, or a sum about to
    /// overflow, through the state (see `State::overflowed`).
    [[gnu::always_inline]] void add_narrow(S m, std::uint32_t g, double* at, double x) noexcept {
        std::int64_t sum = 0;
        std::memcpy(&sum, at, sizeof sum);
        if (detail::add_small_millionths(sum, x)) {
            std::memcpy(at, &sum, sizeof sum);
        } else {
            st_.add_exact(m, cell_of(g), detail::to_millionths(x));
        }
    }
    /// Adds `n` millionths to the narrow money sum at `at` (measure `m` of group `g`); a sum about to
    /// overflow through the state (see `State::overflowed`).
    [[gnu::always_inline]] void add_narrow_millionths(S m, std::uint32_t g, double* at,
                                                      std::int64_t n) noexcept {
        std::int64_t sum = 0;
        std::memcpy(&sum, at, sizeof sum);
        if (__builtin_add_overflow(sum, n, &sum)) [[unlikely]] {
            st_.add_exact(m, cell_of(g), n);
        } else {
            std::memcpy(at, &sum, sizeof sum);
        }
    }

    /// The key codes of a line: of a dense state's, the first key's alone (all its group needs), without
    /// writing the others.
    [[gnu::always_inline]] std::array<std::int32_t, 8> line_codes(std::int32_t a, std::int32_t m,
                                                                  std::int32_t p) const noexcept {
        if (dense_) return {keyer_.first(a, m, p)};
        return keyer_(a, m, p);
    }

    [[gnu::always_inline]] void add_revenue_line(std::size_t i) {
        const std::int32_t a = rev_.account[i];
        if (!scope_.account(a)) return;
        // The amount in millionths once, for every money measure it goes into.
        const detail::Int128 amount = detail::to_millionths(rev_.amount[i]);
        const auto ua = static_cast<std::size_t>(a);
        if (plan_.account_revenue) current_.sums[ua] += amount;
        const std::int32_t m = rev_.manager_of(i);
        if (!scope_.manager(m)) return;
        const std::int32_t p = rev_.project_of(i);
        const std::size_t cell = cell_of(st_.group(line_codes(a, m, p)));
        if (plan_.want_revenue) st_.add_exact(S::revenue, cell, amount);
        if (plan_.want_cost) st_.add(S::cost, cell, rev_.cost[i]);
        if (plan_.by_unit) add_by_unit(cell, rev_.unit[i], amount, rev_.units_of(i));
        if (plan_.by_kind && p != none) {
            const ProjectKind kind = prj_.kind[static_cast<std::size_t>(p)];
            if (kind == ProjectKind::upsell && st_.has(S::upsell)) st_.add_exact(S::upsell, cell, amount);
            if (kind == ProjectKind::cross_sell && st_.has(S::cross_sell))
                st_.add_exact(S::cross_sell, cell, amount);
        }
        if (plan_.new_business && P_.contains(first_begin(ua))) st_.add_exact(S::new_business, cell, amount);
    }

    /// A line's amount and units, by its unit of time.
    [[gnu::always_inline]] void add_by_unit(std::size_t cell, Billing unit, detail::Int128 amount,
                                            double units) {
        switch (unit) {
            case Billing::hour:
                add_in_unit(cell, S::amount_hour, amount, S::units_hour, units);
                break;
            case Billing::day:
                add_in_unit(cell, S::amount_day, amount, S::units_day, units);
                break;
            case Billing::month:
                add_in_unit(cell, S::amount_month, amount, S::units_month, units);
                break;
            default:
                break;
        }
    }
    [[gnu::always_inline]] void add_in_unit(std::size_t cell, S amount_in, detail::Int128 amount, S units_in,
                                            double units) {
        if (st_.has(amount_in)) st_.add_exact(amount_in, cell, amount);
        if (st_.has(units_in)) st_.add(units_in, cell, units);
    }

    // ---- accounts: each account once, for the client-set measures, cohort revenue, concentration, last
    // touch

    void add_accounts() {
        const AccountRevenue* b_rev = plan_.cohort ? &base_revenue() : nullptr;
        if (plan_.ltv) advance_lifetime();
        for (std::size_t ua = 0; ua < n_accounts_; ++ua) {
            detail::interruption_point(ua);
            add_account(ua, b_rev);
        }
    }

    /// Each account's revenue in P's base period (that of the period before when they are the same).
    const AccountRevenue& base_revenue() {
        const Period B = base_period(P_, o_.nrr_base);
        if (previous_.range && *previous_.range == B) return previous_;
        base_.reset(n_accounts_);
        base_.range = B;
        const auto [lo, hi] = rows_in(rev_.date, B);
        for (std::size_t i = lo; i < hi; ++i) {
            detail::interruption_point(i - lo);
            base_.add(static_cast<std::size_t>(rev_.account[i]), rev_.amount[i]);
        }
        return base_;
    }

    /// Historical LTV: each account's gross profit (or revenue) from its first line up to P's end, kept
    /// running so that periods in ascending order read each line once.
    void advance_lifetime() {
        const auto upto = static_cast<std::size_t>(
            std::lower_bound(rev_.date.begin(), rev_.date.end(), P_.end()) - rev_.date.begin());
        if (upto < lifetime_row_) {  // an earlier end than the last period: start again
            lifetime_.reset(n_accounts_);
            lifetime_row_ = 0;
        }
        for (; lifetime_row_ < upto; ++lifetime_row_) {
            detail::interruption_point(lifetime_row_);
            const auto ua = static_cast<std::size_t>(rev_.account[lifetime_row_]);
            lifetime_.add(ua, rev_.amount[lifetime_row_]);
            if (!o_.ltv_revenue) lifetime_.add(ua, -rev_.cost[lifetime_row_]);
        }
    }

    [[nodiscard]] SpellFacts spell_facts(std::size_t ua) const noexcept {
        const Date b = P_.begin(), last = P_.end() - 1;
        SpellFacts f;
        f.reference = last;
        bool reference_set = false;
        for (auto k = sp_.offsets[ua]; k < sp_.offsets[ua + 1]; ++k) {
            const Date sb = sp_.begin[k], se = sp_.end[k];
            if (client_before(sb, se, b)) {
                f.in_s = true;
                f.churned = se <= last;
            }
            if (sb <= last && last < se) f.in_e = true;
            if (client_in(sb, se, b, last)) {
                f.active = true;
                const Date last_day = std::min(se - 1, last);
                if (!reference_set || f.reference < last_day) f.reference = last_day;
                reference_set = true;
            }
            if (P_.contains(sb)) {
                if (k == sp_.offsets[ua]) {
                    f.is_new = true;
                    f.churned_new = se <= last;
                } else {
                    f.reactivated = true;
                }
            }
        }
        return f;
    }

    /// Whether account `ua` is on the book in P: a client in P or on the day before, or seen (its first to
    /// its last dated row) in P or in P's base period.
    [[nodiscard]] bool known(std::size_t ua, const SpellFacts& f) const noexcept {
        return f.active || f.in_s || seen_in(ua, P_, known_from_);
    }

    /// The first day of a sighting that puts an account on the book in `P` (see `known`).
    [[nodiscard]] Date known_from_of(Period P) const {
        return std::min(P.begin(), base_period(P, o_.nrr_base).begin());
    }
    /// `known(ua, spell_facts(ua))` in period `P` (accounts seen from `known_from` on count) without the
    /// facts: seen first (two loads), then a client in P or on the day before, the spells' walk ending at the
    /// first that says so.
    [[nodiscard]] bool on_book(std::size_t ua, Period P, Date known_from) const noexcept {
        if (seen_in(ua, P, known_from)) return true;
        const Date b = P.begin(), last = P.end() - 1;
        for (auto k = sp_.offsets[ua]; k < sp_.offsets[ua + 1]; ++k) {
            const Date sb = sp_.begin[k], se = sp_.end[k];
            if (client_before(sb, se, b) || client_in(sb, se, b, last)) return true;
        }
        return false;
    }
    /// Whether account `ua` was seen (its first to its last dated row) in P or since `known_from`.
    [[nodiscard]] bool seen_in(std::size_t ua, Period P, Date known_from) const noexcept {
        const auto& seen = book_.sightings();
        return seen.first_seen[ua] < P.end() && known_from <= seen.last_seen[ua];
    }
    /// Whether the spell [sb, se) holds the day before `b` (a client at the start of a period from `b`).
    [[nodiscard]] static bool client_before(Date sb, Date se, Date b) noexcept {
        return sb < b && b - 1 < se;
    }
    /// Whether the spell [sb, se) meets the days `b` to `last` (a client in the period).
    [[nodiscard]] static bool client_in(Date sb, Date se, Date b, Date last) noexcept {
        return sb <= last && b < se;
    }

    /// The group of account `a` on the book in P, keyed by its owner on its reference day; with manager
    /// keys, also the groups of every manager owning it (or one of its projects) some time in P.
    std::int32_t add_known(std::int32_t a, const SpellFacts& f) {
        if (!plan_.needs_owner) return none;
        add_owners(a, f.reference);
        return book_.owner(a, none, f.reference);
    }

    /// The groups of every manager owning account `a` (or one of its projects) some time in P; whether one
    /// owns the account itself on day `d` of P (then `Book::owner(a, none, d)` is one of them).
    bool add_owners(std::int32_t a, Date d) {
        const auto& as = book_.assignments();
        const auto ua = static_cast<std::size_t>(a);
        bool owned = false;
        for (auto k = as.offsets[ua]; k < as.offsets[ua + 1]; ++k) {
            if (!(as.start[k] < P_.end() && P_.begin() < as.end[k])) continue;
            if (scope_.manager(as.manager[k])) st_.group(keyer_(a, as.manager[k], none));
            owned = owned || (as.project[k] == none && as.start[k] <= d && d < as.end[k]);
        }
        return owned;
    }

    /// The rows of the accounts on the book in P, for grouped requests without an account pass: as
    /// `add_known` gives them, an account without an owner on its reference day in the group of none.
    void add_known_accounts() {
        if (!plan_.bands_needed && st_.groups_span_periods()) {
            add_known_groups();
            return;
        }
        for (std::size_t ua = 0; ua < n_accounts_; ++ua) {
            detail::interruption_point(ua);
            add_known_account(ua);
        }
    }
    [[gnu::always_inline]] void add_known_account(std::size_t ua) {
        const auto a = static_cast<std::int32_t>(ua);
        if (!scope_.account(a)) return;
        if (plan_.needs_owner) {
            add_known_owned(a);
            return;
        }
        // Without owners an account's group does not depend on the period: one in use is a row already.
        if (!scope_.manager(none)) return;
        const std::pair<Period, Date> period{P_, known_from_};
        add_own_group(ua, {&period, 1});
    }
    /// Account `ua`'s own group (no owner) made a row when it is none yet and the account is on the book in
    /// one of `periods` (each with the first day of a sighting that counts, see `known_from_of`).
    void add_own_group(std::size_t ua, std::span<const std::pair<Period, Date>> periods) {
        const auto a = static_cast<std::int32_t>(ua);
        if (holds(a, none)) return;
        const bool known = std::any_of(periods.begin(), periods.end(),
                                       [&](const auto& pk) { return on_book(ua, pk.first, pk.second); });
        if (known) st_.group(keyer_(a, none, none));
    }
    /// The rows of the accounts on the book in one of the periods [begin, end) where an account's one group
    /// is the same in all of them (no owner, no volume band in the keys) and a row in all of them: after the
    /// lines of every period, which made most of them, each account without its row looks for a period that
    /// it is on the book in (`add_known_accounts` in one pass over the accounts, not one a period).
    void add_known_own_groups(std::size_t begin, std::size_t end) {
        if (!scope_.manager(none)) return;
        std::vector<std::pair<Period, Date>> periods;  // each period, and the first day seen that counts
        for (std::size_t pi = begin; pi < end; ++pi) {
            const Period P = rq_.periods[pi];
            periods.emplace_back(P, known_from_of(P));
        }
        for (std::size_t ua = 0; ua < n_accounts_; ++ua) {
            detail::interruption_point(ua);
            if (scope_.account(static_cast<std::int32_t>(ua))) add_own_group(ua, periods);
        }
    }
    void add_known_owned(std::int32_t a) {
        const auto ua = static_cast<std::size_t>(a);
        const SpellFacts f = spell_facts(ua);
        if (!known(ua, f)) return;
        if (!add_owners(a, f.reference) && scope_.manager(none)) st_.group(keyer_(a, none, none));
    }
    /// `add_known_accounts` where an account's groups do not depend on the period but on its owners (no
    /// volume band; without owners `add_known_own_groups` serves) and a group in use is a row in every period
    /// of the cells: an account all of whose groups are rows is done for the request, so each period looks
    /// only at the accounts that were not done after the period before.
    void add_known_groups() {
        Date from = P_.begin(), until = P_.end();  // the span of this and the later periods (in any order)
        for (std::size_t pi = pi_; pi < end_; ++pi) {
            from = std::min(from, rq_.periods[pi].begin());
            until = std::max(until, rq_.periods[pi].end());
        }
        if (!rowless_from_) {
            start_rowless(from, until);
            rowless_from_ = true;
        }
        std::size_t kept = 0;
        for (std::size_t k = 0; k < rowless_.size(); ++k) {
            detail::interruption_point(k);
            const std::int32_t a = rowless_[k];
            if (!scope_.account(a)) continue;  // out of scope for the request (no band moves it in)
            // Its owners' groups made rows already (by the lines): adding it would change nothing.
            if (rows_complete(a, from, until)) continue;
            add_known_account(static_cast<std::size_t>(a));
            if (!rows_complete(a, from, until)) rowless_[kept++] = a;
        }
        rowless_.resize(kept);
    }
    /// The accounts `add_known_groups` looks at first: those in scope whose rows are not complete after the
    /// first period's lines (`rows_complete` for all of them at once: one pass over the assignments, not a
    /// loop of one to three per account, whose every end costs a mispredicted branch).
    void start_rowless(Date from, Date until) {
        rowless_.resize(n_accounts_);
        std::iota(rowless_.begin(), rowless_.end(), std::int32_t{0});
        std::vector<Date> chain(n_accounts_);
        for (std::size_t ua = 0; ua < n_accounts_; ++ua) chain[ua] = chain_start(ua, from);
        const auto& as = book_.assignments();
        for (std::size_t k = 0; k < as.size(); ++k) {
            detail::interruption_point(k);
            const auto ua = static_cast<std::size_t>(as.account[k]);
            chain[ua] = owners_chain(k, chain[ua]);
        }
        std::size_t kept = 0;
        for (const std::int32_t a : rowless_) {
            if (scope_.account(a) && !chain_complete(a, chain[static_cast<std::size_t>(a)], until))
                rowless_[kept++] = a;
        }
        rowless_.resize(kept);
    }
    /// Whether every group that account `a` can be a row of in this period or a later one (all within
    /// [`from`, `until`)) is a row: that of every manager it (or one of its projects) ever has, in scope,
    /// and that of none unless owners of the account itself (not of one of its projects) follow one another
    /// without a gap from `from`, or the account's first day on record when later, to `until` (before that
    /// day the account is on the book in no period, and its reference day in a period is never before it).
    [[nodiscard]] bool rows_complete(std::int32_t a, Date from, Date until) const noexcept {
        const auto& as = book_.assignments();
        const auto ua = static_cast<std::size_t>(a);
        Date chain = chain_start(ua, from);
        for (auto k = as.offsets[ua]; k < as.offsets[ua + 1] && !chain.is_null(); ++k)
            chain = owners_chain(k, chain);
        return chain_complete(a, chain, until);
    }
    /// `rows_complete` of account `a` from its owners' `chain` (see `owners_chain`) over all its assignments.
    [[nodiscard]] bool chain_complete(std::int32_t a, Date chain, Date until) const noexcept {
        return !chain.is_null() && (holds(a, none) || !scope_.manager(none) || until <= chain);
    }
    /// Where the owners' chain of days of account `ua` starts: `from`, or its first day on record when later.
    [[nodiscard]] Date chain_start(std::size_t ua, Date from) const noexcept {
        return std::max(from, std::min(first_begin(ua), book_.sightings().first_seen[ua]));
    }
    /// The owners' `chain` of an account after its assignment `k`: the day up to which owners of the account
    /// itself hold it without a gap from the chain's start (the assignment extends it when it holds the
    /// account on the chain's day: the assignments are in order of start, so one pass finds the whole
    /// chain); null once an owner in scope (of the account or a project) has no row.
    [[nodiscard, gnu::always_inline]] Date owners_chain(std::size_t k, Date chain) const noexcept {
        const auto& as = book_.assignments();
        const std::int32_t m = as.manager[k];
        if (chain.is_null() || (scope_.manager(m) && !holds(as.account[k], m))) return Date::null();
        return as.project[k] == none && as.start[k] <= chain && chain < as.end[k] ? as.end[k] : chain;
    }
    /// Whether the group of account `a` owned by manager `m` is in use (known in a dense state only, whose
    /// group is its first key's code: false otherwise).
    [[nodiscard, gnu::always_inline]] bool holds(std::int32_t a, std::int32_t m) const noexcept {
        return dense_ && st_.holds({keyer_.first(a, m, none)});
    }

    [[gnu::always_inline]] void add_account(std::size_t ua, const AccountRevenue* b_rev) {
        const auto a = static_cast<std::int32_t>(ua);
        if (!scope_.account(a)) return;
        const SpellFacts f = spell_facts(ua);
        const detail::Int128 r_p = plan_.account_revenue ? current_[ua] : 0;
        const detail::Int128 r_b = b_rev ? (*b_rev)[ua] : 0;
        const bool measured = f.active || f.in_s || r_p != 0 || r_b != 0;
        if (!measured && !(plan_.known_rows && known(ua, f))) return;
        const std::int32_t owner = plan_.known_rows    ? add_known(a, f)
                                   : plan_.needs_owner ? book_.owner(a, none, f.reference)
                                                       : none;
        if (!scope_.manager(owner)) return;
        const std::uint32_t g = st_.group(keyer_(a, owner, none));
        if (!measured) return;  // on the book in P without a measure: a row of its own, nothing added
        const std::size_t cell = cell_of(g);
        count(C::clients_start, cell, f.in_s);
        count(C::clients_end, cell, f.in_e);
        count(C::active, cell, f.active);
        count(C::new_clients, cell, f.is_new);
        count(C::reactivated, cell, f.reactivated);
        count(C::churned, cell, f.in_s && f.churned);
        count(C::retained, cell, f.in_s && f.in_e);
        count(C::churned_new, cell, f.is_new && f.churned_new);
        if (plan_.cohort) add_cohort(cell, f, r_p, r_b);
        if (plan_.nd.has(L::account_revenue) && r_p > 0)
            st_.push(L::account_revenue, g, pl_, detail::from_millionths(r_p));
        if (plan_.ltv && f.active) {
            st_.add(C::ltv_n, cell);
            st_.add_exact(S::ltv, cell, lifetime_[ua]);
        }
        if (plan_.predicted && f.active) {
            const double value = rq_.account_values[pi_ * n_accounts_ + ua];
            if (!std::isnan(value)) {
                st_.add(C::predicted_n, cell);
                st_.add(S::predicted, cell, value);
            }
        }
        if (plan_.handover && st_.has(C::handovers)) add_handovers(a, cell);
        if (plan_.last_touch && f.in_e) add_last_touch(ua, cell);
    }

    /// An account's revenue in P (`r_p`) against its base period's (`r_b`): the cohort's measures and the
    /// revenue bridge.
    void add_cohort(std::size_t cell, const SpellFacts& f, detail::Int128 r_p, detail::Int128 r_b) {
        constexpr detail::Int128 zero = 0;
        if (r_b > 0) {
            if (st_.has(S::cohort_base)) st_.add_exact(S::cohort_base, cell, r_b);
            if (st_.has(S::cohort_current)) st_.add_exact(S::cohort_current, cell, r_p);
            // Kept revenue lies in [0, base]: credit notes beyond the billing keep nothing.
            if (st_.has(S::cohort_kept)) st_.add_exact(S::cohort_kept, cell, std::clamp(r_p, zero, r_b));
            if (f.in_e) {
                if (st_.has(S::expansion)) st_.add_exact(S::expansion, cell, std::max(zero, r_p - r_b));
                if (st_.has(S::contraction)) st_.add_exact(S::contraction, cell, std::max(zero, r_b - r_p));
            } else if (st_.has(S::churned_revenue)) {
                st_.add_exact(S::churned_revenue, cell, r_b - r_p);
            }
        } else {  // no base revenue: the whole change is new, reactivated or resumed
            const S movement = f.is_new        ? S::new_revenue
                               : f.reactivated ? S::reactivated_revenue
                                               : S::resumed_revenue;
            if (st_.has(movement)) st_.add_exact(movement, cell, r_p - r_b);
        }
        if (st_.has(S::opening)) st_.add_exact(S::opening, cell, r_b);
        if (st_.has(S::closing)) st_.add_exact(S::closing, cell, r_p);
    }

    /// Whether account `a` was handed over in P, and whether it churned soon after.
    void add_handovers(std::int32_t a, std::size_t cell) {
        bool handed = false, churned_after = false;
        for (const Handover& h : handovers_of(book_, a, P_)) {
            handed = true;
            churned_after = churned_after || churns_within(book_, a, h.day, o_.handover_days);
        }
        count(C::handovers, cell, handed);
        count(C::handovers_churned, cell, churned_after);
    }

    /// The days from an account's last interaction up to P's last day.
    void add_last_touch(std::size_t ua, std::size_t cell) {
        const Date last = P_.end() - 1;
        const auto first = ix_.touch_dates.begin() + ix_.touch_offsets[ua];
        const auto end = ix_.touch_dates.begin() + ix_.touch_offsets[ua + 1];
        const auto after = std::upper_bound(first, end, last);
        if (after != first) {
            st_.add(C::touch_n, cell);
            st_.add(S::touch_days, cell, static_cast<double>(last - *(after - 1)));
        }
    }

    // ---- projects: signed in P, contracts ending in P, open at P's end

    void add_signed_projects() {
        const auto [lo, hi] = rows_in(prj_.signed_on, P_);
        for (std::size_t i = lo; i < hi; ++i) {
            const std::int32_t a = prj_.account[i], m = prj_.manager[i];
            if (!scope_.account(a) || !scope_.manager(m)) continue;
            const std::uint32_t g = st_.group(keyer_(a, m, static_cast<std::int32_t>(i)));
            const std::size_t cell = cell_of(g);
            if (st_.has(C::deals)) st_.add(C::deals, cell);
            if (st_.has(S::deal_value)) st_.add(S::deal_value, cell, prj_.value[i]);
            if (plan_.nd.has(L::deal_values)) st_.push(L::deal_values, g, pl_, prj_.value[i]);
            if (prj_.kind[i] == ProjectKind::renewal) {
                if (st_.has(C::renewals)) st_.add(C::renewals, cell);
                if (st_.has(S::renewal_value)) st_.add(S::renewal_value, cell, prj_.value[i]);
            }
        }
    }

    void add_due_projects() {
        auto it = std::lower_bound(ix_.by_end.begin(), ix_.by_end.end(), P_.begin(),
                                   [&](std::uint32_t i, Date d) { return prj_.end[i] < d; });
        for (; it != ix_.by_end.end() && prj_.end[*it] < P_.end(); ++it) {
            const auto i = static_cast<std::int32_t>(*it);
            const std::int32_t a = prj_.account[*it];
            const std::int32_t m = book_.owner(a, i, prj_.end[*it]);
            if (!scope_.account(a) || !scope_.manager(m)) continue;
            const std::size_t cell = cell_of(st_.group(keyer_(a, m, i)));
            if (st_.has(C::due)) st_.add(C::due, cell);
            if (st_.has(S::due_value)) st_.add(S::due_value, cell, prj_.value[*it]);
        }
    }

    /// Projects open at the period's end (signed, and no end or an end after the last day), for their owner
    /// on the last day. Backlog: their value not yet billed, never below 0. MRR: the monthly value of the
    /// month-billed ones that have started, their value spread over their whole months.
    void add_open_projects() {
        if (plan_.backlog) advance_billing();
        const Date last = P_.end() - 1;
        for (std::size_t i = 0; i < prj_.size() && prj_.signed_on[i] <= last; ++i) {
            if (!prj_.end[i].is_null() && prj_.end[i] <= last) continue;  // finished
            const detail::Int128 left =
                plan_.backlog ? detail::to_millionths(prj_.value[i]) - billed_[i] : detail::Int128{0};
            const double monthly = plan_.recurring ? monthly_value(prj_, i, last) : 0.0;
            if (left <= 0 && monthly == 0) continue;
            const std::int32_t a = prj_.account[i];
            const auto pi32 = static_cast<std::int32_t>(i);
            const std::int32_t m = book_.owner(a, pi32, last);
            if (!scope_.account(a) || !scope_.manager(m)) continue;
            const std::size_t cell = cell_of(st_.group(keyer_(a, m, pi32)));
            if (left > 0) st_.add_exact(S::backlog, cell, left);
            if (monthly != 0) st_.add(S::mrr, cell, monthly);
        }
    }

    /// Backlog: each project's billing from its first line up to P's end, kept running like the lifetime
    /// revenue.
    void advance_billing() {
        const auto upto = static_cast<std::size_t>(
            std::lower_bound(rev_.date.begin(), rev_.date.end(), P_.end()) - rev_.date.begin());
        if (upto < billed_row_) {  // an earlier end than the last period: start again
            std::fill(billed_.begin(), billed_.end(), 0);
            billed_row_ = 0;
        }
        for (; billed_row_ < upto; ++billed_row_) {
            detail::interruption_point(billed_row_);
            const std::int32_t p = rev_.project_of(billed_row_);
            if (p != none)
                billed_[static_cast<std::size_t>(p)] += detail::to_millionths(rev_.amount[billed_row_]);
        }
    }

    // ---- interactions, requests, surveys of P

    void add_interactions() {
        const auto& t = book_.interactions();
        const auto [lo, hi] = rows_in(t.date, P_);
        for (std::size_t i = lo; i < hi; ++i) {
            const std::int32_t a = t.account[i], m = t.manager[i];
            if (!scope_.account(a) || !scope_.manager(m)) continue;
            const C channel = t.channel[i] == Channel::email  ? C::emails
                              : t.channel[i] == Channel::call ? C::calls
                                                              : C::meetings;
            const bool internal = t.party[i] == Party::internal && st_.has(C::internal);
            if (!st_.has(channel) && !internal) continue;
            const std::size_t cell = cell_of(st_.group(keyer_(a, m, none)));
            if (st_.has(channel)) st_.add(channel, cell);
            if (internal) st_.add(C::internal, cell);
        }
    }

    void add_requests() {
        const auto& t = book_.requests();
        const auto [lo, hi] = rows_in(t.received_on, P_);
        for (std::size_t i = lo; i < hi; ++i) {
            const std::int32_t a = t.account[i], m = t.manager[i];
            if (!scope_.account(a) || !scope_.manager(m)) continue;
            const std::uint32_t g = st_.group(keyer_(a, m, t.project[i]));
            const std::size_t cell = cell_of(g);
            if (st_.has(C::requests)) st_.add(C::requests, cell);
            if (t.responded_on[i].is_null()) {
                if (st_.has(C::unanswered)) st_.add(C::unanswered, cell);
            } else {
                const auto days = static_cast<double>(t.responded_on[i] - t.received_on[i]);
                if (st_.has(C::answered)) st_.add(C::answered, cell);
                if (plan_.nd.has(L::response_days)) st_.push(L::response_days, g, pl_, days);
                if (days <= o_.sla_days && st_.has(C::timely)) st_.add(C::timely, cell);
            }
            if (t.project[i] != none && st_.has(C::converted)) st_.add(C::converted, cell);
        }
    }

    void add_surveys() {
        const auto& t = book_.surveys();
        const auto [lo, hi] = rows_in(t.date, P_);
        for (std::size_t i = lo; i < hi; ++i) {
            const std::int32_t a = t.account[i], m = t.manager[i];
            if (!scope_.account(a) || !scope_.manager(m)) continue;
            add_survey(cell_of(st_.group(keyer_(a, m, none))), t.kind[i], t.score[i]);
        }
    }

    void add_survey(std::size_t cell, SurveyKind kind, double score) {
        switch (kind) {
            case SurveyKind::csat:
                count(C::csat_n, cell, true);
                count(C::csat_satisfied, cell, score >= 4);
                if (st_.has(S::csat_sum)) st_.add(S::csat_sum, cell, score);
                break;
            case SurveyKind::nps:
                count(C::nps_n, cell, true);
                count(C::nps_promoters, cell, score >= 9);
                count(C::nps_detractors, cell, score <= 6);
                break;
            case SurveyKind::ces:
                count(C::ces_n, cell, true);
                count(C::ces_top, cell, score >= 6);
                if (st_.has(S::ces_sum)) st_.add(S::ces_sum, cell, score);
                break;
        }
    }

    const Book& book_;
    const Request& rq_;
    const Options& o_;
    const Plan& plan_;
    const Indexes& ix_;
    const SpellTable& sp_;
    const RevenueTable& rev_;
    const ProjectTable& prj_;
    std::size_t n_accounts_;
    Cells& st_;
    std::vector<std::int32_t> bands_;  // each account's volume band in P
    Keyer keyer_;
    ScopeFilter scope_;
    std::size_t pi_ = 0, pl_ = 0;  // P: the request's period pi_, the cells' period pl_
    std::size_t end_ = 0;          // the request's periods accumulated here end before this one
    bool dense_ = false;           // whether the cells' groups are the first key's codes (one key)
    Period P_;
    Date known_from_;  // accounts seen since this day (P's or its base period's first day) are on the book in
                       // P
    AccountRevenue current_, previous_, base_;  // each account's revenue in P, the period before, P's base
    AccountRevenue lifetime_;                   // each account's lifetime revenue up to P's end
    std::vector<std::int64_t> line_sums_;       // revenue, cost, a line or not per slot (`add_line_sums`)
    // Amounts too large for the slots' sums, added to their cells after them (`add_line_sums`).
    std::vector<std::tuple<S, std::uint32_t, detail::Int128>> large_lines_;
    bool setting_ = false;                // `add_line_sums` sets the cells of its periods (`sets_every_cell`)
    std::vector<std::int32_t> rowless_;   // accounts whose groups are not all rows (`add_known_groups`)
    bool rowless_from_ = false;           // whether `rowless_` has been started
    std::size_t lifetime_row_ = 0;        // the revenue lines in `lifetime_`
    std::vector<detail::Int128> billed_;  // each project's billing up to P's end
    std::size_t billed_row_ = 0;          // the revenue lines in `billed_`
};

/// What the passes of a request share: checked once, before any of them.
struct Prepared {
    Prepared(const Book& b, const Request& r)
        : book(b),
          rq(checked(r)),
          keyer(book, rq.by, rq.options.volume_thresholds.size() + 1),
          scope(book, rq.scope, rq.options.volume_thresholds.size() + 1),
          plan(plan_of(rq, scope)),
          ix(indexes_of(book, plan)),
          cardinalities(keyer.cardinalities()) {
        work.reserve(rq.periods.size());
        for (const Period& p : rq.periods) {
            const auto [lo, hi] = rows_in(book.revenue().date, p);
            work.push_back(hi - lo + (plan.account_pass ? book.accounts().size() : 0));
        }
        every_period_threads =
            threads_for(rq.threads, work.size(), std::accumulate(work.begin(), work.end(), std::size_t{0}));
        const std::size_t n = rq.periods.size() * book.accounts().size();
        if (!rq.account_values.empty() && rq.account_values.size() != n) {
            throw std::invalid_argument(
                "account_values must hold one value per period and account: " + std::to_string(n) +
                " values, got " + std::to_string(rq.account_values.size()));
        }
    }
    static const Request& checked(const Request& r) {
        check(r);
        return r;
    }
    /// A state of `periods` periods of the request's cells; with `narrow`, its money sums in 8 bytes (see
    /// `State::narrow`).
    [[nodiscard]] State new_state(std::size_t periods, bool narrow) const {
        State s(rq.by, cardinalities, periods, plan.nd.sums, plan.nd.counts, plan.account_pass, narrow);
        if (rq.by.empty()) (void)s.group({});  // the ungrouped answer always has its one group
        return s;
    }
    /// Accumulates the request's periods [begin, end) into `st`'s periods 0 .. end - begin (handed out
    /// uncleared unless `cleared`: see `PeriodAccumulator::run`).
    template <class Cells>
    void run(Cells& st, std::size_t begin, std::size_t end, bool cleared = true) const {
        PeriodAccumulator accumulator(book, rq, plan, ix, keyer, scope, st);
        accumulator.run(begin, end, {}, cleared);
    }
    /// The threads for the request's periods `periods` (see `threads_for`): a line or an account-period a
    /// unit of work.
    [[nodiscard]] std::size_t threads(const std::vector<std::size_t>& periods) const {
        std::size_t total = 0;
        for (std::size_t p : periods) total += work[p];
        return threads_for(rq.threads, periods.size(), total);
    }
    /// Where the chunks of `threads` threads begin in `periods` (and the last ends): contiguous runs of about
    /// equal work, at least one period each (see `detail::balanced_bounds`). A book that grows has more lines
    /// in its later periods: chunks of as many periods would leave the first thread waiting for the last.
    [[nodiscard]] std::vector<std::size_t> chunks(const std::vector<std::size_t>& periods,
                                                  std::size_t threads) const {
        std::vector<std::size_t> w(periods.size());
        for (std::size_t i = 0; i < periods.size(); ++i) w[i] = work[periods[i]];
        return detail::balanced_bounds(w, threads);
    }
    /// `chunks` of all the request's periods.
    [[nodiscard]] std::vector<std::size_t> chunks(std::size_t threads) const {
        return detail::balanced_bounds(work, threads);
    }
    /// Whether the request's steps run on the process's pool of threads (see `detail::KeepAwake`).
    [[nodiscard]] bool on_pool() const { return !rq.executor && every_period_threads > 1; }

    const Book& book;
    const Request& rq;
    Keyer keyer;
    ScopeFilter scope;
    Plan plan;
    Indexes ix;
    std::vector<std::uint64_t> cardinalities;
    std::vector<std::size_t> work;         // of each period: its lines, and its accounts with `account_pass`
    std::size_t every_period_threads = 1;  // `threads` of all the request's periods
};

/// The state of a request whose organisation keys (see `rolls_up`) hold the owner's, his unit's or the
/// account's own cells until `roll_up`; with `narrow`, money sums in 8 bytes (`State::overflowed` tells
/// whether they sufficed).
State accumulate_own_groups(const Prepared& pr, bool narrow) {
    const std::size_t np = pr.rq.periods.size();
    // One chunk of contiguous periods per thread when there is enough work; the chunks' cells (disjoint
    // periods) are copied into the answer in chunk order, so that it is the same, bit for bit, for any
    // number of threads.
    const std::size_t threads = pr.every_period_threads;
    // A dense state on several threads, in memory kept from an earlier request, is cleared by each thread a
    // period at a time (or set whole by the passes: see `PeriodAccumulator::run`).
    bool dirty = false;
    State st = [&] {
        std::optional<detail::DeferredZeroing> deferred;
        if (threads > 1 && State::dense_slots_of(pr.cardinalities) > 0) deferred.emplace();
        State made = pr.new_state(np, narrow);
        dirty = deferred && deferred->dirty();
        return made;
    }();
    if (threads <= 1) {
        pr.run(st, 0, np);
        return st;
    }
    const std::vector<std::size_t> bounds = pr.chunks(threads);
    if (st.dense()) {  // the threads write their periods' cells in place
        std::vector<PeriodSlice> slices;
        for (std::size_t t = 0; t < threads; ++t) slices.emplace_back(st, bounds[t]);
        in_threads(threads, pr.rq.executor, [&](std::size_t t) {
            pr.run(slices[t], bounds[t], bounds[t + 1], !dirty);  // each clears its own periods
        });
        for (const auto& slice : slices) slice.fold_into(st);
        return st;
    }
    std::vector<State> parts;
    for (std::size_t t = 0; t < threads; ++t)
        parts.push_back(pr.new_state(bounds[t + 1] - bounds[t], narrow));
    in_threads(threads, pr.rq.executor, [&](std::size_t t) { pr.run(parts[t], bounds[t], bounds[t + 1]); });
    for (std::size_t t = 0; t < threads; ++t) {
        st.adopt(parts[t], bounds[t]);
        parts[t] = State{};  // freed at once: the peak holds the answer and one part, not all of them
    }
    return st;
}

// ---- the cache of single periods (accountkpi/kpi/cache.hpp)

/// The cells of one period at a time, each period in a state of its own (`into`): one pass over periods
/// that are cached apart.
class OnePeriod {
  public:
    void into(State& st) noexcept { st_ = &st; }
    [[gnu::always_inline]] std::uint32_t group(const std::array<std::int32_t, 8>& codes) {
        return st_->group(codes);
    }
    [[gnu::always_inline, nodiscard]] bool holds(const std::array<std::int32_t, 8>& codes) const noexcept {
        return st_->holds(codes);
    }
    void use(std::size_t g, bool yes = true) noexcept { st_->use(g, yes); }
    [[gnu::always_inline, nodiscard]] std::size_t cell(std::size_t g, std::size_t /*p*/) const noexcept {
        return st_->cell(g, 0);
    }
    [[gnu::always_inline]] void prefetch(const std::array<std::int32_t, 8>& codes,
                                         std::size_t /*p*/) const noexcept {
        st_->prefetch(codes, 0);
    }
    [[nodiscard]] bool worth_prefetching() const noexcept { return st_->worth_prefetching(); }
    [[nodiscard]] std::size_t dense_slots() const noexcept { return st_->dense_slots(); }
    [[nodiscard]] double* period_sums(std::size_t /*p*/) noexcept { return st_->period_sums(0); }
    [[nodiscard]] std::size_t sum_width() const noexcept { return st_->sum_width(); }
    [[nodiscard]] std::size_t sum_at(State::Sum m) const noexcept { return st_->sum_at(m); }
    [[nodiscard]] bool narrow() const noexcept { return st_->narrow(); }
    /// Whether a group in use is a row in every period of these cells: no, each period is a state apart.
    [[nodiscard]] static constexpr bool groups_span_periods() noexcept { return false; }
    template <class M, class X>
    [[gnu::always_inline]] void add(M m, std::size_t cell, X x) noexcept {
        st_->add(m, cell, x);
    }
    template <class M>
    [[gnu::always_inline]] void add(M m, std::size_t cell) noexcept {
        st_->add(m, cell);
    }
    [[gnu::always_inline]] void add_exact(State::Sum m, std::size_t cell, detail::Int128 n) noexcept {
        st_->add_exact(m, cell, n);
    }
    template <class M>
    [[gnu::always_inline, nodiscard]] bool has(M m) const noexcept {
        return st_->has(m);
    }
    void push(State::List l, std::size_t g, std::size_t /*p*/, double x) { st_->push(l, g, 0, x); }

  private:
    State* st_ = nullptr;
};

/// The cells of a dense state's periods one at a time, each in a state of its own (`into`) that is finalized
/// and dropped after its period, with the groups in use kept across the periods: a group in use in one period
/// is a row in every period, as in a state of all of them.
class PeriodAtATime : public OnePeriod {
  public:
    explicit PeriodAtATime(std::size_t slots) : used_(slots) {}
    [[gnu::always_inline]] std::uint32_t group(const std::array<std::int32_t, 8>& codes) {
        return used_.group(codes);  // the period's state needs no mark: every slot's values are written
    }
    [[gnu::always_inline, nodiscard]] bool holds(const std::array<std::int32_t, 8>& codes) const noexcept {
        return used_.holds(codes);
    }
    void use(std::size_t g, bool yes = true) noexcept { used_.use(g, yes); }
    [[nodiscard]] static constexpr bool groups_span_periods() noexcept { return true; }
    /// Whether each slot is in use in one of the periods so far.
    [[nodiscard]] const std::vector<std::uint8_t>& used() const noexcept { return used_.used(); }

  private:
    SlotsInUse used_;
};

/// Whether `accumulate` reads and fills `rq.cache`.
bool uses_cache(const Prepared& pr) noexcept {
    return pr.rq.cache && pr.rq.account_values.empty();
}

/// Whether `compute` makes the request's answer one period at a time (see `Request::state_budget`).
bool period_at_a_time(const Prepared& pr) {
    const Request& rq = pr.rq;
    if (rq.periods.size() < 2 || rq.by.size() != 1 || rolls_up(rq.by[0])) return false;
    const std::size_t slots = State::dense_slots_of(pr.cardinalities);
    const std::size_t record = State::record_bytes(pr.plan.nd.sums, pr.plan.nd.counts, true);
    const std::size_t np = rq.periods.size();
    if (slots == 0 || record == 0) return false;
    if (rq.state_budget) return slots * record > *rq.state_budget / np;
    // With a cache, each period is a state apart anyway: written into the answer as it comes, not adopted
    // into a state of every period first (a copy of all the cells, on one thread).
    if (uses_cache(pr)) return true;
    const std::size_t one_period =
        pr.every_period_threads * record + np * kpis_of(rq).size() * sizeof(double);
    return slots * record > default_state_budget() / np && one_period < np * record;
}

/// `compute` one period at a time: each thread accumulates its periods (a contiguous run, as
/// `accumulate_own_groups` splits them) into a state of one period, finalized into the answer's columns
/// before the next; with `narrow`, money sums in 8 bytes, all computed again without when they did not
/// suffice.
Result compute_period_at_a_time(const Prepared& pr, bool narrow = true) {
    const std::size_t threads = pr.every_period_threads;  // 1 or more
    const std::size_t slots = State::dense_slots_of(pr.cardinalities);
    PeriodColumns out(pr.rq, slots);
    std::vector<PeriodAtATime> cells(threads, PeriodAtATime(slots));
    std::atomic<bool> overflowed{false};
    const std::vector<std::size_t> bounds = pr.chunks(threads);
    in_threads(threads, pr.rq.executor, [&](std::size_t t) {
        const std::size_t begin = bounds[t], end = bounds[t + 1];
        State st = pr.new_state(1, narrow);
        cells[t].into(st);
        PeriodAccumulator accumulator(pr.book, pr.rq, pr.plan, pr.ix, pr.keyer, pr.scope, cells[t]);
        accumulator.run(begin, end, [&](std::size_t p) {
            if (st.overflowed()) overflowed.store(true, std::memory_order_relaxed);
            out.add(st, p);
            st = State{};  // freed before the next period's is made
            if (p + 1 < end) st = pr.new_state(1, narrow);
        });
    });
    if (overflowed.load()) return compute_period_at_a_time(pr, false);
    std::vector<std::uint8_t> used(slots, 0);
    for (const auto& c : cells) {
        for (std::size_t g = 0; g < slots; ++g) used[g] |= c.used()[g];
    }
    return std::move(out).finish(used);
}

/// Appends the bytes of `x` to `out`.
template <class T>
void put_bytes(std::string& out, const T& x) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&x), sizeof(T));  // NOLINT(*-reinterpret-cast)
}
template <class T>
void put_bytes(std::string& out, const std::vector<T>& xs) {
    put_bytes(out, xs.size());
    for (const T& x : xs) put_bytes(out, x);
}

/// What the state of one period depends on besides the Book and the period: the keys, the measures (not the
/// KPIs: requests of other KPIs with the same measures share their states), the options and the scope.
std::string signature(const Prepared& pr) {
    const Options& o = pr.rq.options;
    std::string out;
    put_bytes(out, pr.rq.by);
    put_bytes(out, pr.plan.nd.sums);
    put_bytes(out, pr.plan.nd.counts);
    put_bytes(out, pr.plan.nd.lists);
    put_bytes(out, pr.plan.account_pass);
    for (auto e : {static_cast<int>(o.retention), static_cast<int>(o.churn),
                   static_cast<int>(o.revenue_churn), static_cast<int>(o.nrr_base), static_cast<int>(o.csat),
                   static_cast<int>(o.ces), static_cast<int>(o.ltv_revenue), static_cast<int>(o.renewal)})
        put_bytes(out, e);
    for (double x :
         {o.sla_days, o.top_p, o.pareto_threshold, o.hours_per_day, o.days_per_month, o.handover_days})
        put_bytes(out, x);
    put_bytes(out, o.volume_thresholds);
    const Scope& sc = pr.rq.scope;
    for (const auto* list : {&sc.accounts, &sc.managers, &sc.regions, &sc.domains, &sc.volume_bands})
        put_bytes(out, *list);
    return out;
}

/// The key of period `P`'s state of the request of `signature` on the Book of version `id`.
std::string key_of(std::uint64_t id, Period P, const std::string& signature) {
    std::string key;
    key.reserve(signature.size() + 16);
    put_bytes(key, id);
    put_bytes(key, P.begin());
    put_bytes(key, P.end());
    return key += signature;
}

/// The day after the last one whose rows period `P`'s state reads: its end (its base period and the volume
/// bands' trailing year lie before it), or the end of the handover window of its last day.
Date read_until(Period P, const Plan& plan, const Options& o) {
    if (!plan.handover) return P.end();
    const double days = std::ceil(o.handover_days);
    if (!(days >= 0 && days <= Options{}.handover_days * 1000)) return Date::max();
    return std::max(P.end(), P.end() + static_cast<Date::rep>(days));
}

/// The state of period `P` held by `cache` for the Book of version `v` or an ancestor whose state of `P` is
/// this Book's (see `BookVersion`); null when none is.
std::shared_ptr<const State> find_state(StateCache& cache, const BookVersion& v, Period P, Date until,
                                        bool rows, const std::string& signature) {
    Date same = Date::max();  // states of the versions up to here that read only days before it are alike
    for (const BookVersion* at = &v; at != nullptr; at = at->parent.get()) {
        if (auto st = cache.find(key_of(at->id, P, signature))) return st;
        same = std::min({same, at->events_from, rows ? at->seen_from : Date::max()});
        if (same < until) break;
    }
    return nullptr;
}

/// The states of the request's periods that `cache` holds for its signature `sig`; null for the others,
/// each counted a miss.
std::vector<std::shared_ptr<const State>> cached_states(const Prepared& pr, StateCache& cache,
                                                        const std::string& sig) {
    const auto& periods = pr.rq.periods;
    std::vector<std::shared_ptr<const State>> out(periods.size());
    for (std::size_t p = 0; p < periods.size(); ++p) {
        const Date until = read_until(periods[p], pr.plan, pr.rq.options);
        out[p] = find_state(cache, pr.book.version(), periods[p], until, pr.plan.known_rows, sig);
        if (!out[p]) cache.count_miss();
    }
    return out;
}

/// The state of period `p` alone, accumulated by `accumulator` into `cells`: money sums in 8 bytes, computed
/// again in 16 when they did not suffice (rare).
State period_state(const Prepared& pr, OnePeriod& cells, PeriodAccumulator<OnePeriod>& accumulator,
                   std::size_t p) {
    State st = pr.new_state(1, true);
    cells.into(st);
    accumulator.run(p, p + 1);
    if (st.overflowed()) {
        st = pr.new_state(1, false);
        OnePeriod wide;
        wide.into(st);
        PeriodAccumulator(pr.book, pr.rq, pr.plan, pr.ix, pr.keyer, pr.scope, wide).run(p, p + 1);
    }
    return st;
}

/// `accumulate_own_groups` with `rq.cache`: the periods it holds read from it, the others computed (in one
/// pass, their states apart) and added to it; the answer put together by `adopt`.
State accumulate_own_groups_cached(const Prepared& pr) {
    StateCache& cache = *pr.rq.cache;
    const std::string sig = signature(pr);
    const auto& periods = pr.rq.periods;
    const std::size_t np = periods.size();
    std::vector<std::shared_ptr<const State>> parts = cached_states(pr, cache, sig);
    std::vector<std::size_t> missing;
    for (std::size_t p = 0; p < np; ++p) {
        if (!parts[p]) missing.push_back(p);
    }
    std::vector<State> computed(missing.size());
    if (!missing.empty()) {
        const std::size_t threads = pr.threads(missing);
        const std::vector<std::size_t> bounds = pr.chunks(missing, threads);
        in_threads(threads, pr.rq.executor, [&](std::size_t t) {
            OnePeriod cells;
            PeriodAccumulator accumulator(pr.book, pr.rq, pr.plan, pr.ix, pr.keyer, pr.scope, cells);
            for (std::size_t i = bounds[t]; i < bounds[t + 1]; ++i)
                computed[i] = period_state(pr, cells, accumulator, missing[i]);
        });
    }
    for (std::size_t k = 0; k < missing.size(); ++k) {
        auto st = std::make_shared<const State>(std::move(computed[k]));
        cache.put(key_of(pr.book.version().id, periods[missing[k]], sig), st);
        parts[missing[k]] = std::move(st);
    }
    State st = pr.new_state(np, true);
    for (std::size_t p = 0; p < np; ++p) {
        detail::check_interruption();  // a period's cells: for a request of many periods, seconds in all
        st.adopt(*parts[p], p);
    }
    return st;
}

/// `compute_period_at_a_time` with `rq.cache`: each period's state read from the cache or computed (a run of
/// the missing periods on each thread) and put in it, and written into the answer's columns as it comes:
/// the peak holds a state per thread and what the cache keeps, not the states of all periods.
Result compute_period_at_a_time_cached(const Prepared& pr) {
    StateCache& cache = *pr.rq.cache;
    const std::string sig = signature(pr);
    const auto& periods = pr.rq.periods;
    const std::size_t slots = State::dense_slots_of(pr.cardinalities);
    const std::vector<std::shared_ptr<const State>> states = cached_states(pr, cache, sig);
    std::vector<std::size_t> found, missing;
    for (std::size_t p = 0; p < periods.size(); ++p) (states[p] ? found : missing).push_back(p);
    // Each thread writes every `threads`-th period found and computes a run of the missing ones (if any
    // left).
    const std::size_t threads =
        std::max<std::size_t>({1, missing.empty() ? 0 : pr.threads(missing),
                               threads_for(pr.rq.threads, found.size(), found.size() * slots)});
    const std::size_t runs = std::min(threads, missing.size());
    const std::vector<std::size_t> bounds = runs > 0 ? pr.chunks(missing, runs) : std::vector<std::size_t>{};
    PeriodColumns out(pr.rq, slots);
    std::vector<std::vector<std::uint8_t>> used(threads, std::vector<std::uint8_t>(slots, 0));
    in_threads(threads, pr.rq.executor, [&](std::size_t t) {
        const auto write = [&](const State& st, std::size_t p) {
            out.add(st, p);
            for (std::size_t g = 0; g < slots; ++g) used[t][g] |= static_cast<std::uint8_t>(st.in_use(g));
        };
        for (std::size_t k = t; k < found.size(); k += threads) write(*states[found[k]], found[k]);
        if (t >= runs) return;
        OnePeriod cells;
        PeriodAccumulator accumulator(pr.book, pr.rq, pr.plan, pr.ix, pr.keyer, pr.scope, cells);
        for (std::size_t i = bounds[t]; i < bounds[t + 1]; ++i) {
            const std::size_t p = missing[i];
            auto st = std::make_shared<const State>(period_state(pr, cells, accumulator, p));
            write(*st, p);
            cache.put(key_of(pr.book.version().id, periods[p], sig), std::move(st));
        }
    });
    for (std::size_t t = 1; t < threads; ++t) {
        for (std::size_t g = 0; g < slots; ++g) used[0][g] |= used[t][g];
    }
    return std::move(out).finish(used[0]);
}

State accumulate(const Prepared& pr) {
    if (uses_cache(pr)) return roll_up(pr.book, accumulate_own_groups_cached(pr));
    State st = accumulate_own_groups(pr, true);
    if (st.overflowed()) st = accumulate_own_groups(pr, false);  // sums beyond 64 bits: rare, done again
    return roll_up(pr.book, std::move(st));
}

}  // namespace

State accumulate(const Book& book, const Request& rq) {
    return accumulate(Prepared(book, rq));
}

const std::vector<double>& Result::column(Kpi k) const {
    for (std::size_t i = 0; i < kpis.size(); ++i) {
        if (kpis[i] == k) return values[i];
    }
    throw std::out_of_range("KPI '" + std::string(name(k)) + "' was not requested");
}

std::size_t default_state_budget() noexcept {
    constexpr std::size_t most = std::size_t{256} << 20;
    const std::size_t memory = detail::physical_memory_bytes();
    return memory > 0 ? std::min(most, memory / 4) : most;
}

std::size_t release_memory() noexcept {
    return detail::release_kept();
}

Result compute(const Book& book, const Request& request) {
    const Prepared pr(book, request);
    const detail::KeepAwake awake(pr.on_pool());
    if (period_at_a_time(pr)) {
        return uses_cache(pr) ? compute_period_at_a_time_cached(pr) : compute_period_at_a_time(pr);
    }
    return finalize(book, request, accumulate(pr));
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
