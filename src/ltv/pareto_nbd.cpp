// Pareto/NBD: the log-likelihood in FHL's 2F1 form with its exact gradient, the fit and the predictions.
#include "accountkpi/ltv/pareto_nbd.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "accountkpi/ltv/hypergeometric.hpp"
#include "ltv_detail.hpp"

namespace accountkpi::ltv {
namespace {

using Vector = Eigen::Vector4d;

void validate_params(std::string_view where, const ParetoNbdParams& p) {
    detail::require_parameter(where, "r", p.r);
    detail::require_parameter(where, "alpha", p.alpha);
    detail::require_parameter(where, "s", p.s);
    detail::require_parameter(where, "beta", p.beta);
}

ParetoNbdParams as_params(const Vector& v) {
    return {v(0), v(1), v(2), v(3)};
}

/// S(b, c, z) = sum_n (b)_n / (c)_n z^n (= 2F1(1, b; c; z)) for 0 <= z < 1, 0 < b <= c, with its first and
/// (when asked) second partial derivatives, summed term by term: t_{n+1} = t_n (b+n)/(c+n) z; with
/// H_b = sum_{j<n} 1/(b+j), Q_b = sum_{j<n} 1/(b+j)^2 (H_c, Q_c alike), d t_n/db = t_n H_b, d t_n/dc = -t_n
/// H_c, d t_n/dz = n t_n / z, d2 t_n/db2 = t_n (H_b^2 - Q_b), d2 t_n/dc2 = t_n (H_c^2 + Q_c), d2 t_n/db dc =
/// -t_n H_b H_c, d2 t_n/dz2 = n (n-1) t_n / z^2, d2 t_n/db dz = n H_b t_n / z, d2 t_n/dc dz = -n H_c t_n / z.
/// Since b <= c the terms fall at least as fast as z^n; the sums stop once the geometric bound on every tail
/// is below 1e-17 of the value, which takes about 40 / (1 - z) terms. NaN after `max_terms` (z above about
/// 0.9998: one of alpha + y, beta + y over 5,000 times the other), so that a fit running to such a boundary
/// stops there instead of summing for minutes.
struct Series {
    double value = detail::nan;
    Eigen::Vector3d d = Eigen::Vector3d::Constant(detail::nan);   ///< d/d(b, c, z)
    Eigen::Matrix3d dd = Eigen::Matrix3d::Constant(detail::nan);  ///< second derivatives in (b, c, z)
};

constexpr long max_terms = 200'000;

Series ratio_series(double b, double c, double z, bool second) {
    Series out;
    if (z == 0) {
        out.value = 1;
        out.d << 0, 0, b / c;
        out.dd << 0, 0, 1 / c, 0, 0, -b / (c * c), 1 / c, -b / (c * c), 2 * b * (b + 1) / (c * (c + 1));
        return out;
    }
    double term = 1, sum = 1, sum_b = 0, sum_c = 0, sum_n = 0, harmonic_b = 0, harmonic_c = 0;
    double square_b = 0, square_c = 0, sum_bb = 0, sum_cc = 0, sum_bc = 0, sum_nn = 0, sum_bn = 0, sum_cn = 0;
    for (long n = 0; n < max_terms; ++n) {
        const auto nd = static_cast<double>(n);
        const double inverse_b = 1 / (b + nd), inverse_c = 1 / (c + nd);
        harmonic_b += inverse_b;
        harmonic_c += inverse_c;
        term *= (b + nd) * inverse_c * z;  // t_{n+1}
        sum += term;
        sum_b += term * harmonic_b;
        sum_c -= term * harmonic_c;
        sum_n += term * (nd + 1);
        if (second) {
            square_b += inverse_b * inverse_b;
            square_c += inverse_c * inverse_c;
            sum_bb += term * (harmonic_b * harmonic_b - square_b);
            sum_cc += term * (harmonic_c * harmonic_c + square_c);
            sum_bc -= term * harmonic_b * harmonic_c;
            sum_nn += term * (nd + 1) * nd;
            sum_bn += term * (nd + 1) * harmonic_b;
            sum_cn -= term * (nd + 1) * harmonic_c;
        }
        // The weighted terms t_n w_n, w_n = n + H_b + H_c (squared for the second derivatives), fall by at
        // most z ((n+3)/(n+2))^(1 or 2) from one to the next.
        const double ratio = (nd + 3) / (nd + 2), weight = nd + 2 + harmonic_b + harmonic_c;
        const double q = second ? z * ratio * ratio : z * ratio;
        if (q < 1 && term * (second ? weight * weight : weight) * q <= 1e-17 * sum * (1 - q)) {
            out.value = sum;
            out.d << sum_b, sum_c, sum_n / z;
            if (second)
                out.dd << sum_bb, sum_bc, sum_bn / z, sum_bc, sum_cc, sum_cn / z, sum_bn / z, sum_cn / z,
                    sum_nn / (z * z);
            return out;
        }
    }
    return out;
}

/// ln and gradient (in r, alpha, s, beta) of (k+s) F(y) in FHL's closed form of I (pareto_nbd.hpp), k = r+x,
/// and its Hessian when asked. By Euler's transformation, for alpha >= beta (z = (alpha-beta)/(alpha+y))
///   2F1(k+s, s+1; k+s+1; z) / (alpha+y)^(k+s) = (alpha+y)^-k (beta+y)^-s S(k, k+s+1, z),
/// and for alpha < beta (z = (beta-alpha)/(beta+y))
///   2F1(k+s, k; k+s+1; z) / (beta+y)^(k+s) = (alpha+y)^(1-k) (beta+y)^-(s+1) S(s+1, k+s+1, z).
/// The arguments b, c of S are linear in the parameters and z is not: with J the Jacobian of (b, c, z), the
/// Hessian of ln S is J' (d2 ln S) J + (d ln S / dz) (d2 z).
struct LogTerm {
    double value = detail::nan;
    Vector gradient;
    Eigen::Matrix4d hessian;
};

LogTerm log_term(const ParetoNbdParams& p, double k, double y, bool second) {
    const double ay = p.alpha + y, by = p.beta + y, la = std::log(ay), lb = std::log(by);
    const bool alpha_larger = p.alpha >= p.beta;
    const Series S = alpha_larger ? ratio_series(k, k + p.s + 1, (p.alpha - p.beta) / ay, second)
                                  : ratio_series(p.s + 1, k + p.s + 1, (p.beta - p.alpha) / by, second);
    const Eigen::Vector3d d = S.d / S.value;  // d ln S / d(b, c, z)
    // Jacobian of (b, c, z) in (r, alpha, s, beta), the power terms' exponents of (alpha+y) and (beta+y).
    Eigen::Matrix<double, 3, 4> J = Eigen::Matrix<double, 3, 4>::Zero();
    J(1, 0) = J(1, 2) = 1;
    double ea = 0, eb = 0;
    LogTerm out;
    if (alpha_larger) {
        J(0, 0) = 1;
        J(2, 1) = by / (ay * ay);
        J(2, 3) = -1 / ay;
        ea = -k;
        eb = -p.s;
        out.gradient << -la, ea / ay, -lb, eb / by;
    } else {
        J(0, 2) = 1;
        J(2, 1) = -1 / by;
        J(2, 3) = ay / (by * by);
        ea = 1 - k;
        eb = -(p.s + 1);
        out.gradient << -la, ea / ay, -lb, eb / by;
    }
    out.value = ea * la + eb * lb + std::log(S.value);
    out.gradient += J.transpose() * d;
    if (!second) return out;
    // The power terms ea ln(alpha+y) + eb ln(beta+y), ea = (1 or 0) - r - x, eb = -s - (0 or 1).
    Eigen::Matrix4d h = Eigen::Matrix4d::Zero();
    h(0, 1) = h(1, 0) = -1 / ay;
    h(1, 1) = -ea / (ay * ay);
    h(2, 3) = h(3, 2) = -1 / by;
    h(3, 3) = -eb / (by * by);
    // d2 z in (alpha, beta).
    const Eigen::Matrix3d d2 = S.dd / S.value - d * d.transpose();
    Eigen::Matrix2d zz;
    if (alpha_larger)
        zz << -2 * by / (ay * ay * ay), 1 / (ay * ay), 1 / (ay * ay), 0;
    else
        zz << 0, 1 / (by * by), 1 / (by * by), -2 * ay / (by * by * by);
    h += J.transpose() * d2 * J;
    h(1, 1) += d(2) * zz(0, 0);
    h(1, 3) += d(2) * zz(0, 1);
    h(3, 1) += d(2) * zz(1, 0);
    h(3, 3) += d(2) * zz(1, 1);
    out.hessian = h;
    return out;
}

/// What a customer's likelihood shares with every other customer of the same frequency x: lnG(r+x) - lnG(r),
/// psi(r+x) - psi(r), psi'(r+x) - psi'(r), and the log-term at y = 0 (t_x = 0 for every customer without
/// repeat purchases).
struct PerFrequency {
    double log_gamma = detail::nan, digamma = detail::nan, trigamma = detail::nan;
    LogTerm at_zero;
};

PerFrequency per_frequency(const ParetoNbdParams& p, double x, bool second) {
    using boost::math::digamma;
    using boost::math::lgamma;  // std::lgamma writes the global signgam: not thread safe
    using boost::math::trigamma;
    const double k = p.r + x;
    return {lgamma(k) - lgamma(p.r), digamma(k) - digamma(p.r),
            second ? trigamma(k) - trigamma(p.r) : detail::nan, log_term(p, k, 0, second)};
}

/// A customer's ln L with its gradient and Hessian (when the pointers are not null) and P(alive).
struct Row {
    double log_likelihood = detail::nan;
    double alive = detail::nan;
};

/// One customer. With E = (alpha+T)^-k (beta+T)^-s and I as in pareto_nbd.hpp,
///   ln L = lnG(r+x) - lnG(r) + r ln(alpha) + s ln(beta) + ln(E + s I),
/// the last term a log-sum-exp of A = ln E and B = ln(s I) = ln s + ln(F(t_x) - F(T)) - ln(k+s): its gradient
/// is P grad A + (1-P) grad B, P = E / (E + s I) = P(alive), its Hessian P H_A + (1-P) H_B + P (1-P)
/// (grad A - grad B)(grad A - grad B)'. With f1 = ln F(t_x), f2 = ln F(T), d = e^(f2 - f1), the gradient of
/// ln(e^f1 - e^f2) is G = (g1 - d g2) / (1 - d), its Hessian [H1 + g1 g1' - d (H2 + g2 g2')] / (1 - d) - G
/// G'.
Row row(const ParetoNbdParams& p, const PerFrequency& shared, double x, double tx, double T, Vector* gradient,
        Eigen::Matrix4d* hessian) {
    const double k = p.r + x, aT = p.alpha + T, bT = p.beta + T;
    const bool second = hessian != nullptr;
    const double log_E = -k * std::log(aT) - p.s * std::log(bT);
    double log_sI = -std::numeric_limits<double>::infinity();
    Vector grad_sI = Vector::Zero();
    Eigen::Matrix4d hess_sI = Eigen::Matrix4d::Zero();
    if (tx < T) {
        const LogTerm first = tx == 0 ? shared.at_zero : log_term(p, k, tx, second),
                      last = log_term(p, k, T, second);
        const double d = std::exp(last.value - first.value);  // F(T) / F(t_x) < 1
        if (d < 1) {
            const double ks = k + p.s;
            log_sI = std::log(p.s) + first.value + std::log1p(-d) - std::log(ks);
            if (gradient) {
                grad_sI = (first.gradient - d * last.gradient) / (1 - d);
                if (second)
                    hess_sI = (first.hessian + first.gradient * first.gradient.transpose() -
                               d * (last.hessian + last.gradient * last.gradient.transpose())) /
                                  (1 - d) -
                              grad_sI * grad_sI.transpose();
                grad_sI(0) -= 1 / ks;
                grad_sI(2) += 1 / p.s - 1 / ks;
                if (second) {
                    const double inverse = 1 / (ks * ks);
                    hess_sI(0, 0) += inverse;
                    hess_sI(0, 2) += inverse;
                    hess_sI(2, 0) += inverse;
                    hess_sI(2, 2) += inverse - 1 / (p.s * p.s);
                }
            }
        }
    }
    const double top = std::max(log_E, log_sI);
    const double total = top + std::log(std::exp(log_E - top) + std::exp(log_sI - top));
    Row out;
    out.alive = std::exp(log_E - total);
    const double log_alpha = std::log(p.alpha), log_beta = std::log(p.beta);
    out.log_likelihood = shared.log_gamma + p.r * log_alpha + p.s * log_beta + total;
    if (gradient) {
        const double died = std::exp(log_sI - total);
        const Vector grad_E(-std::log(aT), -k / aT, -std::log(bT), -p.s / bT);
        *gradient = Vector(shared.digamma + log_alpha, p.r / p.alpha, log_beta, p.s / p.beta) +
                    out.alive * grad_E + died * grad_sI;
        if (second) {
            Eigen::Matrix4d h = Eigen::Matrix4d::Zero();
            h(0, 0) = shared.trigamma;
            h(0, 1) = h(1, 0) = 1 / p.alpha;
            h(1, 1) = -p.r / (p.alpha * p.alpha);
            h(2, 3) = h(3, 2) = 1 / p.beta;
            h(3, 3) = -p.s / (p.beta * p.beta);
            Eigen::Matrix4d hess_E = Eigen::Matrix4d::Zero();
            hess_E(0, 1) = hess_E(1, 0) = -1 / aT;
            hess_E(1, 1) = k / (aT * aT);
            hess_E(2, 3) = hess_E(3, 2) = -1 / bT;
            hess_E(3, 3) = p.s / (bT * bT);
            const Vector gap = grad_E - grad_sI;
            *hessian = h + out.alive * hess_E + died * hess_sI + out.alive * died * gap * gap.transpose();
        }
    }
    return out;
}

Row row(const ParetoNbdParams& p, double x, double tx, double T) {
    return row(p, per_frequency(p, x, false), x, tx, T, nullptr, nullptr);
}

/// sum_i w_i ln L_i with its exact gradient and Hessian when asked (inputs validated by the caller). The
/// per-frequency terms are computed once per distinct x (`distinct_x`, indexed by each row's `group`, as
/// `detail::group_of` gives them); the rows are summed in fixed chunks on up to `threads` threads
/// (`detail::sum_in_chunks`), so the sums are the same bit for bit for any number of threads.
double log_likelihood(const ParetoNbdParams& p, std::span<const double> frequency,
                      std::span<const double> recency, std::span<const double> T,
                      std::span<const double> weights, std::span<const std::uint32_t> group,
                      std::span<const double> distinct_x, Vector* gradient, Eigen::Matrix4d* hessian,
                      unsigned threads) {
    const bool second = hessian != nullptr, first = gradient != nullptr || second;
    std::vector<PerFrequency> shared(distinct_x.size());
    for (std::size_t j = 0; j < shared.size(); ++j) shared[j] = per_frequency(p, distinct_x[j], second);
    const detail::Partial4 total =
        detail::sum_in_chunks(frequency.size(), threads, [&](std::size_t begin, std::size_t end) {
            detail::Partial4 part;
            Vector gi;
            Eigen::Matrix4d hi;
            for (std::size_t i = begin; i < end; ++i) {
                const double w = weights.empty() ? 1.0 : weights[i];
                if (w == 0) continue;
                const Row one = row(p, shared[group[i]], frequency[i], recency[i], T[i],
                                    first ? &gi : nullptr, second ? &hi : nullptr);
                part.ll += w * one.log_likelihood;
                if (first) part.g += w * gi;
                if (second) part.h += w * hi;
            }
            return part;
        });
    if (gradient) *gradient = total.g;
    if (hessian) *hessian = (total.h + total.h.transpose()) / 2;
    return total.ll;
}

/// (1 - (1 + u)^-a) / a, and its limit ln(1 + u) at a = 0.
double growth(double a, double u) {
    return a == 0 ? std::log1p(u) : -std::expm1(-a * std::log1p(u)) / a;
}

void require_horizon(std::string_view where, double t) {
    if (!(t >= 0) || !std::isfinite(t))
        detail::fail(where, "t = " + detail::format_number(t) + " must be >= 0");
}

void require_count(std::string_view where, double n) {
    if (!(n >= 0) || !std::isfinite(n) || n != std::floor(n))
        detail::fail(where, "n = " + detail::format_number(n) + " must be a whole number >= 0");
}

}  // namespace

ParetoNbdFit fit_pareto_nbd(std::span<const double> frequency, std::span<const double> recency,
                            std::span<const double> T, std::span<const double> weights,
                            const FitOptions& options) {
    constexpr std::string_view where = "fit_pareto_nbd";
    detail::validate_rfm(where, frequency, recency, T);
    detail::validate_weights(where, weights, frequency);
    detail::require_options(where, options);
    ParetoNbdFit fit;
    double max_T = 0;
    for (std::size_t i = 0; i < T.size(); ++i) {
        fit.total_weight += weights.empty() ? 1.0 : weights[i];
        max_T = std::max(max_T, T[i]);
    }
    if (!(max_T > 0)) {
        fit.convergence.message =
            "not converged: every customer has T = 0, so the data say nothing about the parameters";
        return fit;
    }
    // Newton's method over u = ln(r, alpha, s, beta) from r = s = 1 and alpha = beta = 1 in the time unit
    // where max(T) = 10; the penalty sees alpha and beta in the unit where max(T) = 1, as lifetimes 0.11.
    detail::LogSpaceObjective<4> objective;
    objective.total_weight = fit.total_weight;
    objective.lambda = options.penalizer_coef;
    objective.penalty_scale = Vector(1, 1 / max_T, 1, 1 / max_T);
    objective.unit = Vector(1, max_T, 1, max_T);
    // Steps of at most a factor e in each parameter: longer first steps from the start overshoot to alpha or
    // beta 40-90 times the other, where one evaluation costs as much as the rest of the fit.
    objective.max_step = 1;
    const double start = std::log(max_T / 10);
    auto solve = [&](std::span<const double> x, std::span<const double> tx, std::span<const double> t,
                     std::span<const double> w, double total_weight, const Vector& u0,
                     Convergence& convergence) {
        const detail::DistinctRows d = detail::distinct_rows(x, tx, t, w);
        std::vector<double> distinct_x;
        const std::vector<std::uint32_t> group = detail::group_of(d.column[0], distinct_x);
        auto sample_objective = objective;
        sample_objective.total_weight = total_weight;
        return detail::fit_in_log_space<4>(
            [&](const Vector& theta, Vector* gradient, Eigen::Matrix4d* hessian) {
                return log_likelihood(as_params(theta), d.column[0], d.column[1], d.column[2], d.weight,
                                      group, distinct_x, gradient, hessian, options.threads);
            },
            sample_objective, u0, options, {"r", "alpha", "s", "beta"}, convergence);
    };
    Vector u0(0, start, 0, start);
    if (const auto sample = detail::start_sample(frequency, recency, T, weights);
        sample && options.initial.empty()) {
        const auto& [x, tx, t, w] = *sample;
        Convergence sample_convergence;
        if (*std::max_element(t.begin(), t.end()) > 0) {
            const double weight =
                w.empty() ? static_cast<double>(x.size()) : std::accumulate(w.begin(), w.end(), 0.0);
            const auto at = solve(x, tx, t, w, weight, u0, sample_convergence);
            if (sample_convergence.converged) u0 = at.theta.array().log().matrix();
        }
    }
    const auto result = solve(frequency, recency, T, weights, fit.total_weight, u0, fit.convergence);
    fit.params = as_params(result.theta);
    fit.log_likelihood = result.log_likelihood;
    fit.covariance = result.covariance;
    fit.standard_errors = as_params(fit.covariance.diagonal().array().sqrt());
    return fit;
}

double pareto_nbd_log_likelihood(const ParetoNbdParams& params, std::span<const double> frequency,
                                 std::span<const double> recency, std::span<const double> T,
                                 std::span<const double> weights, Eigen::Vector4d* gradient,
                                 Eigen::Matrix4d* hessian) {
    constexpr std::string_view where = "pareto_nbd_log_likelihood";
    validate_params(where, params);
    detail::validate_rfm(where, frequency, recency, T);
    detail::validate_weights(where, weights, frequency);
    std::vector<double> distinct_x;
    const std::vector<std::uint32_t> group = detail::group_of(frequency, distinct_x);
    return log_likelihood(params, frequency, recency, T, weights, group, distinct_x, gradient, hessian, 0);
}

double pareto_nbd_expected_number_of_purchases_up_to_time(const ParetoNbdParams& p, double t) {
    validate_params("pareto_nbd_expected_number_of_purchases_up_to_time", p);
    if (!(t >= 0) || !std::isfinite(t)) return detail::nan;
    return p.r / p.alpha * p.beta * growth(p.s - 1, t / p.beta);
}

std::vector<double> pareto_nbd_conditional_expected_number_of_purchases_up_to_time(
    const ParetoNbdParams& p, double t, std::span<const double> frequency, std::span<const double> recency,
    std::span<const double> T) {
    constexpr std::string_view where = "pareto_nbd_conditional_expected_number_of_purchases_up_to_time";
    validate_params(where, p);
    detail::validate_rfm(where, frequency, recency, T);
    require_horizon(where, t);
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i], bT = p.beta + T[i];
        const double alive = row(p, x, recency[i], T[i]).alive;
        out[i] = t == 0 ? 0.0 : (p.r + x) / (p.alpha + T[i]) * bT * growth(p.s - 1, t / bT) * alive;
    }
    return out;
}

double pareto_nbd_conditional_expected_number_of_purchases_up_to_time(const ParetoNbdParams& params, double t,
                                                                      const CustomerRfm& customer) {
    return pareto_nbd_conditional_expected_number_of_purchases_up_to_time(
        params, t, {&customer.frequency, 1}, {&customer.recency, 1}, {&customer.T, 1})[0];
}

std::vector<double> pareto_nbd_conditional_probability_alive(const ParetoNbdParams& p,
                                                             std::span<const double> frequency,
                                                             std::span<const double> recency,
                                                             std::span<const double> T) {
    constexpr std::string_view where = "pareto_nbd_conditional_probability_alive";
    validate_params(where, p);
    detail::validate_rfm(where, frequency, recency, T);
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = row(p, frequency[i], recency[i], T[i]).alive;
    return out;
}

double pareto_nbd_conditional_probability_alive(const ParetoNbdParams& params, const CustomerRfm& customer) {
    return pareto_nbd_conditional_probability_alive(params, {&customer.frequency, 1}, {&customer.recency, 1},
                                                    {&customer.T, 1})[0];
}

double pareto_nbd_probability_of_n_purchases_up_to_time(const ParetoNbdParams& p, double t, double n) {
    constexpr std::string_view where = "pareto_nbd_probability_of_n_purchases_up_to_time";
    validate_params(where, p);
    require_horizon(where, t);
    require_count(where, n);
    if (t == 0) return n == 0 ? 1.0 : 0.0;
    using boost::math::lgamma;
    const double r = p.r, s = p.s, rs = r + s;
    // Still alive at t after n purchases.
    const double alive =
        std::exp(lgamma(r + n) - lgamma(r) - lgamma(n + 1) + r * std::log(p.alpha / (p.alpha + t)) +
                 n * std::log(t / (p.alpha + t)) + s * std::log(p.beta / (p.beta + t)));
    // Died before t after n purchases: alpha^r beta^s B(r+n, s+1)/B(r, s) [B1 - sum_i ... B2(i)], each term
    // in logs relative to the larger of alpha, beta.
    const bool alpha_larger = p.alpha >= p.beta;
    const double base = alpha_larger ? p.alpha : p.beta, gap = std::abs(p.alpha - p.beta);
    const double b = alpha_larger ? s + 1 : r + n, c = rs + n + 1;
    const double log_scale = r * std::log(p.alpha) + s * std::log(p.beta) +
                             std::log(boost::math::beta(r + n, s + 1)) - std::log(boost::math::beta(r, s));
    double bracket = std::exp(log_scale - rs * std::log(base)) * hyp2f1(rs, b, c, gap / base);
    const auto count = static_cast<std::int64_t>(n);
    for (std::int64_t k = 0; k <= count; ++k) {
        const auto i = static_cast<double>(k);
        const double log_weight =
            lgamma(rs + i) - lgamma(rs) - lgamma(i + 1) + i * std::log(t) - (rs + i) * std::log(base + t);
        bracket -= std::exp(log_scale + log_weight) * hyp2f1(rs + i, b, c, gap / (base + t));
    }
    // The bracket is a difference of nearly equal terms for large n: rounding may leave it a hair below 0.
    return alive + std::max(0.0, bracket);
}

std::vector<double> pareto_nbd_conditional_probability_of_n_purchases_up_to_time(
    const ParetoNbdParams& p, double n, double t, std::span<const double> frequency,
    std::span<const double> recency, std::span<const double> T) {
    constexpr std::string_view where = "pareto_nbd_conditional_probability_of_n_purchases_up_to_time";
    validate_params(where, p);
    detail::validate_rfm(where, frequency, recency, T);
    require_horizon(where, t);
    require_count(where, n);
    std::vector<double> out(frequency.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double x = frequency[i];
        const double alive = row(p, x, recency[i], T[i]).alive;
        const ParetoNbdParams posterior{p.r + x, p.alpha + T[i], p.s, p.beta + T[i]};
        out[i] = alive * pareto_nbd_probability_of_n_purchases_up_to_time(posterior, t, n) +
                 (n == 0 ? 1 - alive : 0.0);
    }
    return out;
}

double pareto_nbd_conditional_probability_of_n_purchases_up_to_time(const ParetoNbdParams& params, double n,
                                                                    double t, const CustomerRfm& customer) {
    return pareto_nbd_conditional_probability_of_n_purchases_up_to_time(
        params, n, t, {&customer.frequency, 1}, {&customer.recency, 1}, {&customer.T, 1})[0];
}

}  // namespace accountkpi::ltv
