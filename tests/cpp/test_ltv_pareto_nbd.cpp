#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "accountkpi/ltv/pareto_nbd.hpp"
#include "accountkpi/ltv/saved_model.hpp"
#include "accountkpi/ltv/simulate.hpp"
#include "ltv_datasets.hpp"

using namespace accountkpi::ltv;

namespace {
using V = std::vector<double>;

/// The model's likelihood straight from its definition (FHL 2005 note, eqs. 3-5): integrating the Poisson
/// purchases and the exponential lifetime over the gamma mixing distributions gives
///   L = G(r+x) alpha^r beta^s / G(r) [ (alpha+T)^-(r+x) (beta+T)^-s
///       + s * integral_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau ]
/// (alive at T, or died at tau after the last purchase), the integral by adaptive Gauss-Kronrod rather than
/// the 2F1 closed form the library uses.
double direct_log_likelihood(const ParetoNbdParams& p, double x, double tx, double T) {
    const double k = p.r + x;
    auto died_at = [&](double tau) {
        return std::pow(p.alpha + tau, -k) * std::pow(p.beta + tau, -(p.s + 1));
    };
    const double I =
        tx < T ? boost::math::quadrature::gauss_kronrod<double, 61>::integrate(died_at, tx, T, 15, 1e-14)
               : 0.0;
    const double E = std::pow(p.alpha + T, -k) * std::pow(p.beta + T, -p.s);
    return std::lgamma(k) - std::lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta) +
           std::log(E + p.s * I);
}

/// P(n purchases in (T, T+t] | x, t_x, T) straight from the model, by two-dimensional quadrature over the
/// purchase rate lambda and the dropout rate mu. Given (lambda, mu), the history has likelihood lambda^x
/// e^-(lambda+mu)T (alive at T) or lambda^x mu (e^-(lambda+mu)t_x - e^-(lambda+mu)T) / (lambda+mu) (died
/// after the last purchase); alive, the customer makes n more purchases with probability e^-(lambda+mu)t
/// (lambda t)^n / n! (survives the horizon) + mu/(lambda+mu) (lambda/(lambda+mu))^n P(Gamma(n+1) <=
/// (lambda+mu) t) (dies within it); dead, 0. Weighted by the gamma priors and normalised by the history's
/// likelihood; lambda = u^(1/(r+x)) and mu = v^(1/s) take the priors' powers into du dv.
double direct_conditional_pmf(const ParetoNbdParams& p, double n, double t, double x, double tx, double T) {
    boost::math::quadrature::exp_sinh<double> outer, inner;  // integrate(f, tol) is not const
    const double a = p.r + x;
    auto integrate = [&](bool numerator) {
        return outer.integrate(
            [&](double u) {
                const double lambda = std::pow(u, 1 / a);
                return inner.integrate(
                    [&](double v) {
                        const double mu = std::pow(v, 1 / p.s), sum = lambda + mu;
                        const double prior = std::exp(-p.alpha * lambda - p.beta * mu);
                        const double alive = std::exp(-sum * T);
                        const double died = mu * (std::exp(-sum * tx) - alive) / sum;
                        if (!numerator) return prior * (alive + died);
                        const double survives =
                            std::exp(-sum * t + n * std::log(lambda * t) - std::lgamma(n + 1));
                        const double dies =
                            mu / sum * std::pow(lambda / sum, n) * boost::math::gamma_p(n + 1, sum * t);
                        return prior * (alive * (survives + dies) + (n == 0 ? died : 0.0));
                    },
                    1e-12);
            },
            1e-12);
    };
    return integrate(true) / integrate(false);
}

double ll_at(const Eigen::Vector4d& v, const V& x, const V& tx, const V& T) {
    return pareto_nbd_log_likelihood({v(0), v(1), v(2), v(3)}, x, tx, T);
}
}  // namespace

TEST(ParetoNbd, LikelihoodMatchesDirectIntegration) {
    // Both branches of the closed form (alpha >= beta and alpha < beta), x = 0 and x > 0, t_x = T, T = 0.
    const V x{0, 1, 4, 2, 0, 30};
    const V tx{0, 3.5, 20, 8, 0, 38};
    const V T{10, 12, 39, 8, 0, 39};
    for (const ParetoNbdParams& p :
         {ParetoNbdParams{0.55, 10.58, 0.61, 11.67}, ParetoNbdParams{0.55, 11.67, 0.61, 10.58},
          ParetoNbdParams{2.0, 3.0, 0.4, 30.0}, ParetoNbdParams{0.3, 40.0, 1.5, 0.8}}) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double ours = pareto_nbd_log_likelihood(p, V{x[i]}, V{tx[i]}, V{T[i]});
            EXPECT_NEAR(ours, direct_log_likelihood(p, x[i], tx[i], T[i]), 1e-11) << p.alpha << " row " << i;
        }
    }
    // T = 0: the likelihood is 1 (lifetimes adds 0 for such a customer).
    EXPECT_NEAR(pareto_nbd_log_likelihood({0.55, 10.58, 0.61, 11.67}, V{0}, V{0}, V{0}), 0.0, 1e-14);
}

TEST(ParetoNbd, GradientAndHessianMatchFiniteDifferences) {
    const auto c = accountkpi::test::cdnow();
    for (const Eigen::Vector4d& p :
         {Eigen::Vector4d(0.55, 10.58, 0.61, 11.67), Eigen::Vector4d(0.8, 7.0, 1.2, 3.0)}) {
        Eigen::Vector4d g;
        Eigen::Matrix4d h;
        pareto_nbd_log_likelihood({p(0), p(1), p(2), p(3)}, c.frequency, c.recency, c.T, {}, &g, &h);
        for (int j = 0; j < 4; ++j) {
            Eigen::Vector4d up = p, dn = p;
            const double step = 1e-6 * p(j);
            up(j) += step;
            dn(j) -= step;
            const double numeric =
                (ll_at(up, c.frequency, c.recency, c.T) - ll_at(dn, c.frequency, c.recency, c.T)) /
                (2 * step);
            EXPECT_NEAR(g(j), numeric, 1e-5 * std::max(1.0, std::abs(g(j)))) << j;
        }
        // The analytic Hessian against central differences of the exact gradient (relative step 1e-4: the
        // error of the differences is about 1e-8 relative).
        for (int j = 0; j < 4; ++j) {
            Eigen::Vector4d up = p, dn = p, g_up, g_dn;
            const double step = 1e-4 * p(j);
            up(j) += step;
            dn(j) -= step;
            pareto_nbd_log_likelihood({up(0), up(1), up(2), up(3)}, c.frequency, c.recency, c.T, {}, &g_up);
            pareto_nbd_log_likelihood({dn(0), dn(1), dn(2), dn(3)}, c.frequency, c.recency, c.T, {}, &g_dn);
            const Eigen::Vector4d column = (g_up - g_dn) / (2 * step);
            for (int i = 0; i < 4; ++i)
                EXPECT_NEAR(h(i, j), column(i), 1e-6 * h.cwiseAbs().maxCoeff()) << i << j;
        }
        EXPECT_EQ((h - h.transpose()).cwiseAbs().maxCoeff(), 0);
    }
}

TEST(ParetoNbd, RecoversPublishedCdnowEstimates) {
    // Fader, Hardie & Lee (2005) on CDNOW: r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67; LL = -9595.0.
    const auto c = accountkpi::test::cdnow();
    const ParetoNbdFit fit = fit_pareto_nbd(c.frequency, c.recency, c.T);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NEAR(fit.params.r, 0.55, 0.005);
    EXPECT_NEAR(fit.params.alpha, 10.58, 0.005);
    EXPECT_NEAR(fit.params.s, 0.61, 0.005);
    EXPECT_NEAR(fit.params.beta, 11.67, 0.005);
    EXPECT_NEAR(fit.log_likelihood, -9595.0, 0.05);
    EXPECT_TRUE(fit.covariance.allFinite());
    EXPECT_GT(fit.standard_errors.beta, 0);
}

TEST(ParetoNbd, FitsAreTheSameBitForBitOnOneAndTwoThreads) {
    // 80,000 customers with distinct T: 80,000 distinct rows, 3 chunks of the row sums, shared by two
    // threads.
    std::vector<double> T(80'000);
    for (std::size_t i = 0; i < T.size(); ++i) T[i] = 20 + 20 * static_cast<double>(i) / 80'000.0;
    const ParetoNbdSample s = simulate_pareto_nbd({0.55, 10.6, 0.61, 11.7}, T, 3);
    FitOptions one, two;
    one.threads = 1;
    two.threads = 2;
    const ParetoNbdFit a = fit_pareto_nbd(s.frequency, s.recency, s.T, {}, one);
    const ParetoNbdFit b = fit_pareto_nbd(s.frequency, s.recency, s.T, {}, two);
    ASSERT_TRUE(a.convergence.converged) << a.convergence.message;
    EXPECT_EQ(a.params.r, b.params.r);
    EXPECT_EQ(a.params.alpha, b.params.alpha);
    EXPECT_EQ(a.params.s, b.params.s);
    EXPECT_EQ(a.params.beta, b.params.beta);
    EXPECT_EQ(a.log_likelihood, b.log_likelihood);
    EXPECT_EQ(a.covariance, b.covariance);
}

TEST(ParetoNbd, DegenerateDataAreNotConverged) {
    // Nobody buys again: the purchase rate runs to 0, no interior maximum. (A shorter L-BFGS fallback than
    // the default 1,000 iterations keeps the test quick; the verdict is the same.)
    FitOptions quick;
    quick.max_iterations = 100;
    const ParetoNbdFit none = fit_pareto_nbd(V{0, 0, 0, 0}, V{0, 0, 0, 0}, V{10, 20, 30, 40}, {}, quick);
    EXPECT_FALSE(none.convergence.converged);
    EXPECT_FALSE(none.convergence.message.empty());
    const ParetoNbdFit single = fit_pareto_nbd(V{3}, V{20}, V{30}, {}, quick);
    EXPECT_FALSE(single.convergence.converged);
    const ParetoNbdFit at_start = fit_pareto_nbd(V{0, 0}, V{0, 0}, V{0, 0});
    EXPECT_FALSE(at_start.convergence.converged);
    EXPECT_THROW(fit_pareto_nbd(V{1}, V{5}, V{4}), std::invalid_argument);  // recency > T
}

TEST(ParetoNbd, PredictionsByHandAndConsistent) {
    const ParetoNbdParams p{0.55, 10.58, 0.61, 11.67};
    // E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)].
    const double t = 39;
    EXPECT_NEAR(pareto_nbd_expected_number_of_purchases_up_to_time(p, t),
                p.r * p.beta / (p.alpha * (p.s - 1)) * (1 - std::pow(p.beta / (p.beta + t), p.s - 1)), 1e-13);
    // A new customer (x = t_x = T = 0) is alive and expected to buy E[X(t)].
    EXPECT_NEAR(pareto_nbd_conditional_expected_number_of_purchases_up_to_time(p, t, CustomerRfm{0, 0, 0, 0}),
                pareto_nbd_expected_number_of_purchases_up_to_time(p, t), 1e-13);
    // t_x = T: P(alive) = 1 (the last purchase was just now).
    EXPECT_NEAR(pareto_nbd_conditional_probability_alive(p, CustomerRfm{3, 30, 30, 0}), 1.0, 1e-15);
    // P(alive) from the direct integral: E / (E + s I).
    const double x = 2, tx = 30.43, T = 38.86, k = p.r + x;
    const double E = std::pow(p.alpha + T, -k) * std::pow(p.beta + T, -p.s);
    const double L =
        std::exp(direct_log_likelihood(p, x, tx, T) -
                 (std::lgamma(k) - std::lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta)));
    EXPECT_NEAR(pareto_nbd_conditional_probability_alive(p, V{x}, V{tx}, V{T})[0], E / L, 1e-12);
    // P(X(t) = n) is a distribution with mean E[X(t)].
    double total = 0, mean = 0;
    for (int n = 0; n < 400; ++n) {
        const double q = pareto_nbd_probability_of_n_purchases_up_to_time(p, t, n);
        EXPECT_GE(q, -1e-12) << n;
        total += q;
        mean += n * q;
    }
    EXPECT_NEAR(total, 1, 1e-8);
    EXPECT_NEAR(mean, pareto_nbd_expected_number_of_purchases_up_to_time(p, t), 1e-6);
    // Heavy buyers and long horizons stay finite.
    const auto heavy =
        pareto_nbd_conditional_expected_number_of_purchases_up_to_time(p, 520, V{2000}, V{38}, V{39});
    EXPECT_TRUE(std::isfinite(heavy[0]));
    EXPECT_GT(heavy[0], 0);
}

TEST(ParetoNbd, SavedModelGivesItsParameters) {
    const SavedModel saved = parse_saved_model(
        R"({"model": "ParetoNBDFitter", "params": {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}})");
    const ParetoNbdParams p = to_pareto_nbd_params(saved);
    EXPECT_EQ(p.s, 0.61);
    EXPECT_EQ(p.beta, 11.67);
    EXPECT_THROW((void)to_bgnbd_params(saved), std::invalid_argument);
}

TEST(ParetoNbd, ConditionalProbabilityOfNPurchasesMatchesQuadrature) {
    // Both branches of the 2F1 closed form (alpha >= beta, alpha < beta); customers without repeat purchases,
    // with a recent last purchase and with an old one.
    const V x{0, 2, 5}, tx{0, 30.43, 10}, T{38, 38.86, 39};
    for (const ParetoNbdParams& p :
         {ParetoNbdParams{0.55, 10.58, 0.61, 11.67}, ParetoNbdParams{1.3, 20.0, 0.8, 4.0}}) {
        for (const double t : {10.0, 39.0})
            for (const double n : {0.0, 1.0, 3.0}) {
                const V ours =
                    pareto_nbd_conditional_probability_of_n_purchases_up_to_time(p, n, t, x, tx, T);
                for (std::size_t i = 0; i < x.size(); ++i)
                    EXPECT_NEAR(ours[i], direct_conditional_pmf(p, n, t, x[i], tx[i], T[i]), 1e-9)
                        << p.alpha << " t " << t << " n " << n << " row " << i;
            }
    }
}

TEST(ParetoNbd, ConditionalProbabilityOfNPurchasesSumsToOneWithTheExpectedMean) {
    const ParetoNbdParams p{0.55, 10.58, 0.61, 11.67};
    const CustomerRfm customer{3, 25, 38};
    const double t = 20;
    double total = 0, mean = 0;
    for (int n = 0; n < 200; ++n) {
        const double pn = pareto_nbd_conditional_probability_of_n_purchases_up_to_time(p, n, t, customer);
        EXPECT_GE(pn, 0);
        total += pn;
        mean += n * pn;
    }
    EXPECT_NEAR(total, 1, 1e-10);
    EXPECT_NEAR(mean, pareto_nbd_conditional_expected_number_of_purchases_up_to_time(p, t, customer), 1e-8);
    EXPECT_EQ(pareto_nbd_conditional_probability_of_n_purchases_up_to_time(p, 0, 0, customer), 1.0);
    EXPECT_THROW(pareto_nbd_conditional_probability_of_n_purchases_up_to_time(p, 1.5, t, customer),
                 std::invalid_argument);
    EXPECT_THROW(pareto_nbd_conditional_probability_of_n_purchases_up_to_time(p, 1, -1, customer),
                 std::invalid_argument);
}
