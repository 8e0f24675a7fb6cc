#pragma once
/// \file
/// Client-portfolio prioritisation: a portfolio's accounts (or projects) ranked by value, growth, margin and
/// health, with candidates to drop flagged and the reason behind each flag.
///
/// Per item over the period: `revenue` (its value), `growth` = revenue / revenue of the previous period of
/// the same length − 1 (NaN without revenue before), `gross_profit`, `margin` = gross profit / revenue (NaN
/// at revenue 0) and the account's `health` (0-100, `health::health`, from all the account's evidence). The
/// `priority` is the weighted score (`weighted_score`) of value, growth and margin as percentile ranks inside
/// the portfolio (ties share their mean rank) and health / 100; rank 1 is the highest priority.
///
/// Flags, each with its reason: `loss_making` (gross profit < 0), `shrinking` (growth <= −`shrink`),
/// `low_margin` (0 <= margin < `margin_floor`), `unhealthy` (health < `health_floor`). A drop candidate is
/// loss-making or low-margin *and* shrinking.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/health/score.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::tiers {

/// What is ranked.
enum class PriorityLevel : std::uint8_t {
    account,  ///< every client of the portfolio in the period and every account that billed in it or before
    project,  ///< every project with revenue lines of the portfolio in the period or the one before
};

/// The parts of the priority score, in the order of `PriorityOptions::weights`.
enum class PriorityPart : std::uint8_t { value, growth, margin, health };
/// "value", "growth", "margin", "health".
[[nodiscard]] std::string_view name(PriorityPart p) noexcept;

/// The risk flags of an item (bits of `PriorityTable::flags`).
enum class RiskFlag : std::uint8_t { loss_making = 1, shrinking = 2, low_margin = 4, unhealthy = 8 };
/// "loss_making", "shrinking", "low_margin", "unhealthy".
[[nodiscard]] std::string_view name(RiskFlag f) noexcept;

/// Options of the prioritisation.
struct PriorityOptions {
    PriorityLevel level = PriorityLevel::account;
    /// Weights by `PriorityPart` (finite, >= 0, not all 0).
    std::array<double, 4> weights{0.4, 0.2, 0.2, 0.2};
    double shrink = 0.1;         ///< a fraction in (0, 1], or 0: growth at or below −shrink is shrinking
    double margin_floor = 0.15;  ///< a fraction in (0, 1]
    double health_floor = 40;    ///< a health score, 0-100
    /// Options of the health score (its KPI options are those of every KPI read).
    health::HealthOptions health;
};

/// The ranked items, one row each, by rank.
struct PriorityTable {
    std::vector<std::int32_t> item;  ///< account index (`account` level) or project index (`project` level)
    std::vector<std::int32_t> account;
    std::vector<double> revenue;
    std::vector<double> base_revenue;  ///< revenue of the previous period of the same length
    std::vector<double> growth;
    std::vector<double> gross_profit;
    std::vector<double> margin;
    std::vector<double> health;  ///< the account's; NaN when not scored or not a client
    std::vector<double>
        ltv_historical;               ///< the account's gross profit from its first line to the period's end
    std::vector<double> priority;     ///< 0-1; NaN when no part is defined
    std::vector<std::uint8_t> flags;  ///< `RiskFlag` bits
    std::vector<std::uint8_t> drop_candidate;
    std::vector<std::string> risk_flags;  ///< the flags' names, "; "-joined
    std::vector<std::string> reasons;     ///< "shrinking: revenue -50%; low_margin: margin 20.0% (floor 25%)"
    [[nodiscard]] std::size_t rows() const noexcept { return item.size(); }
};

/// Ranks the portfolio `portfolio` (its managers and/or accounts; revenue lines count for the manager who
/// owned them at their date) over `period`, highest priority first (NaN last; ties by revenue, highest
/// first, then by id). Two engine requests (the portfolio's items over the period and the previous one, the
/// health of the Book's accounts) and one pass over the revenue lines (`ltv_historical`). Throws
/// `std::invalid_argument` when the portfolio has neither managers nor accounts or an option is out of range.
[[nodiscard]] PriorityTable prioritise(const Book& book, Period period, const kpi::Scope& portfolio,
                                       const PriorityOptions& options = {});

}  // namespace accountkpi::tiers
ACCOUNTKPI_EXPORT_END
