#pragma once
/// \file
/// What every lifetime-value fit shares: its options and the report of how the optimiser ended.

#include <limits>
#include <string>

namespace accountkpi::ltv {

/// Options of a maximum-likelihood fit.
struct FitOptions {
    /// L2 penalty added to the *mean* negative log-likelihood: `penalizer_coef * sum(params^2)`, as the
    /// Python package lifetimes does (for BG/NBD the penalty sees alpha in lifetimes' rescaled time unit, see
    /// `fit_bgnbd`). 0 (the default) gives the plain maximum-likelihood estimate. Must be >= 0.
    double penalizer_coef = 0.0;
    /// Cap on L-BFGS iterations (each iteration evaluates the likelihood and its gradient a few times).
    int max_iterations = 1000;
    /// Convergence: Euclidean norm of the gradient of the mean negative log-likelihood with respect to the
    /// log-parameters. The fit ends with a few Newton steps, so the reached norm is usually far below this.
    double gradient_tolerance = 1e-7;
};

/// How the optimiser ended.
struct Convergence {
    bool converged = false;  ///< true when the final gradient norm is <= `FitOptions::gradient_tolerance`
    int iterations = 0;      ///< L-BFGS iterations plus Newton refinement steps
    int evaluations = 0;  ///< likelihood-and-gradient evaluations, including the finite-difference Hessians
    /// Final norm of the gradient of the objective (mean negative log-likelihood plus penalty) with respect
    /// to the log-parameters.
    double gradient_norm = std::numeric_limits<double>::quiet_NaN();
    std::string message;  ///< what ended the optimisation, in words
};

}  // namespace accountkpi::ltv
