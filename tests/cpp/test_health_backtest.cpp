#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "accountkpi/health.hpp"

using namespace accountkpi;
using Outcomes = std::vector<std::uint8_t>;

TEST(HealthBacktest, PerfectReversedAndTiedRankings) {
    const std::vector<double> h{10, 20, 30, 40};
    EXPECT_DOUBLE_EQ(health::auc(h, Outcomes{1, 1, 0, 0}), 1.0);  // churners have the lowest health
    EXPECT_DOUBLE_EQ(health::auc(h, Outcomes{0, 0, 1, 1}), 0.0);  // churners have the highest
    EXPECT_DOUBLE_EQ(health::auc(std::vector<double>{50, 50, 50, 50}, Outcomes{1, 0, 1, 0}), 0.5);
    // Without churners or without stayers the AUC is undefined.
    EXPECT_TRUE(std::isnan(health::auc(h, Outcomes{0, 0, 0, 0})));
    EXPECT_TRUE(std::isnan(health::auc(h, Outcomes{1, 1, 1, 1})));
}

TEST(HealthBacktest, AucCountsTiesOneHalf) {
    // Churners at 10 and 20, stayers at 20, 30, 40. Pairs (churner, stayer) ranked right: 10 beats all 3;
    // 20 ties 20 (one half) and beats 30 and 40: (3 + 2.5) / (2 x 3) = 11/12.
    const std::vector<double> h{10, 20, 20, 30, 40};
    EXPECT_DOUBLE_EQ(health::auc(h, Outcomes{1, 0, 1, 0, 0}), 11.0 / 12.0);
}

TEST(HealthBacktest, TopShareTakesTiesAtTheCutInProportion) {
    const std::vector<double> h{20, 10, 20, 30, 40};
    const Outcomes c{0, 1, 1, 0, 0};
    // The lowest fifth is one account, health 10, a churner: precision 1, churn rate 2/5, lift 2.5, recall
    // 1/2.
    const auto r = health::ranking(h, c, 0.2);
    EXPECT_EQ(r.accounts, 5);
    EXPECT_EQ(r.churners, 2);
    EXPECT_DOUBLE_EQ(r.churn_rate, 0.4);
    EXPECT_DOUBLE_EQ(r.top_precision, 1.0);
    EXPECT_DOUBLE_EQ(r.top_lift, 2.5);
    EXPECT_DOUBLE_EQ(r.top_recall, 0.5);
    // The lowest two fifths: the churner at 10, then one of the two accounts tied at 20 (one churner of two):
    // 1 + 1/2 expected churners among 2 accounts: precision 0.75, lift 0.75 / 0.4, recall 1.5 / 2.
    const auto r2 = health::ranking(h, c, 0.4);
    EXPECT_DOUBLE_EQ(r2.top_precision, 0.75);
    EXPECT_DOUBLE_EQ(r2.top_lift, 1.875);
    EXPECT_DOUBLE_EQ(r2.top_recall, 0.75);
}

TEST(HealthBacktest, UnscoredAccountsAreCountedNotRanked) {
    const double nan = std::nan("");
    const auto r = health::ranking(std::vector<double>{10, nan, 30, nan}, Outcomes{1, 1, 0, 0});
    EXPECT_EQ(r.accounts, 2);
    EXPECT_EQ(r.churners, 1);
    EXPECT_EQ(r.unscored, 2);
    EXPECT_EQ(r.unscored_churners, 1);
    EXPECT_DOUBLE_EQ(r.auc, 1.0);
}

TEST(HealthBacktest, PeriodsBandsAndRoc) {
    // Period 0: churner at 10, stayer at 50 (AUC 1). Period 1: churner at 70, stayers at 40 and 100 (AUC
    // 1/2).
    const std::vector<double> h{10, 50, 70, 40, 100};
    const Outcomes c{1, 0, 1, 0, 0};
    const std::vector<std::int32_t> p{0, 0, 1, 1, 1};
    const auto b = health::backtest(h, c, p, 3);
    ASSERT_EQ(b.periods.size(), 3U);
    EXPECT_DOUBLE_EQ(b.periods[0].auc, 1.0);
    EXPECT_DOUBLE_EQ(b.periods[1].auc, 0.5);
    EXPECT_EQ(b.periods[2].accounts, 0);  // a period without observations
    EXPECT_TRUE(std::isnan(b.periods[2].auc));
    EXPECT_TRUE(std::isnan(b.periods[2].churn_rate));
    // Pooled: churners 10, 70; stayers 40, 50, 100. 10 beats 3, 70 beats 1 (100): 4 / 6.
    EXPECT_DOUBLE_EQ(b.overall.auc, 4.0 / 6.0);
    // Bands [0, 40), [40, 70), [70, 100]: {10: churner}, {50, 40}, {70: churner, 100}.
    ASSERT_EQ(b.bands.size(), 3U);
    EXPECT_EQ(b.bands[0].accounts, 1);
    EXPECT_EQ(b.bands[0].churners, 1);
    EXPECT_EQ(b.bands[1].accounts, 2);
    EXPECT_EQ(b.bands[1].churners, 0);
    EXPECT_DOUBLE_EQ(b.bands[1].churn_rate, 0.0);
    EXPECT_EQ(b.bands[2].accounts, 2);
    EXPECT_DOUBLE_EQ(b.bands[2].churn_rate, 0.5);
    EXPECT_DOUBLE_EQ(b.bands[2].share_of_churners, 0.5);
    EXPECT_DOUBLE_EQ(b.bands[2].lower, 70.0);
    EXPECT_DOUBLE_EQ(b.bands[2].upper, 100.0);
    // ROC from the lowest health: 10 (churner), 40, 50 (stayers), 70 (churner), 100 (stayer).
    const std::vector<double> tpr{0, 0.5, 0.5, 0.5, 1, 1};
    const std::vector<double> fpr{0, 0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1};
    ASSERT_EQ(b.roc.true_positive_rate.size(), tpr.size());
    for (std::size_t k = 0; k < tpr.size(); ++k) {
        EXPECT_DOUBLE_EQ(b.roc.true_positive_rate[k], tpr[k]) << k;
        EXPECT_DOUBLE_EQ(b.roc.false_positive_rate[k], fpr[k]) << k;
    }
    EXPECT_TRUE(std::isnan(b.roc.threshold[0]));
    EXPECT_DOUBLE_EQ(b.roc.threshold[4], 70.0);
}

TEST(HealthBacktest, RejectsBadInput) {
    const std::vector<double> h{10, 20};
    const std::vector<std::int32_t> p{0, 0};
    EXPECT_THROW((void)health::auc(std::vector<double>{10, 101}, Outcomes{0, 1}), std::invalid_argument);
    EXPECT_THROW((void)health::auc(h, Outcomes{0, 2}), std::invalid_argument);
    EXPECT_THROW((void)health::auc(h, Outcomes{0}), std::invalid_argument);
    EXPECT_THROW((void)health::backtest(h, Outcomes{0, 1}, std::vector<std::int32_t>{0, 1}, 1),
                 std::invalid_argument);
    EXPECT_THROW((void)health::ranking(h, Outcomes{0, 1}, 0.0), std::invalid_argument);
    health::BacktestOptions o;
    o.band_edges = {70, 40};
    EXPECT_THROW((void)health::backtest(h, Outcomes{0, 1}, p, 1, o), std::invalid_argument);
    try {
        (void)health::auc(std::vector<double>{10, -1}, Outcomes{0, 1});
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("health[1] = -1"), std::string::npos) << e.what();
    }
}

namespace {

/// x = 0: four rows, one positive (rate 1/4); x = 1: four rows, three positive (rate 3/4), or the reverse.
void two_groups(std::vector<double>& x, Outcomes& y, bool reversed) {
    x = {0, 0, 0, 0, 1, 1, 1, 1};
    y = {1, 0, 0, 0, 1, 1, 1, 0};
    if (reversed) y = {1, 1, 1, 0, 1, 0, 0, 0};
}

}  // namespace

TEST(HealthLogistic, TwoGroupsWithoutPenaltyGiveTheirLogOdds) {
    // The maximum likelihood fits each group's rate: intercept = logit(1/4) = -ln 3, coefficient =
    // logit(3/4) - logit(1/4) = 2 ln 3.
    std::vector<double> x;
    Outcomes y;
    two_groups(x, y, false);
    health::LogisticOptions o;
    o.l2 = 0;
    const auto fit = health::fit_logistic(x, 1, y, o);
    EXPECT_TRUE(fit.converged);
    EXPECT_NEAR(fit.intercept, -std::log(3.0), 1e-9);
    EXPECT_NEAR(fit.coefficients[0], 2 * std::log(3.0), 1e-9);
    // log-likelihood: 4 ln(1/4) ... each group: ln(3/4) x 3 + ln(1/4) x 1, twice.
    EXPECT_NEAR(fit.log_likelihood, 2 * (3 * std::log(0.75) + std::log(0.25)), 1e-9);
}

TEST(HealthLogistic, NonNegativeCoefficientStopsAtZero) {
    // Reversed groups: the free fit would give -2 ln 3; constrained, the coefficient is 0 and the intercept
    // is the overall log-odds, logit(4/8) = 0.
    std::vector<double> x;
    Outcomes y;
    two_groups(x, y, true);
    health::LogisticOptions o;
    o.l2 = 0;
    o.non_negative = false;
    EXPECT_NEAR(health::fit_logistic(x, 1, y, o).coefficients[0], -2 * std::log(3.0), 1e-9);
    o.non_negative = true;
    const auto fit = health::fit_logistic(x, 1, y, o);
    EXPECT_TRUE(fit.converged);
    EXPECT_EQ(fit.coefficients[0], 0.0);
    EXPECT_NEAR(fit.intercept, 0.0, 1e-9);
}

TEST(HealthLogistic, PenaltyShrinksTowardZero) {
    std::vector<double> x;
    Outcomes y;
    two_groups(x, y, false);
    health::LogisticOptions o;
    o.l2 = 2;
    const auto fit = health::fit_logistic(x, 1, y, o);
    EXPECT_TRUE(fit.converged);
    EXPECT_GT(fit.coefficients[0], 0.0);
    EXPECT_LT(fit.coefficients[0], 2 * std::log(3.0));
}

TEST(HealthWeights, OnlyTheComponentThatPredictsGetsWeight) {
    // Component 0 is 100 (shortfall 0) or 0 (shortfall 1) with the two groups' churn; component 1 is 50
    // everywhere (a constant the unpenalised intercept absorbs, so its coefficient is exactly 0); nobody has
    // unanswered requests. Weights {1, 0}, penalty 0. Row 8 has component 0 missing: it counts as the mean
    // of the others (50), and row 9 has no component at all: left out.
    const double nan = std::nan("");
    std::vector<double> comp{100, 50, 100, 50, 100, 50, 100, 50, 0,   50,
                             0,   50, 0,   50, 0,   50, nan, 50, nan, nan};
    const std::vector<double> unanswered(10, 0.0);
    const Outcomes churned{0, 0, 0, 1, 1, 1, 1, 0, 0, 1};
    const auto fit = health::fit_weights(comp, 2, unanswered, churned);
    EXPECT_TRUE(fit.model.converged);
    EXPECT_EQ(fit.rows, 9);
    EXPECT_EQ(fit.churners, 4);
    EXPECT_NEAR(fit.weights[0], 1.0, 1e-9);
    EXPECT_NEAR(fit.weights[1], 0.0, 1e-9);
    EXPECT_NEAR(fit.unanswered_penalty, 0.0, 1e-9);
    // The penalty is on the score's scale: 100 x (coefficient of unanswered) / (sum of the shortfalls').
    comp = {100, 100, 0, 0, 100, 100, 0, 0};
    const auto both = health::fit_weights(comp, 1, std::vector<double>{0, 1, 0, 1, 0, 0, 1, 1},
                                          Outcomes{0, 1, 1, 1, 0, 0, 0, 1});
    ASSERT_GT(both.model.coefficients[0], 0.0);
    EXPECT_NEAR(both.unanswered_penalty, 100 * both.model.coefficients[1] / both.model.coefficients[0],
                1e-12);
    EXPECT_THROW((void)health::fit_weights(std::vector<double>{nan}, 1, std::vector<double>{0}, Outcomes{1}),
                 std::invalid_argument);
    EXPECT_THROW((void)health::fit_weights(std::vector<double>{120}, 1, std::vector<double>{0}, Outcomes{1}),
                 std::invalid_argument);
}
