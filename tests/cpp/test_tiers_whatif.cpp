// The retention what-if by hand: churn floored at 0, whole clients, a capped and discounted horizon.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "accountkpi/tiers/whatif.hpp"
#include "tiers_fixture.hpp"

using namespace accountkpi::tiers;

namespace {
// S = 4 clients at the start, C = 1 lost, gross profit 4700 over 5 active clients (940 each), a quarter.
const RetentionInputs quarter{4, 1, 4700, 5, 0.25};
}  // namespace

TEST(RetentionUplift, ByHandOverOneUndiscountedYear) {
    const RetentionUplift r = retention_uplift(quarter, 0.25, 1, 0);
    EXPECT_EQ(r.extra_clients_kept, 1);  // 0.25 * 4 = 1 whole client
    EXPECT_DOUBLE_EQ(r.churn_rate, 0.25);
    EXPECT_DOUBLE_EQ(r.new_churn_rate, 0);
    EXPECT_DOUBLE_EQ(r.gross_profit_per_client, 940);
    EXPECT_DOUBLE_EQ(r.profit_next_period, 940);
    EXPECT_EQ(r.periods, 4);
    // Σ_{t=1..4} 0.75^t = 0.75 + 0.5625 + 0.421875 + 0.31640625 = 2.05078125
    EXPECT_DOUBLE_EQ(r.lifetime_profit_per_client, 940 * 2.05078125);
    EXPECT_DOUBLE_EQ(r.new_lifetime_profit_per_client, 940 * 4);  // churn 0: finite, capped at 4 quarters
    EXPECT_DOUBLE_EQ(r.horizon_profit, 4 * 940 * 2.05078125);
    EXPECT_DOUBLE_EQ(r.lifetime_uplift, 4 * 940 * (4 - 2.05078125));
    EXPECT_NEAR(r.profit_uplift, 4 / 2.05078125 - 1, 1e-15);
}

TEST(RetentionUplift, WholeClientsAndFiniteForAnyPoints) {
    EXPECT_EQ(retention_uplift(quarter, 0.05, 5, 0.1).extra_clients_kept, 0);   // 0.2 of a client
    EXPECT_EQ(retention_uplift(quarter, 0.125, 5, 0.1).extra_clients_kept, 1);  // 0.5 rounds up
    for (double p = 0; p <= 1.0; p += 0.05) {
        const RetentionUplift r = retention_uplift(quarter, p, 5, 0.1);
        for (double x : {r.new_churn_rate, r.lifetime_profit_per_client, r.new_lifetime_profit_per_client,
                         r.lifetime_uplift, r.profit_uplift}) {
            EXPECT_TRUE(std::isfinite(x)) << p;
        }
        EXPECT_GE(r.new_churn_rate, 0);
    }
}

TEST(RetentionUplift, DiscountPerPeriod) {
    const RetentionUplift r = retention_uplift(quarter, 0.25, 1, 0.1);
    const double q = std::pow(1.1, 0.25);
    EXPECT_DOUBLE_EQ(r.period_discount, q - 1);
    EXPECT_NEAR(r.new_lifetime_profit_per_client,
                940 * (1 / q + 1 / (q * q) + 1 / (q * q * q) + 1 / (q * q * q * q)), 1e-9);
}

TEST(RetentionUplift, BadInputIsAClearError) {
    EXPECT_THROW((void)retention_uplift(quarter, 1.5, 5, 0.1), std::invalid_argument);
    EXPECT_THROW((void)retention_uplift(quarter, 0.05, 0, 0.1), std::invalid_argument);
    EXPECT_THROW((void)retention_uplift(quarter, 0.05, 1e9, 0.1), std::invalid_argument);
    EXPECT_THROW((void)retention_uplift(quarter, 0.05, 5, -0.1), std::invalid_argument);
    EXPECT_THROW((void)retention_uplift({1, 2, 0, 1, 1}, 0.05, 5, 0.1), std::invalid_argument);  // C > S
    EXPECT_TRUE(std::isnan(retention_uplift({0, 0, 0, 0, 1}, 0.05, 5, 0.1).churn_rate));         // S = 0
}

TEST(RetentionUplift, InputsReadFromTheBook) {
    // The tiers book over 2024Q2: S = {A, B, C, D} (E arrives 05-01), C churns 06-15; gross profit
    // 600 + 200 - 500 + 4000 + 400 = 4700 over 5 active clients; a quarter is 3 / 12 = 0.25 years: the inputs
    // of `quarter` above, so the same estimate.
    const accountkpi::Book book = fixture::tiers_book();
    const RetentionInputs in = retention_inputs(book, accountkpi::Period::quarter(2024, 2));
    EXPECT_EQ(in.clients_start, 4);
    EXPECT_EQ(in.churned_clients, 1);
    EXPECT_DOUBLE_EQ(in.gross_profit, 4700);
    EXPECT_DOUBLE_EQ(in.active_clients, 5);
    EXPECT_DOUBLE_EQ(in.period_years, 0.25);
    EXPECT_DOUBLE_EQ(retention_uplift(in, 0.25, 1, 0).lifetime_uplift, 4 * 940 * (4 - 2.05078125));
    // F2's book alone: B and C at the start, C lost; 200 - 500 = -300 over 2 active clients
    accountkpi::kpi::Scope f2;
    f2.managers = {*book.managers().ids.find("F2")};
    const RetentionInputs mine = retention_inputs(book, accountkpi::Period::quarter(2024, 2), f2);
    EXPECT_EQ(mine.clients_start, 2);
    EXPECT_EQ(mine.churned_clients, 1);
    EXPECT_DOUBLE_EQ(mine.gross_profit, -300);
}
