#include <gtest/gtest.h>

#include <cmath>

#include "accountkpi/book.hpp"
#include "accountkpi/ltv/book.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

Book two_accounts() {
    Table accounts;
    accounts.add("account_id", texts({"A", "B"}));
    accounts.add("acquired_on", days({"2024-01-10", "2024-04-01"}));
    accounts.add("churned_on", days({"", "2024-05-01"}));
    Table revenue;
    revenue.add("account_id", texts({"A", "B", "A"}));
    revenue.add("date", days({"2024-01-15", "2024-04-02", "2024-05-02"}));
    revenue.add("amount", numbers({100.0, 40.0, 50.0}));
    revenue.add("cost", numbers({30.0, 50.0, 0.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    return b.build();
}

}  // namespace

TEST(LtvBook, HistoricalUpToAnExclusiveEnd) {
    const Book book = two_accounts();
    EXPECT_EQ(ltv::historical(book, Date(2024, 5, 2)), (std::vector<double>{70.0, -10.0}));
    EXPECT_EQ(ltv::historical(book, Date(2024, 6, 1), ltv::Measure::revenue),
              (std::vector<double>{150.0, 40.0}));
}

TEST(LtvBook, CohortsLeaveUnreachedCellsNaN) {
    const Book book = two_accounts();
    const auto t = ltv::cohorts(book, Frequency::quarter, ltv::CohortMeasure::logo, Date(2024, 7, 1));
    ASSERT_EQ(t.cohorts.size(), 2U);  // 2024Q1 (A), 2024Q2 (B)
    EXPECT_EQ(t.size, (std::vector<std::int64_t>{1, 1}));
    EXPECT_EQ(t.at(0, 0), 1.0);
    EXPECT_EQ(t.at(0, 1), 1.0);
    EXPECT_EQ(t.at(1, 0), 0.0);           // B left on 05-01
    EXPECT_TRUE(std::isnan(t.at(1, 1)));  // 2024Q3 is not over by 07-01
    const auto r = ltv::cohorts(book, Frequency::quarter, ltv::CohortMeasure::revenue, Date(2024, 7, 1));
    EXPECT_EQ(r.at(0, 1), 0.5);  // A: 50 in Q2 over 100 in Q1
}

namespace {

// A: a day whose credit note cancels its invoice (01-01), two lines on one day (01-03: 50 + 10), a credit
// note alone (01-12); B: one purchase; C: only a credit note, so no purchase and no row.
Book purchases() {
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "C"}));
    accounts.add("acquired_on", days({"2024-01-01", "2024-01-01", "2024-01-01"}));
    Table revenue;
    revenue.add("account_id", texts({"A", "A", "A", "A", "B", "C", "A", "A", "A"}));
    revenue.add("date", days({"2024-01-01", "2024-01-01", "2024-01-03", "2024-01-03", "2024-01-05",
                              "2024-01-08", "2024-01-10", "2024-01-12", "2024-01-20"}));
    revenue.add("amount", numbers({100.0, -100.0, 50.0, 10.0, 20.0, -10.0, 40.0, -5.0, 30.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    return b.build();
}

}  // namespace

TEST(LtvBook, RfmCountsDaysThatAddUpToMoreThanZero) {
    const Book book = purchases();
    // A bought on 01-03 (60), 01-10 (40), 01-20 (30); B on 01-05 (20); the end is the last purchase, 01-20.
    const ltv::RfmSummary s = ltv::rfm(book);
    ASSERT_EQ(s.size(), 2U);
    EXPECT_EQ(s.account, (std::vector<std::int32_t>{0, 1}));
    EXPECT_EQ(s.frequency, (std::vector<double>{2, 0}));
    EXPECT_EQ(s.recency, (std::vector<double>{17, 0}));         // 01-03 .. 01-20
    EXPECT_EQ(s.T, (std::vector<double>{17, 15}));              // to 01-20
    EXPECT_EQ(s.monetary_value, (std::vector<double>{35, 0}));  // (40 + 30) / 2; B has no repeat purchase
    const ltv::CustomerRfm a = s[0];
    EXPECT_EQ(a.frequency, 2);
    EXPECT_EQ(a.monetary_value, 35);
}

TEST(LtvBook, RfmStopsAtTheEnd) {
    const ltv::RfmSummary s = ltv::rfm(purchases(), Date(2024, 1, 15));
    EXPECT_EQ(s.frequency, (std::vector<double>{1, 0}));  // 01-20 is after the end
    EXPECT_EQ(s.recency, (std::vector<double>{7, 0}));
    EXPECT_EQ(s.T, (std::vector<double>{12, 10}));
    EXPECT_EQ(s.monetary_value, (std::vector<double>{40, 0}));
    EXPECT_EQ(ltv::rfm(purchases(), Date(2024, 1, 2)).size(), 0U);  // nothing bought by then
}

TEST(LtvBook, RfmInWeeksAndMonths) {
    // Weeks start on Monday: 2024-01-01 was one, so 01-03 and 01-05 are in week 0, 01-10 in 1, 01-20 in 2.
    const ltv::RfmSummary w = ltv::rfm(purchases(), std::nullopt, ltv::RfmUnit::week);
    EXPECT_EQ(w.frequency, (std::vector<double>{2, 0}));
    EXPECT_EQ(w.recency, (std::vector<double>{2, 0}));
    EXPECT_EQ(w.T, (std::vector<double>{2, 2}));
    // An end on Monday 01-15 keeps the whole week that contains it, 01-20 included (as pandas' periods).
    EXPECT_EQ(ltv::rfm(purchases(), Date(2024, 1, 15), ltv::RfmUnit::week).frequency,
              (std::vector<double>{2, 0}));
    // Every purchase in January: one month with a purchase, nothing repeated.
    const ltv::RfmSummary m = ltv::rfm(purchases(), std::nullopt, ltv::parse_rfm_unit("m"));
    EXPECT_EQ(m.frequency, (std::vector<double>{0, 0}));
    EXPECT_EQ(m.T, (std::vector<double>{0, 0}));
    EXPECT_EQ(m.monetary_value, (std::vector<double>{0, 0}));
    EXPECT_THROW((void)ltv::parse_rfm_unit("H"), std::invalid_argument);
}
