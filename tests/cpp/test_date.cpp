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
    EXPECT_FALSE(Date::try_parse("2023-0101"));  // the extended and basic forms are not mixed
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
    EXPECT_THROW(accountkpi::parse_frequency("D"), std::invalid_argument);
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

TEST(Date, ParsesIso8601TimesAndOffsetsToTheDayAsWritten) {
    // The day as written: the time and the offset are checked, never applied.
    EXPECT_EQ(Date::parse("2010-12-01 08:26:00"), Date(2010, 12, 1));  // UCI Online Retail's InvoiceDate
    EXPECT_EQ(Date::parse("2010-12-01T08:26"), Date(2010, 12, 1));
    EXPECT_EQ(Date::parse("2024-01-31T23:30:00-05:00"), Date(2024, 1, 31));  // 2024-02-01 in UTC: not used
    EXPECT_EQ(Date::parse("2024-01-01T00:30:00+14:00"), Date(2024, 1, 1));
    EXPECT_EQ(Date::parse("2024-01-01T00:30:00.123456789Z"), Date(2024, 1, 1));
    EXPECT_EQ(Date::parse("2024-01-01t12:00:00,5z"), Date(2024, 1, 1));
    EXPECT_EQ(Date::parse("2024-01-01T12:00:00+0530"), Date(2024, 1, 1));
    EXPECT_EQ(Date::parse("2024-01-01T12:00:00-08"), Date(2024, 1, 1));
    EXPECT_EQ(Date::parse("2016-12-31T23:59:60Z"), Date(2016, 12, 31));  // a leap second
    for (const char* bad :
         {"2024-01-01T", "2024-01-01 8:26", "2024-01-01T24:00", "2024-01-01T12:60", "2024-01-01T12:00:61",
          "2024-01-01T12:00:00.", "2024-01-01T12:00+25:00", "2024-01-01T12:00:00+05:", "2024-01-01T12:00Zx",
          "2024-01-01x12:00", "2024-02-30T00:00:00"}) {
        EXPECT_FALSE(Date::try_parse(bad)) << bad;
    }
}

TEST(Date, ParsesIso8601CompactWeekAndOrdinalDates) {
    // Compact (basic) calendar dates, with or without a time in either form.
    EXPECT_EQ(Date::parse("20110205"), Date(2011, 2, 5));
    EXPECT_EQ(Date::parse("20110205T082600"), Date(2011, 2, 5));
    EXPECT_EQ(Date::parse("20110205T0826+0100"), Date(2011, 2, 5));
    EXPECT_EQ(Date::parse("20110205 08:26:00"), Date(2011, 2, 5));
    // Week dates. 4 January 2011 is a Tuesday, so week 1 of 2011 begins on Monday 2011-01-03 and week 5 on
    // 2011-01-31 (+ 4 x 7 days): its day 3 (Wednesday) is 2011-02-02, its day 6 (Saturday) 2011-02-05.
    EXPECT_EQ(Date::parse("2011-W05-3"), Date(2011, 2, 2));
    EXPECT_EQ(Date::parse("2011W056"), Date(2011, 2, 5));
    EXPECT_EQ(Date::parse("2011-W05-6T10:00:00Z"), Date(2011, 2, 5));
    // 4 January 2009 is a Sunday: week 1 of 2009 begins on Monday 2008-12-29, in the calendar year before.
    EXPECT_EQ(Date::parse("2009-W01-1"), Date(2008, 12, 29));
    // 2020 has 53 weeks; the Sunday of its week 53 (Monday 2020-12-28) is 2021-01-03.
    EXPECT_EQ(Date::parse("2020-W53-7"), Date(2021, 1, 3));
    // Ordinal dates: day 36 of 2011 is 5 February (31 days of January + 5); 2012 is a leap year.
    EXPECT_EQ(Date::parse("2011-036"), Date(2011, 2, 5));
    EXPECT_EQ(Date::parse("2012-366"), Date(2012, 12, 31));
    for (const char* bad :
         {"2011-W54-1",  // no week 54
          "2011-W53-1",  // 2011 has 52 weeks (2012's week 1 begins on 2012-01-02, 364 days after 2011's)
          "2011-W00-1", "2011-W05-0", "2011-W05-8", "2011-W5-3", "2011-W053", "2011W05-3", "2011w05-3",
          "20111301",  // no month 13
          "20110230", "2011020", "201102051", "201102-05", "20110205T08", "2011-366", "2011-000", "2011-36",
          "2011-0361"}) {
        EXPECT_FALSE(Date::try_parse(bad)) << bad;
    }
    try {
        (void)Date::parse("2011-W54-1");
        ADD_FAILURE() << "parsed";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()),
                  "not a date (ISO 8601: 2024-03-01, 20240301, 2024-W09-5, 2024W095 or 2024-061, optionally "
                  "with a time and offset): '2011-W54-1'");
    }
}

TEST(Period, IsoWeeksBeginOnMonday) {
    // 2025-01-01 is a Wednesday: week 1 of 2025 is the week of its first Thursday, from Monday 2024-12-30.
    EXPECT_EQ(Period::week(2025, 1), Period(Date(2024, 12, 30), Date(2025, 1, 6)));
    EXPECT_EQ(Period::week(2025, 1).label(), "2025-W01");
    // 2020 has 53 weeks (it begins on a Wednesday and is a leap year); 2021 has 52.
    EXPECT_EQ(Period::week(2020, 53), Period(Date(2020, 12, 28), Date(2021, 1, 4)));
    EXPECT_EQ(Period::week(2020, 53).label(), "2020-W53");
    EXPECT_THROW(Period::week(2021, 53), std::invalid_argument);
    EXPECT_THROW(Period::week(2021, 0), std::invalid_argument);
    EXPECT_EQ(Period::parse("2025-W03"), Period(Date(2025, 1, 13), Date(2025, 1, 20)));
    EXPECT_THROW(Period::parse("2025-W3"), std::invalid_argument);
    // Seven days from a Tuesday are no week: a range label.
    EXPECT_EQ(Period(Date(2025, 1, 14), Date(2025, 1, 21)).label(), "2025-01-14/2025-01-21");
    // A week's year ago is 52 weeks (364 days) earlier: the same weekdays.
    EXPECT_EQ(Period::week(2025, 3).year_ago(), Period::week(2024, 3));
    EXPECT_EQ(Period::week(2025, 3).previous(), Period::week(2025, 2));
}

TEST(Periods, WeeksCoverTheRangeFromTheMondayOnOrBeforeStart) {
    // 2025-01-01 (Wednesday) .. 2025-01-13 (Monday): weeks 1 and 2; the Monday 13th is not covered.
    const auto weeks = accountkpi::periods(Date(2025, 1, 1), Date(2025, 1, 13), Frequency::week);
    ASSERT_EQ(weeks.size(), 2U);
    EXPECT_EQ(weeks[0], Period::week(2025, 1));
    EXPECT_EQ(weeks[1], Period::week(2025, 2));
    EXPECT_EQ(accountkpi::parse_frequency("w"), Frequency::week);
}
