// Issue 17: T = 0 accepted, degenerate fits reported as not converged, predictions finite for heavy buyers,
// P(X(t) = n), Gamma-Gamma's q constraint and starting points.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/gamma_gamma.hpp"
#include "accountkpi/ltv/hypergeometric.hpp"
#include "ltv_datasets.hpp"

using namespace accountkpi::ltv;

namespace {
const BgNbdParams published{0.243, 4.414, 0.793, 2.426};  // FHL 2005, CDNOW, weeks

bool mentions(const Convergence& c, const std::string& what) {
    return c.message.find(what) != std::string::npos;
}

/// (1 - z)^s 2F1(a, b; c; z) from the plain power series, each term scaled by (1 - z)^s in logs so that
/// nothing overflows (no transformation): the reference for scaled_hyp2f1.
double scaled_series(double s, double a, double b, double c, double z) {
    const long double log_scale = s * std::log1p(-static_cast<long double>(z));
    long double log_term = 0, sum = 0;
    for (int k = 0; k < 1'000'000; ++k) {
        const long double term = std::exp(log_term + log_scale);
        sum += term;
        if (k > a + b && term < 1e-19L * sum) break;
        log_term += std::log(static_cast<long double>(a + k)) + std::log(static_cast<long double>(b + k)) -
                    std::log(static_cast<long double>(c + k)) - std::log(static_cast<long double>(k + 1)) +
                    std::log(static_cast<long double>(z));
    }
    return static_cast<double>(sum);
}
}  // namespace

TEST(LtvHonest, CustomersWithTZeroAddNothingToTheLikelihood) {
    // A customer whose first purchase is on the last day: x = 0, t_x = 0, T = 0, L = 1 (log L = 0).
    const std::vector<double> x{0, 1, 3}, tx{0, 2, 9}, T{10, 12, 10};
    const std::vector<double> x0{0, 1, 3, 0}, tx0{0, 2, 9, 0}, T0{10, 12, 10, 0};
    EXPECT_DOUBLE_EQ(bgnbd_log_likelihood(published, x0, tx0, T0), bgnbd_log_likelihood(published, x, tx, T));
    const auto c = accountkpi::test::cdnow();
    auto f = c.frequency, r = c.recency, t = c.T;
    for (int k = 0; k < 50; ++k) {
        f.push_back(0);
        r.push_back(0);
        t.push_back(0);
    }
    const BgNbdFit with = fit_bgnbd(f, r, t), without = fit_bgnbd(c.frequency, c.recency, c.T);
    EXPECT_TRUE(with.convergence.converged) << with.convergence.message;
    EXPECT_NEAR(with.params.r, without.params.r, 1e-7);
    EXPECT_NEAR(with.params.alpha, without.params.alpha, 1e-6);
    EXPECT_NEAR(with.log_likelihood, without.log_likelihood, 1e-8);
}

TEST(LtvHonest, ANewCustomerIsExpectedToBuyAsTheUnconditionalModelSays) {
    // x = 0, t_x = 0, T = 0: E[Y(t) | 0, 0, 0] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1;
    // t/(alpha+t))] / 1 = E[X(t)], and P(alive) = 1.
    for (double t : {1.0, 39.0, 520.0}) {
        const auto e = conditional_expected_number_of_purchases_up_to_time(
            published, t, std::vector<double>{0}, std::vector<double>{0}, std::vector<double>{0});
        EXPECT_NEAR(e[0], expected_number_of_purchases_up_to_time(published, t), 1e-12) << t;
    }
    EXPECT_EQ(conditional_probability_alive(published, std::vector<double>{0}, std::vector<double>{0},
                                            std::vector<double>{0})[0],
              1.0);
}

TEST(LtvHonest, EveryoneWithoutRepeatPurchasesIsNotConverged) {
    // x = 0 for all: the likelihood prod (alpha/(alpha+T))^r rises as r -> 0 (nobody buys again), whatever
    // a and b are: no interior maximum.
    const std::vector<double> x(20, 0.0), tx(20, 0.0),
        T{5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50};
    const BgNbdFit fit = fit_bgnbd(x, tx, T);
    EXPECT_FALSE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_TRUE(mentions(fit.convergence, "not converged")) << fit.convergence.message;
}

TEST(LtvHonest, NoChurnIsNotConverged) {
    // Everyone bought on the last day (recency = T): no sign of dropping out, p -> 0 (a -> 0 or b -> inf).
    const std::vector<double> x{1, 2, 3, 4, 5, 2, 3, 1}, T{10, 20, 30, 40, 50, 15, 25, 35};
    const BgNbdFit fit = fit_bgnbd(x, T, T);
    EXPECT_FALSE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_TRUE(mentions(fit.convergence, "not converged")) << fit.convergence.message;
}

TEST(LtvHonest, ASingleCustomerIsNotConverged) {
    const BgNbdFit fit = fit_bgnbd(std::vector<double>{3}, std::vector<double>{20}, std::vector<double>{30});
    EXPECT_FALSE(fit.convergence.converged) << fit.convergence.message;
}

TEST(LtvHonest, EveryoneWithTZeroHasNoEstimate) {
    const BgNbdFit fit =
        fit_bgnbd(std::vector<double>{0, 0}, std::vector<double>{0, 0}, std::vector<double>{0, 0});
    EXPECT_FALSE(fit.convergence.converged);
    EXPECT_TRUE(mentions(fit.convergence, "T = 0")) << fit.convergence.message;
    EXPECT_TRUE(std::isnan(fit.params.r));
}

TEST(LtvHonest, GammaGammaWithoutSpendHeterogeneityIsNotConverged) {
    // Every customer's mean spend is the same: q, v -> infinity with v / q fixed (no heterogeneity).
    const std::vector<double> x{1, 2, 3, 4, 5, 6}, m(6, 20.0);
    const GammaGammaFit fit = fit_gamma_gamma(x, m);
    EXPECT_FALSE(fit.convergence.converged) << fit.convergence.message;
}

TEST(LtvHonest, PredictionsStayFiniteForHeavyBuyers) {
    // lifetimes' scipy hyp2f1 gives finite values here; the plain series overflowed beyond x ~ 600-1,100.
    for (double x : {10.0, 600.0, 1100.0, 5000.0, 100000.0}) {
        for (double t : {39.0, 520.0, 5200.0}) {
            const double tx = 36, T = 39;
            const auto e = conditional_expected_number_of_purchases_up_to_time(
                published, t, std::vector<double>{x}, std::vector<double>{tx}, std::vector<double>{T});
            ASSERT_TRUE(std::isfinite(e[0])) << x << " " << t;
            // Against the untransformed series scaled term by term (x up to 1,100: the reference is slow).
            if (x <= 1100) {
                const double z = t / (published.alpha + T + t);
                const double k = published.r + x, c = published.a + published.b + x - 1;
                const double scaled = scaled_series(k, k, published.b + x, c, z);
                const double odds = published.a / (published.b + x - 1) *
                                    std::pow((published.alpha + T) / (published.alpha + tx), k);
                const double expected = c / (published.a - 1) * (1 - scaled) / (1 + odds);
                EXPECT_NEAR(e[0], expected, 1e-9 * std::max(1.0, std::abs(expected))) << x << " " << t;
            }
        }
    }
    // A heavy, recent buyer buys fewer than a customer surely alive at the posterior mean rate
    // (r+x)/(alpha+T) would (he may drop out after any purchase), but the same order: P(alive) = 0.96 here
    // and the chance to drop after a purchase is about a/(a+b+x) = 4e-4, so about half of the ~1,800
    // purchases remain.
    const auto e = conditional_expected_number_of_purchases_up_to_time(
        published, 39, std::vector<double>{2000}, std::vector<double>{38.9}, std::vector<double>{39});
    const double surely_alive = 39 * (published.r + 2000) / (published.alpha + 39);
    EXPECT_LT(e[0], surely_alive);
    EXPECT_GT(e[0], 0.5 * surely_alive);
}

TEST(LtvHonest, ScaledHyp2f1MatchesTheSeriesWhereBothWork) {
    struct Case {
        double s, a, b, c, z;
    };
    for (const Case& k : {Case{0.243, 0.243, 2.426, 2.219, 0.5}, Case{50.2, 50.2, 52.4, 51.6, 0.3},
                          Case{300.2, 300.2, 302.4, 301.2, 0.9}, Case{1.5, 0.5, 0.7, 3.0, 0.99}}) {
        const double expected = scaled_series(k.s, k.a, k.b, k.c, k.z);
        EXPECT_NEAR(scaled_hyp2f1(k.s, k.a, k.b, k.c, k.z), expected, 1e-11 * expected) << k.a;
        EXPECT_NEAR(hyp2f1(k.a, k.b, k.c, k.z) * std::pow(1 - k.z, k.s), expected, 1e-11 * expected) << k.a;
    }
}

TEST(LtvHonest, ProbabilityOfNPurchasesMatchesBtyd) {
    // R BTYD's bgnbd.pmf with the CDNOW parameters (the figures lifetimes' tests use).
    EXPECT_NEAR(probability_of_n_purchases_up_to_time(published, 2, 10), 1.07869e-07, 1e-11);
    EXPECT_NEAR(probability_of_n_purchases_up_to_time(published, 39, 0), 0.5737864, 1e-7);
    const double pmf[] = {0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                          0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260};
    for (int n = 11; n <= 20; ++n)
        EXPECT_NEAR(probability_of_n_purchases_up_to_time(published, 30, n), pmf[n - 11], 1e-10) << n;
    // A distribution: sums to 1, and its mean is E[X(t)].
    double total = 0, mean = 0;
    for (int n = 0; n < 4000; ++n) {
        const double p = probability_of_n_purchases_up_to_time(published, 39, n);
        total += p;
        mean += n * p;
    }
    EXPECT_NEAR(total, 1, 1e-9);
    EXPECT_NEAR(mean, expected_number_of_purchases_up_to_time(published, 39), 1e-6);
    EXPECT_EQ(probability_of_n_purchases_up_to_time(published, 0, 0), 1.0);
    EXPECT_THROW(probability_of_n_purchases_up_to_time(published, 1, 0.5), std::invalid_argument);
}

TEST(LtvHonest, StartingPointsAndTheQConstraint) {
    const auto c = accountkpi::test::cdnow();
    FitOptions from_published;
    from_published.initial = {0.243, 4.414, 0.793, 2.426};
    const BgNbdFit a = fit_bgnbd(c.frequency, c.recency, c.T),
                   b = fit_bgnbd(c.frequency, c.recency, c.T, {}, from_published);
    EXPECT_TRUE(b.convergence.converged) << b.convergence.message;
    EXPECT_NEAR(a.params.alpha, b.params.alpha, 1e-6);
    from_published.initial = {1, 2};
    EXPECT_THROW(fit_bgnbd(c.frequency, c.recency, c.T, {}, from_published), std::invalid_argument);

    std::vector<double> x, m;
    for (std::size_t i = 0; i < c.frequency.size(); ++i)
        if (c.frequency[i] > 0) {
            x.push_back(c.frequency[i]);
            m.push_back(c.monetary_value[i]);
        }
    const GammaGammaFit free = fit_gamma_gamma(x, m), constrained = fit_gamma_gamma(x, m, {}, {}, true);
    EXPECT_TRUE(constrained.convergence.converged) << constrained.convergence.message;
    EXPECT_NEAR(constrained.params.q, free.params.q, 1e-6);  // 3.74 > 1: the constraint is not binding
    EXPECT_NEAR(constrained.params.p, 6.25, 0.01);           // Fader & Hardie 2013: 6.25, 3.74, 15.44
    EXPECT_NEAR(constrained.params.v, 15.44, 0.01);
}
