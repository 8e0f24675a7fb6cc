// Scorecards and mandates on the hand-made book of tiers_fixture.hpp; every expected number is computed by
// hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "accountkpi/tiers.hpp"
#include "tiers_fixture.hpp"

using namespace accountkpi;
using namespace accountkpi::tiers;
using kpi::Kpi;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
const Period q2 = Period::quarter(2024, 2);  // 2024-04-01 .. 2024-07-01: 91 days; 2024 has 366 days

const ScoreLine& line(const Scorecard& c, Kpi k) {
    for (const auto& l : c.lines) {
        if (l.kpi == k) return l;
    }
    throw std::out_of_range("no line");
}

}  // namespace

TEST(Attainment, DirectionCapAndUndefined) {
    EXPECT_DOUBLE_EQ(attainment(80, 100, true, 1.5), 0.8);
    EXPECT_DOUBLE_EQ(attainment(200, 100, true, 1.5), 1.5);       // 2.0 capped
    EXPECT_DOUBLE_EQ(attainment(0.05, 0.1, false, 1.5), 1.5);     // 0.1 / 0.05 = 2 capped
    EXPECT_DOUBLE_EQ(attainment(0.2, 0.1, false, 1.5), 0.5);      // 0.1 / 0.2
    EXPECT_DOUBLE_EQ(attainment(0, 0.1, false, 1.5), 1.5);        // no churn at all: +inf capped
    EXPECT_DOUBLE_EQ(attainment(-50, 100, true, 1.5), -0.5);      // a loss is not clamped
    EXPECT_DOUBLE_EQ(attainment(300, 100, true, INFINITY), 3.0);  // no cap
    EXPECT_TRUE(std::isnan(attainment(10, 0, true, 1.5)));        // target 0 -> NaN
    EXPECT_TRUE(std::isnan(attainment(0, 0, false, 1.5)));
    EXPECT_TRUE(std::isnan(attainment(NaN, 10, true, 1.5)));
    EXPECT_TRUE(std::isnan(attainment(10, NaN, true, 1.5)));
}

TEST(Attainment, ProrateByDays) {
    EXPECT_DOUBLE_EQ(prorate(36600, Period::year(2024), q2), 9100);  // 36600 * 91 / 366
    EXPECT_DOUBLE_EQ(prorate(1200, Period::month(2024, 1), Period::year(2024)), 1200.0 * 366 / 31);
    EXPECT_TRUE(is_flow(Kpi::revenue));
    EXPECT_FALSE(is_flow(Kpi::retention_rate));
    EXPECT_FALSE(is_flow(Kpi::nps));
}

TEST(Score, WeightedMeanOverDefinedGoalsOnly) {
    const std::vector<Goal> goals{goal(Kpi::revenue, 100, 2), goal(Kpi::churn_rate, 0.1, 1),
                                  goal(Kpi::nps, 30, 5)};
    // revenue 90/100 = 0.9 (w 2); churn 0.1/0.2 = 0.5 (w 1); nps undefined: listed, not scored.
    const Scorecard c = score(goals, {90, 0.2, NaN}, {100, 0.1, 30}, q2, 1.5);
    EXPECT_DOUBLE_EQ(c.score, (2 * 0.9 + 1 * 0.5) / 3);
    EXPECT_DOUBLE_EQ(c.lines[0].score, 2 * 0.9 / 3);
    EXPECT_DOUBLE_EQ(c.lines[1].score, 0.5 / 3);
    EXPECT_TRUE(std::isnan(c.lines[2].score));
    ASSERT_EQ(c.unscored().size(), 1U);
    EXPECT_EQ(c.unscored()[0], Kpi::nps);
    // Nothing defined: NaN, not 0.
    EXPECT_TRUE(std::isnan(score(goals, {NaN, NaN, NaN}, {100, 0.1, 30}, q2, 1.5).score));
    EXPECT_THROW((void)score({goal(Kpi::revenue, 1, 0)}, {1}, {1}, q2, 1.5), std::invalid_argument);
    EXPECT_THROW((void)score(goals, {1, 1, 1}, {1, 1, 1}, q2, 0), std::invalid_argument);
}

TEST(BookTarget, ProratesFlowsAveragesRatiosAndNeedsFullCover) {
    const Book book = fixture::tiers_book();
    EXPECT_DOUBLE_EQ(book_target(book, 2, Kpi::revenue, q2), 9100);  // F3: 36600 * 91 / 366
    // Across two target years: 31 days of 2024 and 31 of 2025: 36600*31/366 + 73000*31/365 = 3100 + 6200.
    const Period dec_jan{Date{2024, 12, 1}, Date{2025, 2, 1}};
    EXPECT_NEAR(book_target(book, 2, Kpi::revenue, dec_jan), 9300, 1e-9);
    EXPECT_DOUBLE_EQ(book_target(book, 0, Kpi::nps, q2), 40);  // a ratio target is not pro-rated
    // Not covered on every day (2023-12 has no row): NaN.
    EXPECT_TRUE(std::isnan(book_target(book, 0, Kpi::revenue, Period{Date{2023, 12, 1}, Date{2024, 2, 1}})));
    EXPECT_TRUE(std::isnan(book_target(book, 0, Kpi::gross_margin, q2)));  // no row at all
    EXPECT_TRUE(std::isnan(book_target(book, 3, Kpi::revenue, q2)));       // C1 has none
    const Book bad = fixture::tiers_book({.overlapping_target = true});
    EXPECT_THROW((void)book_target(bad, 2, Kpi::revenue, q2), std::invalid_argument);
}

TEST(SingleClient, ScorecardByHand) {
    const Book book = fixture::tiers_book();
    const SingleClient mandate(0, 0);  // account A, manager F1
    EXPECT_EQ(mandate.tier(), Tier::single_client);
    EXPECT_EQ(mandate.account(), 0);
    EXPECT_FALSE(mandate.authority().empty());
    const Scorecard c = mandate.evaluate(book, q2);
    EXPECT_EQ(c.manager, 0);
    // retention: A is a client on 03-31 and 06-30: 1 / 1; target 1 -> 1 (w 3)
    EXPECT_DOUBLE_EQ(line(c, Kpi::retention_rate).attainment, 1.0);
    // renewal: no contract ends in Q2 -> undefined, listed
    EXPECT_TRUE(std::isnan(line(c, Kpi::renewal_rate).actual));
    // nps: 100 * (2 promoters - 1 detractor) / 3 = 33.33; target from the book 40 -> 0.8333 (w 2)
    EXPECT_DOUBLE_EQ(line(c, Kpi::nps).actual, 100.0 / 3);
    EXPECT_DOUBLE_EQ(line(c, Kpi::nps).target, 40);
    EXPECT_DOUBLE_EQ(line(c, Kpi::nps).attainment, 100.0 / 3 / 40);
    // timely: 1 of 3 within 2 days (8 days late, one unanswered); target 0.9 -> 0.3704 (w 2)
    EXPECT_DOUBLE_EQ(line(c, Kpi::timely_response_rate).attainment, (1.0 / 3) / 0.9);
    // project size: 5000, no target -> listed
    EXPECT_DOUBLE_EQ(line(c, Kpi::avg_project_size).actual, 5000);
    EXPECT_TRUE(std::isnan(line(c, Kpi::avg_project_size).attainment));
    // touches: 6 / (1 account * 3 months) = 2; target 2 -> 1 (w 1)
    EXPECT_DOUBLE_EQ(line(c, Kpi::touches_per_account_month).attainment, 1.0);
    // nrr: Q2 1500 / Q1 1000 = 1.5; target 1.1 -> 1.3636 (w 2)
    EXPECT_DOUBLE_EQ(line(c, Kpi::nrr).actual, 1.5);
    EXPECT_DOUBLE_EQ(line(c, Kpi::nrr).attainment, 1.5 / 1.1);
    // margin: (1500 - 900) / 1500 = 0.4; target 0.3 -> 1.3333 (w 2)
    EXPECT_DOUBLE_EQ(line(c, Kpi::gross_margin).attainment, 0.4 / 0.3);
    // revenue, from the targets table (weight 1): 1500 / (7320 * 91 / 366 = 1820) = 0.8242
    EXPECT_DOUBLE_EQ(line(c, Kpi::revenue).target, 1820);
    EXPECT_DOUBLE_EQ(line(c, Kpi::revenue).attainment, 1500.0 / 1820);
    // score: Σ w a / Σ w over the 7 scored goals (weights 3+2+2+1+2+2+1 = 13)
    const double expected = (3 * 1.0 + 2 * (100.0 / 3 / 40) + 2 * (1.0 / 3 / 0.9) + 1 * 1.0 +
                             2 * (1.5 / 1.1) + 2 * (0.4 / 0.3) + 1 * (1500.0 / 1820)) /
                            13;
    EXPECT_NEAR(c.score, expected, 1e-12);
    EXPECT_EQ(c.unscored().size(), 2U);  // renewal_rate, avg_project_size
    double sum = 0;
    for (const auto& l : c.lines) sum += l.scored() ? l.score : 0;
    EXPECT_NEAR(sum, c.score, 1e-12);
}

TEST(ClientPortfolio, ScorecardByHand) {
    const Book book = fixture::tiers_book();
    const ClientPortfolio mandate(1);  // F2: B and C
    const Scorecard c = mandate.evaluate(book, q2);
    // retention: S = {B, C}; C churns 06-15: 1 / 2; target 0.9 (book) -> 0.5556 (w 2)
    EXPECT_DOUBLE_EQ(line(c, Kpi::retention_rate).actual, 0.5);
    EXPECT_DOUBLE_EQ(line(c, Kpi::retention_rate).attainment, 0.5 / 0.9);
    // nrr: (1000 + 2000) / (2000 + 1000) = 1; target 1.05 (w 2)
    EXPECT_DOUBLE_EQ(line(c, Kpi::nrr).attainment, 1 / 1.05);
    // grr: (min(1000, 2000) + min(2000, 1000)) / 3000 = 0.6667; target 0.9 (w 1)
    EXPECT_DOUBLE_EQ(line(c, Kpi::grr).attainment, (2.0 / 3) / 0.9);
    // margin: (3000 - 3300) / 3000 = -0.1; target 0.3 -> -0.3333, not clamped (w 2)
    EXPECT_DOUBLE_EQ(line(c, Kpi::gross_margin).actual, -0.1);
    EXPECT_DOUBLE_EQ(line(c, Kpi::gross_margin).attainment, -0.1 / 0.3);
    // largest client share: 2000 / 3000, lower is better: 0.35 / 0.6667 = 0.525 (w 1)
    EXPECT_DOUBLE_EQ(line(c, Kpi::largest_client_share).attainment, 0.35 / (2.0 / 3));
    // no surveys, no requests: listed
    EXPECT_TRUE(std::isnan(line(c, Kpi::nps).attainment));
    EXPECT_TRUE(std::isnan(line(c, Kpi::timely_response_rate).attainment));
    const double expected =
        (2 * (0.5 / 0.9) + 2 * (1 / 1.05) + (2.0 / 3) / 0.9 + 2 * (-0.1 / 0.3) + 0.35 / (2.0 / 3)) / 8;
    EXPECT_NEAR(c.score, expected, 1e-12);
    // The accounts list restricts the scope: B alone has no churn and keeps 1000 of 2000.
    const Scorecard b = ClientPortfolio(1, {1}).evaluate(book, q2);
    EXPECT_DOUBLE_EQ(line(b, Kpi::retention_rate).actual, 1.0);
    EXPECT_DOUBLE_EQ(line(b, Kpi::nrr).actual, 0.5);
}

TEST(RevenuePortfolio, StatusByHand) {
    const Book book = fixture::tiers_book();
    const RevenuePortfolio mandate(2);  // F3: D (E belongs to the closer C1 until 08-01)
    const RevenueStatus s = mandate.status(book, q2);
    EXPECT_EQ(s.target_period, Period::year(2024));
    EXPECT_DOUBLE_EQ(s.target, 36600);
    EXPECT_DOUBLE_EQ(s.target_to_date, 9100);  // 36600 * 91 / 366
    EXPECT_DOUBLE_EQ(s.revenue, 10000);
    EXPECT_DOUBLE_EQ(s.attainment, 10000.0 / 9100);
    EXPECT_DOUBLE_EQ(s.revenue_to_date, 10000);  // 2024-01-01 .. 2024-07-01
    EXPECT_DOUBLE_EQ(s.run_rate, 10000.0 / 91);
    // forecast: 10000 to date + 10000/91 a day over the 184 days from 07-01 to 2025-01-01 = 30219.78
    EXPECT_DOUBLE_EQ(s.forecast, 10000 + 10000.0 / 91 * 184);
    EXPECT_DOUBLE_EQ(s.gap, 36600 - (10000 + 10000.0 / 91 * 184));
    EXPECT_DOUBLE_EQ(s.cost, 6000);
    EXPECT_DOUBLE_EQ(s.gross_profit, 4000);
    EXPECT_DOUBLE_EQ(s.gross_margin, 0.4);
    EXPECT_DOUBLE_EQ(s.new_business_revenue, 0);
    EXPECT_DOUBLE_EQ(s.existing_business_revenue, 10000);
    // Scorecard: revenue 10000/9100 (w 3), gross_profit no target (listed), margin 0.4/0.3 (w 1), nrr no
    // base.
    const Scorecard c = mandate.evaluate(book, q2);
    EXPECT_NEAR(c.score, (3 * (10000.0 / 9100) + 0.4 / 0.3) / 4, 1e-12);
    EXPECT_EQ(c.unscored().size(), 2U);
    // An explicit target over its own period wins over the book: 12000 for H1 -> Q2 share 12000 * 91 / 182.
    const RevenuePortfolio own(2, {}, 12000, Period{Date{2024, 1, 1}, Date{2024, 7, 1}});
    const RevenueStatus o = own.status(book, q2);
    EXPECT_DOUBLE_EQ(o.target_to_date, 6000);
    EXPECT_DOUBLE_EQ(o.forecast, 10000);  // Q2 reaches the end of the target period: no projection
    EXPECT_DOUBLE_EQ(o.gap, 2000);
    EXPECT_THROW((void)own.status(book, Period::quarter(2024, 4)), std::invalid_argument);
    EXPECT_THROW((RevenuePortfolio{2, {}, 100}), std::invalid_argument);  // a target needs its period
}

TEST(Scorecards, EveryFarmerInOneTableMatchesTheMandates) {
    const Book book = fixture::tiers_book();
    const ScorecardTable t = scorecards(book, q2);
    // F1: 8 default goals + revenue from targets; F2: 7 (retention already in the card); F3: 4 (revenue too).
    EXPECT_EQ(t.rows(), 9U + 7U + 4U);
    const Scorecard f1 = SingleClient(0, 0).evaluate(book, q2);
    const Scorecard f2 = ClientPortfolio(1).evaluate(book, q2);
    const Scorecard f3 = RevenuePortfolio(2).evaluate(book, q2);
    std::size_t row = 0;
    for (const Scorecard* c : {&f1, &f2, &f3}) {
        for (const auto& l : c->lines) {
            ASSERT_LT(row, t.rows());
            EXPECT_EQ(t.manager[row], c->manager);
            EXPECT_EQ(t.kpi[row], l.kpi);
            EXPECT_EQ(t.tier[row], c->tier);
            const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
            EXPECT_TRUE(same(t.actual[row], l.actual)) << kpi::name(l.kpi);
            EXPECT_TRUE(same(t.target[row], l.target)) << kpi::name(l.kpi);
            EXPECT_TRUE(same(t.score[row], l.score)) << kpi::name(l.kpi);
            ++row;
        }
    }
    // The cap is an option.
    ScoreOptions o;
    o.cap = 1.2;
    const ScorecardTable capped = scorecards(book, q2, o);
    for (std::size_t i = 0; i < capped.rows(); ++i) EXPECT_FALSE(capped.attainment[i] > 1.2);
}

TEST(Scorecards, BadInputIsAClearError) {
    EXPECT_THROW((void)scorecards(fixture::tiers_book({.unknown_kpi_target = true}), q2),
                 std::invalid_argument);
    EXPECT_THROW((void)scorecards(fixture::tiers_book({.overlapping_target = true}), q2),
                 std::invalid_argument);
    EXPECT_THROW(SingleClient{-1}, std::invalid_argument);
    EXPECT_THROW(ClientPortfolio{none}, std::invalid_argument);
    const Book book = fixture::tiers_book();
    EXPECT_THROW((void)SingleClient(99).evaluate(book, q2), std::out_of_range);
    EXPECT_THROW((void)ClientPortfolio(42).evaluate(book, q2), std::out_of_range);
    SingleClient m(0);
    EXPECT_THROW(m.set_scorecard({goal(Kpi::nps, 1, 1), goal(Kpi::nps, 2, 1)}), std::invalid_argument);
    EXPECT_THROW(m.set_scorecard({goal(Kpi::nps, 1, -1)}), std::invalid_argument);
}

TEST(Score, GapAndPointsLost) {
    const std::vector<Goal> goals{goal(Kpi::revenue, 100, 2), goal(Kpi::churn_rate, 0.1, 1),
                                  goal(Kpi::nps, 30, 5), goal(Kpi::gross_margin, 0.3, 1)};
    // revenue 90 of 100: gap 10, attainment 0.9, lost 2 * 0.1 / 4; churn 0.2 against 0.1 (less is better):
    // gap 0.1, attainment 0.5, lost 1 * 0.5 / 4; nps undefined: NaN; margin 0.45 of 0.3: gap -0.15, lost 0.
    const Scorecard c = score(goals, {90, 0.2, NaN, 0.45}, {100, 0.1, 30, 0.3}, q2, 1.5);
    EXPECT_DOUBLE_EQ(c.lines[0].gap, 10);
    EXPECT_DOUBLE_EQ(c.lines[0].points_lost, 2 * 0.1 / 4);
    EXPECT_DOUBLE_EQ(c.lines[1].gap, 0.1);
    EXPECT_DOUBLE_EQ(c.lines[1].points_lost, 0.5 / 4);
    EXPECT_TRUE(std::isnan(c.lines[2].points_lost));
    EXPECT_NEAR(c.lines[3].gap, -0.15, 1e-15);
    EXPECT_DOUBLE_EQ(c.lines[3].points_lost, 0);
}

TEST(Targets, UnitOfEachKpi) {
    EXPECT_EQ(unit(Kpi::retention_rate), Unit::fraction);
    EXPECT_EQ(unit(Kpi::nrr), Unit::ratio);
    EXPECT_EQ(unit(Kpi::nps), Unit::nps);
    EXPECT_EQ(unit(Kpi::active_clients), Unit::count);
    EXPECT_EQ(unit(Kpi::revenue), Unit::currency);
    kpi::Options mean;
    mean.csat = kpi::Options::Satisfaction::mean;
    EXPECT_EQ(unit(Kpi::csat), Unit::fraction);
    EXPECT_EQ(unit(Kpi::csat, mean), Unit::scale);
    EXPECT_EQ(target_problem(Kpi::retention_rate, 0.9), "");
    EXPECT_EQ(target_problem(Kpi::retention_rate, 90), "90 is outside [-1, 1] for a fraction (0.9 is 90%)");
    EXPECT_EQ(target_problem(Kpi::nrr, 110), "110 is outside [0, 10] for a ratio (1.1 is 110%)");
    EXPECT_EQ(target_problem(Kpi::nps, -120), "-120 is outside [-100, 100] for a nps");
    EXPECT_EQ(target_problem(Kpi::deals, -1), "-1 is negative for a count");
    EXPECT_EQ(target_problem(Kpi::revenue, -1e6), "");
    EXPECT_EQ(target_problem(Kpi::nps, NaN), "");
}

TEST(Mandate, ExplicitTargetsWinOverTheBookDefaultsDoNot) {
    const Book book = fixture::tiers_book();
    SingleClient m(0, 0);  // A, F1: the targets table sets NPS 40
    EXPECT_DOUBLE_EQ(line(m.evaluate(book, q2), Kpi::nps).target, 40);  // over the default 30
    m.set_scorecard({goal(Kpi::nps, 20, 1)});
    EXPECT_DOUBLE_EQ(line(m.evaluate(book, q2), Kpi::nps).target, 20);  // the user's own wins
    m.set_scorecard({goal(Kpi::nps, 90, 1), goal(Kpi::retention_rate, 95, 1), goal(Kpi::nrr, 1.1, 1)});
    try {
        (void)m.evaluate(book, q2);
        FAIL() << "a fraction target of 95 was accepted";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("retention_rate, target from the goal: 95 is outside"), std::string::npos)
            << what;
        EXPECT_EQ(what.find("nps"), std::string::npos) << what;  // 90 is a valid NPS target
    }
}

TEST(Mandate, RefusesAccountsTheManagerDoesNotOwn) {
    const Book book = fixture::tiers_book();
    try {
        (void)SingleClient(1, 0).evaluate(book, q2);  // B is F2's, not F1's
        FAIL() << "scored an account F1 does not own";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("manager F1 owns no assignment of account(s) B during 2024Q2"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW((void)ClientPortfolio(1, {1, 2}).evaluate(book, q2));  // F2 owns B and C
}
