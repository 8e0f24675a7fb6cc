#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "accountkpi/ltv/simple.hpp"

using accountkpi::ltv::ltv_simple;
using accountkpi::ltv::per_period_rate;

TEST(LtvSimple, InfiniteHorizonIsTheGeometricSeries) {
    // m = 100 a month, churn 5 % a month, discount 1 % a month: 100 * 0.95 / (1.01 - 0.95).
    EXPECT_NEAR(ltv_simple(100, 0.05, 0.01), 100 * 0.95 / 0.06, 1e-9);
    // The finite sums converge to it.
    EXPECT_NEAR(ltv_simple(100, 0.05, 0.01, 5000), ltv_simple(100, 0.05, 0.01), 1e-9);
    EXPECT_EQ(ltv_simple(100, 1.0, 0.01), 0.0);  // everyone leaves after the first period
}

TEST(LtvSimple, FiniteHorizon) {
    EXPECT_EQ(ltv_simple(100, 0.05, 0.01, 0), 0.0);
    EXPECT_NEAR(ltv_simple(100, 0.05, 0.01, 1), 100 * 0.95 / 1.01, 1e-12);
    EXPECT_NEAR(ltv_simple(100, 0.05, 0.01, 2), 100 * (0.95 / 1.01 + 0.95 * 0.95 / (1.01 * 1.01)), 1e-12);
    EXPECT_NEAR(ltv_simple(100, 0.0, 0.0, 12), 1200, 1e-12);  // no churn, no discount: m T
}

TEST(LtvSimple, NoChurnWithoutHorizonIsNaNNeverInf) {
    EXPECT_TRUE(std::isnan(ltv_simple(100, 0.0, 0.0)));
    EXPECT_TRUE(std::isnan(ltv_simple(100, 0.0, 0.01)));
}

TEST(LtvSimple, InvalidInputThrows) {
    EXPECT_THROW(ltv_simple(100, 1.5, 0.01), std::invalid_argument);
    EXPECT_THROW(ltv_simple(100, -0.1, 0.01), std::invalid_argument);
    EXPECT_THROW(ltv_simple(100, NAN, 0.01), std::invalid_argument);
    EXPECT_THROW(ltv_simple(NAN, 0.1, 0.01), std::invalid_argument);
    EXPECT_THROW(ltv_simple(100, 0.1, -0.01), std::invalid_argument);
    EXPECT_THROW(ltv_simple(100, 0.1, 0.01, -1), std::invalid_argument);
}

TEST(LtvSimple, PerPeriodRate) {
    EXPECT_NEAR(per_period_rate(0.10, 12), std::pow(1.1, 1.0 / 12) - 1, 1e-15);
    EXPECT_NEAR(std::pow(1 + per_period_rate(0.10, 12), 12), 1.10, 1e-14);
    EXPECT_EQ(per_period_rate(0.05, 1), 0.05);
    EXPECT_THROW(per_period_rate(-1, 12), std::invalid_argument);
    EXPECT_THROW(per_period_rate(0.1, 0), std::invalid_argument);
}
