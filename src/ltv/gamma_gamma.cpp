// Gamma-Gamma spend model: validation, log-likelihood with analytic gradient, fit, predictions and the CLV.
#include "accountkpi/ltv/gamma_gamma.hpp"

#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

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

/// Rows grouped by x (counting sort), one segment per distinct x; the parameter-free sums precomputed.
struct SpendData {
    std::vector<double> group_x, group_weight;
    std::vector<std::size_t> segment;  // rows of the k-th distinct x: [segment[k], segment[k+1])
    std::vector<double> xm, w;         // x_i m_i and w_i, grouped by x
    double sum_w_x_log_m = 0;          // sum w x ln m
    double sum_w_log_m = 0;            // sum w ln m
    double total_weight = 0;
};

SpendData arrange(std::span<const double> frequency, std::span<const double> monetary,
                  std::span<const double> weights) {
    const std::size_t n = frequency.size();
    SpendData d;
    const std::vector<std::uint32_t> group = detail::group_of(frequency, d.group_x);
    d.segment.assign(d.group_x.size() + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++d.segment[group[i] + 1];
    for (std::size_t k = 0; k < d.group_x.size(); ++k) d.segment[k + 1] += d.segment[k];
    std::vector<std::size_t> next(d.segment.begin(), d.segment.end() - 1);
    d.group_weight.assign(d.group_x.size(), 0.0);
    d.xm.resize(n);
    d.w.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = frequency[i], m = monetary[i], w = weights.empty() ? 1.0 : weights[i];
        const std::size_t k = next[group[i]]++;
        d.xm[k] = x * m;
        d.w[k] = w;
        d.group_weight[group[i]] += w;
        d.total_weight += w;
        const double log_m = std::log(m);
        d.sum_w_x_log_m += w * x * log_m;
        d.sum_w_log_m += w * log_m;
    }
    return d;
}

/// sum_i w_i log f(m_i | x_i) with (Fader & Hardie 2013)
///   log f = lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + x m),
/// its gradient d/d(p, q, v) and its Hessian.
double log_likelihood(const SpendData& d, const GammaGammaParams& params, Eigen::Vector3d* gradient,
                      Eigen::Matrix3d* hessian) {
    using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
    const Policy policy;
    const double p = params.p, q = params.q, v = params.v;
    const double lg_q = boost::math::lgamma(q, policy), dg_q = boost::math::digamma(q, policy);
    const double tg_q = boost::math::trigamma(q, policy), log_v = std::log(v);
    double ll = p * d.sum_w_x_log_m - d.sum_w_log_m;
    Eigen::Vector3d g(d.sum_w_x_log_m, 0, 0);
    Eigen::Matrix3d h = Eigen::Matrix3d::Zero();  // upper triangle, mirrored at the end
    for (std::size_t k = 0; k < d.group_x.size(); ++k) {
        const double x = d.group_x[k], W = d.group_weight[k];
        double sum_log = 0, sum_inv = 0, sum_inv2 = 0;  // sum w ln(v + x m), sum w / (v + x m), ... ^2
        for (std::size_t i = d.segment[k]; i < d.segment[k + 1]; ++i) {
            const double inverse = 1 / (v + d.xm[i]);
            sum_log += d.w[i] * std::log(v + d.xm[i]);
            sum_inv += d.w[i] * inverse;
            sum_inv2 += d.w[i] * inverse * inverse;
        }
        const double px = p * x, log_x = std::log(x);
        const double dg_sum = boost::math::digamma(px + q, policy), dg_px = boost::math::digamma(px, policy);
        const double tg_sum = boost::math::trigamma(px + q, policy),
                     tg_px = boost::math::trigamma(px, policy);
        ll += W * (boost::math::lgamma(px + q, policy) - boost::math::lgamma(px, policy) - lg_q + q * log_v +
                   px * log_x) -
              (px + q) * sum_log;
        g(0) += W * x * (dg_sum - dg_px + log_x) - x * sum_log;
        g(1) += W * (dg_sum - dg_q + log_v) - sum_log;
        g(2) += W * q / v - (px + q) * sum_inv;
        h(0, 0) += W * x * x * (tg_sum - tg_px);
        h(0, 1) += W * x * tg_sum;
        h(0, 2) -= x * sum_inv;
        h(1, 1) += W * (tg_sum - tg_q);
        h(1, 2) += W / v - sum_inv;
        h(2, 2) += (px + q) * sum_inv2 - W * q / (v * v);
    }
    if (gradient) *gradient = g;
    if (hessian) *hessian = h.selfadjointView<Eigen::Upper>();
    return ll;
}

GammaGammaParams as_params(const Eigen::Vector3d& v) {
    return {v(0), v(1), v(2)};
}

}  // namespace

GammaGammaFit fit_gamma_gamma(std::span<const double> frequency, std::span<const double> monetary_value,
                              std::span<const double> weights, const FitOptions& options, bool q_constraint) {
    constexpr std::string_view where = "fit_gamma_gamma";
    validate_spend(where, frequency, monetary_value, weights);
    detail::require_options(where, options);
    const SpendData data = arrange(frequency, monetary_value, weights);
    detail::LogSpaceObjective<3> objective;
    objective.total_weight = data.total_weight;
    objective.lambda = options.penalizer_coef;
    // q > 1 (the mean spend p v / (q - 1) exists) as q = 1 + exp(u_q), started at q = 2; v's natural unit is
    // the typical spend, exp(mean log m), where the fit starts (p = q = 1): the fit is then the same in any
    // currency unit (from v = 1 it failed on spends in the thousands).
    if (q_constraint) objective.lower(1) = 1;
    objective.unit(2) = std::exp(data.sum_w_log_m / data.total_weight);
    GammaGammaFit fit;
    const auto result = detail::fit_in_log_space<3>(
        [&](const Eigen::Vector3d& theta, Eigen::Vector3d* gradient, Eigen::Matrix3d* hessian) {
            return log_likelihood(data, as_params(theta), gradient, hessian);
        },
        objective, Eigen::Vector3d(0, 0, std::log(objective.unit(2))), options, {"p", "q", "v"},
        fit.convergence);
    fit.params = as_params(result.theta);
    fit.total_weight = data.total_weight;
    fit.log_likelihood = result.log_likelihood;
    fit.covariance = result.covariance;
    fit.standard_errors = as_params(fit.covariance.diagonal().array().sqrt());
    return fit;
}

double gamma_gamma_log_likelihood(const GammaGammaParams& params, std::span<const double> frequency,
                                  std::span<const double> monetary_value, std::span<const double> weights,
                                  Eigen::Vector3d* gradient, Eigen::Matrix3d* hessian) {
    constexpr std::string_view where = "gamma_gamma_log_likelihood";
    validate_params(where, params);
    validate_spend(where, frequency, monetary_value, weights);
    return log_likelihood(arrange(frequency, monetary_value, weights), params, gradient, hessian);
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

double conditional_expected_average_profit(const GammaGammaParams& params, const CustomerRfm& customer) {
    return conditional_expected_average_profit(params, {&customer.frequency, 1},
                                               {&customer.monetary_value, 1})[0];
}

double customer_lifetime_value(const GammaGammaParams& params, const BgNbdParams& bgnbd,
                               const CustomerRfm& customer, int months, double discount_rate,
                               double units_per_month) {
    return customer_lifetime_value(params, bgnbd, {&customer.frequency, 1}, {&customer.recency, 1},
                                   {&customer.T, 1}, {&customer.monetary_value, 1}, months, discount_rate,
                                   units_per_month)[0];
}

}  // namespace accountkpi::ltv
