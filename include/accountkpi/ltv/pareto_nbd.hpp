#pragma once
/// \file
/// The Pareto/NBD model of repeat purchasing in a non-contractual setting (Schmittlein, Morrison & Colombo
/// 1987; likelihood and predictions as in Fader, Hardie & Lee 2005, "A note on deriving the Pareto/NBD model
/// and related expressions"). lifetimes' `ParetoNBDFitter`.
///
/// While active, each customer buys as a Poisson process with rate lambda ~ Gamma(shape r, rate alpha); the
/// customer's unobserved lifetime is exponential with rate mu ~ Gamma(shape s, rate beta), independent of
/// lambda. Inputs are the RFM summary of bgnbd.hpp (frequency x, recency t_x, age T, one time unit);
/// `alpha` and `beta` are in that time unit, `r` and `s` unit-free. Per customer the likelihood is
///   L = G(r+x) alpha^r beta^s / G(r) * [ (alpha+T)^-(r+x) (beta+T)^-s + s I ],
///   I = integral over tau from t_x to T of (alpha+tau)^-(r+x) (beta+tau)^-(s+1)
/// (the customer dies at tau after the last purchase), and I is evaluated in FHL's closed form: with
/// k = r + x, for alpha >= beta
///   I = [F(t_x) - F(T)] / (k+s),  F(y) = 2F1(k+s, s+1; k+s+1; (alpha-beta)/(alpha+y)) / (alpha+y)^(k+s),
/// for alpha < beta the same with 2F1(k+s, k; k+s+1; (beta-alpha)/(beta+y)) / (beta+y)^(k+s). A customer
/// with T = 0 has L = 1 (adds 0 to the log-likelihood), as in lifetimes.

#include <Eigen/Core>
#include <limits>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/customer.hpp"
#include "accountkpi/ltv/fit.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Parameters of the Pareto/NBD model (all > 0; `alpha`, `beta` in the time unit of the data).
struct ParetoNbdParams {
    double r = std::numeric_limits<double>::quiet_NaN();
    double alpha = std::numeric_limits<double>::quiet_NaN();
    double s = std::numeric_limits<double>::quiet_NaN();
    double beta = std::numeric_limits<double>::quiet_NaN();
};

/// Result of `fit_pareto_nbd`.
struct ParetoNbdFit {
    ParetoNbdParams params;  ///< maximum-(penalised-)likelihood estimates
    /// Weighted log-likelihood sum_i w_i log L_i at `params` (penalty excluded).
    double log_likelihood = std::numeric_limits<double>::quiet_NaN();
    ParetoNbdParams standard_errors;  ///< square roots of the diagonal of `covariance`
    /// Inverse of the Hessian of the total (weighted, penalised) negative log-likelihood in (r, alpha, s,
    /// beta) at the optimum, from the analytic Hessian (second derivatives of the 2F1 series summed term by
    /// term with the value and gradient). NaN when it is not positive definite.
    Eigen::Matrix4d covariance = Eigen::Matrix4d::Constant(std::numeric_limits<double>::quiet_NaN());
    double total_weight = 0;  ///< sum of the weights (number of customers when unweighted)
    Convergence convergence;
};

/// Fits the Pareto/NBD model by maximum likelihood, as `fit_bgnbd` fits BG/NBD: Newton's method over the
/// log-parameters from r = s = 1, alpha = beta = max(T) / 10 (with the analytic Hessian), L-BFGS when that
/// fails, and the same convergence report (boundary, singular Hessian,
/// non-finite standard errors are not converged). The optional penalty `penalizer_coef * (r^2 + alpha_s^2 +
/// s^2 + beta_s^2)` sees alpha and beta in the time unit where max(T) = 1, as lifetimes 0.11 does.
/// Same arguments and validation as `fit_bgnbd`.
ParetoNbdFit fit_pareto_nbd(std::span<const double> frequency, std::span<const double> recency,
                            std::span<const double> T, std::span<const double> weights = {},
                            const FitOptions& options = {});

/// Weighted log-likelihood sum_i w_i log L_i (same validation as `fit_pareto_nbd`). \param gradient when not
/// null, receives its exact gradient in (r, alpha, s, beta): the 2F1 of the closed form is differentiated
/// in its parameters and argument term by term of its series. \param hessian when not null, receives the
/// exact matrix of second derivatives, summed in the same pass (second derivatives of the series alike).
double pareto_nbd_log_likelihood(const ParetoNbdParams& params, std::span<const double> frequency,
                                 std::span<const double> recency, std::span<const double> T,
                                 std::span<const double> weights = {}, Eigen::Vector4d* gradient = nullptr,
                                 Eigen::Matrix4d* hessian = nullptr);

/// E[X(t)] of a customer picked at random: r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]
/// (r beta/alpha ln(1 + t/beta) at s = 1). NaN when t < 0 or NaN.
double pareto_nbd_expected_number_of_purchases_up_to_time(const ParetoNbdParams& params, double t);

/// E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive).
/// \throws std::invalid_argument on invalid inputs (as `fit_pareto_nbd`) or t < 0.
std::vector<double> pareto_nbd_conditional_expected_number_of_purchases_up_to_time(
    const ParetoNbdParams& params, double t, std::span<const double> frequency,
    std::span<const double> recency, std::span<const double> T);
/// E[Y(t) | x, t_x, T] of one customer.
double pareto_nbd_conditional_expected_number_of_purchases_up_to_time(const ParetoNbdParams& params, double t,
                                                                      const CustomerRfm& customer);

/// P(alive | x, t_x, T) = (alpha+T)^-(r+x) (beta+T)^-s / [(alpha+T)^-(r+x) (beta+T)^-s + s I] (I as above).
/// \throws std::invalid_argument on invalid inputs.
std::vector<double> pareto_nbd_conditional_probability_alive(const ParetoNbdParams& params,
                                                             std::span<const double> frequency,
                                                             std::span<const double> recency,
                                                             std::span<const double> T);
/// P(alive | x, t_x, T) of one customer.
double pareto_nbd_conditional_probability_alive(const ParetoNbdParams& params, const CustomerRfm& customer);

/// P(X(t) = n) of a customer picked at random (FHL 2005 note, eq. 19):
///   G(r+n)/(G(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n (beta/(beta+t))^s
///   + alpha^r beta^s B(r+n, s+1)/B(r, s) [B1 - sum_{i=0..n} G(r+s+i)/(G(r+s) i!) t^i B2(i)],
/// with, for alpha >= beta, B1 = 2F1(r+s, s+1; r+s+n+1; (alpha-beta)/alpha) / alpha^(r+s) and B2(i) =
/// 2F1(r+s+i, s+1; r+s+n+1; (alpha-beta)/(alpha+t)) / (alpha+t)^(r+s+i); for alpha < beta the same with
/// beta in place of alpha as base and r+n in place of s+1. \throws std::invalid_argument when t < 0 or n is
/// not a whole number >= 0.
double pareto_nbd_probability_of_n_purchases_up_to_time(const ParetoNbdParams& params, double t, double n);

/// P(X(T, T+t) = n | x, t_x, T): the chance that a customer with this history makes exactly n purchases in
/// the next t time units (lifetimes' `conditional_probability_of_n_purchases_up_to_time`). Alive at T, the
/// customer's rates have the posterior lambda ~ Gamma(r+x, rate alpha+T), mu ~ Gamma(s, rate beta+T) and the
/// remaining lifetime is again exponential, so the answer is
///   P(alive) P_new(n; r+x, alpha+T, s, beta+T; t) + (1 - P(alive)) [n = 0],
/// with P_new the unconditional `pareto_nbd_probability_of_n_purchases_up_to_time` of a new customer with
/// those parameters. \throws std::invalid_argument on invalid inputs (as `fit_pareto_nbd`), t < 0, or n
/// not a whole number >= 0.
std::vector<double> pareto_nbd_conditional_probability_of_n_purchases_up_to_time(
    const ParetoNbdParams& params, double n, double t, std::span<const double> frequency,
    std::span<const double> recency, std::span<const double> T);
/// P(X(T, T+t) = n | x, t_x, T) of one customer.
double pareto_nbd_conditional_probability_of_n_purchases_up_to_time(const ParetoNbdParams& params, double n,
                                                                    double t, const CustomerRfm& customer);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
