// Portfolio prioritisation on the hand-made tiers book (tests/cpp/tiers_fixture.hpp), 2024Q2 against 2024Q1:
// the same numbers as tests/python/test_tiers_health_priority.py, and the project level.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "accountkpi/tiers/priority.hpp"
#include "tiers_fixture.hpp"

using namespace accountkpi;
using tiers::PriorityOptions;
using tiers::PriorityTable;

namespace {
kpi::Scope manager(const Book& book, const std::string& id) {
    kpi::Scope s;
    s.managers = {*book.managers().ids.find(id)};
    return s;
}
}  // namespace

TEST(Prioritise, AccountsByHand) {
    const Book book = fixture::tiers_book();
    const PriorityTable r = tiers::prioritise(book, Period::quarter(2024, 2), manager(book, "F2"));
    ASSERT_EQ(r.rows(), 2U);
    // C: revenue 2000 (rank pct 1), growth 2000 / 1000 - 1 = +1 (1), margin -500 / 2000 = -.25 (.5), health
    //    44.4 -> .4*1 + .2*1 + .2*.5 + .2*.444 = .7 + .2 * 20 / 45
    // B: revenue 1000 (.5), growth 1000 / 2000 - 1 = -.5 (.5), margin .2 (1), health 14.8
    //    -> .4*.5 + .2*.5 + .2*1 + .2*.148 = .5 + .2 * (20 / 3) / 45
    EXPECT_EQ(book.accounts().ids.label(r.item[0]), "C");
    EXPECT_EQ(book.accounts().ids.label(r.item[1]), "B");
    EXPECT_NEAR(r.priority[0], 0.7 + 0.2 * 20 / 45, 1e-12);
    EXPECT_NEAR(r.priority[1], 0.5 + 0.2 * (20.0 / 3) / 45, 1e-12);
    EXPECT_DOUBLE_EQ(r.base_revenue[1], 2000);
    EXPECT_DOUBLE_EQ(r.growth[1], -0.5);
    EXPECT_DOUBLE_EQ(r.margin[0], -0.25);
    // ltv_historical to 2024-07-01: C 500 - 500 = 0; B 1000 + 200 = 1200
    EXPECT_DOUBLE_EQ(r.ltv_historical[0], 0);
    EXPECT_DOUBLE_EQ(r.ltv_historical[1], 1200);
    // C loses money but grows: flagged, not a drop candidate; B shrinks and is unhealthy, margin 20% >= 15%
    EXPECT_EQ(r.risk_flags[0], "loss_making");
    EXPECT_EQ(r.reasons[0], "loss_making: gross profit -500.0");
    EXPECT_FALSE(r.drop_candidate[0]);
    EXPECT_EQ(r.risk_flags[1], "shrinking; unhealthy");
    EXPECT_EQ(r.flags[1], static_cast<std::uint8_t>(tiers::RiskFlag::shrinking) |
                              static_cast<std::uint8_t>(tiers::RiskFlag::unhealthy));
    EXPECT_FALSE(r.drop_candidate[1]);
    // with a 25% floor B is low-margin and shrinking: a drop candidate, each flag with its reason
    PriorityOptions o;
    o.margin_floor = 0.25;
    const PriorityTable s = tiers::prioritise(book, Period::quarter(2024, 2), manager(book, "F2"), o);
    EXPECT_TRUE(s.drop_candidate[1]);
    EXPECT_EQ(s.reasons[1],
              "shrinking: revenue -50%; low_margin: margin 20.0% (floor 25%); unhealthy: health 14.8");
}

TEST(Prioritise, ClientsWithoutRevenueAreListed) {
    // F3's D is a client in 2024Q1 without revenue in Q1 or 2023Q4: value 0, growth NaN, not dropped
    const Book book = fixture::tiers_book();
    const PriorityTable r = tiers::prioritise(book, Period::quarter(2024, 1), manager(book, "F3"));
    ASSERT_EQ(r.rows(), 1U);
    EXPECT_EQ(book.accounts().ids.label(r.account[0]), "D");
    EXPECT_EQ(r.revenue[0], 0);
    EXPECT_TRUE(std::isnan(r.growth[0]));
    EXPECT_TRUE(std::isnan(r.margin[0]));
}

TEST(Prioritise, ProjectsByHand) {
    // A's Q1 line (1000 / 600) is in P0, its Q2 lines (1200 / 700 + 300 / 200) in P1; F1 owns A.
    fixture::TiersBook with_projects;
    with_projects.project_lines = true;
    const Book book = fixture::tiers_book(with_projects);
    PriorityOptions o;
    o.level = tiers::PriorityLevel::project;
    const PriorityTable r = tiers::prioritise(book, Period::quarter(2024, 2), manager(book, "F1"), o);
    ASSERT_EQ(r.rows(), 2U);
    // P1: revenue 1500 (rank pct 1), no base (growth NaN), margin 600 / 1500 = .4 (1), health of A 55 (.55)
    //     -> (.4*1 + .2*1 + .2*.55) / .8 = .71 / .8 = .8875
    // P0: revenue 0 (.5), growth 0 / 1000 - 1 = -1 (1), margin NaN (revenue 0), health .55
    //     -> (.4*.5 + .2*1 + .2*.55) / .8 = .51 / .8 = .6375; shrinking, nothing else
    EXPECT_EQ(book.projects().ids.label(r.item[0]), "P1");
    EXPECT_EQ(book.projects().ids.label(r.item[1]), "P0");
    EXPECT_EQ(book.accounts().ids.label(r.account[0]), "A");
    EXPECT_NEAR(r.priority[0], 0.8875, 1e-12);
    EXPECT_NEAR(r.priority[1], 0.6375, 1e-12);
    EXPECT_DOUBLE_EQ(r.base_revenue[1], 1000);
    EXPECT_TRUE(std::isnan(r.margin[1]));
    EXPECT_EQ(r.reasons[1], "shrinking: revenue -100%");
    EXPECT_FALSE(r.drop_candidate[1]);
}

TEST(Prioritise, RefusesBadOptions) {
    const Book book = fixture::tiers_book();
    const Period q2 = Period::quarter(2024, 2);
    EXPECT_THROW((void)tiers::prioritise(book, q2, {}), std::invalid_argument);  // no portfolio
    PriorityOptions o;
    o.margin_floor = 15;
    try {
        (void)tiers::prioritise(book, q2, manager(book, "F2"), o);
        ADD_FAILURE() << "no throw";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(),
                     "margin_floor is a fraction in (0, 1] (0.15 = 15%), got 15 (did you mean 0.15?)");
    }
    o = {};
    o.health_floor = 400;
    EXPECT_THROW((void)tiers::prioritise(book, q2, manager(book, "F2"), o), std::invalid_argument);
    o = {};
    o.weights = {0, 0, 0, 0};
    EXPECT_THROW((void)tiers::prioritise(book, q2, manager(book, "F2"), o), std::invalid_argument);
}
