// Coverage of a request's periods by the Book's data: outside, partial and churn_unseen periods.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/book/rows.hpp"
#include "accountkpi/kpi/data_coverage.hpp"

using namespace accountkpi;
using std::chrono::operator""y;
using kpi::CoverageGap;

namespace {

// Revenue from 2011-01-03 to 2011-12-09 (the shape of UCI Online Retail); spells derived with 90 days of
// inactivity unless `given`, when the accounts carry their own spells.
Book retail(bool given) {
    RowBuilder rows(BuildOptions{.inactivity_days = 90});
    if (given) {
        rows.add(rows::Account{.account_id = "A", .acquired_on = 2010y / 1 / 1});
    } else {
        rows.add(rows::Account{.account_id = "A"});
    }
    rows.add(rows::Revenue{.account_id = "A", .date = 2011y / 1 / 3, .amount = 10.0});
    rows.add(rows::Revenue{.account_id = "A", .date = 2011y / 12 / 9, .amount = 10.0});
    return rows.build();
}

}  // namespace

TEST(DataCoverage, OutsidePartialAndUnseenChurn) {
    const Book book = retail(false);
    const std::vector<Period> p{Period::month(2010, 12),  Period::month(2011, 1),  Period::month(2011, 3),
                                Period::month(2011, 4),   Period::month(2011, 11), Period::month(2011, 12),
                                Period::quarter(2012, 1), Period::year(2011)};
    const auto c = kpi::data_coverage(book, p);
    ASSERT_TRUE(c.data);
    EXPECT_EQ(c.data->begin(), Date(2011, 1, 3));
    EXPECT_EQ(c.data->end(), Date(2011, 12, 10));
    ASSERT_TRUE(c.churn_from);
    EXPECT_EQ(*c.churn_from, Date(2011, 4, 3));  // 2011-01-03 + 90 days
    // 2010-12: outside (31 days). 2011-01: 2 days before the data, within the allowance of 7; churn unseen
    // all month (31 days). 2011-03: churn unseen (31). 2011-04: churn unseen 04-01..04-02 (2 days). 2011-11:
    // fine. 2011-12: 22 of 31 days after the data (> 7): partial. 2012Q1: outside (91 days). 2011: 2 + 22 =
    // 24 days uncovered, within max(7, 365 / 10 = 36); churn unseen 2011-01-01..2011-04-02 (92 days).
    const std::vector<kpi::CoverageNote> expected{
        {0, CoverageGap::outside, 31},      {1, CoverageGap::churn_unseen, 31},
        {2, CoverageGap::churn_unseen, 31}, {3, CoverageGap::churn_unseen, 2},
        {5, CoverageGap::partial, 22},      {6, CoverageGap::outside, 91},
        {7, CoverageGap::churn_unseen, 92},
    };
    ASSERT_EQ(c.notes.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(c.notes[i].period, expected[i].period) << i;
        EXPECT_EQ(c.notes[i].gap, expected[i].gap) << i;
        EXPECT_EQ(c.notes[i].days, expected[i].days) << i;
    }
    const std::string text = c.describe(p);
    EXPECT_NE(text.find("no data in 2010-12, 2012Q1 (the data runs from 2011-01-03 to 2011-12-09)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("partial data in 2011-12"), std::string::npos) << text;
    EXPECT_NE(text.find("churn before 2011-04-03 cannot be seen in 2011-01, 2011-03, 2011-04, 2011"),
              std::string::npos)
        << text;
}

TEST(DataCoverage, GivenSpellsHideNoChurn) {
    const Book book = retail(true);
    const std::vector<Period> p{Period::month(2011, 2)};
    const auto c = kpi::data_coverage(book, p);
    EXPECT_FALSE(c.churn_from);
    EXPECT_TRUE(c.notes.empty());
    EXPECT_EQ(c.describe(p), "");
    EXPECT_EQ(kpi::name(CoverageGap::partial), "partial");
}

TEST(DataCoverage, OnlyChurnKpisSeeUnseenChurn) {
    const Book book = retail(false);
    const std::vector<Period> p{Period::month(2011, 2)};
    const std::vector<kpi::Kpi> revenue{kpi::Kpi::revenue, kpi::Kpi::gross_margin};
    EXPECT_TRUE(kpi::data_coverage(book, p, revenue).notes.empty());
    const std::vector<kpi::Kpi> retention{kpi::Kpi::revenue, kpi::Kpi::retention_rate};
    ASSERT_EQ(kpi::data_coverage(book, p, retention).notes.size(), 1U);
    EXPECT_EQ(kpi::data_coverage(book, p).notes.size(), 1U);  // every KPI
}
