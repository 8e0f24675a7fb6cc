#include <gtest/gtest.h>

#include <stdexcept>

#include "accountkpi/date.hpp"
#include "accountkpi/kpi/engine.hpp"

using accountkpi::Date;
using accountkpi::Frequency;
using accountkpi::Period;

TEST(Date, EpochMatchesSysDaysAndNumpy) {
    EXPECT_EQ(Date(1970, 1, 1).days(), 0);
    EXPECT_EQ(Date(1969, 12, 31).days(), -1);
    // 2024-03-01 is day 19783 (numpy.datetime64("2024-03-01").astype(int)).
    EXPECT_EQ(Date(2024, 3, 1).days(), 19783);
    const std::chrono::sys_days sd = std::chrono::year{2024} / 3 / 1;
    EXPECT_EQ(Date(sd), Date(2024, 3, 1));
    EXPECT_EQ(Date(2024, 3, 1).sys_days(), sd);
}

TEST(Date, ParsesAndPrintsIso) {
    EXPECT_EQ(Date::parse("2024-02-29").iso(), "2024-02-29");
    EXPECT_EQ(Date::parse(" 1999-12-31 "), Date(1999, 12, 31));
    EXPECT_FALSE(Date::try_parse("2023-02-29"));  // not a leap year
    EXPECT_FALSE(Date::try_parse("2023-13-01"));
    EXPECT_FALSE(Date::try_parse("2023-1-01"));
    EXPECT_FALSE(Date::try_parse("20230101"));
    EXPECT_FALSE(Date::try_parse(""));
    EXPECT_THROW(Date::parse("yesterday"), std::invalid_argument);
    EXPECT_THROW(Date(2023, 2, 29), std::invalid_argument);
    EXPECT_EQ(Date::null().iso(), "NaT");
}

TEST(Date, Arithmetic) {
    const Date d(2024, 12, 31);
    EXPECT_EQ(d + 1, Date(2025, 1, 1));
    EXPECT_EQ(Date(2025, 3, 1) - Date(2025, 2, 1), 28);
    EXPECT_EQ(Date(2024, 3, 1) - Date(2024, 2, 1), 29);
    EXPECT_LT(Date::min(), d);
    EXPECT_LT(d, Date::max());
}

TEST(Period, IsHalfOpen) {
    const Period p(Date(2024, 1, 1), Date(2024, 4, 1));
    EXPECT_TRUE(p.contains(Date(2024, 1, 1)));
    EXPECT_TRUE(p.contains(Date(2024, 3, 31)));
    EXPECT_FALSE(p.contains(Date(2024, 4, 1)));
    EXPECT_FALSE(p.contains(Date(2023, 12, 31)));
    EXPECT_EQ(p.days(), 91);  // 31 + 29 + 31
    EXPECT_THROW(Period(Date(2024, 1, 1), Date(2024, 1, 1)), std::invalid_argument);
}

TEST(Period, CalendarConstructors) {
    EXPECT_EQ(Period::month(2024, 2), Period(Date(2024, 2, 1), Date(2024, 3, 1)));
    EXPECT_EQ(Period::month(2024, 12), Period(Date(2024, 12, 1), Date(2025, 1, 1)));
    EXPECT_EQ(Period::quarter(2025, 4), Period(Date(2025, 10, 1), Date(2026, 1, 1)));
    EXPECT_EQ(Period::quarter(2025, 2), Period(Date(2025, 4, 1), Date(2025, 7, 1)));
    EXPECT_EQ(Period::year(2025), Period(Date(2025, 1, 1), Date(2026, 1, 1)));
    EXPECT_THROW(Period::month(2024, 13), std::invalid_argument);
    EXPECT_THROW(Period::quarter(2024, 0), std::invalid_argument);
}

TEST(Period, WholeMonthsAndLabels) {
    EXPECT_EQ(Period::quarter(2025, 1).whole_months(), 3);
    EXPECT_EQ(Period::year(2025).whole_months(), 12);
    EXPECT_EQ(Period(Date(2025, 1, 5), Date(2025, 2, 5)).whole_months(), 0);
    EXPECT_DOUBLE_EQ(Period::year(2025).months(), 12.0);
    EXPECT_EQ(Period::year(2025).label(), "2025");
    EXPECT_EQ(Period::quarter(2025, 3).label(), "2025Q3");
    EXPECT_EQ(Period::month(2025, 3).label(), "2025-03");
    EXPECT_EQ(Period(Date(2025, 1, 5), Date(2025, 2, 5)).label(), "2025-01-05/2025-02-05");
    EXPECT_EQ(Period(Date(2025, 2, 1), Date(2025, 5, 1)).label(), "2025-02-01/2025-05-01");
}

TEST(Period, ParsesLabels) {
    EXPECT_EQ(Period::parse("2025"), Period::year(2025));
    EXPECT_EQ(Period::parse("2025Q1"), Period::quarter(2025, 1));
    EXPECT_EQ(Period::parse("2025q4"), Period::quarter(2025, 4));
    EXPECT_EQ(Period::parse("2025-03"), Period::month(2025, 3));
    EXPECT_EQ(Period::parse("2025-01-05/2025-02-05"), Period(Date(2025, 1, 5), Date(2025, 2, 5)));
    EXPECT_THROW(Period::parse("2025Q5"), std::invalid_argument);
    EXPECT_THROW(Period::parse("2025-13"), std::invalid_argument);
    EXPECT_THROW(Period::parse("Q1 2025"), std::invalid_argument);
}

TEST(Periods, CoverTheRangeWithCalendarPeriods) {
    const auto months = accountkpi::periods(Date(2024, 1, 15), Date(2024, 4, 1), Frequency::month);
    ASSERT_EQ(months.size(), 3U);
    EXPECT_EQ(months.front(), Period::month(2024, 1));
    EXPECT_EQ(months.back(), Period::month(2024, 3));
    const auto quarters = accountkpi::periods(Date(2024, 2, 1), Date(2025, 2, 1), Frequency::quarter);
    ASSERT_EQ(quarters.size(), 5U);
    EXPECT_EQ(quarters.front(), Period::quarter(2024, 1));
    EXPECT_EQ(quarters.back(), Period::quarter(2025, 1));
    const auto years = accountkpi::periods(Date(2023, 6, 1), Date(2025, 1, 1), Frequency::year);
    ASSERT_EQ(years.size(), 2U);
    EXPECT_TRUE(accountkpi::periods(Date(2024, 1, 1), Date(2024, 1, 1), Frequency::month).empty());
    EXPECT_EQ(accountkpi::parse_frequency("q"), Frequency::quarter);
    EXPECT_EQ(accountkpi::parse_frequency("MS"), Frequency::month);
    EXPECT_THROW(accountkpi::parse_frequency("W"), std::invalid_argument);
}

TEST(Period, PreviousIsTheSameLengthJustBefore) {
    EXPECT_EQ(Period::quarter(2025, 1).previous(), Period::quarter(2024, 4));
    EXPECT_EQ(Period::month(2025, 3).previous(), Period::month(2025, 2));  // 28 days before a 31-day month
    EXPECT_EQ(Period::year(2025).previous(), Period::year(2024));
    // Not whole months: the same number of days (10) before.
    EXPECT_EQ(Period(Date(2025, 1, 10), Date(2025, 1, 20)).previous(),
              Period(Date(2024, 12, 31), Date(2025, 1, 10)));
}

TEST(Period, YearAgoShiftsTwelveMonthsOrOneCalendarYear) {
    EXPECT_EQ(Period::quarter(2025, 2).year_ago(), Period::quarter(2024, 2));
    EXPECT_EQ(Period::month(2024, 2).year_ago(), Period::month(2023, 2));
    EXPECT_EQ(Period(Date(2024, 2, 29), Date(2024, 3, 10)).year_ago(),
              Period(Date(2023, 2, 28), Date(2023, 3, 10)));
    // Both bounds would fall on 2023-02-28: the period keeps its length (1 day).
    EXPECT_EQ(Period(Date(2024, 2, 28), Date(2024, 2, 29)).year_ago(),
              Period(Date(2023, 2, 28), Date(2023, 3, 1)));
}

TEST(Period, PreviousAndYearAgoAreTheEngineBases) {
    using accountkpi::kpi::base_period;
    using accountkpi::kpi::Options;
    for (const Period& p :
         {Period::quarter(2025, 1), Period::month(2024, 3), Period::year(2024),
          Period(Date(2024, 2, 29), Date(2024, 3, 10)), Period(Date(2025, 1, 10), Date(2025, 1, 20))}) {
        EXPECT_EQ(p.previous(), base_period(p, Options::NrrBase::previous)) << p.label();
        EXPECT_EQ(p.year_ago(), base_period(p, Options::NrrBase::year_ago)) << p.label();
    }
}
