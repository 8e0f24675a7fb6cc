#pragma once
/// \file
/// The KPI registry: every KPI the engine computes with the facts the rest of the library reads about it (its
/// name, direction, level, whether it is a flow, its unit, the options that change it, its definition).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "accountkpi/export.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::kpi {

/// What a KPI is measured in; a scorecard's targets are given in it.
enum class Unit : std::uint8_t {
    count,        ///< clients, requests, deals: >= 0
    fraction,     ///< rates and shares, 0.9 = 90%: within [-1, 1]
    ratio,        ///< NRR, 1.1 = 110%: within [0, 10]
    nps,          ///< NPS points: within [-100, 100]
    scale,        ///< a survey scale (CES, CSAT as a mean): >= 0
    currency,     ///< any finite amount
    per_account,  ///< counts per account (or per account-month): >= 0
    days,         ///< >= 0
};

/// How a KPI is grouped (docs/kpis.md, "groups"): `event` KPIs count each event in the group of its own
/// attributes; `account` KPIs place each account in one group per period (NaN by service line and project).
enum class Level : std::uint8_t { event, account };

/// A field of `Options` that changes a KPI's value.
enum class Option : std::uint8_t {
    retention,
    churn,
    revenue_churn,
    nrr_base,
    csat,
    ces,
    ltv_revenue,
    renewal,
    sla_days,
    top_p,
    pareto_threshold,
    hours_per_day,
    days_per_month,
    handover_days,
};

/// A set of `Option`s (`Option::csat | Option::ces`).
class OptionSet {
  public:
    constexpr OptionSet() noexcept = default;
    constexpr OptionSet(Option o) noexcept : bits_(bit(o)) {}  // NOLINT(google-explicit-constructor)
    [[nodiscard]] constexpr bool contains(Option o) const noexcept { return (bits_ & bit(o)) != 0; }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    [[nodiscard]] constexpr OptionSet operator|(OptionSet other) const noexcept {
        OptionSet both;
        both.bits_ = static_cast<std::uint16_t>(bits_ | other.bits_);
        return both;
    }
    [[nodiscard]] constexpr bool operator==(const OptionSet&) const noexcept = default;

  private:
    static constexpr std::uint16_t bit(Option o) noexcept {
        return static_cast<std::uint16_t>(1U << static_cast<unsigned>(o));
    }
    std::uint16_t bits_ = 0;
};
[[nodiscard]] constexpr OptionSet operator|(Option a, Option b) noexcept {
    return OptionSet(a) | b;
}

/// The names of an `Option`: its field in `Options` ("retention"), its key in a request's options as Python's
/// `Book.kpis` takes them ("retention_method"), and its keyword in the one-value functions ("method").
struct OptionInfo {
    Option option;
    std::string_view field;
    std::string_view key;
    std::string_view keyword;
};

/// Every `Option`, in enum order.
inline constexpr std::array<OptionInfo, 14> option_table{{
    {Option::retention, "retention", "retention_method", "method"},
    {Option::churn, "churn", "churn_method", "method"},
    {Option::revenue_churn, "revenue_churn", "revenue_churn_method", "method"},
    {Option::nrr_base, "nrr_base", "nrr_base", "base"},
    {Option::csat, "csat", "csat_method", "method"},
    {Option::ces, "ces", "ces_method", "method"},
    {Option::ltv_revenue, "ltv_revenue", "ltv_measure", "measure"},
    {Option::renewal, "renewal", "renewal_weight", "weight"},
    {Option::sla_days, "sla_days", "sla_days", "sla_days"},
    {Option::top_p, "top_p", "top_p", "p"},
    {Option::pareto_threshold, "pareto_threshold", "pareto_threshold", "threshold"},
    {Option::hours_per_day, "hours_per_day", "hours_per_day", "hours_per_day"},
    {Option::days_per_month, "days_per_month", "days_per_month", "days_per_month"},
    {Option::handover_days, "handover_days", "handover_days", "days"},
}};

/// The names of option `o`.
[[nodiscard]] constexpr const OptionInfo& info(Option o) noexcept {
    return option_table[static_cast<std::size_t>(o)];
}

/// The KPI registry, one row per KPI:
/// X(name, direction, level, flow, unit, options, definition, formula), where
/// - direction is `higher` (more is better: retention) or `lower` (churn); scorecards take it as the default;
/// - level is `event` or `account` (see `Level`);
/// - flow is `flow` for an amount that adds up over days (revenue, counts: a scorecard target set for another
///   period is pro-rated by days) or `stock` (ratios, rates, scores, shares, levels at a date);
/// - unit is a `Unit`; options are the `Option`s that change the value (`none`, or `nrr_base | csat`);
/// - definition is one line of what it measures, formula its formula in the notation of docs/kpis.md.
/// The enum, the names, `registry` and the free functions are made from it. Full reference: docs/kpis.md
/// (tests/python/test_kpi_registry.py checks that they agree).
// clang-format off
#define ACCOUNTKPI_KPIS(X) \
    /* keeping clients */ \
    X(clients_start, higher, account, stock, count, none, \
      "Clients at the start of the period, |S|.", \
      "accounts that are clients on day begin - 1") \
    X(clients_end, higher, account, stock, count, none, \
      "Clients at the end of the period, |E|.", \
      "accounts that are clients on day end - 1") \
    X(active_clients, higher, account, stock, count, none, \
      "Clients on any day of the period.", \
      "accounts with a spell overlapping [begin, end)") \
    X(new_clients, higher, account, flow, count, none, \
      "First-time acquisitions, |N|.", \
      "accounts whose first spell starts in the period") \
    X(churned_clients, lower, account, flow, count, none, \
      "Clients lost, |C|.", \
      "accounts of S whose spell ends in the period") \
    X(reactivations, higher, account, flow, count, none, \
      "Returning clients.", \
      "accounts whose second or later spell starts in the period") \
    X(retention_rate, higher, account, stock, fraction, retention, \
      "Share of the starting clients still clients at the end.", \
      "|S ∩ E| / |S|") \
    X(churn_rate, lower, account, stock, fraction, churn, \
      "Share of the starting clients lost in the period.", \
      "|C| / |S|") \
    X(revenue_churn_rate, lower, account, stock, fraction, revenue_churn | nrr_base, \
      "Revenue lost from the base cohort.", \
      "(churned revenue + contraction) / base revenue") \
    X(nrr, higher, account, stock, ratio, nrr_base, \
      "Net revenue retention.", \
      "Σ rev_P(cohort) / Σ rev_B(cohort), cohort = accounts with revenue > 0 in B") \
    X(grr, higher, account, stock, fraction, nrr_base, \
      "Gross revenue retention.", \
      "Σ min(rev_P, rev_B) / Σ rev_B over the NRR cohort") \
    X(expansion_revenue, higher, account, flow, currency, nrr_base, \
      "Growth of cohort accounts still clients.", \
      "Σ max(0, rev_P - rev_B)") \
    X(contraction_revenue, lower, account, flow, currency, nrr_base, \
      "Shrinkage of cohort accounts still clients.", \
      "Σ max(0, rev_B - rev_P)") \
    X(churned_revenue, lower, account, flow, currency, nrr_base, \
      "Revenue of cohort accounts no longer clients.", \
      "Σ (rev_B - rev_P)") \
    X(csat, higher, event, stock, fraction, csat, \
      "Customer satisfaction.", \
      "share of CSAT answers (1-5) that are 4 or 5") \
    X(nps, higher, event, stock, nps, none, \
      "Net promoter score.", \
      "100 × (promoters - detractors) / answers on the 0-10 scale") \
    X(ces, higher, event, stock, scale, ces, \
      "Customer effort score.", \
      "mean CES answer (1-7, higher = easier)") \
    X(renewal_rate, higher, event, stock, fraction, renewal, \
      "Contracts renewed.", \
      "renewal projects signed in P / projects whose end date falls in P") \
    /* the revenue bridge: opening + new + reactivated + resumed + expansion - contraction - churned = closing */ \
    X(opening_revenue, higher, account, flow, currency, nrr_base, \
      "Opening of the revenue bridge: revenue in the base period of the accounts of the group.", \
      "Σ rev_B over all accounts") \
    X(new_revenue, higher, account, flow, currency, nrr_base, \
      "Revenue change of first-time clients (bridge movement 'new').", \
      "Σ (rev_P - rev_B) over accounts with rev_B <= 0 whose first spell starts in P") \
    X(reactivated_revenue, higher, account, flow, currency, nrr_base, \
      "Revenue change of returning clients (bridge movement 'reactivated').", \
      "Σ (rev_P - rev_B) over accounts with rev_B <= 0 whose second or later spell starts in P") \
    X(resumed_revenue, higher, account, flow, currency, nrr_base, \
      "Revenue change of the other accounts without base revenue (bridge movement 'resumed').", \
      "Σ (rev_P - rev_B) over accounts with rev_B <= 0 that are neither new nor reactivated in P") \
    X(closing_revenue, higher, account, flow, currency, nrr_base, \
      "Closing of the revenue bridge: revenue in the period of the accounts of the group.", \
      "Σ rev_P over all accounts") \
    X(quick_ratio, higher, account, stock, ratio, nrr_base, \
      "Growth efficiency: revenue gained per unit of revenue lost.", \
      "(new + reactivated + resumed + expansion) / |contraction + churned|") \
    X(backlog, higher, event, stock, currency, none, \
      "Contracted value not yet billed at the end of the period.", \
      "Σ max(0, value - billed up to end - 1) over projects signed by end - 1 and not finished by then") \
    X(mrr, higher, event, stock, currency, none, \
      "Monthly recurring revenue of month-billed projects (retainers) open at the end of the period.", \
      "Σ value / months(start, end) over month-billed projects started by end - 1 and ending after it") \
    X(arr, higher, event, stock, currency, none, \
      "Annual recurring revenue: 12 × mrr.", \
      "12 × mrr") \
    X(handover_churn_rate, lower, account, stock, fraction, handover_days, \
      "Accounts lost soon after the closer handed them to a farmer.", \
      "accounts handed from a closer to a farmer in P that churn within handover_days (90) of the handover" \
      " / accounts handed over in P") \
    /* strengthening the relationship */ \
    X(request_count, higher, event, flow, count, none, \
      "Client requests received.", \
      "requests with received_on in P") \
    X(requests_per_account, higher, account, stock, per_account, none, \
      "Requests per client.", \
      "request_count / active_clients") \
    X(request_response_days, lower, event, stock, days, none, \
      "How fast requests are answered.", \
      "median days from received_on to responded_on, over answered requests received in P") \
    X(unanswered_requests, lower, event, flow, count, none, \
      "Requests still without an answer.", \
      "requests received in P with no responded_on") \
    X(timely_response_rate, higher, event, stock, fraction, sla_days, \
      "Requests answered within the SLA.", \
      "requests received in P answered within sla_days (2) / requests received in P") \
    X(request_conversion_rate, higher, event, stock, fraction, none, \
      "Requests that became projects.", \
      "requests with a project / requests received in P") \
    X(avg_project_size, higher, event, stock, currency, none, \
      "Mean project value (same as avg_deal_size).", \
      "mean value of projects signed in P") \
    X(median_project_size, higher, event, stock, currency, none, \
      "Median project value.", \
      "median value of projects signed in P") \
    X(projects_per_account, higher, account, stock, per_account, none, \
      "Projects per client.", \
      "projects signed in P / active_clients") \
    X(communications, higher, event, flow, count, none, \
      "Interactions, both sides of the junction.", \
      "emails + calls + meetings dated in P = client_communications + internal_communications") \
    X(emails, higher, event, flow, count, none, \
      "Emails.", \
      "interactions of channel email in P") \
    X(calls, higher, event, flow, count, none, \
      "Calls.", \
      "interactions of channel call in P") \
    X(meetings, higher, event, flow, count, none, \
      "Meetings.", \
      "interactions of channel meeting in P") \
    X(internal_communications, higher, event, flow, count, none, \
      "Talks with the company's own people on the client's behalf.", \
      "interactions of party internal dated in P") \
    X(client_communications, higher, event, flow, count, none, \
      "Talks with the client.", \
      "interactions of party client (the default) dated in P") \
    X(touches_per_account_month, higher, account, stock, per_account, none, \
      "Contact cadence.", \
      "communications / (active_clients × months in P)") \
    X(days_since_last_touch, lower, account, stock, days, none, \
      "Time since the last contact.", \
      "mean over clients at end - 1 with an interaction of (end - 1 - last interaction)") \
    /* growing profit */ \
    X(revenue, higher, event, flow, currency, none, \
      "Revenue.", \
      "Σ amount of revenue lines dated in P") \
    X(cost, lower, event, flow, currency, none, \
      "Cost.", \
      "Σ cost of revenue lines dated in P") \
    X(gross_profit, higher, event, flow, currency, none, \
      "Gross profit.", \
      "Σ (amount - cost)") \
    X(gross_margin, higher, event, stock, fraction, none, \
      "Gross margin.", \
      "gross_profit / revenue (revenue-weighted)") \
    X(deals, higher, event, flow, count, none, \
      "Deals signed.", \
      "projects signed in P") \
    X(avg_deal_size, higher, event, stock, currency, none, \
      "Average check.", \
      "mean value of projects signed in P") \
    X(median_deal_size, higher, event, stock, currency, none, \
      "Median check.", \
      "median value of projects signed in P") \
    X(avg_rate_hour, higher, event, stock, currency, none, \
      "Average hourly rate.", \
      "Σ amount / Σ units over lines billed per hour") \
    X(avg_rate_day, higher, event, stock, currency, none, \
      "Average daily rate.", \
      "Σ amount / Σ units over lines billed per day") \
    X(avg_rate_month, higher, event, stock, currency, none, \
      "Average monthly rate.", \
      "Σ amount / Σ units over lines billed per month") \
    X(avg_rate_normalised_hour, higher, event, stock, currency, hours_per_day | days_per_month, \
      "Average rate per hour over every billing unit.", \
      "Σ amount / Σ hours, with a day = hours_per_day (8) hours and a month = days_per_month (21) days") \
    X(arpa, higher, account, stock, currency, none, \
      "Average revenue per account.", \
      "revenue / active_clients") \
    X(gross_profit_per_account, higher, account, stock, currency, none, \
      "Gross profit per active client.", \
      "gross_profit / active_clients") \
    X(upsell_revenue, higher, event, flow, currency, none, \
      "Upsell revenue.", \
      "revenue in P of projects of kind upsell") \
    X(cross_sell_revenue, higher, event, flow, currency, none, \
      "Cross-sell revenue.", \
      "revenue in P of projects of kind cross_sell") \
    X(new_business_revenue, higher, event, flow, currency, none, \
      "The closers' part of revenue.", \
      "revenue in P of accounts acquired in P (N)") \
    X(ltv_historical, higher, account, stock, currency, ltv_revenue, \
      "Historical lifetime value per client.", \
      "mean over active clients of their gross profit from their first line up to end - 1") \
    X(ltv_predicted, higher, account, stock, currency, none, \
      "Predicted lifetime value per client.", \
      "mean over active clients of each one's predicted CLV (BG/NBD + Gamma-Gamma) at end - 1") \
    /* concentration */ \
    X(top_share, lower, account, stock, fraction, top_p, \
      "Revenue share of the top accounts.", \
      "share of the top ceil(p × n) accounts, p = 0.2") \
    X(pareto_ratio, higher, account, stock, fraction, pareto_threshold, \
      "The 80/20 check.", \
      "smallest fraction of accounts whose revenue reaches 80% of the total") \
    X(gini, lower, account, stock, fraction, none, \
      "Inequality of revenue across accounts.", \
      "Σ_i (2i - n - 1) x_(i) / (n Σ x), ascending") \
    X(hhi, lower, account, stock, fraction, none, \
      "Herfindahl-Hirschman index.", \
      "Σ s_i², s_i the revenue shares (0..1)") \
    X(largest_client_share, lower, account, stock, fraction, none, \
      "Dependence on one client.", \
      "the largest single revenue share")

// clang-format on

/// Every KPI.
enum class Kpi : std::uint8_t {
#define ACCOUNTKPI_ENUM(name, ...) name,
    ACCOUNTKPI_KPIS(ACCOUNTKPI_ENUM)
#undef ACCOUNTKPI_ENUM
};

/// The KPIs in enum order.
inline constexpr std::array all_kpis{
#define ACCOUNTKPI_ALL(name, ...) Kpi::name,
    ACCOUNTKPI_KPIS(ACCOUNTKPI_ALL)
#undef ACCOUNTKPI_ALL
};

namespace registry_words {
/// The words of the registry's rows.
inline constexpr bool higher = true;
inline constexpr bool lower = false;
inline constexpr bool flow = true;
inline constexpr bool stock = false;
inline constexpr OptionSet none{};
using enum Level;
using enum Unit;
using enum Option;
}  // namespace registry_words

/// What the library knows about a KPI (one row of the registry, `ACCOUNTKPI_KPIS`).
struct KpiInfo {
    Kpi kpi;
    std::string_view name;        ///< as in the output columns and the Python API ("retention_rate")
    bool higher_is_better;        ///< more is better (retention) or worse (churn)
    Level level;                  ///< event or account (see `Level`)
    bool flow;                    ///< adds up over days, so a target is pro-rated by days
    Unit unit;                    ///< under the default options (see `unit(Kpi, const Options&)`)
    OptionSet options;            ///< the fields of `Options` that change it
    std::string_view definition;  ///< one line: what it measures
    std::string_view formula;     ///< its formula, in the notation of docs/kpis.md
};

/// The registry: every KPI's `KpiInfo`, in enum order (`registry[i].kpi == all_kpis[i]`).
inline constexpr std::array<KpiInfo, all_kpis.size()> registry = [] {
    using namespace registry_words;  // NOLINT(google-build-using-namespace): the words of the rows
    return std::array<KpiInfo, all_kpis.size()>{{
#define ACCOUNTKPI_INFO(name, hib, level, flows, unit, options, definition, formula) \
    {Kpi::name, #name, hib, level, flows, unit, options, definition, formula},
        ACCOUNTKPI_KPIS(ACCOUNTKPI_INFO)
#undef ACCOUNTKPI_INFO
    }};
}();

/// The registry's row of KPI `k`.
[[nodiscard]] constexpr const KpiInfo& info(Kpi k) noexcept {
    return registry[static_cast<std::size_t>(k)];
}

/// The KPI's name, as in the output columns and the Python API ("retention_rate").
[[nodiscard]] constexpr std::string_view name(Kpi k) noexcept {
    return info(k).name;
}

/// Whether more is better (retention) or worse (churn); scorecards use it as the default direction.
[[nodiscard]] constexpr bool higher_is_better(Kpi k) noexcept {
    return info(k).higher_is_better;
}

/// Whether `k` places each account in one group per period (`Level::account`).
[[nodiscard]] constexpr bool account_level(Kpi k) noexcept {
    return info(k).level == Level::account;
}

/// The unit of KPI `k` under `options`: the registry's, except that CSAT is a scale with `csat = mean` and
/// CES a fraction with `ces = top_box` (`Satisfaction::share`).
[[nodiscard]] inline Unit unit(Kpi k, const Options& options = {}) noexcept {
    if (k == Kpi::csat && options.csat == Options::Satisfaction::mean) return Unit::scale;
    if (k == Kpi::ces && options.ces == Options::Satisfaction::share) return Unit::fraction;
    return info(k).unit;
}

/// "count", "fraction", "ratio", "nps", "scale", "currency", "per_account" or "days".
[[nodiscard]] constexpr std::string_view name(Unit u) noexcept {
    constexpr std::array<std::string_view, 8> names{"count", "fraction", "ratio",       "nps",
                                                    "scale", "currency", "per_account", "days"};
    return names[static_cast<std::size_t>(u)];
}

/// "event" or "account".
[[nodiscard]] constexpr std::string_view name(Level l) noexcept {
    return l == Level::event ? "event" : "account";
}

/// The KPI named `text`, or nullopt.
[[nodiscard]] constexpr std::optional<Kpi> parse_kpi(std::string_view text) noexcept {
    for (const KpiInfo& i : registry) {
        if (i.name == text) return i.kpi;
    }
    return std::nullopt;
}

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
