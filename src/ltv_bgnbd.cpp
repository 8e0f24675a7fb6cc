// BG/NBD: validation, the vectorised log-likelihood with its analytic gradient, the fit and the predictions.
#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numeric>

#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/hypergeometric.hpp"
#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;

void validate_rfm(std::string_view where, std::span<const double> frequency, std::span<const double> recency,
                  std::span<const double> T) {
    detail::require_non_empty(where, "frequency", frequency);
    detail::require_same_size(where, "recency", recency, "frequency", frequency);
    detail::require_same_size(where, "T", T, "frequency", frequency);
    detail::require_values(where, "frequency", frequency, detail::Bound::non_negative, /*whole=*/true);
    detail::require_values(where, "recency", recency, detail::Bound::non_negative);
    detail::require_values(where, "T", T, detail::Bound::positive);
    for (std::size_t i = 0; i < recency.size(); ++i)
        if (recency[i] > T[i])
            detail::fail_at(where, "recency", i, recency[i],
                            "exceeds T[" + std::to_string(i) + "] = " + detail::format_number(T[i]));
}

void validate_weights(std::string_view where, std::span<const double> weights,
                      std::span<const double> frequency) {
    if (weights.empty()) return;
    detail::require_same_size(where, "weights", weights, "frequency", frequency);
    detail::require_values(where, "weights", weights, detail::Bound::non_negative);
    if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0) detail::fail(where, "weights are all 0");
}

void validate_params(std::string_view where, const BgNbdParams& p) {
    detail::require_parameter(where, "r", p.r);
    detail::require_parameter(where, "alpha", p.alpha);
    detail::require_parameter(where, "a", p.a);
    detail::require_parameter(where, "b", p.b);
}

/// The data arranged for fast evaluation: the terms that depend on x only are summed per distinct x; the rows
/// with x = 0 need only log(alpha + T); the rows with x > 0 are sorted by x so that each distinct x is one
/// segment.
struct BgNbdData {
    std::vector<double> group_x;       // distinct x, increasing
    std::vector<double> group_weight;  // total weight of each distinct x
    ArrayXd zero_T, zero_w;            // rows with x = 0
    ArrayXd T, tx, w;                  // rows with x > 0, sorted by x
    std::vector<Index> segment;        // rows of the k-th positive distinct x: [segment[k], segment[k+1])
    std::vector<double> segment_x;
    double total_weight = 0;
    double max_T = 0;

    void scale_time(double s) {
        zero_T *= s;
        T *= s;
        tx *= s;
        max_T *= s;
    }
};

BgNbdData arrange(std::span<const double> frequency, std::span<const double> recency,
                  std::span<const double> T, std::span<const double> weights) {
    const std::size_t n = frequency.size();
    auto weight = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };
    // Sorted by (x, t_x, T) so that identical customers are neighbours and collapse into one weighted row
    // (CDNOW: 2,357 customers, 1,016 distinct rows); rows with x = 0 need T only.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
        if (frequency[i] != frequency[j]) return frequency[i] < frequency[j];
        if (frequency[i] != 0 && recency[i] != recency[j]) return recency[i] < recency[j];
        return T[i] < T[j];
    });
    BgNbdData d;
    std::vector<double> zero_T, zero_w, pos_T, pos_tx, pos_w;
    for (const std::size_t i : order) {
        const double x = frequency[i];
        if (d.group_x.empty() || d.group_x.back() != x) {
            d.group_x.push_back(x);
            d.group_weight.push_back(0);
            if (x > 0) {
                d.segment.push_back(static_cast<Index>(pos_T.size()));
                d.segment_x.push_back(x);
            }
        }
        d.group_weight.back() += weight(i);
        d.total_weight += weight(i);
        d.max_T = std::max(d.max_T, T[i]);
        if (x == 0) {
            if (!zero_T.empty() && zero_T.back() == T[i]) {
                zero_w.back() += weight(i);
            } else {
                zero_T.push_back(T[i]);
                zero_w.push_back(weight(i));
            }
        } else if (!pos_T.empty() && d.segment.back() < static_cast<Index>(pos_T.size()) &&
                   pos_tx.back() == recency[i] && pos_T.back() == T[i]) {
            pos_w.back() += weight(i);  // the same customer as the previous row (same x: same segment)
        } else {
            pos_T.push_back(T[i]);
            pos_tx.push_back(recency[i]);
            pos_w.push_back(weight(i));
        }
    }
    const auto to_array = [](const std::vector<double>& v) {
        return ArrayXd(Eigen::Map<const ArrayXd>(v.data(), static_cast<Index>(v.size())));
    };
    d.zero_T = to_array(zero_T);
    d.zero_w = to_array(zero_w);
    d.T = to_array(pos_T);
    d.tx = to_array(pos_tx);
    d.w = to_array(pos_w);
    d.segment.push_back(static_cast<Index>(pos_T.size()));
    return d;
}

/// sum_i w_i log L_i and its gradient d/d(r, alpha, a, b). Per customer (FHL 2005):
///   log L = A1 + A2 + log(exp(A3) + [x>0] exp(A4)),
///   A1 = lnG(r+x) - lnG(r) + r ln(alpha),   A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x),
///   A3 = -(r+x) ln(alpha+T),                A4 = ln(a) - ln(b+x-1) - (r+x) ln(alpha+t_x).
double log_likelihood(const BgNbdData& d, const BgNbdParams& p, Eigen::Vector4d* gradient) {
    using boost::math::digamma;
    using boost::math::lgamma;
    const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
    const double log_alpha = std::log(alpha);
    const double lg_r = lgamma(r), lg_b = lgamma(b), lg_ab = lgamma(a + b);
    const double dg_r = digamma(r), dg_b = digamma(b), dg_ab = digamma(a + b);
    double ll = 0;
    Eigen::Vector4d g = Eigen::Vector4d::Zero();
    // A1 + A2, per distinct x.
    for (std::size_t k = 0; k < d.group_x.size(); ++k) {
        const double x = d.group_x[k], w = d.group_weight[k];
        if (x == 0) {
            ll += w * r * log_alpha;
            g(0) += w * log_alpha;
        } else {
            ll +=
                w * (lgamma(r + x) - lg_r + r * log_alpha + lg_ab + lgamma(b + x) - lg_b - lgamma(a + b + x));
            g(0) += w * (digamma(r + x) - dg_r + log_alpha);
            g(2) += w * (dg_ab - digamma(a + b + x));
            g(3) += w * (dg_ab + digamma(b + x) - dg_b - digamma(a + b + x));
        }
        g(1) += w * r / alpha;
    }
    // Rows with x = 0: log L = A1 + A2 + A3 with A1 = r ln(alpha), A2 = 0, A3 = -r ln(alpha + T).
    if (d.zero_T.size() > 0) {
        const ArrayXd shifted = alpha + d.zero_T;
        const double sum_log = (d.zero_w * shifted.log()).sum();
        ll -= r * sum_log;
        g(0) -= sum_log;
        g(1) -= r * (d.zero_w / shifted).sum();
    }
    // Rows with x > 0: log(exp(A3) + exp(A4)), as max + log1p(exp(-|A3 - A4|)).
    const Index n = d.T.size();
    if (n > 0) {
        ArrayXd k(n), c(n), inv_bx(n);  // r + x, ln(a) - ln(b+x-1), 1/(b+x-1), constant on each segment
        for (std::size_t s = 0; s + 1 < d.segment.size(); ++s) {
            const Index begin = d.segment[s], size = d.segment[s + 1] - begin;
            const double x = d.segment_x[s];
            k.segment(begin, size).setConstant(r + x);
            c.segment(begin, size).setConstant(std::log(a) - std::log(b + x - 1));
            inv_bx.segment(begin, size).setConstant(1 / (b + x - 1));
        }
        const ArrayXd aT = alpha + d.T, at = alpha + d.tx;
        const ArrayXd log_aT = aT.log(), log_at = at.log();
        const ArrayXd a3 = -k * log_aT;
        const ArrayXd a4 = c - k * log_at;
        const ArrayXd row = a3.max(a4) + (-(a3 - a4).abs()).exp().log1p();
        const ArrayXd w3 = (a3 - row).exp();  // share of the "still active" term
        const ArrayXd w4 = (a4 - row).exp();  // share of the "dropped out after the last purchase" term
        ll += (d.w * row).sum();
        g(0) -= (d.w * (w3 * log_aT + w4 * log_at)).sum();
        g(1) -= (d.w * k * (w3 / aT + w4 / at)).sum();
        g(2) += (d.w * w4).sum() / a;
        g(3) -= (d.w * w4 * inv_bx).sum();
    }
    if (gradient) *gradient = g;
    return ll;
}

BgNbdParams as_params(const Eigen::Vector4d& v) {
    return {v(0), v(1), v(2), v(3)};
}

}  // namespace

BgNbdFit fit_bgnbd(std::span<const double> frequency, std::span<const double> recency,
                   std::span<const double> T, std::span<const double> weights, const FitOptions& options) {
    constexpr std::string_view where = "fit_bgnbd";
    validate_rfm(where, frequency, recency, T);
    validate_weights(where, weights, frequency);
    detail::require_options(where, options);
    const BgNbdData data = arrange(frequency, recency, T, weights);
    const double W = data.total_weight;
    const double lambda = options.penalizer_coef;

    // Optimise in a time unit where max(T) = 10 (as lifetimes does): alpha is then of order 1.
    const double scale = 10 / data.max_T;
    BgNbdData scaled = data;
    scaled.scale_time(scale);
    BgNbdFit fit;
    auto objective = [&](const Eigen::Vector4d& u, Eigen::Vector4d& g) {
        const Eigen::Vector4d theta = u.array().exp();
        Eigen::Vector4d dll;
        const double ll = log_likelihood(scaled, as_params(theta), &dll);
        g = ((-dll / W + 2 * lambda * theta).array() * theta.array()).matrix();
        return -ll / W + lambda * theta.squaredNorm();
    };
    const Eigen::Vector4d u =
        detail::minimize<4>(objective, Eigen::Vector4d::Zero(), options, fit.convergence);
    Eigen::Vector4d theta = u.array().exp();
    theta(1) /= scale;
    fit.params = as_params(theta);
    fit.total_weight = W;
    fit.log_likelihood = log_likelihood(data, fit.params, nullptr);

    // Hessian of the total penalised negative log-likelihood in (r, alpha, a, b), unscaled data.
    const Eigen::Vector4d penalty_scale(1, scale * scale, 1, 1);
    auto total_gradient = [&](const Eigen::Vector4d& v, Eigen::Vector4d& g) {
        Eigen::Vector4d dll;
        log_likelihood(data, as_params(v), &dll);
        g = -dll + 2 * W * lambda * (penalty_scale.array() * v.array()).matrix();
    };
    int evaluations = 0;
    const Eigen::Matrix4d hessian =
        detail::hessian_of_gradient<4>(total_gradient, theta, 1e-5, 0.0, evaluations);
    fit.convergence.evaluations += evaluations;
    fit.covariance = detail::covariance_from_hessian<4>(hessian);
    fit.standard_errors = as_params(fit.covariance.diagonal().array().sqrt());
    return fit;
}

double bgnbd_log_likelihood(const BgNbdParams& params, std::span<const double> frequency,
                            std::span<const double> recency, std::span<const double> T,
                            std::span<const double> weights, Eigen::Vector4d* gradient) {
    constexpr std::string_view where = "bgnbd_log_likelihood";
    validate_params(where, params);
    validate_rfm(where, frequency, recency, T);
    validate_weights(where, weights, frequency);
    return log_likelihood(arrange(frequency, recency, T, weights), params, gradient);
}

double expected_number_of_purchases_up_to_time(const BgNbdParams& p, double t) {
    validate_params("expected_number_of_purchases_up_to_time", p);
    if (!(t >= 0) || !std::isfinite(t)) return detail::nan;
    if (t == 0) return 0;
    const double z = t / (p.alpha + t);
    const double hyp = hyp2f1(p.r, p.b, p.a + p.b - 1, z);
    return (p.a + p.b - 1) / (p.a - 1) * (1 - std::pow(p.alpha / (p.alpha + t), p.r) * hyp);
}

std::vector<double> conditional_expected_number_of_purchases_up_to_time(const BgNbdParams& p, double t,
                                                                        std::span<const double> frequency,
                                                                        std::span<const double> recency,
                                                                        std::span<const double> T) {
    constexpr std::string_view where = "conditional_expected_number_of_purchases_up_to_time";
    validate_params(where, p);
    validate_rfm(where, frequency, recency, T);
    if (!(t >= 0) || !std::isfinite(t))
        detail::fail(where, "t = " + detail::format_number(t) + " must be >= 0");
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i];
        if (t == 0) {
            out[i] = 0;
            continue;
        }
        const double aT = p.alpha + T[i];
        const double hyp = hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, t / (aT + t));
        const double numerator =
            (p.a + p.b + x - 1) / (p.a - 1) * (1 - std::exp((p.r + x) * std::log(aT / (aT + t))) * hyp);
        const double odds_dropped =
            x > 0 ? p.a / (p.b + x - 1) * std::exp((p.r + x) * std::log(aT / (p.alpha + recency[i]))) : 0.0;
        out[i] = numerator / (1 + odds_dropped);
    }
    return out;
}

std::vector<double> conditional_probability_alive(const BgNbdParams& p, std::span<const double> frequency,
                                                  std::span<const double> recency,
                                                  std::span<const double> T) {
    constexpr std::string_view where = "conditional_probability_alive";
    validate_params(where, p);
    validate_rfm(where, frequency, recency, T);
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i];
        if (x == 0) {
            out[i] = 1;
            continue;
        }
        // log of the odds "dropped out after the last purchase" : "still active".
        const double log_odds =
            std::log(p.a / (p.b + x - 1)) + (p.r + x) * std::log((p.alpha + T[i]) / (p.alpha + recency[i]));
        out[i] = 1 / (1 + std::exp(log_odds));
    }
    return out;
}

}  // namespace accountkpi::ltv
