#pragma once
/// \file
/// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
/// curves for customer base analysis", Journal of Marketing Research 42(4); Fader & Hardie 2013, "The
/// Gamma-Gamma model of monetary value", note at brucehardie.com), and the customer lifetime value that
/// combines it with the BG/NBD purchase model as the Python package lifetimes computes it.
///
/// Each transaction value z ~ Gamma(shape p, rate nu), with nu ~ Gamma(shape q, rate v) across customers; the
/// observed input per customer is x = number of repeat transactions (> 0) and m = their mean value (> 0).
/// `v` is in the currency unit of m; p and q are unit-free.

#include <Eigen/Core>
#include <limits>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/fit.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Parameters of the Gamma-Gamma model (all > 0).
struct GammaGammaParams {
    double p = std::numeric_limits<double>::quiet_NaN();
    double q = std::numeric_limits<double>::quiet_NaN();
    double v = std::numeric_limits<double>::quiet_NaN();
};

/// Result of `fit_gamma_gamma`.
struct GammaGammaFit {
    GammaGammaParams params;
    /// Weighted log-likelihood of the observed means m_i (density of the mean given x).
    double log_likelihood = std::numeric_limits<double>::quiet_NaN();
    GammaGammaParams standard_errors;  ///< square roots of the diagonal of `covariance`
    /// Inverse Hessian of the total (weighted, penalised when penalizer_coef > 0) negative log-likelihood in
    /// (p, q, v); NaN when not positive definite.
    Eigen::Matrix3d covariance = Eigen::Matrix3d::Constant(std::numeric_limits<double>::quiet_NaN());
    double total_weight = 0;
    Convergence convergence;
};

/// Fits the Gamma-Gamma model by maximum likelihood over the log-parameters (Newton's method with the exact
/// Hessian from p = q = 1 and v = the geometric mean of m, so that the fit does not depend on the currency
/// unit; L-BFGS then Newton steps when that does not converge), with
/// lifetimes' optional penalty `penalizer_coef * (p^2 + q^2 + v^2)` on the mean negative log-likelihood.
/// \param frequency x_i > 0 (whole numbers): pass only customers with repeat purchases
/// \param monetary_value m_i > 0: mean value of the repeat transactions
/// \param weights optional counts of identical customers; empty means all 1
/// \param q_constraint when true, q is kept above 1 (q = 1 + exp(u)), so that the population mean spend
///        p v / (q - 1) exists, as lifetimes' `fit(..., q_constraint=True)`
/// \throws std::invalid_argument naming the argument and first offending index (NaN, x <= 0, x not whole,
///         m <= 0, negative weight, sizes differ, empty input).
GammaGammaFit fit_gamma_gamma(std::span<const double> frequency, std::span<const double> monetary_value,
                              std::span<const double> weights = {}, const FitOptions& options = {},
                              bool q_constraint = false);

/// Weighted log-likelihood of the Gamma-Gamma model (same validation as `fit_gamma_gamma`).
/// \param gradient when not null, receives d/d(p, q, v) (exact, analytic).
/// \param hessian when not null, receives the matrix of second derivatives in (p, q, v) (exact, analytic).
double gamma_gamma_log_likelihood(const GammaGammaParams& params, std::span<const double> frequency,
                                  std::span<const double> monetary_value,
                                  std::span<const double> weights = {}, Eigen::Vector3d* gradient = nullptr,
                                  Eigen::Matrix3d* hessian = nullptr);

/// E[M | x, m]: expected mean transaction value of each customer, p (v + x m) / (p x + q - 1). With x = 0
/// this is the population mean p v / (q - 1). NaN when p x + q - 1 <= 0 (the expectation does not exist).
/// \throws std::invalid_argument when x < 0, m < 0, NaN or the sizes differ.
std::vector<double> conditional_expected_average_profit(const GammaGammaParams& params,
                                                        std::span<const double> frequency,
                                                        std::span<const double> monetary_value);
/// E[M | x, m] of one customer (`customer.frequency` and `customer.monetary_value`).
double conditional_expected_average_profit(const GammaGammaParams& params, const CustomerRfm& customer);

/// Time units of the data in one month, with lifetimes' factors for its `freq` codes: 'D' -> 30, 'W'
/// -> 4.345, 'M' -> 1, 'H' -> 720. \throws std::invalid_argument for any other code.
double units_per_month(char freq);

/// Customer lifetime value exactly as lifetimes' `GammaGammaFitter.customer_lifetime_value` computes it:
///
///   CLV_i = sum_{k=1..months} E[M | x_i, m_i] * (N_i(k u) - N_i((k-1) u)) / (1 + discount_rate)^k
///
/// where N_i(t) = `conditional_expected_number_of_purchases_up_to_time(bgnbd, t, x_i, t_x,i, T_i)`, u =
/// `units_per_month` (time units of the BG/NBD data in one month: 30 when the data are in days, 4.345 in
/// weeks; lifetimes' month is 30 days, and its week factor 4.345 is not 30/7), and `discount_rate` is per
/// month. Expected purchases are counted from the end of each customer's observation (T_i). Values are in the
/// currency of m.
/// \throws std::invalid_argument on invalid inputs (as the two models), months < 1, discount_rate <= -1 or
///         units_per_month <= 0.
std::vector<double> customer_lifetime_value(const GammaGammaParams& params, const BgNbdParams& bgnbd,
                                            std::span<const double> frequency,
                                            std::span<const double> recency, std::span<const double> T,
                                            std::span<const double> monetary_value, int months = 12,
                                            double discount_rate = 0.01, double units_per_month = 30.0);
/// The lifetime value of one customer, as above.
double customer_lifetime_value(const GammaGammaParams& params, const BgNbdParams& bgnbd,
                               const CustomerRfm& customer, int months = 12, double discount_rate = 0.01,
                               double units_per_month = 30.0);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
