#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "accountkpi/ltv/mbgnbd.hpp"
#include "accountkpi/ltv/simulate.hpp"
#include "ltv_datasets.hpp"

using namespace accountkpi::ltv;

namespace {
struct Rfm {
    std::vector<double> frequency, recency, T;
};

Eigen::Vector4d gradient_at(const Eigen::Vector4d& v, const Rfm& d) {
    Eigen::Vector4d g;
    mbgnbd_log_likelihood({v(0), v(1), v(2), v(3)}, d.frequency, d.recency, d.T, {}, &g);
    return g;
}

double ll_at(const Eigen::Vector4d& v, const Rfm& d) {
    return mbgnbd_log_likelihood({v(0), v(1), v(2), v(3)}, d.frequency, d.recency, d.T);
}
}  // namespace

TEST(MbgNbd, SingleCustomerLikelihoodMatchesClosedForm) {
    // L = B(a, b+x+1)/B(a, b) G(r+x)/G(r) alpha^r / (alpha+T)^(r+x)
    //   + B(a+1, b+x)/B(a, b) G(r+x)/G(r) alpha^r / (alpha+t_x)^(r+x)
    // x = 2: B(a, b+3)/B(a, b) = b(b+1)(b+2)/((a+b)(a+b+1)(a+b+2)), B(a+1, b+2)/B(a, b) = a b (b+1)/(same).
    const double r = 0.5, alpha = 3, a = 0.8, b = 2;
    const double nb = r * (r + 1) * std::pow(alpha, r);
    const double denominator = (a + b) * (a + b + 1) * (a + b + 2);
    const double L = b * (b + 1) * (b + 2) / denominator * nb / std::pow(alpha + 8, r + 2) +
                     a * b * (b + 1) / denominator * nb / std::pow(alpha + 5, r + 2);
    EXPECT_NEAR(mbgnbd_log_likelihood({r, alpha, a, b}, std::vector<double>{2}, std::vector<double>{5},
                                      std::vector<double>{8}),
                std::log(L), 1e-12);
    // x = 0: L = b/(a+b) (alpha/(alpha+T))^r + a/(a+b) (t_x = 0): may have dropped out at once.
    const double L0 = b / (a + b) * std::pow(alpha / (alpha + 8), r) + a / (a + b);
    EXPECT_NEAR(mbgnbd_log_likelihood({r, alpha, a, b}, std::vector<double>{0}, std::vector<double>{0},
                                      std::vector<double>{8}),
                std::log(L0), 1e-12);
}

TEST(MbgNbd, GradientAndHessianMatchFiniteDifferences) {
    const auto c = accountkpi::test::cdnow();
    const Rfm d{c.frequency, c.recency, c.T};
    const Eigen::Vector4d p(0.5, 6.0, 0.9, 1.6);
    Eigen::Vector4d g;
    Eigen::Matrix4d h;
    mbgnbd_log_likelihood({p(0), p(1), p(2), p(3)}, d.frequency, d.recency, d.T, {}, &g, &h);
    for (int j = 0; j < 4; ++j) {
        Eigen::Vector4d up = p, dn = p;
        const double step = 1e-6 * p(j);
        up(j) += step;
        dn(j) -= step;
        EXPECT_NEAR(g(j), (ll_at(up, d) - ll_at(dn, d)) / (2 * step), 1e-4 * std::max(1.0, std::abs(g(j))))
            << j;
        const Eigen::Vector4d column = (gradient_at(up, d) - gradient_at(dn, d)) / (2 * step);
        for (int i = 0; i < 4; ++i)
            EXPECT_NEAR(h(i, j), column(i), 1e-5 * std::max(1.0, h.cwiseAbs().maxCoeff())) << i << j;
    }
}

TEST(MbgNbd, RecoversBtydPlusCdnowEstimates) {
    // BTYDplus (mbgcnbd with k = 1) on CDNOW: r = 0.525, alpha = 6.183, a = 0.891, b = 1.614.
    const auto c = accountkpi::test::cdnow();
    const BgNbdFit fit = fit_mbgnbd(c.frequency, c.recency, c.T);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NEAR(fit.params.r, 0.525, 0.0005);
    EXPECT_NEAR(fit.params.alpha, 6.183, 0.0005);
    EXPECT_NEAR(fit.params.a, 0.891, 0.0005);
    EXPECT_NEAR(fit.params.b, 1.614, 0.0005);
    EXPECT_TRUE(fit.covariance.allFinite());
}

TEST(MbgNbd, PredictionsAreConsistent) {
    const BgNbdParams p{0.525, 6.183, 0.891, 1.614};
    // A new customer (x = t_x = T = 0) is expected to buy as the unconditional model says.
    for (double t : {1.0, 39.0, 520.0}) {
        const auto e = mbgnbd_conditional_expected_number_of_purchases_up_to_time(
            p, t, std::vector<double>{0}, std::vector<double>{0}, std::vector<double>{0});
        EXPECT_NEAR(e[0], mbgnbd_expected_number_of_purchases_up_to_time(p, t), 1e-12) << t;
    }
    // Without repeat purchases the customer may have dropped out at once: P(alive | 0, 0, T) =
    // 1 / (1 + a/b ((alpha+T)/alpha)^r) < 1.
    const auto alive = mbgnbd_conditional_probability_alive(p, std::vector<double>{0}, std::vector<double>{0},
                                                            std::vector<double>{10});
    EXPECT_NEAR(alive[0], 1 / (1 + p.a / p.b * std::pow((p.alpha + 10) / p.alpha, p.r)), 1e-15);
    // P(X(t) = n) is a distribution with mean E[X(t)].
    double total = 0, mean = 0;
    for (int n = 0; n < 4000; ++n) {
        const double q = mbgnbd_probability_of_n_purchases_up_to_time(p, 39, n);
        total += q;
        mean += n * q;
    }
    EXPECT_NEAR(total, 1, 1e-9);
    EXPECT_NEAR(mean, mbgnbd_expected_number_of_purchases_up_to_time(p, 39), 1e-6);
    // Heavy buyers stay finite.
    const auto heavy = mbgnbd_conditional_expected_number_of_purchases_up_to_time(
        p, 520, std::vector<double>{5000}, std::vector<double>{38}, std::vector<double>{39});
    EXPECT_TRUE(std::isfinite(heavy[0]));
    EXPECT_LE(heavy[0], (p.r + 5000) / (p.alpha + 39) * 520);
}

TEST(MbgNbd, LargeDataStartFromTheFitOfASample) {
    // 300,000 customers: the fit starts where the fit of every 4th customer ends, and needs at most 5
    // evaluations of all rows (9 from the default start); it ends where the fit from the default start ends.
    std::vector<double> T(300'000);
    for (std::size_t i = 0; i < T.size(); ++i) T[i] = 20 + 20 * static_cast<double>(i) / 300'000.0;
    const RfmSample s = simulate_mbgnbd({0.25, 4.0, 0.8, 2.5}, T, 7);
    const BgNbdFit sampled = fit_mbgnbd(s.frequency, s.recency, s.T);
    FitOptions from_default;  // the default start given explicitly: no sample fit
    from_default.initial = {1, 4, 1, 1};
    const BgNbdFit plain = fit_mbgnbd(s.frequency, s.recency, s.T, {}, from_default);
    ASSERT_TRUE(sampled.convergence.converged) << sampled.convergence.message;
    ASSERT_TRUE(plain.convergence.converged) << plain.convergence.message;
    EXPECT_LE(sampled.convergence.evaluations, 5);
    EXPECT_GT(plain.convergence.evaluations, 5);
    EXPECT_NEAR(sampled.params.r / plain.params.r, 1, 1e-6);
    EXPECT_NEAR(sampled.params.alpha / plain.params.alpha, 1, 1e-6);
    EXPECT_NEAR(sampled.params.a / plain.params.a, 1, 1e-6);
    EXPECT_NEAR(sampled.params.b / plain.params.b, 1, 1e-6);
    EXPECT_NEAR(sampled.log_likelihood, plain.log_likelihood, 1e-6 * std::abs(plain.log_likelihood));
}
