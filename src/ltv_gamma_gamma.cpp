// Gamma-Gamma spend model: validation, log-likelihood with analytic gradient, fit, predictions and the CLV.
#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numeric>

#include "accountkpi/ltv/gamma_gamma.hpp"
#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;

void validate_spend(std::string_view where, std::span<const double> frequency,
                    std::span<const double> monetary, std::span<const double> weights) {
    detail::require_non_empty(where, "frequency", frequency);
    detail::require_same_size(where, "monetary_value", monetary, "frequency", frequency);
    detail::require_values(where, "frequency", frequency, detail::Bound::positive, /*whole=*/true);
    detail::require_values(where, "monetary_value", monetary, detail::Bound::positive);
    if (!weights.empty()) {
        detail::require_same_size(where, "weights", weights, "frequency", frequency);
        detail::require_values(where, "weights", weights, detail::Bound::non_negative);
        if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0)
            detail::fail(where, "weights are all 0");
    }
}

void validate_params(std::string_view where, const GammaGammaParams& p) {
    detail::require_parameter(where, "p", p.p);
    detail::require_parameter(where, "q", p.q);
    detail::require_parameter(where, "v", p.v);
}

/// Rows sorted by x, one segment per distinct x; the parameter-free sums precomputed.
struct SpendData {
    std::vector<double> group_x, group_weight;
    std::vector<Index> segment;  // rows of the k-th distinct x: [segment[k], segment[k+1])
    ArrayXd xm, w;               // x_i m_i and w_i, sorted by x
    double sum_w_x_log_m = 0;    // sum w x ln m
    double sum_w_log_m = 0;      // sum w ln m
    double total_weight = 0;
};

SpendData arrange(std::span<const double> frequency, std::span<const double> monetary,
                  std::span<const double> weights) {
    const std::size_t n = frequency.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t i, std::size_t j) { return frequency[i] < frequency[j]; });
    SpendData d;
    d.xm.resize(static_cast<Index>(n));
    d.w.resize(static_cast<Index>(n));
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = order[k];
        const double x = frequency[i], m = monetary[i], w = weights.empty() ? 1.0 : weights[i];
        if (d.group_x.empty() || d.group_x.back() != x) {
            d.group_x.push_back(x);
            d.group_weight.push_back(0);
            d.segment.push_back(static_cast<Index>(k));
        }
        d.group_weight.back() += w;
        d.total_weight += w;
        d.xm(static_cast<Index>(k)) = x * m;
        d.w(static_cast<Index>(k)) = w;
        d.sum_w_x_log_m += w * x * std::log(m);
        d.sum_w_log_m += w * std::log(m);
    }
    d.segment.push_back(static_cast<Index>(n));
    return d;
}

/// sum_i w_i log f(m_i | x_i) with (Fader & Hardie 2013)
///   log f = lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + x m),
/// and its gradient d/d(p, q, v).
double log_likelihood(const SpendData& d, const GammaGammaParams& params, Eigen::Vector3d* gradient) {
    using boost::math::digamma;
    using boost::math::lgamma;
    const double p = params.p, q = params.q, v = params.v;
    const double lg_q = lgamma(q), dg_q = digamma(q), log_v = std::log(v);
    double ll = p * d.sum_w_x_log_m - d.sum_w_log_m;
    Eigen::Vector3d g(d.sum_w_x_log_m, 0, 0);
    const ArrayXd shifted = v + d.xm;
    const ArrayXd log_shifted = shifted.log();
    for (std::size_t k = 0; k < d.group_x.size(); ++k) {
        const double x = d.group_x[k], W = d.group_weight[k];
        const Index begin = d.segment[k], size = d.segment[k + 1] - begin;
        const double sum_log = (d.w.segment(begin, size) * log_shifted.segment(begin, size)).sum();
        const double sum_inv = (d.w.segment(begin, size) / shifted.segment(begin, size)).sum();
        const double px = p * x;
        ll += W * (lgamma(px + q) - lgamma(px) - lg_q + q * log_v + px * std::log(x)) - (px + q) * sum_log;
        g(0) += W * x * (digamma(px + q) - digamma(px) + std::log(x)) - x * sum_log;
        g(1) += W * (digamma(px + q) - dg_q + log_v) - sum_log;
        g(2) += W * q / v - (px + q) * sum_inv;
    }
    if (gradient) *gradient = g;
    return ll;
}

GammaGammaParams as_params(const Eigen::Vector3d& v) {
    return {v(0), v(1), v(2)};
}

}  // namespace

GammaGammaFit fit_gamma_gamma(std::span<const double> frequency, std::span<const double> monetary_value,
                              std::span<const double> weights, const FitOptions& options) {
    constexpr std::string_view where = "fit_gamma_gamma";
    validate_spend(where, frequency, monetary_value, weights);
    detail::require_options(where, options);
    const SpendData data = arrange(frequency, monetary_value, weights);
    const double W = data.total_weight;
    const double lambda = options.penalizer_coef;
    GammaGammaFit fit;
    auto objective = [&](const Eigen::Vector3d& u, Eigen::Vector3d& g) {
        const Eigen::Vector3d theta = u.array().exp();
        Eigen::Vector3d dll;
        const double ll = log_likelihood(data, as_params(theta), &dll);
        g = ((-dll / W + 2 * lambda * theta).array() * theta.array()).matrix();
        return -ll / W + lambda * theta.squaredNorm();
    };
    const Eigen::Vector3d u =
        detail::minimize<3>(objective, Eigen::Vector3d::Zero(), options, fit.convergence);
    const Eigen::Vector3d theta = u.array().exp();
    fit.params = as_params(theta);
    fit.total_weight = W;
    fit.log_likelihood = log_likelihood(data, fit.params, nullptr);
    auto total_gradient = [&](const Eigen::Vector3d& t, Eigen::Vector3d& g) {
        Eigen::Vector3d dll;
        log_likelihood(data, as_params(t), &dll);
        g = -dll + 2 * W * lambda * t;
    };
    int evaluations = 0;
    const Eigen::Matrix3d hessian =
        detail::hessian_of_gradient<3>(total_gradient, theta, 1e-5, 0.0, evaluations);
    fit.convergence.evaluations += evaluations;
    fit.covariance = detail::covariance_from_hessian<3>(hessian);
    fit.standard_errors = as_params(fit.covariance.diagonal().array().sqrt());
    return fit;
}

double gamma_gamma_log_likelihood(const GammaGammaParams& params, std::span<const double> frequency,
                                  std::span<const double> monetary_value, std::span<const double> weights,
                                  Eigen::Vector3d* gradient) {
    constexpr std::string_view where = "gamma_gamma_log_likelihood";
    validate_params(where, params);
    validate_spend(where, frequency, monetary_value, weights);
    return log_likelihood(arrange(frequency, monetary_value, weights), params, gradient);
}

std::vector<double> conditional_expected_average_profit(const GammaGammaParams& params,
                                                        std::span<const double> frequency,
                                                        std::span<const double> monetary_value) {
    constexpr std::string_view where = "conditional_expected_average_profit";
    validate_params(where, params);
    detail::require_same_size(where, "monetary_value", monetary_value, "frequency", frequency);
    detail::require_values(where, "frequency", frequency, detail::Bound::non_negative);
    detail::require_values(where, "monetary_value", monetary_value, detail::Bound::non_negative);
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i];
        const double denominator = params.p * x + params.q - 1;
        out[i] = denominator > 0 ? params.p * (params.v + x * monetary_value[i]) / denominator : detail::nan;
    }
    return out;
}

double units_per_month(char freq) {
    switch (freq) {
        case 'D':
            return 30.0;
        case 'W':
            return 4.345;
        case 'M':
            return 1.0;
        case 'H':
            return 30.0 * 24.0;
        default:
            detail::fail("units_per_month", std::string("freq = '") + freq + "' is not one of D, W, M, H");
    }
}

std::vector<double> customer_lifetime_value(const GammaGammaParams& params, const BgNbdParams& bgnbd,
                                            std::span<const double> frequency,
                                            std::span<const double> recency, std::span<const double> T,
                                            std::span<const double> monetary_value, int months,
                                            double discount_rate, double units_per_month) {
    constexpr std::string_view where = "customer_lifetime_value";
    if (months < 1) detail::fail(where, "months = " + std::to_string(months) + " must be >= 1");
    if (!(discount_rate > -1) || !std::isfinite(discount_rate))
        detail::fail(where, "discount_rate = " + detail::format_number(discount_rate) + " must be > -1");
    if (!(units_per_month > 0) || !std::isfinite(units_per_month))
        detail::fail(where, "units_per_month = " + detail::format_number(units_per_month) + " must be > 0");
    detail::require_same_size(where, "monetary_value", monetary_value, "frequency", frequency);
    const std::vector<double> profit = conditional_expected_average_profit(params, frequency, monetary_value);
    std::vector<double> clv(frequency.size(), 0.0);
    std::vector<double> previous(frequency.size(), 0.0);  // N_i((k-1) u); N_i(0) = 0
    for (int k = 1; k <= months; ++k) {
        const double t = k * units_per_month;
        const std::vector<double> cumulative =
            conditional_expected_number_of_purchases_up_to_time(bgnbd, t, frequency, recency, T);
        const double discount = std::pow(1 + discount_rate, k);
        for (std::size_t i = 0; i < clv.size(); ++i) {
            clv[i] += profit[i] * (cumulative[i] - previous[i]) / discount;
            previous[i] = cumulative[i];
        }
    }
    return clv;
}

}  // namespace accountkpi::ltv
