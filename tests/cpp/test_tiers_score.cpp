// The weighted score shared by the scorecard, the health score and the prioritisation, by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "accountkpi/tiers/score.hpp"

using accountkpi::tiers::weighted_score;
using accountkpi::tiers::WeightedScore;

namespace {
constexpr double undefined = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST(WeightedScore, MeanOverDefinedPartsWithRenormalisedWeights) {
    const std::vector<double> w{0.5, 0.3, 0.2};
    // (0.5 * 80 + 0.3 * 50 + 0.2 * 100) / 1 = 40 + 15 + 20 = 75
    const WeightedScore all = weighted_score(std::vector<double>{80, 50, 100}, w);
    EXPECT_DOUBLE_EQ(all.value, 75);
    EXPECT_DOUBLE_EQ(all.weight, 1);
    EXPECT_EQ(all.defined, 3U);
    // the second part undefined: (0.5 * 80 + 0.2 * 100) / 0.7 = 60 / 0.7 = 85.714...; never scored 0
    const WeightedScore some = weighted_score(std::vector<double>{80, undefined, 100}, w);
    EXPECT_DOUBLE_EQ(some.value, 60 / 0.7);
    EXPECT_DOUBLE_EQ(some.weight, 0.7);
    EXPECT_EQ(some.defined, 2U);
}

TEST(WeightedScore, ZeroWeightsDoNotCountAndNothingDefinedIsNaN) {
    // weight 0 leaves the part out, even defined: (1 * 30) / 1 = 30
    const WeightedScore s = weighted_score(std::vector<double>{30, 90}, std::vector<double>{1, 0});
    EXPECT_DOUBLE_EQ(s.value, 30);
    EXPECT_EQ(s.defined, 1U);
    const WeightedScore none = weighted_score(std::vector<double>{undefined, 90}, std::vector<double>{1, 0});
    EXPECT_TRUE(std::isnan(none.value));
    EXPECT_FALSE(none.scored());
    EXPECT_EQ(none.defined, 0U);
    EXPECT_TRUE(std::isnan(weighted_score(std::vector<double>{}, std::vector<double>{}).value));
}

TEST(WeightedScore, TooFewDefinedPartsScoreNothing) {
    const std::vector<double> w{1, 1, 1};
    // one defined part of three, two required: no score (NaN), though the part is known
    const WeightedScore one = weighted_score(std::vector<double>{undefined, 40, undefined}, w, 2);
    EXPECT_TRUE(std::isnan(one.value));
    EXPECT_EQ(one.defined, 1U);
    EXPECT_DOUBLE_EQ(one.weight, 0);
    // two defined: (40 + 60) / 2 = 50
    EXPECT_DOUBLE_EQ(weighted_score(std::vector<double>{undefined, 40, 60}, w, 2).value, 50);
    // the requirement is capped at the parts with a weight: one weighted part is enough when it is the only
    // one
    EXPECT_DOUBLE_EQ(
        weighted_score(std::vector<double>{undefined, 40, 60}, std::vector<double>{0, 1, 0}, 2).value, 40);
}

TEST(WeightedScore, RefusesBadWeights) {
    EXPECT_THROW((void)weighted_score(std::vector<double>{1, 2}, std::vector<double>{1}),
                 std::invalid_argument);
    EXPECT_THROW((void)weighted_score(std::vector<double>{1}, std::vector<double>{-1}),
                 std::invalid_argument);
    EXPECT_THROW((void)weighted_score(std::vector<double>{1}, std::vector<double>{undefined}),
                 std::invalid_argument);
}
