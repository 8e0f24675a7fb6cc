#pragma once
/// \file
/// What a KPI request says besides the periods: grouping keys, scope and the documented variants.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {
class Book;
}  // namespace accountkpi

namespace accountkpi::kpi {

/// Keys to group by; a list of them crosses them. `project` and `service_line` are keys of project events
/// (revenue lines, deals, due contracts, requests that became projects, backlog): per-account KPIs are NaN by
/// them, and events without a project are in the missing group. The organisation's keys roll up a tree, and
/// their rows overlap by design: `team` is a manager with everyone below him in the reporting lines, directly
/// or not; `unit` a unit with its sub-units (the managers whose `unit_id` is in it); `account_group` a
/// top-level account (following `parent_id`) with all its descendants (see docs/organisation.md).
enum class Key : std::uint8_t {
    account,
    manager,
    region,
    domain,
    service_line,
    tier,
    role,
    volume_band,
    project,
    team,
    unit,
    account_group
};
/// Whether `k` rolls up a tree (`team`, `unit`, `account_group`).
[[nodiscard]] constexpr bool rolls_up(Key k) noexcept {
    return k == Key::team || k == Key::unit || k == Key::account_group;
}
[[nodiscard]] std::string_view name(Key k) noexcept;
/// The key named `text` ("account", "manager", ...); throws `std::invalid_argument` otherwise.
[[nodiscard]] Key parse_key(std::string_view text);

/// The labels of the volume bands that `thresholds` (ascending, currency) make: "<50,000", "50,000-250,000",
/// ...,
/// ">=1,000,000". Band `i` holds trailing-12-month revenue in `[thresholds[i-1], thresholds[i])`.
[[nodiscard]] std::vector<std::string> volume_band_labels(const std::vector<double>& thresholds);

/// Which accounts and rows a KPI looks at. Empty lists mean "all". Accounts are account indices of the Book;
/// managers are manager indices; regions and domains are category codes of the Book's accounts table.
/// An event row counts when its account is in scope and (when managers are given) its owner at the row's date
/// is one of them; an account counts in a period when it is in scope and (when managers are given) its owner
/// on its reference day of the period is one of them (see docs/kpis.md, "groups").
struct Scope {
    std::vector<std::int32_t> accounts;
    std::vector<std::int32_t> managers;
    std::vector<std::int32_t> regions;
    std::vector<std::int32_t> domains;
    std::vector<std::int32_t> volume_bands;  ///< band indices (see `Options::volume_thresholds`), per period
    [[nodiscard]] bool empty() const noexcept {
        return accounts.empty() && managers.empty() && regions.empty() && domains.empty() &&
               volume_bands.empty();
    }
};

/// A scope written in the Book's external ids and category names, e.g. `{.managers = {"F05"}, .regions =
/// {"EU"}}` (integer ids as text: "17"); `resolve` turns it into a `Scope`.
struct ScopeIds {
    std::vector<std::string> accounts{};
    std::vector<std::string> managers{};
    std::vector<std::string> regions{};
    std::vector<std::string> domains{};
    std::vector<std::int32_t> volume_bands{};  ///< band indices, as in `Scope`
};

/// The `Scope` of `ids` in `book`. \throws NotFound (accountkpi/book/lookup.hpp) naming every account,
/// manager, region or domain the book does not have (those of the first list with any missing).
[[nodiscard]] Scope resolve(const Book& book, const ScopeIds& ids);

/// The documented variants and parameters of the KPIs (defaults as in docs/kpis.md).
struct Options {
    enum class Retention : std::uint8_t { set, textbook };
    enum class Churn : std::uint8_t { start_cohort, include_new };
    enum class RevenueChurn : std::uint8_t { gross, net };
    enum class NrrBase : std::uint8_t { previous, year_ago };
    enum class Satisfaction : std::uint8_t { share, mean };
    enum class RenewalWeight : std::uint8_t { count, value };

    Retention retention = Retention::set;              ///< retention_rate: |S∩E|/|S|, or (|E|-|N|)/|S|
    Churn churn = Churn::start_cohort;                 ///< churn_rate: |C|/|S|, or with the new accounts
    RevenueChurn revenue_churn = RevenueChurn::gross;  ///< revenue_churn_rate: gross, or net of expansion
    NrrBase nrr_base = NrrBase::previous;              ///< NRR base period: just before, or one year earlier
    Satisfaction csat = Satisfaction::share;           ///< csat: share of 4-5, or mean score
    Satisfaction ces = Satisfaction::mean;             ///< ces: mean score, or top-box share (6-7 of 7)
    bool ltv_revenue = false;                          ///< ltv_historical: revenue instead of gross profit
    RenewalWeight renewal = RenewalWeight::count;      ///< renewal_rate: contracts counted, or their value
    double sla_days = 2;            ///< timely_response_rate: answered within this many days
    double top_p = 0.2;             ///< top_share: fraction of accounts at the top
    double pareto_threshold = 0.8;  ///< pareto_ratio: share of revenue to reach
    double hours_per_day = 8;       ///< avg_rate_normalised_hour
    double days_per_month = 21;     ///< avg_rate_normalised_hour
    double handover_days = 90;      ///< handover_churn_rate: churned within this many days of the handover
    /// Volume bands: an account's band in a period is set by its revenue in the 12 months before the period.
    std::vector<double> volume_thresholds{50'000, 250'000, 1'000'000};
};

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
