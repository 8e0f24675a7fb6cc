#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "accountkpi/detail/random.hpp"
#include "accountkpi/ltv/mbgnbd.hpp"
#include "accountkpi/ltv/simulate.hpp"

using namespace accountkpi::ltv;

namespace {
// T spread over [20, 40) time units, as customers acquired over a period and observed to a common end.
std::vector<double> observation_times(std::size_t n) {
    std::vector<double> T(n);
    for (std::size_t i = 0; i < n; ++i) T[i] = 20 + 20 * static_cast<double>(i) / static_cast<double>(n);
    return T;
}
// Within `z` standard errors (the sampling spread of the estimate) of the truth.
void expect_recovered(double estimate, double se, double truth, const char* name, double z = 4) {
    ASSERT_TRUE(std::isfinite(se)) << name;
    EXPECT_LT(std::abs(estimate - truth), z * se)
        << name << ": " << estimate << " +- " << se << " vs " << truth;
}
}  // namespace

TEST(Random, GammaAndBetaMoments) {
    accountkpi::detail::Random random(7);
    const int n = 200000;
    for (double shape : {0.3, 1.0, 4.5}) {
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; ++i) {
            const double g = random.gamma(shape, 2.0);
            sum += g;
            sum2 += g * g;
        }
        const double mean = sum / n, var = sum2 / n - mean * mean;
        EXPECT_NEAR(mean, 2 * shape, 6 * std::sqrt(4 * shape / n)) << shape;
        EXPECT_NEAR(var, 4 * shape, 0.05 * 4 * shape) << shape;
    }
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += random.beta(0.8, 2.5);
    EXPECT_NEAR(sum / n, 0.8 / 3.3, 0.003);
}

TEST(Simulate, IsDeterministicPerSeed) {
    const BgNbdParams p{0.25, 4.0, 0.8, 2.5};
    const auto T = observation_times(500);
    const auto a = simulate_bgnbd(p, T, 42), b = simulate_bgnbd(p, T, 42), c = simulate_bgnbd(p, T, 43);
    EXPECT_EQ(a.frequency, b.frequency);
    EXPECT_EQ(a.recency, b.recency);
    EXPECT_NE(a.recency, c.recency);
    for (std::size_t i = 0; i < T.size(); ++i) {
        EXPECT_LE(a.recency[i], T[i]);
        EXPECT_EQ(a.frequency[i] == 0, a.recency[i] == 0);
    }
    EXPECT_EQ(simulate_sbg({0.7, 1.2}, 100, 5, 1), simulate_sbg({0.7, 1.2}, 100, 5, 1));
}

TEST(Simulate, BgNbdParametersAreRecovered) {
    const BgNbdParams truth{0.25, 4.0, 0.8, 2.5};
    const auto sample = simulate_bgnbd(truth, observation_times(20000), 2024);
    const BgNbdFit fit = fit_bgnbd(sample.frequency, sample.recency, sample.T);
    ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
    expect_recovered(fit.params.r, fit.standard_errors.r, truth.r, "r");
    expect_recovered(fit.params.alpha, fit.standard_errors.alpha, truth.alpha, "alpha");
    expect_recovered(fit.params.a, fit.standard_errors.a, truth.a, "a");
    expect_recovered(fit.params.b, fit.standard_errors.b, truth.b, "b");
}

TEST(Simulate, MbgNbdParametersAreRecovered) {
    const BgNbdParams truth{0.25, 4.0, 0.8, 2.5};
    const auto sample = simulate_mbgnbd(truth, observation_times(20000), 2025);
    // Unlike BG/NBD, a customer without a repeat purchase can be gone (dropped right after the first).
    std::size_t gone_without_repeat = 0;
    for (std::size_t i = 0; i < sample.alive.size(); ++i)
        if (sample.frequency[i] == 0 && !sample.alive[i]) ++gone_without_repeat;
    EXPECT_GT(gone_without_repeat, 0U);
    const BgNbdFit fit = fit_mbgnbd(sample.frequency, sample.recency, sample.T);
    ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
    expect_recovered(fit.params.r, fit.standard_errors.r, truth.r, "r");
    expect_recovered(fit.params.alpha, fit.standard_errors.alpha, truth.alpha, "alpha");
    expect_recovered(fit.params.a, fit.standard_errors.a, truth.a, "a");
    expect_recovered(fit.params.b, fit.standard_errors.b, truth.b, "b");
}

TEST(Simulate, BgBbParametersAreRecovered) {
    const BgBbParams truth{1.2, 0.75, 0.65, 2.8};  // near FHS 2010's donation estimates
    const std::vector<double> n(20000, 6.0);
    const auto sample = simulate_bgbb(truth, n, 7);
    for (std::size_t i = 0; i < n.size(); ++i) {
        ASSERT_LE(sample.frequency[i], sample.recency[i]);
        ASSERT_LE(sample.recency[i], 6.0);
        ASSERT_EQ(sample.frequency[i] == 0, sample.recency[i] == 0);
    }
    const BgBbFit fit = fit_bgbb(sample.frequency, sample.recency, sample.n_periods);
    ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
    expect_recovered(fit.params.alpha, fit.standard_errors.alpha, truth.alpha, "alpha");
    expect_recovered(fit.params.beta, fit.standard_errors.beta, truth.beta, "beta");
    expect_recovered(fit.params.gamma, fit.standard_errors.gamma, truth.gamma, "gamma");
    expect_recovered(fit.params.delta, fit.standard_errors.delta, truth.delta, "delta");
    EXPECT_THROW((void)simulate_bgbb(truth, std::vector<double>{2.5}, 1), std::invalid_argument);
}

TEST(Simulate, GammaGammaParametersAreRecovered) {
    const GammaGammaParams truth{6.0, 4.0, 15.0};
    std::vector<double> frequency(20000);
    for (std::size_t i = 0; i < frequency.size(); ++i) frequency[i] = 1 + static_cast<double>(i % 8);
    const auto monetary = simulate_gamma_gamma(truth, frequency, 99);
    const GammaGammaFit fit = fit_gamma_gamma(frequency, monetary);
    ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
    expect_recovered(fit.params.p, fit.standard_errors.p, truth.p, "p");
    expect_recovered(fit.params.q, fit.standard_errors.q, truth.q, "q");
    expect_recovered(fit.params.v, fit.standard_errors.v, truth.v, "v");
}

TEST(Simulate, SbgParametersAreRecovered) {
    const SbgParams truth{0.7, 1.2};
    const auto survivors = simulate_sbg(truth, 20000, 8, 5);
    EXPECT_EQ(survivors.front(), 20000);
    const SbgFit fit = fit_sbg(survivors);
    ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
    expect_recovered(fit.params.alpha, fit.standard_errors.alpha, truth.alpha, "alpha");
    expect_recovered(fit.params.beta, fit.standard_errors.beta, truth.beta, "beta");
}

TEST(Simulate, ParetoNbdMatchesTheModelsMomentsAndParametersAreRecovered) {
    const ParetoNbdParams truth{0.8, 6.0, 1.2, 9.0};
    const std::vector<double> T(20000, 52.0);
    const auto sample = simulate_pareto_nbd(truth, T, 3);
    EXPECT_EQ(sample.frequency, simulate_pareto_nbd(truth, T, 3).frequency);  // deterministic per seed
    // Mean purchases in (0, 52] and the share still alive at 52, against the model's closed forms:
    // E[X(t)] (pareto_nbd.hpp) and P(alive at t) = (beta / (beta + t))^s.
    double purchases = 0, alive = 0;
    for (std::size_t i = 0; i < T.size(); ++i) {
        EXPECT_LE(sample.recency[i], T[i]);
        EXPECT_EQ(sample.frequency[i] == 0, sample.recency[i] == 0);
        purchases += sample.frequency[i];
        alive += sample.alive[i] ? 1 : 0;
    }
    const double n = static_cast<double>(T.size());
    const double expected = pareto_nbd_expected_number_of_purchases_up_to_time(truth, 52);
    EXPECT_NEAR(purchases / n, expected, 0.05 * expected);
    const double share = std::pow(truth.beta / (truth.beta + 52), truth.s);
    EXPECT_NEAR(alive / n, share, 4 * std::sqrt(share * (1 - share) / n));
    const ParetoNbdFit fit = fit_pareto_nbd(sample.frequency, sample.recency, sample.T);
    ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
    expect_recovered(fit.params.r, fit.standard_errors.r, truth.r, "r");
    expect_recovered(fit.params.alpha, fit.standard_errors.alpha, truth.alpha, "alpha");
    expect_recovered(fit.params.s, fit.standard_errors.s, truth.s, "s");
    expect_recovered(fit.params.beta, fit.standard_errors.beta, truth.beta, "beta");
}
