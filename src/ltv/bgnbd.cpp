// BG/NBD: validation, the vectorised log-likelihood with its analytic gradient, the fit and the predictions.
#include "accountkpi/ltv/bgnbd.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "accountkpi/ltv/hypergeometric.hpp"
#include "accountkpi/ltv/mbgnbd.hpp"
#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

using detail::validate_rfm;
using detail::validate_weights;

void validate_params(std::string_view where, const BgNbdParams& p) {
    detail::require_parameter(where, "r", p.r);
    detail::require_parameter(where, "alpha", p.alpha);
    detail::require_parameter(where, "a", p.a);
    detail::require_parameter(where, "b", p.b);
}

/// The data arranged for fast evaluation. Times enter only through log(alpha + tau) and 1/(alpha + tau), so
/// they are looked up in a table of distinct values when the data repeat few of them (times in whole days or
/// weeks: CDNOW's 3,303 times are 268 values), else the table holds every time once per row. The rows with
/// x = 0 need only T: their weights are summed per table entry. The rows with x > 0 are grouped by x
/// (counting sort), so that the terms depending on x only are computed once per distinct x.
struct BgNbdData {
    std::vector<double> times;         // the time table
    std::vector<double> zero_weight;   // per table entry: total weight of the rows with x = 0 and this T
    std::vector<double> group_x;       // distinct x > 0, increasing
    std::vector<double> group_weight;  // total weight of each distinct x > 0
    std::vector<std::size_t> segment;  // rows of the k-th distinct x > 0: [segment[k], segment[k+1])
    std::vector<std::uint32_t> T_index, tx_index;  // rows with x > 0: table entries of T and t_x
    std::vector<double> w;                         // rows with x > 0: weights
    double total_weight = 0;
    double max_T = 0;
    bool modified = false;  // MBG/NBD: every row in the row loop, b + x + 1 in place of b + x
};

/// Table of the distinct values of a stream of times (open addressing on the bit pattern). Gives up, so
/// that the caller keeps every value, once the values are mostly distinct (after at least 4,096 of them)
/// or more than `limit` distinct values are seen.
class DistinctTimes {
  public:
    explicit DistinctTimes(std::size_t limit) : limit_(limit) {
        std::size_t capacity = 64;
        while (capacity < 2 * limit) capacity *= 2;
        slots_.assign(capacity, empty);
        shift_ = 64 - static_cast<int>(std::bit_width(capacity - 1));
    }
    bool failed() const { return failed_; }
    std::vector<double>& values() { return values_; }

    /// Index of `v` in the table (added when new); meaningless once failed().
    std::uint32_t index(double v) {
        if (failed_) return 0;
        ++seen_;
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(v + 0.0);  // -0 and +0 alike
        std::size_t slot = static_cast<std::size_t>((bits * 0x9E3779B97F4A7C15ull) >> shift_);
        while (slots_[slot] != empty) {
            if (values_[slots_[slot]] == v) return slots_[slot];
            slot = (slot + 1) & (slots_.size() - 1);
        }
        if (values_.size() >= limit_ || (seen_ >= 4096 && 2 * values_.size() > seen_)) {
            failed_ = true;
            return 0;
        }
        slots_[slot] = static_cast<std::uint32_t>(values_.size());
        values_.push_back(v);
        return slots_[slot];
    }

  private:
    static constexpr std::uint32_t empty = std::numeric_limits<std::uint32_t>::max();
    std::size_t limit_, seen_ = 0;
    std::vector<std::uint32_t> slots_;
    std::vector<double> values_;
    int shift_ = 0;
    bool failed_ = false;
};

BgNbdData arrange(std::span<const double> frequency, std::span<const double> recency,
                  std::span<const double> T, std::span<const double> weights, bool modified) {
    const std::size_t n = frequency.size();
    auto weight = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };
    std::vector<double> distinct_x;
    const std::vector<std::uint32_t> group = detail::group_of(frequency, distinct_x);
    const std::size_t groups = distinct_x.size();
    // The first group in the row loop: x > 0 for BG/NBD; every x for MBG/NBD, where customers without repeat
    // purchases may have dropped out too.
    const std::size_t first = !modified && distinct_x[0] == 0 ? 1 : 0;

    BgNbdData d;
    d.group_x.assign(distinct_x.begin() + static_cast<std::ptrdiff_t>(first), distinct_x.end());
    d.group_weight.assign(d.group_x.size(), 0.0);
    // Counting sort of the rows with x > 0 by x.
    std::vector<std::size_t> start(groups + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++start[group[i] + 1];
    const std::size_t zero_rows = first ? start[1] : 0;
    for (std::size_t k = 0; k < groups; ++k) start[k + 1] += start[k];
    d.segment.resize(d.group_x.size() + 1);
    for (std::size_t k = first; k <= groups; ++k) d.segment[k - first] = start[k] - zero_rows;
    const std::size_t positive = n - zero_rows;
    std::vector<std::size_t> row(positive);
    for (std::size_t i = 0; i < n; ++i)
        if (group[i] >= first) row[start[group[i]]++ - zero_rows] = i;

    if (n + positive > std::numeric_limits<std::uint32_t>::max())  // table entries are 32-bit indices
        detail::fail("BG/NBD", "too many customers (" + std::to_string(n) + ")");
    d.T_index.resize(positive);
    d.tx_index.resize(positive);
    d.w.resize(positive);
    DistinctTimes table(std::clamp<std::size_t>((n + positive) / 4, 1024, 65536));
    for (std::size_t i = 0; i < n && !table.failed(); ++i) {
        const std::uint32_t j = table.index(T[i]);
        if (frequency[i] == 0 && !modified && !table.failed()) {
            if (d.zero_weight.size() <= j) d.zero_weight.resize(j + 1, 0.0);
            d.zero_weight[j] += weight(i);
        }
    }
    for (std::size_t k = 0; k < positive && !table.failed(); ++k) {
        d.T_index[k] = table.index(T[row[k]]);
        d.tx_index[k] = table.index(recency[row[k]]);
    }
    if (!table.failed()) {
        d.times = std::move(table.values());
        d.zero_weight.resize(d.times.size(), 0.0);
    } else {  // mostly distinct times: one entry per time of a row, but one shared entry for t_x = 0
        d.times.assign(1, 0.0);  // (every MBG/NBD customer without repeat purchases has t_x = 0)
        d.zero_weight.assign(1, 0.0);
        for (std::size_t i = 0; i < n; ++i)
            if (frequency[i] == 0 && !modified) {
                d.times.push_back(T[i]);
                d.zero_weight.push_back(weight(i));
            }
        for (std::size_t k = 0; k < positive; ++k) {
            d.T_index[k] = static_cast<std::uint32_t>(d.times.size());
            d.times.push_back(T[row[k]]);
            if (recency[row[k]] == 0) {
                d.tx_index[k] = 0;
            } else {
                d.tx_index[k] = static_cast<std::uint32_t>(d.times.size());
                d.times.push_back(recency[row[k]]);
            }
        }
        d.zero_weight.resize(d.times.size(), 0.0);
    }
    d.modified = modified;
    for (std::size_t i = 0; i < n; ++i) {
        d.total_weight += weight(i);
        d.max_T = std::max(d.max_T, T[i]);
    }
    for (std::size_t k = 0; k < positive; ++k) d.w[k] = weight(row[k]);
    for (std::size_t s = 0; s < d.group_x.size(); ++s)
        for (std::size_t k = d.segment[s]; k < d.segment[s + 1]; ++k) d.group_weight[s] += d.w[k];
    return d;
}

/// ln G(z + x) - ln G(z), psi(z + x) - psi(z) and psi'(z + x) - psi'(z) for increasing whole x, by the
/// recurrences ln G(z+1) = ln G(z) + ln z, psi(z+1) = psi(z) + 1/z, psi'(z+1) = psi'(z) - 1/z^2 from the
/// previous x (directly from Boost.Math after a gap of more than 64).
class GammaDifferences {
  public:
    explicit GammaDifferences(double z) : z_(z) {}
    double log_gamma = 0, digamma = 0, trigamma = 0;

    void advance_to(double x) {
        if (x - at_ > 64) {
            if (std::isnan(base_[0]))
                base_ = {boost::math::lgamma(z_, policy()), boost::math::digamma(z_, policy()),
                         boost::math::trigamma(z_, policy())};
            log_gamma = boost::math::lgamma(z_ + x, policy()) - base_[0];
            digamma = boost::math::digamma(z_ + x, policy()) - base_[1];
            trigamma = boost::math::trigamma(z_ + x, policy()) - base_[2];
            at_ = x;
            return;
        }
        while (at_ < x) {  // whole steps: x and at_ are whole numbers
            const double inverse = 1 / (z_ + at_);
            log_gamma += std::log(z_ + at_);
            digamma += inverse;
            trigamma -= inverse * inverse;
            at_ += 1;
        }
    }

  private:
    using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
    static Policy policy() { return {}; }
    double z_, at_ = 0;
    std::array<double, 3> base_{detail::nan, detail::nan, detail::nan};  // at z, computed when first needed
};

/// The rows with x > 0 in [first, last) (of the row loop: every row for MBG/NBD) for `log_likelihood`:
/// log(exp(A3) + exp(A4)) = A3 + softplus(A4 - A3), row by row, with its gradient and Hessian (upper
/// triangle), group by group of the same x.
detail::Partial4 rows_part(const BgNbdData& d, const BgNbdParams& p, const double* log_time,
                           const double* inv_time, std::size_t first, std::size_t last) {
    const double r = p.r, a = p.a, b = p.b, log_a = std::log(a), shift = d.modified ? 1 : 0;
    detail::Partial4 part;
    Eigen::Vector4d& g = part.g;
    Eigen::Matrix4d& h = part.h;
    auto s = static_cast<std::size_t>(std::upper_bound(d.segment.begin(), d.segment.end(), first) -
                                      d.segment.begin()) -
             1;
    for (; s < d.group_x.size() && d.segment[s] < last; ++s) {
        const double x = d.group_x[s];
        const double k = r + x, beta = 1 / (b + x - 1 + shift), c = log_a + std::log(beta);
        double sum_row = 0, s_w4 = 0, s_r = 0, s_alpha = 0, s_alpha2 = 0;
        double v = 0, v_dd = 0, v_de = 0, v_ee = 0, v_d = 0, v_e = 0;
        const std::size_t end = std::min(last, d.segment[s + 1]);
        for (std::size_t i = std::max(first, d.segment[s]); i < end; ++i) {
            const std::uint32_t iT = d.T_index[i], it = d.tx_index[i];
            const double log_T = log_time[iT], log_t = log_time[it];
            const double inv_T = inv_time[iT], inv_t = inv_time[it];
            const double delta = log_T - log_t;  // >= 0
            const double eta = inv_t - inv_T;    // >= 0
            const double diff = c + k * delta;   // A4 - A3
            const double e = std::exp(-std::abs(diff));
            const double share = 1 / (1 + e);
            const double w4 = diff >= 0 ? share : e * share;
            const double w3 = 1 - w4;
            const double wi = d.w[i];
            sum_row += wi * (-k * log_T + std::max(diff, 0.0) + std::log(1 + e));
            s_w4 += wi * w4;
            s_r += wi * (w3 * log_T + w4 * log_t);
            s_alpha += wi * (w3 * inv_T + w4 * inv_t);
            s_alpha2 += wi * (w3 * inv_T * inv_T + w4 * inv_t * inv_t);
            const double vi = wi * w3 * w4;
            v += vi;
            v_d += vi * delta;
            v_e += vi * eta;
            v_dd += vi * delta * delta;
            v_de += vi * delta * eta;
            v_ee += vi * eta * eta;
        }
        part.ll += sum_row;
        g(0) -= s_r;
        g(1) -= k * s_alpha;
        g(2) += s_w4 / a;
        g(3) -= beta * s_w4;
        h(0, 0) += v_dd;
        h(0, 1) -= s_alpha + k * v_de;
        h(0, 2) += v_d / a;
        h(0, 3) -= beta * v_d;
        h(1, 1) += k * s_alpha2 + k * k * v_ee;
        h(1, 2) -= k * v_e / a;
        h(1, 3) += k * beta * v_e;
        h(2, 2) += (v - s_w4) / (a * a);
        h(2, 3) -= beta * v / a;
        h(3, 3) += beta * beta * (s_w4 + v);
    }
    return part;
}

/// sum_i w_i log L_i, its gradient d/d(r, alpha, a, b) and its Hessian. Per customer (FHL 2005):
///   log L = A1 + A2 + log(exp(A3) + [x>0] exp(A4)),
///   A1 = lnG(r+x) - lnG(r) + r ln(alpha),   A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x),
///   A3 = -(r+x) ln(alpha+T),                A4 = ln(a) - ln(b+x-1) - (r+x) ln(alpha+t_x).
/// With the weights w3, w4 = 1 - w3 of exp(A3), exp(A4) in their sum, the last term has the gradient
/// w3 grad A3 + w4 grad A4 and the Hessian w3 hess A3 + w4 hess A4 + w3 w4 D D' with D = grad A3 - grad A4.
/// MBG/NBD (`d.modified`) has b+x+1 in place of b+x in A2, b+x in place of b+x-1 in A4, and the A4 term for
/// x = 0 too.
/// `scratch` holds the per-evaluation table of log(alpha + tau) and 1/(alpha + tau). The table (with the rows
/// x = 0) and the rows x > 0 are summed in fixed chunks on up to `threads` threads (`detail::sum_in_chunks`).
double log_likelihood(const BgNbdData& d, const BgNbdParams& p, Eigen::Vector4d* gradient,
                      Eigen::Matrix4d* hessian, std::vector<double>& scratch, unsigned threads = 0) {
    const double r = p.r, alpha = p.alpha;
    const double log_alpha = std::log(alpha);

    // r ln(alpha) of A1, for every customer.
    const double W = d.total_weight;
    detail::Partial4 total;
    total.ll = W * r * log_alpha;
    total.g(0) = W * log_alpha;
    total.g(1) = W * r / alpha;
    total.h(0, 1) = W / alpha;
    total.h(1, 1) = -W * r / (alpha * alpha);

    // The time table; the rows with x = 0 (A3 = -r ln(alpha + T)) in passing.
    const std::size_t m = d.times.size();
    scratch.resize(2 * m);
    double* log_time = scratch.data();
    double* inv_time = scratch.data() + m;
    total.add(detail::sum_in_chunks(m, threads, [&](std::size_t first, std::size_t last) {
        double zero_log = 0, zero_inv = 0, zero_inv2 = 0;
        for (std::size_t j = first; j < last; ++j) {
            const double shifted = alpha + d.times[j];
            log_time[j] = std::log(shifted);
            inv_time[j] = 1 / shifted;
            zero_log += d.zero_weight[j] * log_time[j];
            zero_inv += d.zero_weight[j] * inv_time[j];
            zero_inv2 += d.zero_weight[j] * inv_time[j] * inv_time[j];
        }
        detail::Partial4 part;
        part.ll = -r * zero_log;
        part.g(0) = -zero_log;
        part.g(1) = -r * zero_inv;
        part.h(0, 1) = -zero_inv;
        part.h(1, 1) = r * zero_inv2;
        return part;
    }));

    // A1 - r ln(alpha) and A2, once per distinct x.
    const double shift = d.modified ? 1 : 0;
    GammaDifferences gamma_r(r), gamma_b(p.b), gamma_ab(p.a + p.b);
    Eigen::Vector4d& g = total.g;
    Eigen::Matrix4d& h = total.h;  // upper triangle, mirrored at the end
    for (std::size_t s = 0; s < d.group_x.size(); ++s) {
        const double x = d.group_x[s], wx = d.group_weight[s];
        gamma_r.advance_to(x);
        gamma_b.advance_to(x + shift);
        gamma_ab.advance_to(x + shift);
        total.ll += wx * (gamma_r.log_gamma + gamma_b.log_gamma - gamma_ab.log_gamma);
        g(0) += wx * gamma_r.digamma;
        g(2) -= wx * gamma_ab.digamma;
        g(3) += wx * (gamma_b.digamma - gamma_ab.digamma);
        h(0, 0) += wx * gamma_r.trigamma;
        h(2, 2) -= wx * gamma_ab.trigamma;
        h(2, 3) -= wx * gamma_ab.trigamma;
        h(3, 3) += wx * (gamma_b.trigamma - gamma_ab.trigamma);
    }

    // log(exp(A3) + exp(A4)), row by row.
    total.add(detail::sum_in_chunks(d.w.size(), threads, [&](std::size_t first, std::size_t last) {
        return rows_part(d, p, log_time, inv_time, first, last);
    }));
    if (gradient) *gradient = g;
    if (hessian) *hessian = h.selfadjointView<Eigen::Upper>();
    return total.ll;
}

BgNbdParams as_params(const Eigen::Vector4d& v) {
    return {v(0), v(1), v(2), v(3)};
}

}  // namespace

namespace {

/// Fits BG/NBD, or MBG/NBD when `modified`.
BgNbdFit fit(std::string_view where, std::span<const double> frequency, std::span<const double> recency,
             std::span<const double> T, std::span<const double> weights, const FitOptions& options,
             bool modified) {
    validate_rfm(where, frequency, recency, T);
    validate_weights(where, weights, frequency);
    detail::require_options(where, options);
    const BgNbdData data = arrange(frequency, recency, T, weights, modified);

    BgNbdFit fit;
    fit.total_weight = data.total_weight;
    if (!(data.max_T > 0)) {  // every customer bought first on the last day: every likelihood is 1
        fit.convergence.message =
            "not converged: every customer has T = 0, so the data say nothing about the parameters";
        return fit;
    }
    // Newton's method over u = ln(r, alpha, a, b), from alpha = 1 in the time unit where max(T) = 10. The
    // penalty sees alpha in the time unit where max(T) = 1, alpha_s = alpha / max(T), as lifetimes 0.11.
    auto solve = [&](const BgNbdData& d, const Eigen::Vector4d& u0, Convergence& convergence) {
        detail::LogSpaceObjective<4> objective;
        objective.total_weight = d.total_weight;
        objective.lambda = options.penalizer_coef;
        objective.penalty_scale = Eigen::Vector4d(1, 1 / data.max_T, 1, 1);
        objective.unit = Eigen::Vector4d(1, data.max_T, 1, 1);
        std::vector<double> scratch;
        return detail::fit_in_log_space<4>(
            [&](const Eigen::Vector4d& theta, Eigen::Vector4d* gradient, Eigen::Matrix4d* hessian) {
                return log_likelihood(d, as_params(theta), gradient, hessian, scratch, options.threads);
            },
            objective, u0, options, {"r", "alpha", "a", "b"}, convergence);
    };
    Eigen::Vector4d u0(0, std::log(data.max_T / 10), 0, 0);
    if (const auto sample = detail::start_sample(frequency, recency, T, weights);
        sample && options.initial.empty()) {
        const auto& [x, tx, t, w] = *sample;
        const BgNbdData sample_data = arrange(x, tx, t, w, modified);
        Convergence sample_convergence;
        if (sample_data.max_T > 0) {
            const auto start = solve(sample_data, u0, sample_convergence);
            if (sample_convergence.converged) u0 = start.theta.array().log().matrix();
        }
    }
    const auto result = solve(data, u0, fit.convergence);
    fit.params = as_params(result.theta);
    fit.log_likelihood = result.log_likelihood;
    fit.covariance = result.covariance;
    fit.standard_errors = as_params(fit.covariance.diagonal().array().sqrt());
    return fit;
}

double total_log_likelihood(std::string_view where, const BgNbdParams& params,
                            std::span<const double> frequency, std::span<const double> recency,
                            std::span<const double> T, std::span<const double> weights,
                            Eigen::Vector4d* gradient, Eigen::Matrix4d* hessian, bool modified) {
    validate_params(where, params);
    validate_rfm(where, frequency, recency, T);
    validate_weights(where, weights, frequency);
    std::vector<double> scratch;
    return log_likelihood(arrange(frequency, recency, T, weights, modified), params, gradient, hessian,
                          scratch);
}

/// E[Y(t) | x, t_x, T] with s = 0 (BG/NBD) or 1 (MBG/NBD):
///   (a+b+x-1+s)/(a-1) [1 - (1-z)^(r+x) 2F1(r+x, b+x+s; a+b+x-1+s; z)]
///     / (1 + [x>0 or s=1] a/(b+x-1+s) ((alpha+T)/(alpha+t_x))^(r+x)),    z = t/(alpha+T+t).
/// With x = t_x = T = 0 this is E[X(t)] of a new customer. scaled_hyp2f1 keeps it finite for heavy buyers
/// (the 2F1 alone overflows near x = 1,000).
double expected_purchases(const BgNbdParams& p, double t, double x, double tx, double T, double s) {
    if (t == 0) return 0;
    const double aT = p.alpha + T, c = p.a + p.b + x - 1 + s;
    const double scaled = scaled_hyp2f1(p.r + x, p.r + x, p.b + x + s, c, t / (aT + t));
    const double odds_dropped =
        x > 0 || s > 0 ? p.a / (p.b + x - 1 + s) * std::exp((p.r + x) * std::log(aT / (p.alpha + tx))) : 0.0;
    return c / (p.a - 1) * (1 - scaled) / (1 + odds_dropped);
}

std::vector<double> conditional_expectation(std::string_view where, const BgNbdParams& p, double t,
                                            std::span<const double> frequency,
                                            std::span<const double> recency, std::span<const double> T,
                                            double s) {
    validate_params(where, p);
    validate_rfm(where, frequency, recency, T);
    if (!(t >= 0) || !std::isfinite(t))
        detail::fail(where, "t = " + detail::format_number(t) + " must be >= 0");
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = expected_purchases(p, t, frequency[i], recency[i], T[i], s);
    return out;
}

/// P(alive | x, t_x, T) = 1 / (1 + [x>0 or s=1] a/(b+x-1+s) ((alpha+T)/(alpha+t_x))^(r+x)).
std::vector<double> probability_alive(std::string_view where, const BgNbdParams& p,
                                      std::span<const double> frequency, std::span<const double> recency,
                                      std::span<const double> T, double s) {
    validate_params(where, p);
    validate_rfm(where, frequency, recency, T);
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i];
        if (x == 0 && s == 0) {
            out[i] = 1;
            continue;
        }
        // log of the odds "dropped out after the last purchase" : "still active".
        const double log_odds = std::log(p.a / (p.b + x - 1 + s)) +
                                (p.r + x) * std::log((p.alpha + T[i]) / (p.alpha + recency[i]));
        out[i] = 1 / (1 + std::exp(log_odds));
    }
    return out;
}

/// P(X(t) = n) with s = 0 (BG/NBD, FHL 2005 eq. 8) or 1 (MBG/NBD):
///   B(a, b+n+s)/B(a, b) NB(n) + [n>0 or s=1] B(a+1, b+n-1+s)/B(a, b) (1 - sum_{j<n} NB(j)).
double probability_of_n(std::string_view where, const BgNbdParams& p, double t, double n, double s) {
    validate_params(where, p);
    if (!(t >= 0) || !std::isfinite(t))
        detail::fail(where, "t = " + detail::format_number(t) + " must be >= 0");
    if (!(n >= 0) || !std::isfinite(n) || n != std::floor(n))
        detail::fail(where, "n = " + detail::format_number(n) + " must be a whole number >= 0");
    using boost::math::lgamma;
    const double log_beta_ab = lgamma(p.a) + lgamma(p.b) - lgamma(p.a + p.b);
    const double dropped_share =  // B(a+1, b+n-1+s) / B(a, b)
        n > 0 || s > 0
            ? std::exp(lgamma(p.a + 1) + lgamma(p.b + n - 1 + s) - lgamma(p.a + p.b + n + s) - log_beta_ab)
            : 0.0;
    if (t == 0) return n == 0 ? 1.0 : 0.0;
    const double log_q = std::log(p.alpha / (p.alpha + t)), log_z = std::log(t / (p.alpha + t));
    // Still active after n purchases: B(a, b+n+s)/B(a, b) NB(n; r, alpha/(alpha+t)).
    const double log_nb = lgamma(p.r + n) - lgamma(p.r) - lgamma(n + 1) + p.r * log_q + n * log_z;
    double out =
        std::exp(lgamma(p.a) + lgamma(p.b + n + s) - lgamma(p.a + p.b + n + s) - log_beta_ab + log_nb);
    if (dropped_share > 0) {
        // Dropped out right after the n-th purchase: P(at least n purchases) = 1 - sum_{j<n} NB(j).
        double term = std::exp(p.r * log_q), below = 0;
        const auto count = static_cast<std::int64_t>(n);
        for (std::int64_t k = 0; k < count; ++k) {
            const auto j = static_cast<double>(k);
            below += term;
            term *= (p.r + j) / (j + 1) * std::exp(log_z);
        }
        out += dropped_share * std::max(0.0, 1 - below);
    }
    return out;
}

}  // namespace

BgNbdFit fit_bgnbd(std::span<const double> frequency, std::span<const double> recency,
                   std::span<const double> T, std::span<const double> weights, const FitOptions& options) {
    return fit("fit_bgnbd", frequency, recency, T, weights, options, false);
}

BgNbdFit fit_mbgnbd(std::span<const double> frequency, std::span<const double> recency,
                    std::span<const double> T, std::span<const double> weights, const FitOptions& options) {
    return fit("fit_mbgnbd", frequency, recency, T, weights, options, true);
}

double bgnbd_log_likelihood(const BgNbdParams& params, std::span<const double> frequency,
                            std::span<const double> recency, std::span<const double> T,
                            std::span<const double> weights, Eigen::Vector4d* gradient,
                            Eigen::Matrix4d* hessian) {
    return total_log_likelihood("bgnbd_log_likelihood", params, frequency, recency, T, weights, gradient,
                                hessian, false);
}

double mbgnbd_log_likelihood(const BgNbdParams& params, std::span<const double> frequency,
                             std::span<const double> recency, std::span<const double> T,
                             std::span<const double> weights, Eigen::Vector4d* gradient,
                             Eigen::Matrix4d* hessian) {
    return total_log_likelihood("mbgnbd_log_likelihood", params, frequency, recency, T, weights, gradient,
                                hessian, true);
}

double expected_number_of_purchases_up_to_time(const BgNbdParams& p, double t) {
    validate_params("expected_number_of_purchases_up_to_time", p);
    if (!(t >= 0) || !std::isfinite(t)) return detail::nan;
    return expected_purchases(p, t, 0, 0, 0, 0);
}

double mbgnbd_expected_number_of_purchases_up_to_time(const BgNbdParams& p, double t) {
    validate_params("mbgnbd_expected_number_of_purchases_up_to_time", p);
    if (!(t >= 0) || !std::isfinite(t)) return detail::nan;
    return expected_purchases(p, t, 0, 0, 0, 1);
}

std::vector<double> conditional_expected_number_of_purchases_up_to_time(const BgNbdParams& p, double t,
                                                                        std::span<const double> frequency,
                                                                        std::span<const double> recency,
                                                                        std::span<const double> T) {
    return conditional_expectation("conditional_expected_number_of_purchases_up_to_time", p, t, frequency,
                                   recency, T, 0);
}

std::vector<double> mbgnbd_conditional_expected_number_of_purchases_up_to_time(
    const BgNbdParams& p, double t, std::span<const double> frequency, std::span<const double> recency,
    std::span<const double> T) {
    return conditional_expectation("mbgnbd_conditional_expected_number_of_purchases_up_to_time", p, t,
                                   frequency, recency, T, 1);
}

std::vector<double> conditional_probability_alive(const BgNbdParams& p, std::span<const double> frequency,
                                                  std::span<const double> recency,
                                                  std::span<const double> T) {
    return probability_alive("conditional_probability_alive", p, frequency, recency, T, 0);
}

std::vector<double> mbgnbd_conditional_probability_alive(const BgNbdParams& p,
                                                         std::span<const double> frequency,
                                                         std::span<const double> recency,
                                                         std::span<const double> T) {
    return probability_alive("mbgnbd_conditional_probability_alive", p, frequency, recency, T, 1);
}

double probability_of_n_purchases_up_to_time(const BgNbdParams& p, double t, double n) {
    return probability_of_n("probability_of_n_purchases_up_to_time", p, t, n, 0);
}

double mbgnbd_probability_of_n_purchases_up_to_time(const BgNbdParams& p, double t, double n) {
    return probability_of_n("mbgnbd_probability_of_n_purchases_up_to_time", p, t, n, 1);
}

double conditional_expected_number_of_purchases_up_to_time(const BgNbdParams& params, double t,
                                                           const CustomerRfm& customer) {
    return conditional_expected_number_of_purchases_up_to_time(params, t, {&customer.frequency, 1},
                                                               {&customer.recency, 1}, {&customer.T, 1})[0];
}

double conditional_probability_alive(const BgNbdParams& params, const CustomerRfm& customer) {
    return conditional_probability_alive(params, {&customer.frequency, 1}, {&customer.recency, 1},
                                         {&customer.T, 1})[0];
}

double mbgnbd_conditional_expected_number_of_purchases_up_to_time(const BgNbdParams& params, double t,
                                                                  const CustomerRfm& customer) {
    return mbgnbd_conditional_expected_number_of_purchases_up_to_time(
        params, t, {&customer.frequency, 1}, {&customer.recency, 1}, {&customer.T, 1})[0];
}

double mbgnbd_conditional_probability_alive(const BgNbdParams& params, const CustomerRfm& customer) {
    return mbgnbd_conditional_probability_alive(params, {&customer.frequency, 1}, {&customer.recency, 1},
                                                {&customer.T, 1})[0];
}

}  // namespace accountkpi::ltv
