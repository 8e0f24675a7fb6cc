#pragma once
/// \file
/// The BG/NBD model of repeat purchasing in a non-contractual setting (Fader, Hardie & Lee 2005, "Counting
/// your customers the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284).
///
/// Each customer buys as a Poisson process with rate lambda ~ Gamma(shape r, rate alpha) while active, and
/// after each *repeat* purchase becomes inactive for good with probability p ~ Beta(a, b).
///
/// Inputs are the RFM summary with the meaning of the Python package lifetimes, all times in one unit of the
/// caller's choice (days, weeks, ...): `frequency` = number of repeat purchases x (whole number >= 0; the
/// first purchase is not counted), `recency` = time from the first to the last purchase t_x (0 when x = 0;
/// ignored then), `T` = time from the first purchase to the end of observation. `alpha` is in the same time
/// unit (rate parameter of the purchase rate), `r`, `a`, `b` are unit-free.

#include <Eigen/Core>
#include <limits>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/customer.hpp"
#include "accountkpi/ltv/fit.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Parameters of the BG/NBD model (all > 0; `alpha` in the time unit of the data).
struct BgNbdParams {
    double r = std::numeric_limits<double>::quiet_NaN();
    double alpha = std::numeric_limits<double>::quiet_NaN();
    double a = std::numeric_limits<double>::quiet_NaN();
    double b = std::numeric_limits<double>::quiet_NaN();
};

/// Result of `fit_bgnbd`.
struct BgNbdFit {
    BgNbdParams params;  ///< maximum-(penalised-)likelihood estimates
    /// Weighted log-likelihood sum_i w_i log L_i at `params`, in the time unit of the data (penalty
    /// excluded).
    double log_likelihood = std::numeric_limits<double>::quiet_NaN();
    /// Square roots of the diagonal of `covariance`.
    BgNbdParams standard_errors;
    /// Inverse of the Hessian of the total (weighted) negative log-likelihood, plus the penalty when
    /// penalizer_coef > 0, in the natural parameters (r, alpha, a, b) at the optimum; the Hessian is the
    /// exact analytic one. NaN when the Hessian is not positive definite.
    Eigen::Matrix4d covariance = Eigen::Matrix4d::Constant(std::numeric_limits<double>::quiet_NaN());
    double total_weight = 0;  ///< sum of the weights (number of customers when unweighted)
    Convergence convergence;
};

/// Fits the BG/NBD model by maximum likelihood.
///
/// The log-likelihood with its exact gradient and Hessian is maximised over the log-parameters, so the
/// parameters stay positive, by Newton's method from r = a = b = 1, alpha = max(T) / 10; when that does not
/// converge (see `Convergence::converged`), by L-BFGS (LBFGS++) from the same start, refined with Newton
/// steps on a finite-difference Hessian. The optional penalty `penalizer_coef * (r^2 + alpha_s^2 + a^2 +
/// b^2)` is added to the mean negative log-likelihood, with alpha_s = alpha / max(T) the rate in the time
/// unit where max(T) = 1, as lifetimes 0.11 (`BetaGeoFitter(penalizer_coef)`) does.
///
/// \param frequency repeat purchases x_i (whole numbers >= 0)
/// \param recency   t_x,i, 0 <= t_x,i <= T_i
/// \param T         T_i >= 0 (a customer whose first purchase is on the last day has T = 0 and adds 0 to the
///                  log-likelihood, as in lifetimes)
/// \param weights   optional counts of identical customers (>= 0, not all 0); empty means all 1
/// \throws std::invalid_argument naming the argument and the first offending index when a value is NaN or
///         infinite, negative, not whole (frequency), recency > T, sizes differ, or the input is
///         empty.
BgNbdFit fit_bgnbd(std::span<const double> frequency, std::span<const double> recency,
                   std::span<const double> T, std::span<const double> weights = {},
                   const FitOptions& options = {});

/// Weighted log-likelihood sum_i w_i log L(r, alpha, a, b | x_i, t_x,i, T_i) (same validation as
/// `fit_bgnbd`). \param gradient when not null, receives d/d(r, alpha, a, b) of the log-likelihood (exact,
/// analytic). \param hessian when not null, receives its matrix of second derivatives in (r, alpha, a, b)
/// (exact, analytic).
double bgnbd_log_likelihood(const BgNbdParams& params, std::span<const double> frequency,
                            std::span<const double> recency, std::span<const double> T,
                            std::span<const double> weights = {}, Eigen::Vector4d* gradient = nullptr,
                            Eigen::Matrix4d* hessian = nullptr);

/// E[X(t)]: expected repeat purchases in (0, t] of a customer picked at random, t in the data's time unit
///: (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r * 2F1(r, b; a+b-1; t/(alpha+t))].
/// NaN when t < 0 or NaN, or when a = 1 exactly (0/0; the limit exists but is not computed here).
double expected_number_of_purchases_up_to_time(const BgNbdParams& params, double t);

/// E[Y(t) | x, t_x, T]: expected repeat purchases in the next t time units of each customer:
/// (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
///   / [1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)].
/// \throws std::invalid_argument on invalid inputs (as `fit_bgnbd`) or t < 0.
std::vector<double> conditional_expected_number_of_purchases_up_to_time(const BgNbdParams& params, double t,
                                                                        std::span<const double> frequency,
                                                                        std::span<const double> recency,
                                                                        std::span<const double> T);
/// E[Y(t) | x, t_x, T] of one customer (`customer.monetary_value` is not used).
double conditional_expected_number_of_purchases_up_to_time(const BgNbdParams& params, double t,
                                                           const CustomerRfm& customer);

/// P(X(t) = n): probability that a customer picked at random makes exactly n repeat purchases in (0, t]
/// (Fader, Hardie & Lee 2005, eq. 8):
///   B(a, b+n)/B(a, b) NB(n) + [n>0] B(a+1, b+n-1)/B(a, b) (1 - sum_{j<n} NB(j)),
/// NB(j) = G(r+j)/(G(r) j!) (alpha/(alpha+t))^r (t/(alpha+t))^j. 1 for n = 0 and t = 0.
/// \throws std::invalid_argument when t < 0, or n is not a whole number >= 0.
double probability_of_n_purchases_up_to_time(const BgNbdParams& params, double t, double n);

/// P(alive | x, t_x, T) of each customer: 1 when x = 0, else
/// 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)).
/// \throws std::invalid_argument on invalid inputs (as `fit_bgnbd`).
std::vector<double> conditional_probability_alive(const BgNbdParams& params,
                                                  std::span<const double> frequency,
                                                  std::span<const double> recency, std::span<const double> T);
/// P(alive | x, t_x, T) of one customer.
double conditional_probability_alive(const BgNbdParams& params, const CustomerRfm& customer);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
