#pragma once
// Private helpers of the lifetime-value models (src/ltv_*.cpp): input validation, the optimiser wrapper
// (L-BFGS followed by Newton refinement) and finite-difference Hessians of exact gradients.

#include <LBFGS.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "accountkpi/ltv/fit.hpp"

namespace accountkpi::ltv::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

inline std::string format_number(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
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

}  // namespace accountkpi::ltv::detail
