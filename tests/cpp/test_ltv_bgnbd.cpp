#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/mbgnbd.hpp"
#include "accountkpi/ltv/simulate.hpp"
#include "ltv_datasets.hpp"

using namespace accountkpi::ltv;

namespace {
const BgNbdParams published{0.243, 4.414, 0.793, 2.426};  // FHL 2005, CDNOW, T in weeks

struct Rfm {
    std::vector<double> frequency, recency, T, weights;
};

Eigen::Vector4d as_vector(const BgNbdParams& p) {
    return {p.r, p.alpha, p.a, p.b};
}

Eigen::Vector4d gradient_at(const Eigen::Vector4d& v, const Rfm& d) {
    Eigen::Vector4d g;
    bgnbd_log_likelihood({v(0), v(1), v(2), v(3)}, d.frequency, d.recency, d.T, d.weights, &g);
    return g;
}

/// Central differences of the analytic gradient, step 1e-5 relative.
Eigen::Matrix4d finite_difference_hessian(const BgNbdParams& p, const Rfm& d) {
    Eigen::Matrix4d h;
    for (int j = 0; j < 4; ++j) {
        Eigen::Vector4d up = as_vector(p), dn = as_vector(p);
        const double step = 1e-5 * up(j);
        up(j) += step;
        dn(j) -= step;
        h.col(j) = (gradient_at(up, d) - gradient_at(dn, d)) / (2 * step);
    }
    return h;
}

void expect_hessian_matches_finite_differences(const BgNbdParams& p, const Rfm& d) {
    Eigen::Matrix4d h;
    bgnbd_log_likelihood(p, d.frequency, d.recency, d.T, d.weights, nullptr, &h);
    const Eigen::Matrix4d fd = finite_difference_hessian(p, d);
    EXPECT_EQ(h, h.transpose());
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            EXPECT_NEAR(h(i, j), fd(i, j), 1e-6 * std::max(1.0, fd.cwiseAbs().maxCoeff()))
                << "H(" << i << ", " << j << ")";
}

Rfm cdnow_rfm() {
    const auto c = accountkpi::test::cdnow();
    return {c.frequency, c.recency, c.T, {}};
}
}  // namespace

TEST(BgNbd, RecoversPublishedCdnowEstimates) {
    const auto data = accountkpi::test::cdnow();
    ASSERT_EQ(data.frequency.size(), 2357u);
    const BgNbdFit fit = fit_bgnbd(data.frequency, data.recency, data.T);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NEAR(fit.params.r, published.r, 0.0005);
    EXPECT_NEAR(fit.params.alpha, published.alpha, 0.005);
    EXPECT_NEAR(fit.params.a, published.a, 0.0005);
    EXPECT_NEAR(fit.params.b, published.b, 0.005);
    EXPECT_NEAR(fit.log_likelihood, -9582.4, 0.05);
    EXPECT_EQ(fit.total_weight, 2357.0);
    // Standard errors are finite, positive and small relative to the estimates.
    for (double se :
         {fit.standard_errors.r, fit.standard_errors.alpha, fit.standard_errors.a, fit.standard_errors.b}) {
        EXPECT_TRUE(std::isfinite(se));
        EXPECT_GT(se, 0);
    }
    // The standard errors lifetimes' documentation prints for this fit: 0.012557, 0.378221, 0.185719,
    // 0.705345.
    EXPECT_NEAR(fit.standard_errors.r, 0.012557, 0.0002);
    EXPECT_NEAR(fit.standard_errors.alpha, 0.378221, 0.004);
    EXPECT_NEAR(fit.standard_errors.a, 0.185719, 0.002);
    EXPECT_NEAR(fit.standard_errors.b, 0.705345, 0.007);
}

TEST(BgNbd, PenalisedFitMatchesLifetimes) {
    // lifetimes 0.11.3, BetaGeoFitter(penalizer_coef=0.01) on CDNOW, rounded to 6 decimals: its penalty sees
    // alpha in the time unit where max(T) = 1.
    const auto data = accountkpi::test::cdnow();
    FitOptions options;
    options.penalizer_coef = 0.01;
    const BgNbdFit fit = fit_bgnbd(data.frequency, data.recency, data.T, {}, options);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NEAR(fit.params.r, 0.242940, 5e-6);
    EXPECT_NEAR(fit.params.alpha, 4.432437, 5e-5);
    EXPECT_NEAR(fit.params.a, 0.285642, 5e-6);
    EXPECT_NEAR(fit.params.b, 0.658454, 5e-6);
}

TEST(BgNbd, GradientMatchesFiniteDifferences) {
    const auto data = accountkpi::test::cdnow();
    const BgNbdParams p{0.3, 5.0, 0.7, 2.0};
    Eigen::Vector4d g;
    bgnbd_log_likelihood(p, data.frequency, data.recency, data.T, {}, &g);
    const double v[4] = {p.r, p.alpha, p.a, p.b};
    for (int j = 0; j < 4; ++j) {
        double up[4] = {v[0], v[1], v[2], v[3]}, dn[4] = {v[0], v[1], v[2], v[3]};
        const double h = 1e-6 * v[j];
        up[j] += h;
        dn[j] -= h;
        const double fu =
            bgnbd_log_likelihood({up[0], up[1], up[2], up[3]}, data.frequency, data.recency, data.T);
        const double fd =
            bgnbd_log_likelihood({dn[0], dn[1], dn[2], dn[3]}, data.frequency, data.recency, data.T);
        EXPECT_NEAR(g(j), (fu - fd) / (2 * h), 1e-4 * std::max(1.0, std::abs(g(j)))) << "parameter " << j;
    }
}

TEST(BgNbd, HessianMatchesFiniteDifferencesOfTheGradient) {
    // CDNOW: times repeat (whole days in weeks), x <= 29.
    expect_hessian_matches_finite_differences({0.3, 5.0, 0.7, 2.0}, cdnow_rfm());
    expect_hessian_matches_finite_differences({0.2426, 4.4135, 0.7929, 2.4258}, cdnow_rfm());
    // Weights, and frequencies far apart (the gamma-function differences computed directly, not stepwise).
    const Rfm spread{{0, 1, 3, 100, 250, 251, 0},
                     {0, 2, 9, 30, 35, 36, 0},
                     {10, 12, 10, 40, 40, 41, 3},
                     {2, 1, 3, 1, 0.5, 1, 1}};
    expect_hessian_matches_finite_differences({0.5, 3.0, 0.8, 2.0}, spread);
    expect_hessian_matches_finite_differences({2.5, 0.7, 3.0, 0.4}, spread);
}

TEST(BgNbd, DistinctTimesAndTimesPerRowGiveTheSameLikelihood) {
    // 20,000 customers with continuous times (the likelihood keeps one time per row) against the sum over
    // chunks of 400 customers (few enough for the table of distinct times).
    std::vector<double> T(20000);
    for (std::size_t i = 0; i < T.size(); ++i) T[i] = 20 + 20 * static_cast<double>(i) / 20000.0;
    const RfmSample s = simulate_bgnbd({0.25, 4.0, 0.8, 2.5}, T, 7);
    const BgNbdParams p{0.3, 5.0, 0.7, 2.0};
    Eigen::Vector4d g, chunk_g, sum_g = Eigen::Vector4d::Zero();
    Eigen::Matrix4d h, chunk_h, sum_h = Eigen::Matrix4d::Zero();
    const double ll = bgnbd_log_likelihood(p, s.frequency, s.recency, s.T, {}, &g, &h);
    double sum = 0;
    for (std::size_t begin = 0; begin < T.size(); begin += 400) {
        const auto part = [&](const std::vector<double>& v) { return std::span(v).subspan(begin, 400); };
        sum += bgnbd_log_likelihood(p, part(s.frequency), part(s.recency), part(s.T), {}, &chunk_g, &chunk_h);
        sum_g += chunk_g;
        sum_h += chunk_h;
    }
    EXPECT_NEAR(ll, sum, 1e-9 * std::abs(ll));
    EXPECT_LT((g - sum_g).norm(), 1e-9 * g.norm());
    EXPECT_LT((h - sum_h).norm(), 1e-9 * h.norm());
}

TEST(BgNbd, CovarianceIsTheInverseOfTheFiniteDifferenceHessian) {
    const Rfm data = cdnow_rfm();
    const BgNbdFit fit = fit_bgnbd(data.frequency, data.recency, data.T);
    const Eigen::Matrix4d fd = finite_difference_hessian(fit.params, data);
    const Eigen::Matrix4d expected = (-(fd + fd.transpose()) / 2).inverse();
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            EXPECT_NEAR(fit.covariance(i, j), expected(i, j),
                        1e-5 * std::sqrt(expected(i, i) * expected(j, j)))
                << "covariance(" << i << ", " << j << ")";
}

TEST(BgNbd, FitWithoutAFiniteOptimumIsNotConverged) {
    // Nobody lapses: the likelihood keeps growing towards infinite parameters along a flat ridge, where the
    // gradient gets small; the fit must not call that converged.
    const BgNbdFit fit = fit_bgnbd(std::vector<double>{1, 2, 0}, std::vector<double>{5, 6, 0},
                                   std::vector<double>{10, 10, 10});
    EXPECT_FALSE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NE(fit.convergence.message.find("not converged"), std::string::npos) << fit.convergence.message;
}

TEST(BgNbd, WeightsEqualRepeatedRows) {
    const std::vector<double> x{0, 1, 3, 0}, tx{0, 2, 9, 0}, T{10, 12, 10, 10};
    const std::vector<double> w{2, 1, 3, 1};
    std::vector<double> xr, txr, Tr;
    for (std::size_t i = 0; i < x.size(); ++i)
        for (int k = 0; k < static_cast<int>(w[i]); ++k) {
            xr.push_back(x[i]);
            txr.push_back(tx[i]);
            Tr.push_back(T[i]);
        }
    const BgNbdParams p{0.5, 3.0, 0.8, 2.0};
    EXPECT_NEAR(bgnbd_log_likelihood(p, x, tx, T, w), bgnbd_log_likelihood(p, xr, txr, Tr), 1e-10);
}

TEST(BgNbd, SingleCustomerLikelihoodMatchesClosedForm) {
    // x = 2, t_x = 5, T = 8: L = B(a,b+2)/B(a,b) G(r+2) alpha^r / (G(r) (alpha+T)^(r+2))
    //                          + B(a+1,b+1)/B(a,b) G(r+2) alpha^r / (G(r) (alpha+t_x)^(r+2)).
    const double r = 0.5, alpha = 3, a = 0.8, b = 2;
    const double nb = r * (r + 1) * std::pow(alpha, r);         // G(r+2)/G(r) alpha^r
    const double stay = b * (b + 1) / ((a + b) * (a + b + 1));  // B(a, b+2)/B(a, b)
    const double drop = a * b / ((a + b) * (a + b + 1));        // B(a+1, b+1)/B(a, b)
    const double L = stay * nb / std::pow(alpha + 8, r + 2) + drop * nb / std::pow(alpha + 5, r + 2);
    const std::vector<double> x{2}, tx{5}, T{8};
    EXPECT_NEAR(bgnbd_log_likelihood({r, alpha, a, b}, x, tx, T), std::log(L), 1e-12);
}

TEST(BgNbd, PredictionsOnCdnowMatchPublishedFigures) {
    // FHL 2005: with the published parameters, a customer with x = 2, t_x = 30.43, T = 38.86 (CDNOW customer
    // 1) is expected to make 1.226 purchases in the next 39 weeks.
    const std::vector<double> x{2}, tx{30.43}, T{38.86};
    const auto e = conditional_expected_number_of_purchases_up_to_time(published, 39, x, tx, T);
    EXPECT_NEAR(e[0], 1.226, 0.0005);
    // Expected purchases grow with t, start at 0, and P(alive) is in (0, 1].
    EXPECT_EQ(expected_number_of_purchases_up_to_time(published, 0), 0);
    double previous = 0;
    for (double t : {1.0, 10.0, 39.0, 78.0, 200.0}) {
        const double v = expected_number_of_purchases_up_to_time(published, t);
        EXPECT_GT(v, previous);
        previous = v;
    }
    const auto alive = conditional_probability_alive(published, std::vector<double>{0, 2, 2},
                                                     std::vector<double>{0, 30.43, 5},
                                                     std::vector<double>{38.86, 38.86, 38.86});
    EXPECT_EQ(alive[0], 1.0);
    EXPECT_GT(alive[1], alive[2]);  // a recent buyer is more likely alive
    EXPECT_GT(alive[2], 0);
    // One customer at a time: the scalar overloads give the arrays' values.
    const CustomerRfm recent{.frequency = 2, .recency = 30.43, .T = 38.86};
    EXPECT_EQ(conditional_probability_alive(published, recent), alive[1]);
    EXPECT_EQ(conditional_expected_number_of_purchases_up_to_time(
                  published, 39, {.frequency = x[0], .recency = tx[0], .T = T[0]}),
              e[0]);
    EXPECT_THROW((void)conditional_probability_alive(published, {.frequency = 1, .recency = 5, .T = 4}),
                 std::invalid_argument);  // recency after T
}

TEST(BgNbd, InvalidInputThrowsNamingArgumentAndIndex) {
    const std::vector<double> ok{1, 2}, T{10, 10};
    auto message = [](auto&& f) {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    EXPECT_NE(message([&] {
                  fit_bgnbd(std::vector<double>{1, -1}, ok, T);
              }).find("frequency[1]"),
              std::string::npos);
    EXPECT_NE(message([&] {
                  fit_bgnbd(std::vector<double>{1, 0.5}, ok, T);
              }).find("frequency[1]"),
              std::string::npos);
    EXPECT_NE(message([&] {
                  fit_bgnbd(ok, std::vector<double>{1, 11}, T);
              }).find("recency[1]"),
              std::string::npos);
    EXPECT_NE(message([&] {
                  fit_bgnbd(ok, ok, std::vector<double>{NAN, 10});
              }).find("T[0] = nan is NaN"),
              std::string::npos);
    EXPECT_NE(message([&] { fit_bgnbd(ok, ok, std::vector<double>{10}); }).find("T has 1 values"),
              std::string::npos);
    EXPECT_NE(message([&] {
                  fit_bgnbd(ok, ok, T, std::vector<double>{1, -2});
              }).find("weights[1]"),
              std::string::npos);
    EXPECT_THROW(fit_bgnbd(std::vector<double>{}, std::vector<double>{}, std::vector<double>{}),
                 std::invalid_argument);
    EXPECT_THROW(conditional_probability_alive({-1, 1, 1, 1}, ok, ok, T), std::invalid_argument);
    EXPECT_TRUE(std::isnan(expected_number_of_purchases_up_to_time(published, -1)));
}

TEST(BgNbd, FitsAreTheSameBitForBitOnOneAndTwoThreads) {
    // 300,000 customers: 10 chunks of rows (the x > 0 ones) and more of the time table, shared by two
    // threads.
    const BgNbdParams truth{0.25, 4.0, 0.8, 2.5};
    std::vector<double> T(300'000);
    for (std::size_t i = 0; i < T.size(); ++i) T[i] = 20 + 20 * static_cast<double>(i) / 300'000.0;
    for (const bool modified : {false, true}) {
        const RfmSample s = modified ? simulate_mbgnbd(truth, T, 5) : simulate_bgnbd(truth, T, 5);
        FitOptions one, two;
        one.threads = 1;
        two.threads = 2;
        auto fit = [&](const FitOptions& o) {
            return modified ? fit_mbgnbd(s.frequency, s.recency, s.T, {}, o)
                            : fit_bgnbd(s.frequency, s.recency, s.T, {}, o);
        };
        const BgNbdFit a = fit(one), b = fit(two);
        ASSERT_TRUE(a.convergence.converged) << a.convergence.message;
        EXPECT_EQ(a.params.r, b.params.r) << modified;
        EXPECT_EQ(a.params.alpha, b.params.alpha) << modified;
        EXPECT_EQ(a.params.a, b.params.a) << modified;
        EXPECT_EQ(a.params.b, b.params.b) << modified;
        EXPECT_EQ(a.log_likelihood, b.log_likelihood) << modified;
        EXPECT_EQ(a.covariance, b.covariance) << modified;
    }
}
