#pragma once
/// \file
/// What every lifetime-value fit shares: its options and the report of how the optimiser ended.

#include <limits>
#include <string>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Options of a maximum-likelihood fit.
struct FitOptions {
    /// L2 penalty added to the *mean* negative log-likelihood: `penalizer_coef * sum(params^2)`, as the
    /// Python package lifetimes does (for BG/NBD the penalty sees alpha in lifetimes' rescaled time unit, see
    /// `fit_bgnbd`). 0 (the default) gives the plain maximum-likelihood estimate. Must be >= 0.
    double penalizer_coef = 0.0;
    /// Cap on L-BFGS iterations (each iteration evaluates the likelihood and its gradient a few times); the
    /// models with an analytic Hessian first try at most min(max_iterations, 100) Newton steps.
    int max_iterations = 1000;
    /// Convergence: Euclidean norm of the gradient of the mean negative log-likelihood with respect to the
    /// log-parameters. The fit ends with Newton steps, so the reached norm is usually far below this.
    double gradient_tolerance = 1e-7;
    /// Starting point of the optimiser, in the model's natural parameters and order (e.g. r, alpha, a, b);
    /// empty (the default) for the model's own start. Must hold one finite value per parameter, inside its
    /// range.
    std::vector<double> initial;
    /// Threads that evaluate the likelihood sums of BG/NBD, MBG/NBD and Pareto/NBD (0, the default: one per
    /// core). The rows are summed in chunks of fixed size whose partial sums are added in order, so the fit
    /// is the same bit for bit for any number of threads; data of one chunk (32,768 rows) use one thread.
    unsigned threads = 0;
};

/// How the optimiser ended.
struct Convergence {
    /// true when the final gradient norm is <= `FitOptions::gradient_tolerance`; where the fit is by
    /// Newton's method (BG/NBD, Gamma-Gamma), also: the Newton decrement g' H^-1 g is <= its square (else
    /// the likelihood is still rising, e.g. along a flat ridge towards infinite parameters), the Hessian at
    /// the estimate is positive definite and not near-singular (every parameter identified, standard errors
    /// finite), and no parameter is at the boundary of its range (below 1e-6 or above 1e6 of its natural
    /// unit). `message` says which of these failed.
    bool converged = false;
    int iterations = 0;   ///< Newton steps, plus L-BFGS iterations and refinement steps when those ran
    int evaluations = 0;  ///< likelihood evaluations (with gradient, and Hessian where analytic), including
                          ///< the finite-difference Hessians
    /// Final norm of the gradient of the objective (mean negative log-likelihood plus penalty) with respect
    /// to the log-parameters.
    double gradient_norm = std::numeric_limits<double>::quiet_NaN();
    std::string message;  ///< what ended the optimisation, in words
};

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
