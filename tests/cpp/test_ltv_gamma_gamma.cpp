#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/gamma_gamma.hpp"
#include "accountkpi/ltv/mbgnbd.hpp"
#include "ltv_datasets.hpp"

using namespace accountkpi::ltv;

namespace {
struct Returning {
    std::vector<double> frequency, recency, T, monetary_value;
};
Returning returning_cdnow() {
    const auto all = accountkpi::test::cdnow();
    Returning r;
    for (std::size_t i = 0; i < all.frequency.size(); ++i)
        if (all.frequency[i] > 0) {
            r.frequency.push_back(all.frequency[i]);
            r.recency.push_back(all.recency[i]);
            r.T.push_back(all.T[i]);
            r.monetary_value.push_back(all.monetary_value[i]);
        }
    return r;
}
}  // namespace

TEST(GammaGamma, RecoversPublishedCdnowEstimates) {
    const auto data = returning_cdnow();
    ASSERT_EQ(data.frequency.size(), 946u);
    const GammaGammaFit fit = fit_gamma_gamma(data.frequency, data.monetary_value);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    // lifetimes' documented fit on these data: p = 6.25, q = 3.74, v = 15.44 (Fader & Hardie 2013 print
    // p = 6.25, q = 3.74, gamma = 15.44 on the same 946 customers).
    EXPECT_NEAR(fit.params.p, 6.25, 0.01);
    EXPECT_NEAR(fit.params.q, 3.74, 0.01);
    EXPECT_NEAR(fit.params.v, 15.44, 0.02);
    EXPECT_GT(fit.standard_errors.p, 0);
    EXPECT_TRUE(std::isfinite(fit.standard_errors.v));
}

TEST(GammaGamma, GradientMatchesFiniteDifferences) {
    const auto data = returning_cdnow();
    const GammaGammaParams p{5.0, 3.0, 12.0};
    Eigen::Vector3d g;
    gamma_gamma_log_likelihood(p, data.frequency, data.monetary_value, {}, &g);
    const double v[3] = {p.p, p.q, p.v};
    for (int j = 0; j < 3; ++j) {
        double up[3] = {v[0], v[1], v[2]}, dn[3] = {v[0], v[1], v[2]};
        const double h = 1e-6 * v[j];
        up[j] += h;
        dn[j] -= h;
        const double fu =
            gamma_gamma_log_likelihood({up[0], up[1], up[2]}, data.frequency, data.monetary_value);
        const double fd =
            gamma_gamma_log_likelihood({dn[0], dn[1], dn[2]}, data.frequency, data.monetary_value);
        EXPECT_NEAR(g(j), (fu - fd) / (2 * h), 1e-4 * std::max(1.0, std::abs(g(j)))) << "parameter " << j;
    }
}

TEST(GammaGamma, HessianMatchesFiniteDifferencesOfTheGradient) {
    const auto data = returning_cdnow();
    auto gradient = [&](const Eigen::Vector3d& v) {
        Eigen::Vector3d g;
        gamma_gamma_log_likelihood({v(0), v(1), v(2)}, data.frequency, data.monetary_value, {}, &g);
        return g;
    };
    for (const Eigen::Vector3d& v :
         {Eigen::Vector3d(5.0, 3.0, 12.0), Eigen::Vector3d(6.2488, 3.7446, 15.4477)}) {
        Eigen::Matrix3d h;
        gamma_gamma_log_likelihood({v(0), v(1), v(2)}, data.frequency, data.monetary_value, {}, nullptr, &h);
        Eigen::Matrix3d fd;
        for (int j = 0; j < 3; ++j) {
            Eigen::Vector3d up = v, dn = v;
            up(j) += 1e-5 * v(j);
            dn(j) -= 1e-5 * v(j);
            fd.col(j) = (gradient(up) - gradient(dn)) / (2e-5 * v(j));
        }
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                EXPECT_NEAR(h(i, j), fd(i, j), 1e-6 * std::max(1.0, fd.cwiseAbs().maxCoeff()))
                    << "H(" << i << ", " << j << ")";
        // The covariance of the fit is the inverse of minus this Hessian at the estimates.
        if (v(0) > 6) {
            const GammaGammaFit fit = fit_gamma_gamma(data.frequency, data.monetary_value);
            Eigen::Matrix3d at_fit;
            gamma_gamma_log_likelihood(fit.params, data.frequency, data.monetary_value, {}, nullptr, &at_fit);
            const Eigen::Matrix3d expected = (-at_fit).inverse();
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j)
                    EXPECT_NEAR(fit.covariance(i, j), expected(i, j),
                                1e-9 * std::sqrt(expected(i, i) * expected(j, j)));
        }
    }
}

TEST(GammaGamma, SingleTransactionDensityIsGammaGammaMixture) {
    // x = 1: the mean is one value z with density G(p+q)/(G(p)G(q)) v^q z^(p-1) / (v+z)^(p+q).
    const double p = 2.5, q = 3.5, v = 10, z = 7;
    const double expected = std::lgamma(p + q) - std::lgamma(p) - std::lgamma(q) + q * std::log(v) +
                            (p - 1) * std::log(z) - (p + q) * std::log(v + z);
    EXPECT_NEAR(gamma_gamma_log_likelihood({p, q, v}, std::vector<double>{1}, std::vector<double>{z}),
                expected, 1e-12);
}

TEST(GammaGamma, ConditionalExpectedAverageProfit) {
    // lifetimes' documentation with the CDNOW fit: customer 1 (x = 2, m = 22.35) -> 24.6586; x = 0
    // -> 35.1710.
    const GammaGammaParams fitted =
        fit_gamma_gamma(returning_cdnow().frequency, returning_cdnow().monetary_value).params;
    const auto e =
        conditional_expected_average_profit(fitted, std::vector<double>{2, 0}, std::vector<double>{22.35, 0});
    EXPECT_NEAR(e[0], 24.6586, 0.001);
    EXPECT_NEAR(e[1], 35.1710, 0.001);
    EXPECT_NEAR(e[1], fitted.p * fitted.v / (fitted.q - 1), 1e-12);  // population mean
    // q <= 1 and x = 0: the expectation does not exist -> NaN, never 0.
    EXPECT_TRUE(std::isnan(
        conditional_expected_average_profit({2, 0.5, 1}, std::vector<double>{0}, std::vector<double>{0})[0]));
}

TEST(GammaGamma, CustomerLifetimeValueFollowsLifetimesConventions) {
    const BgNbdParams bg{0.243, 4.414, 0.793, 2.426};
    const GammaGammaParams gg{6.25, 3.74, 15.44};
    const std::vector<double> x{2, 0}, tx{30.43, 0}, T{38.86, 38.86}, m{22.35, 0};
    const auto clv = customer_lifetime_value(gg, bg, x, tx, T, m, 12, 0.01, units_per_month('W'));
    // Written out: sum over months k of profit * (N(4.345 k) - N(4.345 (k-1))) / 1.01^k.
    const auto profit = conditional_expected_average_profit(gg, x, m);
    for (std::size_t i = 0; i < x.size(); ++i) {
        double expected = 0, previous = 0;
        for (int k = 1; k <= 12; ++k) {
            const double n = conditional_expected_number_of_purchases_up_to_time(
                bg, 4.345 * k, std::vector<double>{x[i]}, std::vector<double>{tx[i]},
                std::vector<double>{T[i]})[0];
            expected += profit[i] * (n - previous) / std::pow(1.01, k);
            previous = n;
        }
        EXPECT_NEAR(clv[i], expected, 1e-9 * expected);
        EXPECT_GT(clv[i], 0);
    }
    // No discounting and one month: profit * N(one month).
    const auto one = customer_lifetime_value(gg, bg, x, tx, T, m, 1, 0.0, 4.345);
    const auto n1 = conditional_expected_number_of_purchases_up_to_time(bg, 4.345, x, tx, T);
    EXPECT_NEAR(one[0], profit[0] * n1[0], 1e-12);
    EXPECT_EQ(units_per_month('D'), 30.0);
    EXPECT_EQ(units_per_month('H'), 720.0);
    EXPECT_THROW(units_per_month('Y'), std::invalid_argument);
    EXPECT_THROW(customer_lifetime_value(gg, bg, x, tx, T, m, 0), std::invalid_argument);
}

TEST(GammaGamma, OneCustomerAtATime) {
    const BgNbdParams bg{0.243, 4.414, 0.793, 2.426};
    const GammaGammaParams gg{6.25, 3.74, 15.44};
    const std::vector<double> x{2}, tx{30.43}, T{38.86}, m{22.35};
    const CustomerRfm c{.frequency = 2, .recency = 30.43, .T = 38.86, .monetary_value = 22.35};
    EXPECT_EQ(conditional_expected_average_profit(gg, c), conditional_expected_average_profit(gg, x, m)[0]);
    EXPECT_EQ(customer_lifetime_value(gg, bg, c, 6, 0.02, 4.345),
              customer_lifetime_value(gg, bg, x, tx, T, m, 6, 0.02, 4.345)[0]);
    EXPECT_EQ(mbgnbd_conditional_probability_alive(bg, c),
              mbgnbd_conditional_probability_alive(bg, x, tx, T)[0]);
    EXPECT_EQ(mbgnbd_conditional_expected_number_of_purchases_up_to_time(bg, 10, c),
              mbgnbd_conditional_expected_number_of_purchases_up_to_time(bg, 10, x, tx, T)[0]);
}

TEST(GammaGamma, InvalidInputThrowsNamingArgumentAndIndex) {
    auto message = [](auto&& f) {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    EXPECT_NE(message([] {
                  fit_gamma_gamma(std::vector<double>{1, 0}, std::vector<double>{5, 5});
              }).find("frequency[1]"),
              std::string::npos);
    EXPECT_NE(message([] {
                  fit_gamma_gamma(std::vector<double>{1, 2}, std::vector<double>{5, NAN});
              }).find("monetary_value[1] = nan is NaN"),
              std::string::npos);
    EXPECT_NE(message([] {
                  fit_gamma_gamma(std::vector<double>{1, 2}, std::vector<double>{5});
              }).find("monetary_value has 1"),
              std::string::npos);
}

TEST(GammaGamma, CustomerLifetimeValueReproducesLifetimesDocumentation) {
    // lifetimes' documentation fits BG/NBD and Gamma-Gamma on CDNOW (T in weeks) and calls
    // customer_lifetime_value(bgf, ..., time=12, discount_rate=0.01) with its default freq="D" (30 units a
    // month), printing 140.096218, 18.943466, 38.180575 (x = 0), 1003.868285, 167.418224 for customers 1, 2,
    // 3, 6, 9.
    const auto all = accountkpi::test::cdnow();
    const auto data = returning_cdnow();
    const GammaGammaParams gg = fit_gamma_gamma(data.frequency, data.monetary_value).params;
    const BgNbdParams bg = fit_bgnbd(all.frequency, all.recency, all.T).params;
    const std::vector<std::size_t> rows{0, 1, 2, 5, 8};
    const std::vector<double> documented{140.096218, 18.943466, 38.180575, 1003.868285, 167.418224};
    std::vector<double> x, tx, T, m;
    for (std::size_t i : rows) {
        x.push_back(all.frequency[i]);
        tx.push_back(all.recency[i]);
        T.push_back(all.T[i]);
        m.push_back(all.monetary_value[i]);
    }
    const auto clv = customer_lifetime_value(gg, bg, x, tx, T, m, 12, 0.01, units_per_month('D'));
    for (std::size_t k = 0; k < rows.size(); ++k)
        EXPECT_NEAR(clv[k], documented[k], 1e-6 * documented[k]) << "customer " << rows[k] + 1;
}
