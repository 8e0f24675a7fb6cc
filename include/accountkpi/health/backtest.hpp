#pragma once
/// \file
/// Does the health score predict churn? The backtest of a score against what happened next (AUC, the top
/// decile, churn by band) and the fit of the health weights to a book's own history (a regularised logistic
/// model by Newton's method).
///
/// Conventions: a *health* is a score 0-100 where lower means more at risk (NaN = not scored); an outcome is
/// 1 when the account churned within the horizon after the period, else 0.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::health {

/// How well one set of scores ranks the accounts that churned.
struct Ranking {
    std::int64_t accounts = 0;           ///< scored accounts (health not NaN)
    std::int64_t churners = 0;           ///< of which churned
    std::int64_t unscored = 0;           ///< accounts left out because their health is NaN
    std::int64_t unscored_churners = 0;  ///< of which churned
    double churn_rate = 0;               ///< churners / accounts, NaN without accounts
    /// Chance that a churner has a lower health than an account that stayed, ties counting one half
    /// (the area under the ROC curve, 0-1; 0.5 = no better than chance). NaN without churners or stayers.
    double auc = 0;
    /// Expected churn rate among the `top_share` of accounts with the lowest health (accounts tied at the
    /// cut taken in proportion, as if their order were random), NaN without accounts.
    double top_precision = 0;
    double top_lift = 0;    ///< top_precision / churn_rate, NaN when churn_rate is 0 or NaN
    double top_recall = 0;  ///< expected share of the churners in that top share, NaN without churners
};

/// Churn by health band: `[lower, upper)` (the last band includes 100).
struct Band {
    double lower = 0;
    double upper = 0;
    std::int64_t accounts = 0;
    std::int64_t churners = 0;
    double churn_rate = 0;         ///< NaN when the band is empty
    double share_of_churners = 0;  ///< of all scored churners, NaN without churners
};

/// The ROC curve: one point per distinct health, from the lowest (most at risk) upwards, after (0, 0).
struct RocCurve {
    std::vector<double> threshold;  ///< accounts with health <= threshold are flagged; NaN for (0, 0)
    std::vector<double> false_positive_rate;
    std::vector<double> true_positive_rate;
};

/// Options of the backtest.
struct BacktestOptions {
    /// Inner band edges, increasing within (0, 100): {40, 70} gives [0, 40), [40, 70), [70, 100].
    std::vector<double> band_edges{40.0, 70.0};
    /// The riskiest share of accounts whose precision and lift are reported, in (0, 1].
    double top_share = 0.1;
};

/// A backtest: all periods pooled, then each period alone.
struct Backtest {
    Ranking overall;
    std::vector<Ranking> periods;  ///< by period index
    std::vector<Band> bands;       ///< pooled
    RocCurve roc;                  ///< pooled
};

/// The ranking of one set of scores. Throws `std::invalid_argument` when the sizes differ, an outcome is not
/// 0 or 1, a health is outside [0, 100] or `top_share` is not in (0, 1].
[[nodiscard]] Ranking ranking(std::span<const double> health, std::span<const std::uint8_t> churned,
                              double top_share = 0.1);

/// The AUC alone (see `Ranking::auc`): the Mann-Whitney statistic with mid-ranks, O(n log n).
[[nodiscard]] double auc(std::span<const double> health, std::span<const std::uint8_t> churned);

/// Backtest of observations `i` with `health[i]`, `churned[i]` and `period[i]` in `[0, periods)`. Throws
/// `std::invalid_argument` (naming the row) on a period index out of range, an outcome other than 0 or 1, a
/// health outside [0, 100], sizes that differ, or bad options.
[[nodiscard]] Backtest backtest(std::span<const double> health, std::span<const std::uint8_t> churned,
                                std::span<const std::int32_t> period, std::int32_t periods,
                                const BacktestOptions& options = {});

/// Options of the logistic fit.
struct LogisticOptions {
    double l2 = 1.0;  ///< ridge penalty `l2 / 2 × |coefficients|^2` (the intercept is not penalised), >= 0
    bool non_negative = true;  ///< constrain every coefficient to >= 0 (an active set over Newton's method)
    int max_iterations = 100;  ///< Newton steps in all, >= 1
    double tolerance = 1e-9;   ///< stop when the largest gradient component is below, > 0
};

/// A fitted logistic model `P(y = 1) = 1 / (1 + exp(-(intercept + x · coefficients)))`.
struct LogisticFit {
    double intercept = 0;
    std::vector<double> coefficients;
    double log_likelihood = 0;  ///< of the data, without the penalty
    int iterations = 0;
    bool converged = false;
};

/// Maximum penalised likelihood logistic regression by Newton's method (Eigen's LDLT on the Hessian, steps
/// halved until the objective improves). `x` holds `rows × columns` values row by row, all finite; `y` is 0
/// or 1. With `non_negative`, a coefficient that would turn negative is fixed at 0 and the rest refitted
/// until the Karush-Kuhn-Tucker conditions hold. Throws `std::invalid_argument` on bad input.
[[nodiscard]] LogisticFit fit_logistic(std::span<const double> x, std::size_t columns,
                                       std::span<const std::uint8_t> y, const LogisticOptions& options = {});

/// The health components' weights fitted to outcomes, in the form the health score takes them.
struct WeightsFit {
    std::vector<double> weights;  ///< one per component, >= 0, summing to 1 (all 0 when none predicts)
    /// Points off the score per unanswered request that match the fitted model on the score's scale.
    double unanswered_penalty = 0;
    LogisticFit model;          ///< on the shortfalls `(100 - component) / 100` and the unanswered requests
    std::int64_t rows = 0;      ///< observations fitted (those with at least one component)
    std::int64_t churners = 0;  ///< of which churned
};

/// Fits the weights of a health score `Σ w_c x_c / Σ w_c - penalty × unanswered` to churn outcomes: a
/// logistic model of churn on each component's shortfall `(100 - x_c) / 100` and the number of unanswered
/// requests, coefficients >= 0; the weights are the coefficients of the shortfalls normalised to sum 1 and
/// the penalty is `100 × coefficient of unanswered / Σ coefficients of the shortfalls`, so that ranking by
/// the score ranks as the model does. A NaN component counts as the mean of the account's other components
/// (as the score's renormalised weights do); rows without any component are left out. `components` holds
/// `rows × columns` values row by row, each in [0, 100] or NaN; `options.non_negative` is always on.
[[nodiscard]] WeightsFit fit_weights(std::span<const double> components, std::size_t columns,
                                     std::span<const double> unanswered,
                                     std::span<const std::uint8_t> churned,
                                     const LogisticOptions& options = {});

}  // namespace accountkpi::health
ACCOUNTKPI_EXPORT_END
