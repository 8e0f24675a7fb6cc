#pragma once
/// \file
/// Scorecards: a list of goals (KPI, target, weight, direction) and how a period's actuals score against
/// them. Attainment is `actual / target` when more is better and `target / actual` when less is better,
/// capped at `ScoreOptions::cap` (default 1.5); the score is `Σ weight × attainment / Σ weight` over the
/// goals whose attainment is defined. Undefined goals (no actual, no target, target 0) are listed, never
/// scored 0.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/kpis.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::tiers {

/// One line of a scorecard definition.
struct Goal {
    kpi::Kpi kpi;
    /// The target in the KPI's unit (currency, fraction 0-1, NPS points, count, days); NaN when none is
    /// set here (it may come from the Book's `targets` table, see `ScoreOptions::book_targets`).
    double target = std::numeric_limits<double>::quiet_NaN();
    /// The goal's weight, > 0 (any scale; weights are normalised over the defined goals).
    double weight = 1;
    /// More is better (retention) or less is better (churn, response days).
    bool higher_is_better = true;
    /// The period `target` is set for; when given and the KPI is a flow (`is_flow`), the target is pro-rated
    /// by days to the period evaluated. Ratio targets are never pro-rated.
    std::optional<Period> target_period;
    /// The target is the tier's default (`default_scorecard`), not one the user set: the Book's `targets`
    /// table wins over it. A target the user sets (`false`) wins over the Book's table.
    bool default_target = false;
};

/// A goal of KPI `k` with its default direction.
[[nodiscard]] Goal goal(kpi::Kpi k, double target, double weight);

/// Whether `k` is a flow that adds up over days (revenue, counts), whose target is pro-rated by days; ratios,
/// rates, scores and shares are not (the registry's `KpiInfo::flow`).
[[nodiscard]] constexpr bool is_flow(kpi::Kpi k) noexcept {
    return kpi::info(k).flow;
}

/// The unit a KPI is measured in, which its targets must be given in (the registry's,
/// accountkpi/kpi/kpis.hpp).
using kpi::name;
using kpi::Unit;
using kpi::unit;

/// Why `target` is not a valid target for KPI `k` in its unit ("90 is outside [-1, 1] for a fraction (0.9
/// is 90%)"), or an empty string when it is valid. NaN (no target) is valid.
[[nodiscard]] std::string target_problem(kpi::Kpi k, double target, const kpi::Options& options = {});

/// `actual / target` (higher is better) or `target / actual` (lower is better), capped above at `cap`.
/// NaN when either is NaN, when `target` is 0, or when `actual` is 0 for a lower-is-better goal whose
/// target is also 0. A lower-is-better actual of 0 with a target above 0 attains `cap`. Negative values are
/// not clamped (a loss against a profit target attains a negative fraction).
[[nodiscard]] double attainment(double actual, double target, bool higher_is_better, double cap) noexcept;

/// `target` set for `target_period`, pro-rated by days to `period`: `target × days(period) /
/// days(target_period)`.
[[nodiscard]] double prorate(double target, Period target_period, Period period) noexcept;

/// The target of manager `m` for KPI `k` over `period` from the Book's `targets` table. Flows: the sum over
/// the target rows of `target × overlap days / row days` (a quarter of a yearly target is its share of days;
/// a period across two target years takes its share of each). Ratios: the day-weighted mean of the rows
/// that overlap `period`. NaN when the rows do not cover every day of `period`. Throws
/// `std::invalid_argument` when two rows of the same manager and KPI overlap (naming both rows).
[[nodiscard]] double book_target(const Book& book, std::int32_t m, kpi::Kpi k, Period period);

/// Options of evaluating a scorecard.
struct ScoreOptions {
    /// Attainment cap (> 0; infinity for none).
    double cap = 1.5;
    /// Take targets from the Book's `targets` table (for the mandate's manager) where it has rows covering
    /// the period; the goals' own targets fill in where it has none.
    bool book_targets = true;
    /// Options of the KPIs themselves.
    kpi::Options kpi;
};

/// One KPI of an evaluated scorecard.
struct ScoreLine {
    kpi::Kpi kpi;
    double actual;      ///< the KPI over the period and scope; NaN when undefined
    double target;      ///< pro-rated to the period where the KPI is a flow; NaN when none
    double attainment;  ///< capped; NaN when undefined
    double weight;
    /// This goal's share of the scorecard score: `weight × attainment / Σ weight` over defined goals (the
    /// lines' scores add up to `Scorecard::score`); NaN when the attainment is undefined.
    double score;
    bool higher_is_better;
    /// How far the actual is behind the target, in the KPI's unit: `target − actual` when more is better,
    /// `actual − target` when less is better (negative: ahead); NaN without an actual or a target.
    double gap = std::numeric_limits<double>::quiet_NaN();
    /// The score this goal costs against full attainment: `weight × max(0, 1 − attainment) / Σ weight` over
    /// the scored goals (0 when attained); NaN when unscored. `1 − Σ points_lost` is the score when no goal
    /// attains more than 1.
    double points_lost = std::numeric_limits<double>::quiet_NaN();
    [[nodiscard]] bool scored() const noexcept { return attainment == attainment; }
};

/// An evaluated scorecard.
struct Scorecard {
    Tier tier = Tier::none;
    std::int32_t manager = none;  ///< the mandate's manager, or `none`
    Period period;                ///< the period evaluated
    std::vector<ScoreLine> lines;
    /// `Σ weight × attainment / Σ weight` over the scored lines; NaN when none is scored.
    double score = std::numeric_limits<double>::quiet_NaN();
    /// The KPIs whose attainment is undefined (listed, not scored as zero).
    [[nodiscard]] std::vector<kpi::Kpi> unscored() const;
};

/// Scores `actuals` (one per goal, in goal order) against `goals` whose targets are already resolved and
/// pro-rated. Throws `std::invalid_argument` on a weight that is not > 0 or a cap that is not > 0.
[[nodiscard]] Scorecard score(const std::vector<Goal>& goals, const std::vector<double>& actuals,
                              const std::vector<double>& targets, Period period, double cap);

}  // namespace accountkpi::tiers
ACCOUNTKPI_EXPORT_END
