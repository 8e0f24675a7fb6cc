#include <gtest/gtest.h>

#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "accountkpi/ltv/bgbb.hpp"
#include "ltv_datasets.hpp"

using namespace accountkpi::ltv;

namespace {
/// The donations data set (FHS 2010): 11,104 donors, 6 opportunities (1996-2001), as 22 weighted rows.
struct Donations {
    std::vector<double> frequency, recency, n, weights;
};

Donations donations() {
    const auto c = accountkpi::test::read_csv_columns(accountkpi::test::dataset_path("donations.csv"));
    return {c.at(0), c.at(1), c.at(2), c.at(3)};
}

double beta(double a, double b) {
    return boost::math::beta(a, b);
}

double ll_at(const Eigen::Vector4d& v, const Donations& d) {
    return bgbb_log_likelihood({v(0), v(1), v(2), v(3)}, d.frequency, d.recency, d.n, d.weights);
}

Eigen::Vector4d gradient_at(const Eigen::Vector4d& v, const Donations& d) {
    Eigen::Vector4d g;
    bgbb_log_likelihood({v(0), v(1), v(2), v(3)}, d.frequency, d.recency, d.n, d.weights, &g);
    return g;
}
}  // namespace

TEST(BgBb, SingleCustomerLikelihoodMatchesTheDefinition) {
    // x = 2, t_x = 3, n = 5: alive throughout, or died after opportunity 3 or 4:
    // L = B(a+2, b+3)/B(a,b) B(g, d+5)/B(g,d) + B(a+2, b+1)/B(a,b) B(g+1, d+3)/B(g,d)
    //   + B(a+2, b+2)/B(a,b) B(g+1, d+4)/B(g,d).
    const double a = 1.2, b = 0.75, g = 0.66, d = 2.8;
    const double L = beta(a + 2, b + 3) / beta(a, b) * beta(g, d + 5) / beta(g, d) +
                     beta(a + 2, b + 1) / beta(a, b) * beta(g + 1, d + 3) / beta(g, d) +
                     beta(a + 2, b + 2) / beta(a, b) * beta(g + 1, d + 4) / beta(g, d);
    EXPECT_NEAR(bgbb_log_likelihood({a, b, g, d}, std::vector<double>{2}, std::vector<double>{3},
                                    std::vector<double>{5}),
                std::log(L), 1e-12);
    // n = 0: no opportunity, L = 1.
    EXPECT_NEAR(bgbb_log_likelihood({a, b, g, d}, std::vector<double>{0}, std::vector<double>{0},
                                    std::vector<double>{0}),
                0.0, 1e-14);
}

TEST(BgBb, GradientAndHessianMatchFiniteDifferences) {
    const Donations data = donations();
    const Eigen::Vector4d p(1.1, 0.8, 0.7, 2.5);
    Eigen::Vector4d g;
    Eigen::Matrix4d h;
    bgbb_log_likelihood({p(0), p(1), p(2), p(3)}, data.frequency, data.recency, data.n, data.weights, &g, &h);
    for (int j = 0; j < 4; ++j) {
        Eigen::Vector4d up = p, dn = p;
        const double step = 1e-6 * p(j);
        up(j) += step;
        dn(j) -= step;
        EXPECT_NEAR(g(j), (ll_at(up, data) - ll_at(dn, data)) / (2 * step),
                    1e-4 * std::max(1.0, std::abs(g(j))))
            << j;
        const Eigen::Vector4d column = (gradient_at(up, data) - gradient_at(dn, data)) / (2 * step);
        for (int i = 0; i < 4; ++i)
            EXPECT_NEAR(h(i, j), column(i), 1e-5 * std::max(1.0, h.cwiseAbs().maxCoeff())) << i << j;
    }
}

TEST(BgBb, RecoversFaderHardieShang2010Estimates) {
    // FHS 2010, Table 2 (donations): alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783, LL =
    // -33,225.6.
    const Donations d = donations();
    const BgBbFit fit = fit_bgbb(d.frequency, d.recency, d.n, d.weights);
    EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
    EXPECT_NEAR(fit.params.alpha, 1.204, 0.0005);
    EXPECT_NEAR(fit.params.beta, 0.750, 0.0005);
    EXPECT_NEAR(fit.params.gamma, 0.657, 0.0005);
    EXPECT_NEAR(fit.params.delta, 2.783, 0.0005);
    EXPECT_NEAR(fit.log_likelihood, -33225.6, 0.05);
    EXPECT_EQ(fit.total_weight, 11104);
}

TEST(BgBb, PredictionsMatchThePaperAndAreADistribution) {
    const Donations d = donations();
    const BgBbParams p = fit_bgbb(d.frequency, d.recency, d.n, d.weights).params;  // the paper's MLE
    // P(X(6) = x) sums to 1 over x = 0..6; 11,104 donors times P(X(6) = 0) is 3,454.9 and times P(X(6) = 6)
    // 1,253.1 (FHS's spreadsheet, at the unrounded estimates).
    double total = 0;
    for (int x = 0; x <= 6; ++x) total += bgbb_probability_of_n_purchases(p, 6, x);
    EXPECT_NEAR(total, 1, 1e-12);
    EXPECT_NEAR(11104 * bgbb_probability_of_n_purchases(p, 6, 0), 3454.9, 0.5);
    EXPECT_NEAR(11104 * bgbb_probability_of_n_purchases(p, 6, 6), 1253.1, 0.5);
    // P(alive in 2002) for x = 6, t_x = 6 (FHS Table 6: 0.93) and x = 0 (0.11).
    const auto alive = bgbb_conditional_probability_alive(
        p, 1, std::vector<double>{6, 0}, std::vector<double>{6, 0}, std::vector<double>{6, 6});
    EXPECT_NEAR(alive[0], 0.93, 0.005);
    EXPECT_NEAR(alive[1], 0.11, 0.005);
    // Expected transactions grow with the horizon, from 0.
    const auto e0 = bgbb_conditional_expected_number_of_purchases_up_to_time(
        p, 0, std::vector<double>{3}, std::vector<double>{5}, std::vector<double>{6});
    const auto e5 = bgbb_conditional_expected_number_of_purchases_up_to_time(
        p, 5, std::vector<double>{3}, std::vector<double>{5}, std::vector<double>{6});
    EXPECT_NEAR(e0[0], 0, 1e-15);
    EXPECT_GT(e5[0], 0);
    EXPECT_LT(e5[0], 5);
}

TEST(BgBb, InvalidInputThrowsNamingArgumentAndIndex) {
    auto message = [](auto&& f) {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    const std::vector<double> n{6, 6};
    EXPECT_NE(message([&] {
                  fit_bgbb(std::vector<double>{1, 4}, std::vector<double>{2, 3}, n);
              }).find("frequency[1] = 4 exceeds recency[1]"),
              std::string::npos);
    EXPECT_NE(message([&] {
                  fit_bgbb(std::vector<double>{1, 0}, std::vector<double>{2, 3}, n);
              }).find("recency[1] = 3 must be 0"),
              std::string::npos);
    EXPECT_NE(message([&] {
                  fit_bgbb(std::vector<double>{1, 1}, std::vector<double>{2, 7}, n);
              }).find("recency[1] = 7 exceeds n_periods[1]"),
              std::string::npos);
}
