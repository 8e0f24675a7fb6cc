// The health score with its reasons on the hand-made tiers book (tests/cpp/tiers_fixture.hpp), 2024Q2, and
// the rule on hand-written evidence. The same numbers as tests/python/test_tiers_health_priority.py.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "accountkpi/health/score.hpp"
#include "accountkpi/kpi/options.hpp"
#include "tiers_fixture.hpp"

using namespace accountkpi;
using health::Component;
using health::HealthBand;

namespace {
std::size_t c(Component x) {
    return static_cast<std::size_t>(x);
}

/// The row of account `id` in `t`.
std::size_t row(const Book& book, const health::HealthTable& t, const std::string& id) {
    const auto a = book.accounts().ids.find(id);
    for (std::size_t i = 0; i < t.rows(); ++i) {
        if (a && t.account[i] == *a) return i;
    }
    ADD_FAILURE() << "no row for " << id;
    return 0;
}
}  // namespace

TEST(HealthScore, ByHandOnTheTiersBook) {
    const Book book = fixture::tiers_book();
    const health::HealthTable t = health::health(book, Period::quarter(2024, 2));
    ASSERT_EQ(t.rows(), 5U);  // A to E are clients in Q2 (C until 06-15, E from 05-01)
    // A: NPS (2 promoters - 1 detractor) / 3 = 33.3 -> satisfaction (33.3 + 100) / 2 = 66.7; cadence 6 emails
    // over 3 months = 2 a month -> 100; responsiveness 1 of 3 within 2 days -> 33.3; trend nrr 1500 / 1000 =
    // 1.5 -> 100; margin 600 / 1500 = 0.4 / 0.3 -> 100. Composite .2*66.7 + .15*100 + .35*33.3 + .2*100 +
    // .1*100 = 13.33 + 15 + 11.67 + 20 + 10 = 70; one request unanswered: -15 -> 55 (watch).
    const std::size_t a = row(book, t, "A");
    EXPECT_DOUBLE_EQ(t.components[c(Component::satisfaction)][a], 200.0 / 3);
    EXPECT_DOUBLE_EQ(t.components[c(Component::responsiveness)][a], 100.0 / 3);
    EXPECT_NEAR(t.health[a], 55, 1e-12);
    EXPECT_EQ(t.band[a], HealthBand::watch);
    EXPECT_EQ(t.requests[a], 3);
    EXPECT_EQ(t.unanswered[a], 1);
    EXPECT_EQ(t.reasons[a], "1 request(s) unanswered; 1 of 3 requests answered within 2 days");
    // B: no surveys, no requests (left out); cadence 0; trend nrr 1000 / 2000 = 0.5 -> 50 + 100 * -0.5 = 0;
    // margin 200 / 1000 = 0.2 / 0.3 -> 66.7: (.15*0 + .2*0 + .1*66.7) / .45 = 14.8 (at risk)
    const std::size_t b = row(book, t, "B");
    EXPECT_NEAR(t.health[b], (0.1 * 200 / 3) / 0.45, 1e-12);
    EXPECT_EQ(t.band[b], HealthBand::at_risk);
    EXPECT_TRUE(std::isnan(t.components[c(Component::satisfaction)][b]));
    EXPECT_EQ(t.reasons[b], "0.0 touches a month (target 2); revenue -50% on the previous period");
    // C: trend nrr 2000 / 1000 = 2 -> 100; margin -500 / 2000 = -0.25 -> 0; cadence 0: .2*100 / .45 = 44.4
    const std::size_t cc = row(book, t, "C");
    EXPECT_NEAR(t.health[cc], 20 / 0.45, 1e-12);
    EXPECT_EQ(t.reasons[cc], "0.0 touches a month (target 2); margin -25% (target 30%)");
    // D: no base revenue (trend undefined): (.15*0 + .1*100) / .25 = 40 -> watch (40 is not below 40)
    const std::size_t d = row(book, t, "D");
    EXPECT_NEAR(t.health[d], 40, 1e-12);
    EXPECT_EQ(t.band[d], HealthBand::watch);
    EXPECT_TRUE(std::isnan(t.components[c(Component::trend)][d]));
    // Worst first, ties by id: B 14.8, D 40, E 40 (a new logo: the same as D), C 44.4, A 55.
    std::string order;
    for (auto i : t.account) order += book.accounts().ids.label(i);
    EXPECT_EQ(order, "BDECA");
    const health::HealthTable risky = health::at_risk(t);
    ASSERT_EQ(risky.rows(), 1U);
    EXPECT_EQ(risky.account[0], t.account[b]);
}

TEST(HealthScore, WeightsOptionsAndScope) {
    const Book book = fixture::tiers_book();
    const Period q2 = Period::quarter(2024, 2);
    // responsiveness alone: A 33.3 - 15 = 18.3; B has no requests: not scored, no band, and says why
    health::HealthOptions only;
    only.weights = {0, 0, 1, 0, 0};
    const health::HealthTable t = health::health(book, q2, {}, only);
    const std::size_t a = row(book, t, "A"), b = row(book, t, "B");
    EXPECT_NEAR(t.health[a], 100.0 / 3 - 15, 1e-12);
    EXPECT_TRUE(std::isnan(t.health[b]));
    EXPECT_EQ(t.band[b], HealthBand::unscored);
    EXPECT_EQ(t.reasons[b], "not scored: only cadence, trend, margin known");
    // only A has requests: it comes first, the four others (NaN) after it, by id
    EXPECT_EQ(a, 0U);
    EXPECT_EQ(b, 1U);
    for (std::size_t i = 1; i < t.rows(); ++i) EXPECT_TRUE(std::isnan(t.health[i]));
    // a longer SLA: 2 of 3 within 10 days -> 66.7
    health::HealthOptions sla;
    sla.kpi.sla_days = 10;
    const health::HealthTable s = health::health(book, q2, {}, sla);
    EXPECT_DOUBLE_EQ(s.components[c(Component::responsiveness)][row(book, s, "A")], 200.0 / 3);
    // a scope lists F2's clients (B, C); their scores are the company-wide ones
    kpi::Scope f2;
    f2.managers = {*book.managers().ids.find("F2")};
    const health::HealthTable scoped = health::health(book, q2, f2);
    ASSERT_EQ(scoped.rows(), 2U);
    EXPECT_EQ(scoped.reasons[0], health::health(book, q2).reasons[0]);  // B, worst in both
}

TEST(HealthScore, TheRuleOnEvidence) {
    // NPS undefined: the CSAT share, 0.4 -> 40 (< 50: a reason); cadence 0.5 / 2 -> 25; nothing else known:
    // (.2*40 + .15*25) / .35 = (8 + 3.75) / .35 = 33.57 (at risk)
    health::Evidence e;
    e.csat = 0.4;
    e.touches_per_account_month = 0.5;
    const health::AccountHealth h = health::score(e);
    EXPECT_NEAR(h.health, 11.75 / 0.35, 1e-12);
    EXPECT_EQ(h.band, HealthBand::at_risk);
    EXPECT_EQ(h.reasons, "CSAT 40% satisfied; 0.5 touches a month (target 2)");
    // one component alone is not a score; with min_components 1 it is, clipped at 0 after the penalty
    health::Evidence one;
    one.touches_per_account_month = 0;
    one.unanswered_requests = 1;
    EXPECT_TRUE(std::isnan(health::score(one).health));
    EXPECT_EQ(health::score(one).reasons, "not scored: only cadence known");
    health::HealthOptions lenient;
    lenient.min_components = 1;
    EXPECT_EQ(health::score(one, lenient).health, 0.0);  // 0 - 15, clipped
}

TEST(HealthScore, RefusesOptionsOutOfRange) {
    const Book book = fixture::tiers_book();
    const Period q2 = Period::quarter(2024, 2);
    health::HealthOptions o;
    o.at_risk_below = 80;
    o.watch_below = 20;
    EXPECT_THROW((void)health::health(book, q2, {}, o), std::invalid_argument);
    o = {};
    o.margin_target = 30;  // a percent where a fraction is meant
    try {
        (void)health::health(book, q2, {}, o);
        ADD_FAILURE() << "no throw";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(),
                     "margin_target is a fraction in (0, 1] (0.15 = 15%), got 30 (did you mean 0.3?)");
    }
    o = {};
    o.weights = {0, 0, 0, 0, 0};
    EXPECT_THROW((void)health::health(book, q2, {}, o), std::invalid_argument);
    o = {};
    o.min_components = 6;
    EXPECT_THROW((void)health::health(book, q2, {}, o), std::invalid_argument);
}
