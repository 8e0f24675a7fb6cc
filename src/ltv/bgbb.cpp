// BG/BB: validation, the log-likelihood of distinct (x, t_x, n) patterns with its exact gradient and
// Hessian, the fit and the predictions (see include/accountkpi/ltv/bgbb.hpp).
#include "accountkpi/ltv/bgbb.hpp"

#include <algorithm>
#include <array>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>

#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

void validate_params(std::string_view where, const BgBbParams& p) {
    detail::require_parameter(where, "alpha", p.alpha);
    detail::require_parameter(where, "beta", p.beta);
    detail::require_parameter(where, "gamma", p.gamma);
    detail::require_parameter(where, "delta", p.delta);
}

void validate_data(std::string_view where, std::span<const double> x, std::span<const double> tx,
                   std::span<const double> n, std::span<const double> weights) {
    detail::require_non_empty(where, "frequency", x);
    detail::require_same_size(where, "recency", tx, "frequency", x);
    detail::require_same_size(where, "n_periods", n, "frequency", x);
    detail::require_values(where, "frequency", x, detail::Bound::non_negative, /*whole=*/true);
    detail::require_values(where, "recency", tx, detail::Bound::non_negative, /*whole=*/true);
    detail::require_values(where, "n_periods", n, detail::Bound::non_negative, /*whole=*/true);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i] > tx[i])
            detail::fail_at(where, "frequency", i, x[i],
                            "exceeds recency[" + std::to_string(i) + "] = " + detail::format_number(tx[i]));
        if (tx[i] > n[i])
            detail::fail_at(where, "recency", i, tx[i],
                            "exceeds n_periods[" + std::to_string(i) + "] = " + detail::format_number(n[i]));
        if (x[i] == 0 && tx[i] != 0)
            detail::fail_at(where, "recency", i, tx[i], "must be 0 when frequency is 0");
    }
    if (weights.empty()) return;
    detail::require_same_size(where, "weights", weights, "frequency", x);
    detail::require_values(where, "weights", weights, detail::Bound::non_negative);
    if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0) detail::fail(where, "weights are all 0");
}

/// The distinct (n, t_x, x) of the data with their total weights, in that order.
detail::DistinctRows patterns(std::span<const double> x, std::span<const double> tx,
                              std::span<const double> n, std::span<const double> weights) {
    return detail::distinct_rows(n, tx, x, weights);
}

/// ln G, psi and psi' at z, moved to z + 1 by the recurrences.
struct Special {
    double z = 0, lg = 0, dg = 0, tg = 0;
    static Special at(double z) {
        const Policy policy;
        return {z, boost::math::lgamma(z, policy), boost::math::digamma(z, policy),
                boost::math::trigamma(z, policy)};
    }
    void step() {
        const double inverse = 1 / z;
        lg += std::log(z);
        dg += inverse;
        tg -= inverse * inverse;
        z += 1;
    }
};

/// One term ln B(p', q1) + ln B(g', q2) of a customer's likelihood (without -ln B(a, b) - ln B(g, d)), with
/// its gradient and Hessian in (alpha, beta, gamma, delta): p' = alpha + x, g' = gamma or gamma + 1, and
/// the running arguments q1 = beta + ..., s1 = p' + q1, q2 = delta + ..., s2 = g' + q2.
struct Term {
    double value;
    Eigen::Vector4d g;
    Eigen::Matrix4d h;
};

Term term(const Special& p, const Special& q1, const Special& s1, const Special& g, const Special& q2,
          const Special& s2, bool derivatives) {
    Term t{p.lg + q1.lg - s1.lg + g.lg + q2.lg - s2.lg, Eigen::Vector4d::Zero(), Eigen::Matrix4d::Zero()};
    if (!derivatives) return t;
    t.g = {p.dg - s1.dg, q1.dg - s1.dg, g.dg - s2.dg, q2.dg - s2.dg};
    t.h(0, 0) = p.tg - s1.tg;
    t.h(0, 1) = t.h(1, 0) = -s1.tg;
    t.h(1, 1) = q1.tg - s1.tg;
    t.h(2, 2) = g.tg - s2.tg;
    t.h(2, 3) = t.h(3, 2) = -s2.tg;
    t.h(3, 3) = q2.tg - s2.tg;
    return t;
}

/// log(sum_k exp(A_k)) with its gradient and Hessian, accumulated term by term (rescaled at each new
/// maximum): with weights w_k = softmax(A_k), grad = sum w_k grad A_k and
/// hess = sum w_k (hess A_k + grad A_k grad A_k') - grad grad'.
class LogSumExp {
  public:
    void add(const Term& t) {
        if (t.value > max_) {
            const double rescale = std::exp(max_ - t.value);  // 0 for the first term
            sum_ *= rescale;
            g_ *= rescale;
            h_ *= rescale;
            max_ = t.value;
        }
        const double w = std::exp(t.value - max_);
        sum_ += w;
        g_ += w * t.g;
        h_ += w * (t.h + t.g * t.g.transpose());
    }
    double value() const { return max_ + std::log(sum_); }
    Eigen::Vector4d gradient() const { return g_ / sum_; }
    Eigen::Matrix4d hessian() const {
        const Eigen::Vector4d g = gradient();
        return h_ / sum_ - g * g.transpose();
    }

  private:
    double max_ = -std::numeric_limits<double>::infinity(), sum_ = 0;
    Eigen::Vector4d g_ = Eigen::Vector4d::Zero();
    Eigen::Matrix4d h_ = Eigen::Matrix4d::Zero();
};

/// log L of one customer without -ln B(a, b) - ln B(g, d): the alive term and the n - t_x terms of dying
/// after opportunity t_x + i, i = 0 .. n - t_x - 1.
LogSumExp customer(const BgBbParams& p, double x, double tx, double n, bool derivatives) {
    LogSumExp sum;
    const Special a_x = Special::at(p.alpha + x);
    sum.add(term(a_x, Special::at(p.beta + n - x), Special::at(p.alpha + p.beta + n), Special::at(p.gamma),
                 Special::at(p.delta + n), Special::at(p.gamma + p.delta + n), derivatives));
    if (tx < n) {
        Special q1 = Special::at(p.beta + tx - x), s1 = Special::at(p.alpha + p.beta + tx);
        Special q2 = Special::at(p.delta + tx), s2 = Special::at(p.gamma + p.delta + 1 + tx);
        const Special g1 = Special::at(p.gamma + 1);
        const auto terms = static_cast<std::int64_t>(n - tx);
        for (std::int64_t i = 0; i < terms; ++i) {
            sum.add(term(a_x, q1, s1, g1, q2, s2, derivatives));
            q1.step();
            s1.step();
            q2.step();
            s2.step();
        }
    }
    return sum;
}

/// -ln B(a, b) - ln B(g, d), common to every customer, with gradient and Hessian.
Term common(const BgBbParams& p) {
    const Special a = Special::at(p.alpha), b = Special::at(p.beta), ab = Special::at(p.alpha + p.beta);
    const Special g = Special::at(p.gamma), d = Special::at(p.delta), gd = Special::at(p.gamma + p.delta);
    Term t = term(a, b, ab, g, d, gd, true);
    t.value = -t.value;
    t.g = -t.g;
    t.h = -t.h;
    return t;
}

double log_likelihood(const detail::DistinctRows& data, const BgBbParams& p, Eigen::Vector4d* gradient,
                      Eigen::Matrix4d* hessian) {
    const bool derivatives = gradient || hessian;
    const Term c = common(p);
    double ll = 0;
    Eigen::Vector4d g = Eigen::Vector4d::Zero();
    Eigen::Matrix4d h = Eigen::Matrix4d::Zero();
    const auto& [n, tx, x] = data.column;
    for (std::size_t k = 0; k < data.size(); ++k) {
        const double w = data.weight[k];
        const LogSumExp sum = customer(p, x[k], tx[k], n[k], derivatives);
        ll += w * (c.value + sum.value());
        if (derivatives) {
            g += w * (c.g + sum.gradient());
            h += w * (c.h + sum.hessian());
        }
    }
    if (gradient) *gradient = g;
    if (hessian) *hessian = h;
    return ll;
}

BgBbParams as_params(const Eigen::Vector4d& v) {
    return {v(0), v(1), v(2), v(3)};
}

double log_beta(double a, double b) {
    const Policy policy;
    return boost::math::lgamma(a, policy) + boost::math::lgamma(b, policy) -
           boost::math::lgamma(a + b, policy);
}

double log_likelihood_of(const BgBbParams& p, double x, double tx, double n) {
    return -log_beta(p.alpha, p.beta) - log_beta(p.gamma, p.delta) + customer(p, x, tx, n, false).value();
}

}  // namespace

BgBbFit fit_bgbb(std::span<const double> frequency, std::span<const double> recency,
                 std::span<const double> n_periods, std::span<const double> weights,
                 const FitOptions& options) {
    constexpr std::string_view where = "fit_bgbb";
    validate_data(where, frequency, recency, n_periods, weights);
    detail::require_options(where, options);
    const detail::DistinctRows data = patterns(frequency, recency, n_periods, weights);
    BgBbFit fit;
    for (const double w : data.weight) fit.total_weight += w;
    detail::LogSpaceObjective<4> objective;
    objective.total_weight = fit.total_weight;
    objective.lambda = options.penalizer_coef;
    const auto result = detail::fit_in_log_space<4>(
        [&](const Eigen::Vector4d& theta, Eigen::Vector4d* gradient, Eigen::Matrix4d* hessian) {
            return log_likelihood(data, as_params(theta), gradient, hessian);
        },
        objective, Eigen::Vector4d::Zero(), options, {"alpha", "beta", "gamma", "delta"}, fit.convergence);
    fit.params = as_params(result.theta);
    fit.log_likelihood = result.log_likelihood;
    fit.covariance = result.covariance;
    fit.standard_errors = as_params(fit.covariance.diagonal().array().sqrt());
    return fit;
}

double bgbb_log_likelihood(const BgBbParams& params, std::span<const double> frequency,
                           std::span<const double> recency, std::span<const double> n_periods,
                           std::span<const double> weights, Eigen::Vector4d* gradient,
                           Eigen::Matrix4d* hessian) {
    constexpr std::string_view where = "bgbb_log_likelihood";
    validate_params(where, params);
    validate_data(where, frequency, recency, n_periods, weights);
    return log_likelihood(patterns(frequency, recency, n_periods, weights), params, gradient, hessian);
}

std::vector<double> bgbb_conditional_expected_number_of_purchases_up_to_time(
    const BgBbParams& p, double m, std::span<const double> frequency, std::span<const double> recency,
    std::span<const double> n_periods) {
    constexpr std::string_view where = "bgbb_conditional_expected_number_of_purchases_up_to_time";
    validate_params(where, p);
    validate_data(where, frequency, recency, n_periods, {});
    if (!(m >= 0) || !std::isfinite(m))
        detail::fail(where, "m = " + detail::format_number(m) + " must be >= 0");
    const Policy policy;
    using boost::math::lgamma;
    const double log_front = std::log(p.delta / std::abs(p.gamma - 1)) + lgamma(p.gamma + p.delta, policy) -
                             lgamma(1 + p.delta, policy);
    const double sign = p.gamma > 1 ? 1.0 : -1.0;
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i], n = n_periods[i];
        if (p.gamma == 1) {
            out[i] = detail::nan;
            continue;
        }
        // G(1+d+n)/G(g+d+n) - G(1+d+n+m)/G(g+d+n+m) = e^A (1 - e^(B - A)).
        const double A = lgamma(1 + p.delta + n, policy) - lgamma(p.gamma + p.delta + n, policy);
        const double B = lgamma(1 + p.delta + n + m, policy) - lgamma(p.gamma + p.delta + n + m, policy);
        const double log_rest = log_beta(p.alpha + x + 1, p.beta + n - x) - log_beta(p.alpha, p.beta) +
                                log_front + A - log_likelihood_of(p, x, recency[i], n);
        out[i] = sign * std::exp(log_rest) * -std::expm1(B - A);
    }
    return out;
}

std::vector<double> bgbb_conditional_probability_alive(const BgBbParams& p, double m,
                                                       std::span<const double> frequency,
                                                       std::span<const double> recency,
                                                       std::span<const double> n_periods) {
    constexpr std::string_view where = "bgbb_conditional_probability_alive";
    validate_params(where, p);
    validate_data(where, frequency, recency, n_periods, {});
    if (!(m >= 0) || !std::isfinite(m))
        detail::fail(where, "m = " + detail::format_number(m) + " must be >= 0");
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i], n = n_periods[i];
        out[i] = std::exp(log_beta(p.alpha + x, p.beta + n - x) - log_beta(p.alpha, p.beta) +
                          log_beta(p.gamma, p.delta + n + m) - log_beta(p.gamma, p.delta) -
                          log_likelihood_of(p, x, recency[i], n));
    }
    return out;
}

double bgbb_probability_of_n_purchases(const BgBbParams& p, double n, double x) {
    constexpr std::string_view where = "bgbb_probability_of_n_purchases";
    validate_params(where, p);
    if (!(n >= 0) || !std::isfinite(n) || n != std::floor(n))
        detail::fail(where, "n = " + detail::format_number(n) + " must be a whole number >= 0");
    if (!(x >= 0) || x > n || x != std::floor(x))
        detail::fail(where, "x = " + detail::format_number(x) + " must be a whole number in [0, n]");
    const Policy policy;
    auto log_choose = [&](double k, double j) {
        return boost::math::lgamma(k + 1, policy) - boost::math::lgamma(j + 1, policy) -
               boost::math::lgamma(k - j + 1, policy);
    };
    const double base = -log_beta(p.alpha, p.beta) - log_beta(p.gamma, p.delta);
    double out = std::exp(log_choose(n, x) + log_beta(p.alpha + x, p.beta + n - x) +
                          log_beta(p.gamma, p.delta + n) + base);
    for (auto k = static_cast<std::int64_t>(x); k < static_cast<std::int64_t>(n); ++k) {
        const auto i = static_cast<double>(k);
        out += std::exp(log_choose(i, x) + log_beta(p.alpha + x, p.beta + i - x) +
                        log_beta(p.gamma + 1, p.delta + i) + base);
    }
    return out;
}

}  // namespace accountkpi::ltv
