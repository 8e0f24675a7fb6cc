#pragma once
/// \file
/// The shifted-beta-geometric (sBG) model of contract renewals (Fader & Hardie 2007, "How to project customer
/// retention", Journal of Interactive Marketing 21(1), 76-90) and the discounted expected residual lifetime
/// (Fader & Hardie 2010, "Customer-base valuation in a contractual setting: the perils of ignoring
/// heterogeneity", Marketing Science 29(1), 85-93).
///
/// At the end of every period a customer with churn probability theta leaves; theta ~ Beta(alpha, beta)
/// across the cohort. Periods are whatever the contract period is (month, year); t counts them (t = 0 is the
/// start).

#include <Eigen/Core>
#include <limits>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/fit.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Parameters of the sBG model (both > 0).
struct SbgParams {
    double alpha = std::numeric_limits<double>::quiet_NaN();
    double beta = std::numeric_limits<double>::quiet_NaN();
};

/// Result of `fit_sbg`.
struct SbgFit {
    SbgParams params;
    double log_likelihood = std::numeric_limits<double>::quiet_NaN();
    SbgParams standard_errors;  ///< square roots of the diagonal of `covariance`
    /// Inverse Hessian of the negative log-likelihood in (alpha, beta); NaN when not positive definite.
    Eigen::Matrix2d covariance = Eigen::Matrix2d::Constant(std::numeric_limits<double>::quiet_NaN());
    Convergence convergence;
};

/// Fits the sBG model by maximum likelihood to a cohort's survivor counts.
///
/// \param survivors n_0, n_1, ..., n_k: customers still active at the start (n_0 = cohort size, > 0) and
/// after
///        each of k >= 1 periods; non-increasing, >= 0 (counts may be fractional, e.g. weighted).
///        log L = sum_{t=1..k} (n_{t-1} - n_t) log P(T = t) + n_k log S(k).
/// \throws std::invalid_argument naming the first offending index (NaN, negative, increasing, n_0 = 0, fewer
///         than 2 values).
///
/// A cohort without heterogeneity (every customer churns at the same rate) has its maximum of the likelihood
/// at infinite alpha and beta. When alpha + beta exceeds 10^6 the fit is reported at the geometric limit:
/// alpha / (alpha + beta) is the geometric churn estimate, churned / customer-periods at risk, the
/// covariance and standard errors are NaN, `convergence.converged` is false and `convergence.message` says
/// so (the Python fitter warns with it).
SbgFit fit_sbg(std::span<const double> survivors, const FitOptions& options = {});

/// Log-likelihood of survivor counts (same validation as `fit_sbg`); `gradient` receives d/d(alpha, beta).
double sbg_log_likelihood(const SbgParams& params, std::span<const double> survivors,
                          Eigen::Vector2d* gradient = nullptr);

/// S(t) = B(alpha, beta + t) / B(alpha, beta): probability of being active after t periods (t >= 0, real).
/// NaN for t < 0 or NaN. Computed in log space: finite for any alpha, beta > 0 (at alpha, beta ~ 10^9 it is
/// the geometric (1 - alpha / (alpha + beta))^t).
double survival_function(const SbgParams& params, double t);

/// r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1): probability that a customer active after
/// t-1 periods renews at the end of period t. NaN for t < 1 or NaN.
double retention_rate(const SbgParams& params, double t);

/// P(T = t) = S(t-1) - S(t) = B(alpha + 1, beta + t - 1) / B(alpha, beta): probability of churning at the end
/// of period t. NaN for t < 1 or NaN.
double churn_probability(const SbgParams& params, double t);

/// DERL: discounted expected residual lifetime, in periods, of a customer who has made `renewals` renewals
/// (is in her period renewals + 1) and is about to decide on the next renewal (Fader & Hardie 2010):
///
///   DERL = sum_{t > renewals} S(t) / S(renewals) / (1 + d)^(t - renewals - 1)
///        = (beta + n) / (alpha + beta + n) * 2F1(1, beta + n + 1; alpha + beta + n + 1; 1 / (1 + d)),  n =
///        renewals.
///
/// The next payment (if she renews) is undiscounted, later ones are discounted by (1 + d) per period;
/// multiply by the margin per period for the discounted expected residual value. `discount_rate` d is per
/// period, > 0. \throws std::invalid_argument when renewals < 0 or discount_rate <= 0 or NaN.
double discounted_expected_residual_lifetime(const SbgParams& params, double discount_rate, int renewals = 0);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
