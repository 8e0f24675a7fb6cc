#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "accountkpi/ltv/bgnbd.hpp"
#include "ltv_datasets.hpp"

using namespace accountkpi::ltv;

namespace {
const BgNbdParams published{0.243, 4.414, 0.793, 2.426};  // FHL 2005, CDNOW, T in weeks
}

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
