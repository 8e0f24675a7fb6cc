#pragma once
// Private helpers of the lifetime-value models (src/ltv_*.cpp): input validation, the optimisers (Newton's
// method with an analytic Hessian; L-BFGS followed by Newton refinement with a finite-difference Hessian)
// and finite-difference Hessians of exact gradients.

#include <LBFGS.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "accountkpi/ltv/fit.hpp"
#include "detail/text.hpp"
#include "detail/threads.hpp"

namespace accountkpi::ltv::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

inline std::string format_number(double v) {
    return accountkpi::detail::number_text(v, 17);
}

[[noreturn]] inline void fail(std::string_view where, std::string_view message) {
    throw std::invalid_argument("accountkpi::ltv::" + std::string(where) + ": " + std::string(message));
}

[[noreturn]] inline void fail_at(std::string_view where, std::string_view name, std::size_t i, double value,
                                 std::string_view reason) {
    fail(where, std::string(name) + "[" + std::to_string(i) + "] = " + format_number(value) + " " +
                    std::string(reason));
}

inline void require_same_size(std::string_view where, std::string_view name, std::span<const double> column,
                              std::string_view reference_name, std::span<const double> reference) {
    if (column.size() != reference.size())
        fail(where, std::string(name) + " has " + std::to_string(column.size()) + " values but " +
                        std::string(reference_name) + " has " + std::to_string(reference.size()));
}

inline void require_non_empty(std::string_view where, std::string_view name, std::span<const double> column) {
    if (column.empty()) fail(where, std::string(name) + " is empty");
}

/// Every value finite; kinds of lower bound: >= 0 or > 0.
enum class Bound { any, non_negative, positive };

inline void require_values(std::string_view where, std::string_view name, std::span<const double> column,
                           Bound bound, bool whole = false) {
    for (std::size_t i = 0; i < column.size(); ++i) {
        const double v = column[i];
        if (std::isnan(v)) fail_at(where, name, i, v, "is NaN");
        if (!std::isfinite(v)) fail_at(where, name, i, v, "is not finite");
        if (bound == Bound::non_negative && v < 0) fail_at(where, name, i, v, "is negative");
        if (bound == Bound::positive && !(v > 0)) fail_at(where, name, i, v, "is not > 0");
        if (whole && v != std::floor(v)) fail_at(where, name, i, v, "is not a whole number");
    }
}

inline void require_parameter(std::string_view where, std::string_view name, double v) {
    if (!(v > 0) || !std::isfinite(v))
        fail(where, "parameter " + std::string(name) + " = " + format_number(v) + " must be finite and > 0");
}

inline void require_options(std::string_view where, const FitOptions& options) {
    if (!(options.penalizer_coef >= 0) || !std::isfinite(options.penalizer_coef))
        fail(where, "penalizer_coef = " + format_number(options.penalizer_coef) + " must be finite and >= 0");
    if (options.max_iterations < 1) fail(where, "max_iterations must be >= 1");
    if (!(options.gradient_tolerance > 0)) fail(where, "gradient_tolerance must be > 0");
}

/// The RFM columns of the BG/NBD family: same non-empty size, x whole >= 0, 0 <= t_x <= T, all finite.
inline void validate_rfm(std::string_view where, std::span<const double> frequency,
                         std::span<const double> recency, std::span<const double> T) {
    require_non_empty(where, "frequency", frequency);
    require_same_size(where, "recency", recency, "frequency", frequency);
    require_same_size(where, "T", T, "frequency", frequency);
    require_values(where, "frequency", frequency, Bound::non_negative, /*whole=*/true);
    require_values(where, "recency", recency, Bound::non_negative);
    require_values(where, "T", T, Bound::non_negative);
    for (std::size_t i = 0; i < recency.size(); ++i)
        if (recency[i] > T[i])
            fail_at(where, "recency", i, recency[i],
                    "exceeds T[" + std::to_string(i) + "] = " + format_number(T[i]));
}

/// Optional weights: empty, or one finite value >= 0 per row, not all 0.
inline void validate_weights(std::string_view where, std::span<const double> weights,
                             std::span<const double> frequency) {
    if (weights.empty()) return;
    require_same_size(where, "weights", weights, "frequency", frequency);
    require_values(where, "weights", weights, Bound::non_negative);
    if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0) fail(where, "weights are all 0");
}

/// Index of each row's whole-number x >= 0 among the distinct values `distinct` (increasing), which it fills
/// (x must not be empty).
inline std::vector<std::uint32_t> group_of(std::span<const double> x, std::vector<double>& distinct) {
    const double max_x = *std::max_element(x.begin(), x.end());
    std::vector<std::uint32_t> group(x.size());
    if (max_x <= static_cast<double>(4 * x.size() + 1024)) {  // a direct lookup table
        std::vector<std::uint32_t> id(static_cast<std::size_t>(max_x) + 1, 0);
        for (const double v : x) id[static_cast<std::size_t>(v)] = 1;
        for (std::size_t v = 0; v < id.size(); ++v)
            if (id[v]) {
                id[v] = static_cast<std::uint32_t>(distinct.size());
                distinct.push_back(static_cast<double>(v));
            }
        for (std::size_t i = 0; i < x.size(); ++i) group[i] = id[static_cast<std::size_t>(x[i])];
    } else {
        distinct.assign(x.begin(), x.end());
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        for (std::size_t i = 0; i < x.size(); ++i)
            group[i] = static_cast<std::uint32_t>(std::lower_bound(distinct.begin(), distinct.end(), x[i]) -
                                                  distinct.begin());
    }
    return group;
}

/// The distinct rows (a_i, b_i, c_i) of three columns, sorted lexicographically, each with the total weight
/// of its rows (1 per row when `weights` is empty): a likelihood summed over them equals the one over the
/// rows and evaluates each distinct row once (CDNOW's 2,357 customers are 1,016 distinct (x, t_x, T)).
struct DistinctRows {
    std::array<std::vector<double>, 3> column;  ///< a, b, c of each distinct row
    std::vector<double> weight;
    std::size_t size() const { return weight.size(); }
};

inline DistinctRows distinct_rows(std::span<const double> a, std::span<const double> b,
                                  std::span<const double> c, std::span<const double> weights) {
    std::vector<std::array<double, 4>> rows(a.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i] = {a[i], b[i], c[i], weights.empty() ? 1.0 : weights[i]};
    auto key = [](const std::array<double, 4>& r) { return std::tie(r[0], r[1], r[2]); };
    std::sort(rows.begin(), rows.end(), [&](const auto& x, const auto& y) { return key(x) < key(y); });
    DistinctRows d;
    for (const auto& r : rows) {
        if (d.size() > 0 && key(r) == std::tie(d.column[0].back(), d.column[1].back(), d.column[2].back())) {
            d.weight.back() += r[3];
            continue;
        }
        for (std::size_t j = 0; j < 3; ++j) d.column[j].push_back(r[j]);
        d.weight.push_back(r[3]);
    }
    return d;
}

/// Rows of the sample whose fit starts a fit on large data (`start_sample`).
inline constexpr std::size_t start_rows = 1U << 16;

/// Every k-th row (k = rows / start_rows) of x, t_x, T and the weights (empty when `weights` is), when there
/// are at least 4 * start_rows rows, else nothing: on large data a fit starts where the fit of this sample
/// ends (at 10^6 customers within a few standard errors), so Newton's method needs 3-4 evaluations of every
/// row instead of 8-12. The end point is the full data's maximum, as from any start.
inline std::optional<std::array<std::vector<double>, 4>> start_sample(std::span<const double> frequency,
                                                                      std::span<const double> recency,
                                                                      std::span<const double> T,
                                                                      std::span<const double> weights) {
    const std::size_t n = frequency.size();
    if (n < 4 * start_rows) return std::nullopt;
    const std::size_t k = n / start_rows;
    std::array<std::vector<double>, 4> every_kth;
    for (std::size_t i = 0; i < n; i += k) {
        every_kth[0].push_back(frequency[i]);
        every_kth[1].push_back(recency[i]);
        every_kth[2].push_back(T[i]);
        if (!weights.empty()) every_kth[3].push_back(weights[i]);
    }
    return every_kth;
}

/// Part of a log-likelihood sum of a four-parameter model: value, gradient and Hessian (upper triangle or
/// full, as the caller keeps it).
struct Partial4 {
    double ll = 0;
    Eigen::Vector4d g = Eigen::Vector4d::Zero();
    Eigen::Matrix4d h = Eigen::Matrix4d::Zero();
    void add(const Partial4& other) {
        ll += other.ll;
        g += other.g;
        h += other.h;
    }
};

/// Rows per chunk of `sum_in_chunks`: fixed, so that the sums do not depend on the number of threads.
inline constexpr std::size_t chunk_rows = 1U << 15;

/// The sum of `chunk(first, last)` over the chunks [0, 32768), [32768, 65536), ... of `rows` rows, the chunks
/// shared among up to `threads` threads (0: one per core; 1 when there is one chunk) and their partial sums
/// added in chunk order: the same bits for any number of threads. `chunk` must not throw.
template <class Chunk>
Partial4 sum_in_chunks(std::size_t rows, unsigned threads, const Chunk& chunk) {
    const std::size_t chunks = (rows + chunk_rows - 1) / chunk_rows;
    std::vector<Partial4> parts(chunks);
    const std::size_t workers = std::min<std::size_t>(
        chunks, threads > 0 ? threads : std::max(1U, std::thread::hardware_concurrency()));
    auto run = [&](std::size_t t) {
        for (std::size_t c = t; c < chunks; c += workers)
            parts[c] = chunk(c * chunk_rows, std::min(rows, (c + 1) * chunk_rows));
    };
    accountkpi::detail::in_threads(std::max<std::size_t>(workers, 1), {}, run);
    Partial4 total;
    for (const Partial4& part : parts) total.add(part);
    return total;
}

/// Central finite differences of an exact gradient: H(:, j) = (g(u + h_j e_j) - g(u - h_j e_j)) / (2 h_j)
/// with h_j = step * max(|u_j|, scale_floor), symmetrised. `gradient(u, g)` fills g.
template <int N, class Gradient>
Eigen::Matrix<double, N, N> hessian_of_gradient(Gradient&& gradient, const Eigen::Matrix<double, N, 1>& u,
                                                double step, double scale_floor, int& evaluations) {
    Eigen::Matrix<double, N, N> h;
    Eigen::Matrix<double, N, 1> gp, gm;
    for (int j = 0; j < N; ++j) {
        const double hj = step * std::max(std::abs(u(j)), scale_floor);
        Eigen::Matrix<double, N, 1> up = u, um = u;
        up(j) += hj;
        um(j) -= hj;
        gradient(up, gp);
        gradient(um, gm);
        evaluations += 2;
        h.col(j) = (gp - gm) / (2 * hj);
    }
    return (h + h.transpose()) / 2;
}

/// Covariance = inverse of a Hessian when it is positive definite, else all NaN.
template <int N>
Eigen::Matrix<double, N, N> covariance_from_hessian(const Eigen::Matrix<double, N, N>& hessian) {
    Eigen::LLT<Eigen::Matrix<double, N, N>> llt(hessian);
    if (!hessian.allFinite() || llt.info() != Eigen::Success)
        return Eigen::Matrix<double, N, N>::Constant(nan);
    return llt.solve(Eigen::Matrix<double, N, N>::Identity());
}

/// Minimises `objective(u, g)` (returns the value, fills the gradient g) over u in R^N: L-BFGS with a
/// strong-Wolfe backtracking line search, then up to 20 Newton steps with a finite-difference Hessian
/// (halving the step until the value does not increase). The best point seen is kept whatever ends the
/// search.
template <int N, class Objective>
Eigen::Matrix<double, N, 1> minimize(Objective&& objective, Eigen::Matrix<double, N, 1> u0,
                                     const FitOptions& options, Convergence& convergence) {
    using Vector = Eigen::Matrix<double, N, 1>;
    Vector best = u0;
    double best_value = std::numeric_limits<double>::infinity();
    int evaluations = 0;
    auto counted = [&](const Vector& u, Vector& g) {
        ++evaluations;
        const double f = objective(u, g);
        if (!std::isfinite(f) || !g.allFinite()) {
            g.setZero();
            return std::numeric_limits<double>::infinity();
        }
        if (f < best_value) {
            best_value = f;
            best = u;
        }
        return f;
    };

    LBFGSpp::LBFGSParam<double> param;
    param.epsilon = options.gradient_tolerance;
    param.epsilon_rel = 0;
    param.max_iterations = options.max_iterations;
    param.max_linesearch = 60;
    param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
    LBFGSpp::LBFGSSolver<double> solver(param);
    Eigen::VectorXd x = u0;
    double fx = 0;
    int iterations = 0;
    std::string message = "L-BFGS reached the gradient tolerance";
    auto dynamic = [&](const Eigen::VectorXd& xd, Eigen::VectorXd& gd) {
        Vector g;
        const double f = counted(Vector(xd), g);
        gd = g;
        return f;
    };
    try {
        iterations = solver.minimize(dynamic, x, fx);
        if (iterations >= options.max_iterations) message = "L-BFGS reached max_iterations";
    } catch (const std::exception& e) {
        message = std::string("L-BFGS stopped: ") + e.what();
        iterations = options.max_iterations;
    }

    // Newton refinement from the best point.
    Vector u = best, g;
    double f = counted(u, g);
    auto gradient_only = [&](const Vector& v, Vector& gv) { objective(v, gv); };
    for (int step = 0; step < 20 && std::isfinite(f) && g.norm() > options.gradient_tolerance * 1e-3;
         ++step) {
        const auto h = hessian_of_gradient<N>(gradient_only, u, 1e-5, 1.0, evaluations);
        Eigen::LDLT<Eigen::Matrix<double, N, N>> ldlt(h);
        if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) break;
        const Vector direction = -ldlt.solve(g);
        if (!direction.allFinite()) break;
        double t = 1;
        bool improved = false;
        for (int halving = 0; halving < 30; ++halving, t /= 2) {
            Vector gt;
            const double ft = counted(u + t * direction, gt);
            if (ft <= f) {
                u += t * direction;
                f = ft;
                g = gt;
                improved = true;
                break;
            }
        }
        ++iterations;
        if (!improved) break;
    }
    convergence.iterations = iterations;
    convergence.evaluations = evaluations;
    convergence.gradient_norm = g.norm();
    convergence.converged = std::isfinite(f) && g.norm() <= options.gradient_tolerance;
    convergence.message =
        convergence.converged
            ? message + "; Newton refinement reached gradient norm " + format_number(g.norm())
            : message + "; not converged: gradient norm " + format_number(g.norm());
    return u;
}

/// The mean penalised negative log-likelihood f = -LL / W + lambda * sum((s_j theta_j)^2) of a model, with
/// its gradient and Hessian, in the natural parameters theta and in u = ln(theta - lower) (lower is 0 but
/// for constrained parameters, such as q > 1 of Gamma-Gamma's `q_constraint`).
template <int N>
struct LogSpaceObjective {
    using Vector = Eigen::Matrix<double, N, 1>;
    using Matrix = Eigen::Matrix<double, N, N>;
    double total_weight = 1;                ///< W
    double lambda = 0;                      ///< penalizer_coef
    Vector penalty_scale = Vector::Ones();  ///< s
    Vector lower = Vector::Zero();          ///< theta_j > lower_j
    /// The natural size of each parameter (the time or currency unit of the data for rate and scale
    /// parameters, 1 for the unit-free ones): an estimate with (theta - lower) / unit outside [1e-6, 1e6]
    /// is at the boundary of the parameter space, not a converged fit.
    Vector unit = Vector::Ones();
    /// The longest Newton step in any log-parameter (4: a factor e^4 = 55 on a parameter). Shorter where a
    /// far trial point is costly to evaluate (Pareto/NBD's series need about 40 / (1 - z) terms).
    double max_step = 4;

    Vector theta_of(const Vector& u) const { return lower + u.array().exp().matrix(); }

    /// f from the log-likelihood; g and H (d/du) from the natural-parameter gradient and Hessian of LL with
    /// e = theta - lower = exp(u): g_u = e * g_theta, H_u = diag(e) H_theta diag(e) + diag(e * g_theta).
    double operator()(const Vector& theta, double ll, const Vector& ll_gradient, const Matrix& ll_hessian,
                      Vector& g, Matrix& h) const {
        const Vector s2 = penalty_scale.array().square();
        const Vector e = theta - lower;
        const Vector g_theta = -ll_gradient / total_weight + 2 * lambda * s2.cwiseProduct(theta);
        Matrix h_theta = -ll_hessian / total_weight;
        h_theta.diagonal() += 2 * lambda * s2;
        g = e.cwiseProduct(g_theta);
        h = e.asDiagonal() * h_theta * e.asDiagonal();
        h.diagonal() += g;
        return -ll / total_weight + lambda * s2.dot(theta.cwiseProduct(theta));
    }

    /// Hessian of the total penalised negative log-likelihood W f in the natural parameters.
    Matrix total_hessian(const Matrix& ll_hessian) const {
        Matrix h = -ll_hessian;
        h.diagonal() += 2 * total_weight * lambda * penalty_scale.array().square().matrix();
        return h;
    }
};

/// The Newton direction -H^-1 g with the eigenvalues of H replaced by their absolute values, floored at 1e-8
/// of the largest (a descent direction wherever H is not positive definite); NaN when H has no eigenvalues.
template <int N>
Eigen::Matrix<double, N, 1> newton_direction(const Eigen::Matrix<double, N, N>& h,
                                             const Eigen::Matrix<double, N, 1>& g) {
    const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, N, N>> eigen(h);
    if (eigen.info() != Eigen::Success) return Eigen::Matrix<double, N, 1>::Constant(nan);
    const Eigen::Matrix<double, N, 1> lambda = eigen.eigenvalues().cwiseAbs();
    const double floor = std::max(1e-8 * lambda.maxCoeff(), 1e-300);
    const Eigen::Matrix<double, N, 1> inverse = lambda.cwiseMax(floor).cwiseInverse();
    return -(eigen.eigenvectors() * inverse.asDiagonal() * (eigen.eigenvectors().transpose() * g));
}

/// Minimises `evaluate(u, g, h)` (returns the value, fills the gradient g and the Hessian h) over u in R^N
/// by Newton's method from u0: `newton_direction`, at most `max_step` long in each coordinate, with a
/// backtracking line search (Armijo). Stops at a gradient norm <= gradient_tolerance * 1e-3, or when the line
/// search finds no lower value; once converged (below), only full steps that lower the gradient norm are
/// taken. Converged means: gradient norm <= gradient_tolerance and Newton decrement g' H^-1 g <=
/// gradient_tolerance^2 (on a flat ridge towards infinite parameters the gradient becomes small while the
/// decrement does not). Otherwise, after at most min(max_iterations, 100) steps, falls back to `minimize`
/// (L-BFGS, then Newton refinement with a finite-difference Hessian) from u0 and reports its result.
template <int N, class Evaluate>
Eigen::Matrix<double, N, 1> minimize_newton(Evaluate&& evaluate, const Eigen::Matrix<double, N, 1>& u0,
                                            const FitOptions& options, Convergence& convergence,
                                            double max_step = 4) {
    using Vector = Eigen::Matrix<double, N, 1>;
    using Matrix = Eigen::Matrix<double, N, N>;
    int evaluations = 0;
    auto counted = [&](const Vector& u, Vector& g, Matrix& h) {
        ++evaluations;
        const double f = evaluate(u, g, h);
        if (!std::isfinite(f) || !g.allFinite() || !h.allFinite())
            return std::numeric_limits<double>::infinity();
        return f;
    };
    Vector u = u0, g;
    Matrix h;
    double f = counted(u, g, h);
    const int max_steps = std::min(options.max_iterations, 100);
    int steps = 0;
    const double tolerance = options.gradient_tolerance;
    while (std::isfinite(f) && g.norm() > tolerance * 1e-3 && steps < max_steps) {
        Vector direction = newton_direction<N>(h, g);
        const double longest = direction.cwiseAbs().maxCoeff();
        if (!std::isfinite(longest)) break;
        // Within the tolerances already, the predicted decrease of f (half the decrement) is below its
        // rounding on large data: only full steps that lower the gradient are taken then, without search.
        const bool polishing = g.norm() <= tolerance && -g.dot(direction) <= tolerance * tolerance;
        if (longest > max_step) direction *= max_step / longest;
        const double slope = g.dot(direction);
        bool improved = false;
        double t = 1;
        for (int halving = 0; halving < (polishing ? 1 : 30) && !improved; ++halving, t /= 2) {
            Vector gt;
            Matrix ht;
            const double ft = counted(u + t * direction, gt, ht);
            const bool accept = polishing ? gt.norm() < g.norm() : ft <= f + 1e-4 * t * slope;  // Armijo
            if (std::isfinite(ft) && accept) {
                u += t * direction;
                f = ft;
                g = gt;
                h = ht;
                improved = true;
            }
        }
        ++steps;
        if (!improved) break;
    }
    const double decrement = std::isfinite(f) ? -g.dot(newton_direction<N>(h, g)) : nan;
    if (std::isfinite(f) && g.norm() <= tolerance && decrement <= tolerance * tolerance) {
        convergence.converged = true;
        convergence.iterations = steps;
        convergence.evaluations = evaluations;
        convergence.gradient_norm = g.norm();
        convergence.message = "Newton's method reached gradient norm " + format_number(g.norm()) + " in " +
                              std::to_string(steps) + " steps";
        return u;
    }
    // Newton's method did not get there: the slower, more forgiving path from the same start.
    const std::string newton = "Newton's method stopped at gradient norm " + format_number(g.norm()) +
                               ", decrement " + format_number(decrement) + " after " + std::to_string(steps) +
                               " steps";
    auto gradient_only = [&](const Vector& v, Vector& gv) {
        Matrix hv;
        return evaluate(v, gv, hv);
    };
    const Vector result = minimize<N>(gradient_only, u0, options, convergence);
    convergence.iterations += steps;
    convergence.evaluations += evaluations;
    convergence.message = newton + "; then " + convergence.message;
    return result;
}

/// A maximum-(penalised-)likelihood fit in log-parameters: the estimates, the log-likelihood there (penalty
/// excluded) and the covariance, the inverse of the analytic Hessian of the total penalised negative
/// log-likelihood in the natural parameters.
template <int N>
struct LogSpaceFit {
    Eigen::Matrix<double, N, 1> theta;
    double log_likelihood = nan;
    Eigen::Matrix<double, N, N> covariance;
};

/// The names of a model's N parameters, for messages.
template <int N>
using Names = std::array<const char*, static_cast<std::size_t>(N)>;

/// Whether an optimiser's end point is a maximum-likelihood estimate one can use, given the gradient g and
/// Hessian h of the objective in u there: the optimiser's own verdict (`convergence.converged`) is kept
/// only when, in addition, h is positive definite and not near-singular (smallest eigenvalue > 1e-10 of the
/// largest: else a parameter, or a combination, is not identified by the data), the Newton decrement
/// g' h^-1 g is <= gradient_tolerance^2 (not still climbing), and no parameter is at the boundary of its
/// space (see `LogSpaceObjective::unit`). Appends the reason to `convergence.message` when not.
template <int N>
void assess(const Eigen::Matrix<double, N, 1>& u, const Eigen::Matrix<double, N, 1>& g,
            const Eigen::Matrix<double, N, N>& h, const LogSpaceObjective<N>& objective,
            const Names<N>& names, const FitOptions& options, Convergence& convergence) {
    std::string reasons;
    auto add = [&](const std::string& reason) { reasons += (reasons.empty() ? "" : "; ") + reason; };
    if (!g.allFinite() || !h.allFinite()) {
        add("the likelihood is not finite at the end point");
    } else {
        const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, N, N>> eigen(h);
        const auto lambda = eigen.eigenvalues();  // increasing
        if (eigen.info() != Eigen::Success || !(lambda(0) > 1e-10 * std::abs(lambda(N - 1)))) {
            add("the Hessian is " + std::string(lambda(0) <= 0 ? "not positive definite" : "near-singular") +
                " (eigenvalues " + format_number(lambda(0)) + " to " + format_number(lambda(N - 1)) +
                "): the data do not identify every parameter, and their standard errors are undefined");
        } else {
            const double decrement = g.dot(eigen.eigenvectors() * lambda.cwiseInverse().asDiagonal() *
                                           (eigen.eigenvectors().transpose() * g));
            if (!(decrement <= options.gradient_tolerance * options.gradient_tolerance))
                add("the Newton decrement " + format_number(decrement) +
                    " is above the squared tolerance: the likelihood is still rising");
        }
    }
    for (int j = 0; j < N; ++j) {
        const double relative = std::exp(u(j)) / objective.unit(j);
        if (!(relative >= 1e-6 && relative <= 1e6))
            add(std::string("parameter ") + names[static_cast<std::size_t>(j)] + " = " +
                format_number(objective.lower(j) + std::exp(u(j))) +
                " is at the boundary of its range (the likelihood is highest at " +
                (relative < 1e-6 ? "0" : "infinity") + ")");
    }
    if (!std::isfinite(g.norm()) || !(g.norm() <= options.gradient_tolerance))
        add("gradient norm " + format_number(g.norm()) + " above the tolerance " +
            format_number(options.gradient_tolerance));
    if (reasons.empty()) return;
    convergence.converged = false;
    convergence.message += "; not converged: " + reasons;
}

/// Fits theta = lower + exp(u) by `minimize_newton` on `objective` from u0 (from u = ln(initial - lower)
/// when `options.initial` is given), then `assess`es the end point; `log_likelihood(theta, gradient,
/// hessian)` returns the log-likelihood and fills its gradient and Hessian in the natural parameters.
/// \throws std::invalid_argument when options.initial has the wrong size or a value not above its bound.
template <int N, class LogLikelihood>
LogSpaceFit<N> fit_in_log_space(const LogLikelihood& log_likelihood, const LogSpaceObjective<N>& objective,
                                Eigen::Matrix<double, N, 1> u0, const FitOptions& options,
                                const Names<N>& names, Convergence& convergence) {
    using Vector = Eigen::Matrix<double, N, 1>;
    using Matrix = Eigen::Matrix<double, N, N>;
    if (!options.initial.empty()) {
        if (options.initial.size() != static_cast<std::size_t>(N))
            fail("fit", "initial_params has " + std::to_string(options.initial.size()) +
                            " values, expected " + std::to_string(N));
        for (int j = 0; j < N; ++j) {
            const double v = options.initial[static_cast<std::size_t>(j)];
            if (!(v > objective.lower(j)) || !std::isfinite(v))
                fail("fit", std::string("initial value of ") + names[static_cast<std::size_t>(j)] + " = " +
                                format_number(v) + " must be finite and > " +
                                format_number(objective.lower(j)));
            u0(j) = std::log(v - objective.lower(j));
        }
    }
    struct Evaluation {
        Vector u;
        double ll = nan;
        Matrix hessian;
        Vector g;
        Matrix h;
    } last;
    auto evaluate = [&](const Vector& u, Vector& g, Matrix& h) {
        const Vector theta = objective.theta_of(u);
        Vector ll_gradient;
        last.u = u;
        last.ll = log_likelihood(theta, &ll_gradient, &last.hessian);
        const double f = objective(theta, last.ll, ll_gradient, last.hessian, g, h);
        last.g = g;
        last.h = h;
        return f;
    };
    const Vector u = minimize_newton<N>(evaluate, u0, options, convergence, objective.max_step);
    if (last.u != u) {  // the optimiser ended elsewhere than at its last evaluation
        Vector g;
        Matrix h;
        evaluate(u, g, h);
        ++convergence.evaluations;
    }
    LogSpaceFit<N> fit;
    fit.theta = objective.theta_of(u);
    fit.log_likelihood = last.ll;
    fit.covariance = covariance_from_hessian<N>(objective.total_hessian(last.hessian));
    if (convergence.converged) assess<N>(u, last.g, last.h, objective, names, options, convergence);
    if (!fit.covariance.allFinite() && convergence.converged) {
        convergence.converged = false;
        convergence.message +=
            "; not converged: the Hessian in the natural parameters is not positive "
            "definite, so the standard errors are undefined";
    }
    return fit;
}

}  // namespace accountkpi::ltv::detail
