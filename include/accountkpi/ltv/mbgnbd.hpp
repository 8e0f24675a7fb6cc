#pragma once
/// \file
/// The MBG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical validation and comparison of models
/// for customer base analysis", International Journal of Research in Marketing 24(3)): BG/NBD in which a
/// customer may also drop out right after the *first* purchase, so customers without repeat purchases are
/// not certainly alive. lifetimes' `ModifiedBetaGeoFitter`.
///
/// Same inputs, parameters (r, alpha, a, b), options, validation and fit report as BG/NBD (bgnbd.hpp); per
/// customer the likelihood is
///   L = B(a, b+x+1)/B(a, b) G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
///     + B(a+1, b+x)/B(a, b) G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))     (for every x, also 0).

#include <Eigen/Core>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/fit.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Fits MBG/NBD by maximum likelihood, as `fit_bgnbd` fits BG/NBD (Newton's method on the exact Hessian in
/// the log-parameters, the same penalty, start and convergence report).
BgNbdFit fit_mbgnbd(std::span<const double> frequency, std::span<const double> recency,
                    std::span<const double> T, std::span<const double> weights = {},
                    const FitOptions& options = {});

/// Weighted MBG/NBD log-likelihood with its exact gradient and Hessian in (r, alpha, a, b) when asked.
double mbgnbd_log_likelihood(const BgNbdParams& params, std::span<const double> frequency,
                             std::span<const double> recency, std::span<const double> T,
                             std::span<const double> weights = {}, Eigen::Vector4d* gradient = nullptr,
                             Eigen::Matrix4d* hessian = nullptr);

/// E[X(t)] of a new customer: b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]; NaN for
/// t < 0 or a = 1.
double mbgnbd_expected_number_of_purchases_up_to_time(const BgNbdParams& params, double t);

/// E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x;
/// t/(alpha+T+t))] / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)).
/// \throws std::invalid_argument on invalid inputs or t < 0.
std::vector<double> mbgnbd_conditional_expected_number_of_purchases_up_to_time(
    const BgNbdParams& params, double t, std::span<const double> frequency, std::span<const double> recency,
    std::span<const double> T);
/// E[Y(t) | x, t_x, T] of one customer under MBG/NBD.
double mbgnbd_conditional_expected_number_of_purchases_up_to_time(const BgNbdParams& params, double t,
                                                                  const CustomerRfm& customer);

/// P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), below 1 also for x = 0.
std::vector<double> mbgnbd_conditional_probability_alive(const BgNbdParams& params,
                                                         std::span<const double> frequency,
                                                         std::span<const double> recency,
                                                         std::span<const double> T);
/// P(alive | x, t_x, T) of one customer under MBG/NBD.
double mbgnbd_conditional_probability_alive(const BgNbdParams& params, const CustomerRfm& customer);

/// P(X(t) = n) = B(a, b+n+1)/B(a, b) NB(n) + B(a+1, b+n)/B(a, b) (1 - sum_{j<n} NB(j)), NB as in
/// `probability_of_n_purchases_up_to_time`. \throws std::invalid_argument when t < 0 or n is not a whole
/// number >= 0.
double mbgnbd_probability_of_n_purchases_up_to_time(const BgNbdParams& params, double t, double n);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
