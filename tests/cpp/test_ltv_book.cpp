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
