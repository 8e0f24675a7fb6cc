// Shifted-beta-geometric model of contract renewals: fit on survivor counts, survival, retention, DERL.
#include "accountkpi/ltv/sbg.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstdint>

#include "accountkpi/ltv/hypergeometric.hpp"
#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

void validate_survivors(std::string_view where, std::span<const double> survivors) {
    if (survivors.size() < 2)
        detail::fail(where, "survivors needs the cohort size and at least one period, got " +
                                std::to_string(survivors.size()) + " values");
    detail::require_values(where, "survivors", survivors, detail::Bound::non_negative);
    if (!(survivors[0] > 0))
        detail::fail_at(where, "survivors", 0, survivors[0], "(the cohort size) is not > 0");
    for (std::size_t t = 1; t < survivors.size(); ++t)
        if (survivors[t] > survivors[t - 1])
            detail::fail_at(where, "survivors", t, survivors[t],
                            "exceeds survivors[" + std::to_string(t - 1) +
                                "] = " + detail::format_number(survivors[t - 1]) +
                                " (survivors must be non-increasing)");
}

/// alpha + beta above which the cohort shows no heterogeneity: theta's standard deviation is below
/// sqrt(theta (1 - theta) / 1e6), i.e. every customer churns at the same rate (the geometric limit).
constexpr double homogeneous = 1e6;

/// log S(t) for integer t: sum_{i < t} log(1 - alpha / (alpha + beta + i)), exact in log space.
double log_survival_steps(double alpha, double beta, std::int64_t steps) {
    double out = 0;
    for (std::int64_t i = 0; i < steps; ++i)
        out += std::log1p(-alpha / (alpha + beta + static_cast<double>(i)));
    return out;
}

/// log S(t) = log B(alpha, beta + t) - log B(alpha, beta), finite for any alpha, beta > 0: whole steps by
/// the product of the renewal probabilities (up to 10^5 of them, else by log-gamma differences), the
/// fractional part f by the ratios Gamma(x) / Gamma(x + f), which neither overflow nor underflow.
double log_survival(double alpha, double beta, double t) {
    const double whole = std::floor(t), f = t - whole;
    double out = 0;
    if (whole <= 1e5) {
        out = log_survival_steps(alpha, beta, static_cast<std::int64_t>(whole));
    } else {
        out = boost::math::lgamma(beta + whole) - boost::math::lgamma(beta) -
              boost::math::lgamma(alpha + beta + whole) + boost::math::lgamma(alpha + beta);
    }
    if (f > 0) {
        out += std::log(boost::math::tgamma_delta_ratio(alpha + beta + whole, f)) -
               std::log(boost::math::tgamma_delta_ratio(beta + whole, f));
    }
    return out;
}

void validate_params(std::string_view where, const SbgParams& p) {
    detail::require_parameter(where, "alpha", p.alpha);
    detail::require_parameter(where, "beta", p.beta);
}

/// Log-likelihood and gradient by the recursions of Fader & Hardie (2007):
///   P(T=1) = alpha / (alpha + beta),  P(T=t) = P(T=t-1) (beta + t - 2) / (alpha + beta + t - 1),
///   S(t) = S(t-1) (beta + t - 1) / (alpha + beta + t - 1),
/// carried in logs together with their derivatives in alpha and beta (exact, no special functions).
double log_likelihood(std::span<const double> n, double alpha, double beta, Eigen::Vector2d* gradient) {
    double log_p = std::log(alpha) - std::log(alpha + beta);
    double dp_a = 1 / alpha - 1 / (alpha + beta), dp_b = -1 / (alpha + beta);
    double log_s = 0, ds_a = 0, ds_b = 0;  // S(0) = 1
    double ll = 0, g_a = 0, g_b = 0;
    for (std::size_t i = 1; i < n.size(); ++i) {
        const double t = static_cast<double>(i);
        if (i > 1) {
            log_p += std::log(beta + t - 2) - std::log(alpha + beta + t - 1);
            dp_a -= 1 / (alpha + beta + t - 1);
            dp_b += 1 / (beta + t - 2) - 1 / (alpha + beta + t - 1);
        }
        log_s += std::log(beta + t - 1) - std::log(alpha + beta + t - 1);
        ds_a -= 1 / (alpha + beta + t - 1);
        ds_b += 1 / (beta + t - 1) - 1 / (alpha + beta + t - 1);
        const double churned = n[i - 1] - n[i];
        if (churned > 0) {
            ll += churned * log_p;
            g_a += churned * dp_a;
            g_b += churned * dp_b;
        }
    }
    const double remaining = n.back();
    if (remaining > 0) {
        ll += remaining * log_s;
        g_a += remaining * ds_a;
        g_b += remaining * ds_b;
    }
    if (gradient) *gradient = {g_a, g_b};
    return ll;
}

/// Reports a fit whose alpha + beta ran off towards infinity (no heterogeneity: a constant churn) at the
/// geometric limit: the churn is the geometric model's maximum-likelihood estimate, churned / exposures
/// (customer-periods at risk), alpha / (alpha + beta) is set to it at the fit's alpha + beta, the
/// covariance is undefined (NaN), and the fit is marked not converged with a message saying so.
void geometric_limit(std::span<const double> n, SbgFit& fit) {
    double exposures = 0;
    for (std::size_t t = 1; t < n.size(); ++t) exposures += n[t - 1];
    const double churn = (n.front() - n.back()) / exposures;
    const double total = fit.params.alpha + fit.params.beta;
    if (!(churn > 0 && churn < 1)) return;
    fit.params = {churn * total, (1 - churn) * total};
    fit.log_likelihood = log_likelihood(n, fit.params.alpha, fit.params.beta, nullptr);
    fit.covariance.setConstant(detail::nan);
    fit.standard_errors = {detail::nan, detail::nan};
    fit.convergence.converged = false;
    fit.convergence.message =
        "no heterogeneity: alpha + beta = " + detail::format_number(total) +
        " runs off to infinity (every customer churns at the same rate); reported at the "
        "geometric limit, churn " +
        detail::format_number(churn) + " a period = alpha / (alpha + beta), S(t) = (1 - churn)^t";
}

}  // namespace

SbgFit fit_sbg(std::span<const double> survivors, const FitOptions& options) {
    constexpr std::string_view where = "fit_sbg";
    validate_survivors(where, survivors);
    detail::require_options(where, options);
    const double cohort = survivors[0];
    const double lambda = options.penalizer_coef;
    SbgFit fit;
    auto objective = [&](const Eigen::Vector2d& u, Eigen::Vector2d& g) {
        const Eigen::Vector2d theta = u.array().exp();
        Eigen::Vector2d dll;
        const double ll = log_likelihood(survivors, theta(0), theta(1), &dll);
        g = ((-dll / cohort + 2 * lambda * theta).array() * theta.array()).matrix();
        return -ll / cohort + lambda * theta.squaredNorm();
    };
    const Eigen::Vector2d u =
        detail::minimize<2>(objective, Eigen::Vector2d::Zero(), options, fit.convergence);
    const Eigen::Vector2d theta = u.array().exp();
    fit.params = {theta(0), theta(1)};
    fit.log_likelihood = log_likelihood(survivors, theta(0), theta(1), nullptr);
    auto total_gradient = [&](const Eigen::Vector2d& v, Eigen::Vector2d& g) {
        Eigen::Vector2d dll;
        log_likelihood(survivors, v(0), v(1), &dll);
        g = -dll + 2 * cohort * lambda * v;
    };
    int evaluations = 0;
    const Eigen::Matrix2d hessian =
        detail::hessian_of_gradient<2>(total_gradient, theta, 1e-5, 0.0, evaluations);
    fit.convergence.evaluations += evaluations;
    fit.covariance = detail::covariance_from_hessian<2>(hessian);
    fit.standard_errors = {std::sqrt(fit.covariance(0, 0)), std::sqrt(fit.covariance(1, 1))};
    if (theta(0) + theta(1) > homogeneous) geometric_limit(survivors, fit);
    return fit;
}

double sbg_log_likelihood(const SbgParams& params, std::span<const double> survivors,
                          Eigen::Vector2d* gradient) {
    constexpr std::string_view where = "sbg_log_likelihood";
    validate_params(where, params);
    validate_survivors(where, survivors);
    return log_likelihood(survivors, params.alpha, params.beta, gradient);
}

double survival_function(const SbgParams& params, double t) {
    validate_params("survival_function", params);
    if (!(t >= 0) || std::isinf(t)) return detail::nan;
    if (t == 0) return 1;
    return std::exp(log_survival(params.alpha, params.beta, t));
}

double retention_rate(const SbgParams& params, double t) {
    validate_params("retention_rate", params);
    if (!(t >= 1) || std::isinf(t)) return detail::nan;
    return (params.beta + t - 1) / (params.alpha + params.beta + t - 1);
}

double churn_probability(const SbgParams& params, double t) {
    validate_params("churn_probability", params);
    if (!(t >= 1) || std::isinf(t)) return detail::nan;
    // S(t-1) - S(t) = S(t-1) (1 - r(t)) = S(t-1) alpha / (alpha + beta + t - 1).
    return survival_function(params, t - 1) * params.alpha / (params.alpha + params.beta + t - 1);
}

double discounted_expected_residual_lifetime(const SbgParams& params, double discount_rate, int renewals) {
    constexpr std::string_view where = "discounted_expected_residual_lifetime";
    validate_params(where, params);
    if (!(discount_rate > 0) || !std::isfinite(discount_rate))
        detail::fail(where, "discount_rate = " + detail::format_number(discount_rate) + " must be > 0");
    if (renewals < 0) detail::fail(where, "renewals = " + std::to_string(renewals) + " must be >= 0");
    const double n = renewals;
    return (params.beta + n) / (params.alpha + params.beta + n) *
           hyp2f1(1, params.beta + n + 1, params.alpha + params.beta + n + 1, 1 / (1 + discount_rate));
}

}  // namespace accountkpi::ltv
