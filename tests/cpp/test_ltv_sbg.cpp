#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "accountkpi/ltv/sbg.hpp"

using namespace accountkpi::ltv;

TEST(Sbg, RecoversFaderHardie2007HighEnd) {
    const std::vector<double> survivors{1000, 869, 743, 653, 593, 551, 517, 491};
    const SbgFit fit = fit_sbg(survivors);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NEAR(fit.params.alpha, 0.668, 0.0005);
    EXPECT_NEAR(fit.params.beta, 3.806, 0.0005);
    EXPECT_GT(fit.standard_errors.alpha, 0);
    EXPECT_LT(fit.standard_errors.alpha, fit.params.alpha);
}

TEST(Sbg, RecoversFaderHardie2007Regular) {
    const std::vector<double> survivors{1000, 631, 468, 382, 326, 289, 262, 241};
    const SbgFit fit = fit_sbg(survivors);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NEAR(fit.params.alpha, 0.704, 0.0005);
    EXPECT_NEAR(fit.params.beta, 1.182, 0.0005);
}

TEST(Sbg, LikelihoodMatchesDirectFormula) {
    const SbgParams p{0.7, 1.2};
    const std::vector<double> n{1000, 631, 468};
    // P(T=1) = a/(a+b), P(T=2) = a b / ((a+b)(a+b+1)), S(2) = b (b+1) / ((a+b)(a+b+1)).
    const double a = p.alpha, b = p.beta;
    const double expected = 369 * std::log(a / (a + b)) + 163 * std::log(a * b / ((a + b) * (a + b + 1))) +
                            468 * std::log(b * (b + 1) / ((a + b) * (a + b + 1)));
    Eigen::Vector2d g;
    EXPECT_NEAR(sbg_log_likelihood(p, n, &g), expected, 1e-9);
    const double h = 1e-6;
    EXPECT_NEAR(g(0), (sbg_log_likelihood({a + h, b}, n) - sbg_log_likelihood({a - h, b}, n)) / (2 * h),
                1e-4);
    EXPECT_NEAR(g(1), (sbg_log_likelihood({a, b + h}, n) - sbg_log_likelihood({a, b - h}, n)) / (2 * h),
                1e-4);
}

TEST(Sbg, SurvivalRetentionAndChurnAgree) {
    const SbgParams p{0.668, 3.806};
    EXPECT_EQ(survival_function(p, 0), 1.0);
    double s = 1, cumulative_churn = 0;
    for (int t = 1; t <= 50; ++t) {
        const double r = retention_rate(p, t);
        EXPECT_NEAR(survival_function(p, t), s * r, 1e-13);
        cumulative_churn += churn_probability(p, t);
        s *= r;
        EXPECT_NEAR(cumulative_churn, 1 - s, 1e-13);
        if (t > 1) {
            EXPECT_GT(
                r, retention_rate(p, t - 1));  // retention rises with tenure (heterogeneity sorts the cohort)
        }
    }
    EXPECT_NEAR(retention_rate(p, 1), 3.806 / (0.668 + 3.806), 1e-15);
    EXPECT_TRUE(std::isnan(retention_rate(p, 0)));
    EXPECT_TRUE(std::isnan(survival_function(p, -1)));
    EXPECT_TRUE(std::isnan(churn_probability(p, 0.5)));
}

TEST(Sbg, DerlMatchesDiscountedSumOfSurvival) {
    const SbgParams p{0.668, 3.806};
    for (double d : {0.1, 0.01}) {
        for (int renewals : {0, 1, 4}) {
            // sum_{t > n} S(t) / S(n) / (1+d)^(t-n-1), summed until the terms vanish.
            double sum = 0;
            const double sn = survival_function(p, renewals);
            for (int t = renewals + 1; t < renewals + 20000; ++t)
                sum += survival_function(p, t) / sn / std::pow(1 + d, t - renewals - 1);
            EXPECT_NEAR(discounted_expected_residual_lifetime(p, d, renewals), sum, 1e-9 * sum)
                << "d=" << d << " renewals=" << renewals;
        }
    }
    EXPECT_THROW(discounted_expected_residual_lifetime(p, 0.0), std::invalid_argument);
    EXPECT_THROW(discounted_expected_residual_lifetime(p, 0.1, -1), std::invalid_argument);
}

TEST(Sbg, InvalidSurvivorsThrowNamingIndex) {
    auto message = [](const std::vector<double>& n) {
        try {
            fit_sbg(n);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    EXPECT_NE(message({1000, 900, 950, 800}).find("survivors[2] = 950 exceeds survivors[1] = 900"),
              std::string::npos);
    EXPECT_NE(message({1000, NAN}).find("survivors[1] = nan is NaN"), std::string::npos);
    EXPECT_NE(message({1000, -1}).find("survivors[1]"), std::string::npos);
    EXPECT_NE(message({0, 0}).find("survivors[0]"), std::string::npos);
    EXPECT_NE(message({1000}).find("at least one period"), std::string::npos);
}

TEST(Sbg, SurvivalIsFiniteForHugeParameters) {
    // alpha + beta = 1e9: theta is 0.04 for everyone, so S(t) = 0.96^t (B(a, b + t) / B(a, b) underflowed
    // to 0 / 0 as a ratio of gamma functions).
    const SbgParams p{0.04e9, 0.96e9};
    EXPECT_NEAR(survival_function(p, 4), std::pow(0.96, 4), 1e-8);
    EXPECT_NEAR(survival_function(p, 2.5), std::pow(0.96, 2.5), 1e-8);
    EXPECT_NEAR(churn_probability(p, 3), std::pow(0.96, 2) * 0.04, 1e-8);
    EXPECT_NEAR(retention_rate(p, 7), 0.96, 1e-8);
}

TEST(Sbg, SurvivalInLogSpaceMatchesTheProduct) {
    // S(3) = b (b + 1) (b + 2) / ((a + b) (a + b + 1) (a + b + 2)) with a = 0.7, b = 1.2:
    // 1.2 * 2.2 * 3.2 / (1.9 * 2.9 * 3.9) = 8.448 / 21.489 = 0.393131...
    const SbgParams p{0.7, 1.2};
    EXPECT_NEAR(survival_function(p, 3), 8.448 / 21.489, 1e-12);
    // Between whole periods S is the ratio of beta functions: continuous and decreasing.
    EXPECT_LT(survival_function(p, 3.5), survival_function(p, 3));
    EXPECT_GT(survival_function(p, 3.5), survival_function(p, 4));
}

TEST(Sbg, CohortWithoutHeterogeneityIsReportedAtTheGeometricLimit) {
    // A cohort that keeps 96% every period: 10000, 9600, 9216, 8847.36, 8493.4656.
    std::vector<double> survivors{10000};
    for (int t = 0; t < 4; ++t) survivors.push_back(survivors.back() * 0.96);
    const SbgFit fit = fit_sbg(survivors);
    EXPECT_FALSE(fit.convergence.converged);
    EXPECT_NE(fit.convergence.message.find("geometric limit"), std::string::npos) << fit.convergence.message;
    // Geometric MLE: churned / exposures = (10000 - 8493.4656) / (10000 + 9600 + 9216 + 8847.36) = 0.04.
    EXPECT_NEAR(fit.params.alpha / (fit.params.alpha + fit.params.beta), 0.04, 1e-12);
    EXPECT_NEAR(survival_function(fit.params, 4), std::pow(0.96, 4), 1e-6);
    EXPECT_TRUE(std::isnan(fit.standard_errors.alpha));
}
