#pragma once
/// \file
/// The beta-geometric/beta-Bernoulli (BG/BB) model of discrete-time, non-contractual repeat transactions
/// (Fader, Hardie & Shang 2010, "Customer-base analysis in a discrete-time noncontractual setting",
/// Marketing Science 29(6)), lifetimes' `BetaGeoBetaBinomFitter`.
///
/// There are n transaction opportunities (yearly donations, annual events, ...). While alive, a customer
/// transacts at each opportunity with probability p ~ Beta(alpha, beta); before each opportunity after the
/// first, an alive customer dies with probability theta ~ Beta(gamma, delta). The input per customer: x =
/// repeat transactions (0 <= x), t_x = the opportunity of the last one (0 when x = 0; x <= t_x), n = the
/// opportunities observed (t_x <= n). All parameters are unit-free.

#include <Eigen/Core>
#include <limits>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/fit.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Parameters of the BG/BB model (all > 0).
struct BgBbParams {
    double alpha = std::numeric_limits<double>::quiet_NaN();
    double beta = std::numeric_limits<double>::quiet_NaN();
    double gamma = std::numeric_limits<double>::quiet_NaN();
    double delta = std::numeric_limits<double>::quiet_NaN();
};

/// Result of `fit_bgbb`.
struct BgBbFit {
    BgBbParams params;
    double log_likelihood = std::numeric_limits<double>::quiet_NaN();  ///< weighted, penalty excluded
    BgBbParams standard_errors;  ///< square roots of the diagonal of `covariance`
    /// Inverse of the exact Hessian of the total (weighted, penalised) negative log-likelihood in (alpha,
    /// beta, gamma, delta); NaN when not positive definite.
    Eigen::Matrix4d covariance = Eigen::Matrix4d::Constant(std::numeric_limits<double>::quiet_NaN());
    double total_weight = 0;
    Convergence convergence;
};

/// Fits BG/BB by maximum likelihood: Newton's method on the exact Hessian over the log-parameters from
/// alpha = beta = gamma = delta = 1 (L-BFGS then Newton steps when that does not converge), lifetimes'
/// optional penalty `penalizer_coef * sum(params^2)` on the mean negative log-likelihood, and the
/// convergence report of every fit here (boundary, singular Hessian). Identical rows are evaluated once.
/// \param frequency x_i, \param recency t_x,i, \param n_periods n_i: whole numbers with 0 <= x <= t_x <= n,
///        t_x = 0 when x = 0, n >= 1
/// \param weights optional counts of identical customers (>= 0, not all 0); empty means all 1
/// \throws std::invalid_argument naming the argument and the first offending index.
BgBbFit fit_bgbb(std::span<const double> frequency, std::span<const double> recency,
                 std::span<const double> n_periods, std::span<const double> weights = {},
                 const FitOptions& options = {});

/// sum_i w_i log L_i with (FHS 2010, eq. 5)
///   L = B(a+x, b+n-x)/B(a, b) B(g, d+n)/B(g, d)
///     + sum_{i=0}^{n-t_x-1} B(a+x, b+t_x-x+i)/B(a, b) B(g+1, d+t_x+i)/B(g, d)
/// (a, b, g, d = alpha, beta, gamma, delta); its exact gradient and Hessian in (alpha, beta, gamma, delta)
/// when asked.
double bgbb_log_likelihood(const BgBbParams& params, std::span<const double> frequency,
                           std::span<const double> recency, std::span<const double> n_periods,
                           std::span<const double> weights = {}, Eigen::Vector4d* gradient = nullptr,
                           Eigen::Matrix4d* hessian = nullptr);

/// Expected transactions of each customer in the next `m` opportunities (FHS 2010, eq. 13):
///   1/L B(a+x+1, b+n-x)/B(a, b) d/(g-1) G(g+d)/G(1+d) [G(1+d+n)/G(g+d+n) - G(1+d+n+m)/G(g+d+n+m)];
/// NaN when gamma = 1 (the limit is not computed here). \throws std::invalid_argument on invalid inputs or
/// m < 0.
std::vector<double> bgbb_conditional_expected_number_of_purchases_up_to_time(
    const BgBbParams& params, double m, std::span<const double> frequency, std::span<const double> recency,
    std::span<const double> n_periods);

/// P(alive at opportunity n + m | x, t_x, n) = B(a+x, b+n-x)/B(a, b) B(g, d+n+m)/B(g, d) / L (FHS 2010,
/// eq. A10 with m future opportunities; m = 0: alive now). \throws std::invalid_argument on invalid inputs.
std::vector<double> bgbb_conditional_probability_alive(const BgBbParams& params, double m,
                                                       std::span<const double> frequency,
                                                       std::span<const double> recency,
                                                       std::span<const double> n_periods);

/// P(X(n) = x): probability that a new customer makes x transactions in the first n opportunities (FHS
/// 2010, eq. 7): C(n, x) B(a+x, b+n-x)/B(a, b) B(g, d+n)/B(g, d)
///   + sum_{i=x}^{n-1} C(i, x) B(a+x, b+i-x)/B(a, b) B(g+1, d+i)/B(g, d).
/// \throws std::invalid_argument unless 0 <= x <= n are whole numbers.
double bgbb_probability_of_n_purchases(const BgBbParams& params, double n, double x);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
