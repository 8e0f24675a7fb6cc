#pragma once
/// \file
/// The three management tiers as mandates: what a manager owns (scope), the goals the tier is judged on
/// (default scorecard) and the decisions the tier may take (authority).
///
/// - `SingleClient`: one account, all of its projects or those assigned to the manager (project-level
///   assignments carve out a subset, e.g. one service line).
/// - `ClientPortfolio`: several small accounts, or several projects at one large account.
/// - `RevenuePortfolio`: a revenue target for a period, with run-rate forecast, gap and P&L.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/options.hpp"
#include "accountkpi/tiers/scorecard.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::tiers {

/// The default scorecard of a tier (documented in docs/tiers.md); `Tier::none` has none. Its targets are
/// marked `default_target`: the Book's `targets` table wins over them.
[[nodiscard]] std::vector<Goal> default_scorecard(Tier tier);
/// The decisions a tier may take, in words.
[[nodiscard]] std::vector<std::string> default_authority(Tier tier);

/// A manager's mandate: scope, scorecard, authority. Build one of the three tier types below.
class Mandate {
  public:
    [[nodiscard]] Tier tier() const noexcept { return tier_; }
    /// The manager index in the Book, or `none` for a mandate judged on accounts alone.
    [[nodiscard]] std::int32_t manager() const noexcept { return manager_; }
    /// What the mandate covers: the manager's book (events owned at their date, accounts owned on their
    /// reference day), restricted to `scope().accounts` when given.
    [[nodiscard]] const kpi::Scope& scope() const noexcept { return scope_; }
    [[nodiscard]] const std::vector<Goal>& scorecard() const noexcept { return goals_; }
    /// Replaces the scorecard (each goal's weight must be > 0; a KPI at most once).
    void set_scorecard(std::vector<Goal> goals);
    [[nodiscard]] const std::vector<std::string>& authority() const noexcept { return authority_; }

    /// Evaluates the scorecard over `period`: one engine request for every goal's KPI over the scope. Each
    /// target is the goal's own when the user set it; else the Book's `targets` rows for the manager
    /// (pro-rated by days for flows) where they cover the period; else the tier's default. Throws
    /// `std::out_of_range` for an account or manager index outside the Book; `std::invalid_argument` when
    /// the manager owns no assignment of one of the mandate's accounts during `period`, or when a target is
    /// not in its KPI's unit (a fraction target of 90), naming every such goal.
    [[nodiscard]] Scorecard evaluate(const Book& book, Period period, const ScoreOptions& options = {}) const;

  protected:
    Mandate(Tier tier, std::int32_t manager, std::vector<std::int32_t> accounts);

  private:
    Tier tier_;
    std::int32_t manager_;
    kpi::Scope scope_;
    std::vector<Goal> goals_;
    std::vector<std::string> authority_;
};

/// One account (all of its projects, or the projects assigned to `manager`).
class SingleClient : public Mandate {
  public:
    /// Throws `std::invalid_argument` when `account` is negative.
    explicit SingleClient(std::int32_t account, std::int32_t manager = none);
    /// By external ids: `SingleClient(book, "A17")`, `SingleClient(book, "A17", "F05")` (no manager when
    /// empty). \throws NotFound when the book has no such account or manager.
    SingleClient(const Book& book, std::string_view account, std::string_view manager = {});
    [[nodiscard]] std::int32_t account() const noexcept { return scope().accounts.front(); }
};

/// Several small accounts, or several projects at one large account.
class ClientPortfolio : public Mandate {
  public:
    /// The book of `manager`, restricted to `accounts` when given; throws `std::invalid_argument` when
    /// neither is given.
    explicit ClientPortfolio(std::int32_t manager, std::vector<std::int32_t> accounts = {});
    /// By external ids: `ClientPortfolio(book, "F05")`, `ClientPortfolio(book, "F05", {"A1", "A2"})`, or
    /// `ClientPortfolio(book, "", {"A1", "A2"})` without a manager. \throws NotFound naming every id the
    /// book does not have.
    ClientPortfolio(const Book& book, std::string_view manager,
                    const std::vector<std::string>& accounts = {});
};

/// Revenue, cost and margin over a period and the state of the revenue target.
struct RevenueStatus {
    Period period;           ///< the period asked
    Period target_period;    ///< the period the revenue target is set for
    double target;           ///< the revenue target of `target_period` (currency); NaN when none
    double target_to_date;   ///< `target` pro-rated by days to `period`
    double revenue;          ///< revenue in `period`
    double attainment;       ///< `revenue / target_to_date`, uncapped; NaN when the target is 0 or NaN
    double revenue_to_date;  ///< revenue from `target_period.begin()` to `period.end()`
    double run_rate;         ///< revenue per day over `period`
    /// `revenue_to_date + run_rate × days from period.end() to target_period.end()` (no projection once
    /// `period` reaches the end of the target period).
    double forecast;
    double gap;  ///< `target − forecast`: positive is a shortfall
    double cost;
    double gross_profit;
    double gross_margin;               ///< NaN when revenue is 0
    double new_business_revenue;       ///< from accounts first acquired in `period`
    double existing_business_revenue;  ///< `revenue − new_business_revenue`
};

/// A revenue target for a period.
class RevenuePortfolio : public Mandate {
  public:
    /// The book of `manager` (restricted to `accounts` when given). `revenue_target` over `target_period`,
    /// when given, takes precedence over the Book's `targets` rows; a target without its period throws
    /// `std::invalid_argument`.
    explicit RevenuePortfolio(std::int32_t manager, std::vector<std::int32_t> accounts = {},
                              double revenue_target = std::numeric_limits<double>::quiet_NaN(),
                              std::optional<Period> target_period = std::nullopt);
    /// By external ids, as `ClientPortfolio(book, manager, accounts)`.
    RevenuePortfolio(const Book& book, std::string_view manager,
                     const std::vector<std::string>& accounts = {},
                     double revenue_target = std::numeric_limits<double>::quiet_NaN(),
                     std::optional<Period> target_period = std::nullopt);
    [[nodiscard]] double revenue_target() const noexcept { return revenue_target_; }
    [[nodiscard]] const std::optional<Period>& target_period() const noexcept { return target_period_; }

    /// Target, attainment, run-rate forecast, gap and P&L over `period` (one engine request). The target
    /// period is the one given at construction, else the Book's `targets` row of the manager for `revenue`
    /// that contains the last day of `period` (NaN target when there is none). Throws
    /// `std::invalid_argument` when `period` ends before the target period begins or begins after it ends.
    [[nodiscard]] RevenueStatus status(const Book& book, Period period,
                                       const kpi::Options& options = {}) const;

  private:
    double revenue_target_;
    std::optional<Period> target_period_;
};

/// Every farmer's and head's scorecard as long rows (one per manager and KPI), for `Book.scorecards`.
struct ScorecardTable {
    std::vector<std::int32_t> manager;
    std::vector<Tier> tier;
    std::vector<kpi::Kpi> kpi;
    std::vector<double> actual, target, attainment, weight, score, gap, points_lost;
    [[nodiscard]] std::size_t rows() const noexcept { return manager.size(); }
};

/// Evaluates every farmer and head of the `managers` table over `period`: the tier's default scorecard plus a
/// goal of weight 1 (default direction) for each KPI the `targets` table sets for the manager beyond it; the
/// scope is a farmer's book, and a head's team (his targets apply to the team: `kpi::Key::team`). One engine
/// request grouped by manager for the farmers, one by team for the heads. Managers without a tier are
/// judged on their `targets` rows alone. Rows by manager index, then scorecard order.
[[nodiscard]] ScorecardTable scorecards(const Book& book, Period period, const ScoreOptions& options = {});

}  // namespace accountkpi::tiers
ACCOUNTKPI_EXPORT_END
