// The revenue bridge against a book computed by hand, and its identity on the demo book.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;
using kpi::Movement;

namespace {

const Period q1 = Period::quarter(2024, 1);  // base: 2023Q4

// One account per movement of 2024Q1 (base 2023Q4); regions EU = {A..E}, US = {F..I}.
Book bridge_book() {
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "C", "D", "E", "E", "F", "G", "H", "H", "I"}));
    accounts.add("region", texts({"EU", "EU", "EU", "EU", "EU", "EU", "US", "US", "US", "US", "US"}));
    accounts.add("acquired_on",
                 days({"2023-01-01", "2023-01-01", "2023-01-01", "2024-01-15", "2022-01-01", "2024-03-01",
                       "2023-01-01", "2023-01-01", "2023-01-01", "2024-03-01", "2023-01-01"}));
    accounts.add("churned_on",
                 days({"", "", "2024-02-01", "", "2022-06-01", "", "", "", "2024-02-15", "", "2023-12-31"}));
    Table revenue;
    revenue.add("account_id",
                texts({"A", "A", "B", "B", "C", "C", "D", "E", "F", "G", "G", "G", "H", "H", "I", "I"}));
    revenue.add("date",
                days({"2023-11-01", "2024-02-01", "2023-11-01", "2024-02-01", "2023-11-01", "2024-01-10",
                      "2024-02-01", "2024-03-05", "2024-02-01", "2023-10-05", "2023-12-20", "2024-02-01",
                      "2023-11-01", "2024-03-10", "2023-11-01", "2024-01-20"}));
    revenue.add("amount", numbers({100, 130, 200, 150, 80, 20, 70, 40, 25, 60, -90, 10, 50, 45, 40, -15}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    return b.build();
}

std::int64_t at(const kpi::Bridge& b, Movement m, std::size_t row) {
    return b.millionths[static_cast<std::size_t>(m)][row];
}

}  // namespace

TEST(Bridge, ByHand) {
    const Book book = bridge_book();
    const kpi::Bridge b = kpi::revenue_bridge(book, {q1});
    ASSERT_EQ(b.rows(), 1U);
    constexpr std::int64_t M = 1'000'000;
    // A 100 -> 130: expansion +30. B 200 -> 150: contraction -50. C 80 -> 20, gone on 2024-02-01: churned
    // -60. D new on 2024-01-15: new +70. E back on 2024-03-01: reactivated +40. F a client that billed
    // nothing in 2023Q4: resumed +25. G base 60 - 90 = -30 (a credit note), 10 in Q1: no base revenue,
    // resumed 10 - (-30) = +40. H leaves on 2024-02-15 and is back on 2024-03-01 (a client at the end): 50 ->
    // 45, contraction -5. I left on 2023-12-31 (not a client at the end), 40 -> -15 (a credit note): churned
    // -55.
    EXPECT_EQ(at(b, Movement::opening, 0), (100 + 200 + 80 - 30 + 50 + 40) * M);  // 440
    EXPECT_EQ(at(b, Movement::new_, 0), 70 * M);
    EXPECT_EQ(at(b, Movement::reactivated, 0), 40 * M);
    EXPECT_EQ(at(b, Movement::resumed, 0), (25 + 40) * M);
    EXPECT_EQ(at(b, Movement::expansion, 0), 30 * M);
    EXPECT_EQ(at(b, Movement::contraction, 0), -(50 + 5) * M);
    EXPECT_EQ(at(b, Movement::churned, 0), -(60 + 55) * M);
    EXPECT_EQ(at(b, Movement::closing, 0), (130 + 150 + 20 + 70 + 40 + 25 + 10 + 45 - 15) * M);  // 475
    // 440 + 70 + 40 + 65 + 30 - 55 - 115 = 475
    EXPECT_DOUBLE_EQ(b.value(Movement::closing, 0), 475.0);

    // The KPIs are the same movements: contraction and churned as positive losses.
    EXPECT_DOUBLE_EQ(kpi::opening_revenue(book, q1), 440);
    EXPECT_DOUBLE_EQ(kpi::new_revenue(book, q1), 70);
    EXPECT_DOUBLE_EQ(kpi::reactivated_revenue(book, q1), 40);
    EXPECT_DOUBLE_EQ(kpi::resumed_revenue(book, q1), 65);
    EXPECT_DOUBLE_EQ(kpi::expansion_revenue(book, q1), 30);
    EXPECT_DOUBLE_EQ(kpi::contraction_revenue(book, q1), 55);
    EXPECT_DOUBLE_EQ(kpi::churned_revenue(book, q1), 115);
    EXPECT_DOUBLE_EQ(kpi::closing_revenue(book, q1), 475);
    EXPECT_DOUBLE_EQ(kpi::revenue(book, q1), 475);
    // Quick ratio: gains / losses = (70 + 40 + 65 + 30) / (55 + 115).
    EXPECT_DOUBLE_EQ(kpi::quick_ratio(book, q1), 205.0 / 170.0);
    // NRR over the cohort with base revenue > 0 (A, B, C, H, I: 470) is that opening plus expansion,
    // contraction and churned: (470 + 30 - 55 - 115) / 470 = 330 / 470.
    EXPECT_DOUBLE_EQ(kpi::nrr(book, q1), 330.0 / 470.0);
}

TEST(Bridge, ByRegionAddsUpPerGroupAndToTheWhole) {
    const Book book = bridge_book();
    const kpi::Bridge b = kpi::revenue_bridge(book, {q1}, {kpi::Key::region});
    ASSERT_EQ(b.rows(), 2U);
    constexpr std::int64_t M = 1'000'000;
    const auto& names = book.accounts().regions.names;
    const std::size_t eu = names[static_cast<std::size_t>(b.key_codes[0][0])] == "EU" ? 0 : 1, us = 1 - eu;
    // EU: A, B, C, D, E: 380 + 70 + 40 + 30 - 50 - 60 = 410.
    EXPECT_EQ(at(b, Movement::opening, eu), 380 * M);
    EXPECT_EQ(at(b, Movement::new_, eu), 70 * M);
    EXPECT_EQ(at(b, Movement::reactivated, eu), 40 * M);
    EXPECT_EQ(at(b, Movement::resumed, eu), 0);
    EXPECT_EQ(at(b, Movement::contraction, eu), -50 * M);
    EXPECT_EQ(at(b, Movement::churned, eu), -60 * M);
    EXPECT_EQ(at(b, Movement::closing, eu), 410 * M);
    // US: F, G, H, I: -30 + 50 + 40 = 60 opening; + 65 resumed - 5 contraction - 55 churned = 65.
    EXPECT_EQ(at(b, Movement::opening, us), 60 * M);
    EXPECT_EQ(at(b, Movement::resumed, us), 65 * M);
    EXPECT_EQ(at(b, Movement::contraction, us), -5 * M);
    EXPECT_EQ(at(b, Movement::churned, us), -55 * M);
    EXPECT_EQ(at(b, Movement::closing, us), 65 * M);
}

TEST(Bridge, YearAgoBaseAndNoLossesGiveNaNQuickRatio) {
    const Book book = bridge_book();
    // Base 2023Q1: nobody billed then, so every change is new, reactivated or resumed, and there is no loss.
    const kpi::Bridge b = kpi::revenue_bridge(book, {q1}, {}, kpi::Options::NrrBase::year_ago);
    EXPECT_EQ(at(b, Movement::opening, 0), 0);
    EXPECT_EQ(at(b, Movement::new_, 0), 70'000'000);
    EXPECT_EQ(at(b, Movement::reactivated, 0), (40 + 45) * 1'000'000);  // E and H: a later spell starts in Q1
    // A 130, B 150, C 20, F 25, G 10, I -15: billed after a gap.
    EXPECT_EQ(at(b, Movement::resumed, 0), (130 + 150 + 20 + 25 + 10 - 15) * 1'000'000);
    kpi::Options year_ago;
    year_ago.nrr_base = kpi::Options::NrrBase::year_ago;
    EXPECT_TRUE(std::isnan(kpi::quick_ratio(book, q1, {}, year_ago)));  // 0 lost: undefined, not 0
}

TEST(Bridge, RejectsServiceLine) {
    const Book book = bridge_book();
    EXPECT_THROW((void)kpi::revenue_bridge(book, {q1}, {kpi::Key::service_line}), std::invalid_argument);
    EXPECT_THROW((void)kpi::revenue_bridge(book, {}), std::invalid_argument);
    EXPECT_EQ(kpi::name(Movement::new_), "new");
}

TEST(Bridge, DemoBookAddsUpForEveryQuarterAndRegion) {
    demo::Options o;
    o.accounts = 120;
    const Book book = demo::book(o);
    const auto quarters = periods(Date(2023, 4, 1), Date(2026, 1, 1), Frequency::quarter);
    const kpi::Bridge b = kpi::revenue_bridge(book, quarters, {kpi::Key::region});
    ASSERT_EQ(b.rows() % quarters.size(), 0U);
    std::vector<std::int64_t> closing(quarters.size()), opening(quarters.size());
    for (std::size_t r = 0; r < b.rows(); ++r) {
        std::int64_t sum = 0;
        for (std::size_t m = 0; m + 1 < kpi::movements.size(); ++m) sum += b.millionths[m][r];
        EXPECT_EQ(sum, at(b, Movement::closing, r)) << "row " << r;
        closing[static_cast<std::size_t>(b.period[r])] += at(b, Movement::closing, r);
        opening[static_cast<std::size_t>(b.period[r])] += at(b, Movement::opening, r);
    }
    for (std::size_t p = 0; p < quarters.size(); ++p) {
        // The regions' closing is the quarter's revenue, and each opening the previous quarter's.
        EXPECT_EQ(closing[p], std::llround(kpi::revenue(book, quarters[p]) * 1e6));
        EXPECT_EQ(opening[p], std::llround(kpi::revenue(book, quarters[p].previous()) * 1e6));
    }
}
