// Bad input at the C++ boundary: raw columns of every kind, malformed on purpose. Each case gives a specific
// problem (table, row, column, reason), never a crash or a half-built Book. Regression tests are named after
// what broke.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "accountkpi/book.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

std::vector<Problem> problems_of(const BookBuilder& b) {
    try {
        (void)b.build();
    } catch (const ValidationError& e) {
        return e.problems();
    }
    return {};
}

std::string described(const std::vector<Problem>& ps) {
    std::string s;
    for (const auto& p : ps) s += p.describe() + "\n";
    return s;
}

Table revenue_of(Column account) {
    const auto n = account.size();
    Table t;
    t.add("account_id", std::move(account));
    t.add("date", Column::dates(std::vector<Date>(n, Date(2024, 1, 1))));
    t.add("amount", numbers(std::vector<double>(n, 1.0)));
    return t;
}

}  // namespace

// Integer ids spanning the whole int64 range overflowed the dense lookup table of references (a segfault).
TEST(RobustInput, RegressionIntegerIdsSpanningTheInt64RangeDoNotOverflowTheLookup) {
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    Table accounts;
    accounts.add("account_id", Column::integers({lo, hi, 0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", revenue_of(Column::integers({lo, hi, 0, 1, lo + 1})));
    const auto ps = problems_of(b);
    EXPECT_EQ(described(ps),
              "revenue row 3, column account_id: unknown account id '1'\n"
              "revenue row 4, column account_id: unknown account id '-9223372036854775807'\n");
    // And with the bad rows gone, the book builds with the extreme ids.
    BookBuilder ok;
    Table a2;
    a2.add("account_id", Column::integers({lo, hi}));
    ok.add("accounts", std::move(a2));
    ok.add("revenue", revenue_of(Column::integers({hi, lo})));
    const Book book = ok.build();
    EXPECT_EQ(book.revenue().account, (std::vector<std::int32_t>{1, 0}));
}

TEST(RobustInput, ParentCyclesAreReported) {
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "C", "D"}));
    accounts.add("parent_id", texts({"B", "C", "A", "A"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", revenue_of(texts({"A"})));
    const auto ps = problems_of(b);
    ASSERT_EQ(ps.size(), 1U) << described(ps);
    EXPECT_EQ(ps[0].table, "accounts");
    EXPECT_EQ(ps[0].column, "parent_id");
    EXPECT_NE(ps[0].reason.find("form a cycle"), std::string::npos);
}

TEST(RobustInput, ColumnsOfTheWrongKindAreReportedOncePerColumn) {
    Table accounts;
    accounts.add("account_id", numbers({1.0, 2.0}));
    accounts.add("acquired_on", numbers({1.0, 2.0}));
    Table revenue;
    revenue.add("account_id", texts({"1"}));
    revenue.add("date", texts({"2024-01-01"}));
    revenue.add("amount", days({"2024-01-01"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    const auto ps = problems_of(b);
    EXPECT_EQ(described(ps),
              "accounts column account_id: expected integer or text ids, got a number column\n"
              "accounts column acquired_on: expected dates, got a number column\n"
              "revenue row 0, column account_id: unknown account id '1'\n"
              "revenue column amount: expected numbers, got a date column\n");
}

TEST(RobustInput, RaggedColumnsAndOutOfRangeCodesAreProblemsNotCrashes) {
    Table revenue;
    revenue.add("account_id", texts({"A", "A"}));
    revenue.add("date", days({"2024-01-01"}));  // one row short
    revenue.add("amount", numbers({1.0, 2.0}));
    static const std::int64_t codes[] = {0, 7, -3};
    Table accounts;
    accounts.add("account_id", Column::texts(std::span<const std::int64_t>(codes), {"A"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    const auto ps = problems_of(b);
    EXPECT_EQ(described(ps),
              "accounts row 1, column account_id: dictionary code 7 out of range\n"
              "accounts row 2, column account_id: missing id\n"
              "revenue column date: has 1 rows, the table has 2\n");
}

TEST(RobustInput, TextReferencesBlankUnknownAndOutOfRangeCodes) {
    // The revenue's account ids as dictionary codes: a known id, a code past the dictionary, a missing code,
    // an empty text (missing), an id no account has; each line's problem named once, in row order.
    static const std::int32_t codes[] = {0, 7, -1, 1, 2};
    Table revenue;
    revenue.add("account_id", Column::texts(std::span<const std::int32_t>(codes), {"A", "", "Z"}));
    revenue.add("date", days({"2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01"}));
    revenue.add("amount", numbers({1.0, 2.0, 3.0, 4.0, 5.0}));
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    EXPECT_EQ(described(problems_of(b)),
              "revenue row 1, column account_id: dictionary code 7 out of range\n"
              "revenue row 2, column account_id: missing id\n"
              "revenue row 3, column account_id: missing id\n"
              "revenue row 4, column account_id: unknown account id 'Z'\n");
}

TEST(RobustInput, EmptyAndOneRowTables) {
    BookBuilder empty;
    empty.add("accounts", Table{});
    empty.add("revenue", Table{});
    EXPECT_EQ(described(problems_of(empty)),
              "accounts column account_id: required column is missing (columns found: none)\n"
              "revenue column account_id: required column is missing (columns found: none)\n"
              "revenue column date: required column is missing (columns found: none)\n"
              "revenue column amount: required column is missing (columns found: none)\n");
    Table accounts;
    accounts.add("account_id", texts({}));
    BookBuilder zero;
    zero.add("accounts", std::move(accounts));
    zero.add("revenue", revenue_of(texts({})));
    const Book none_book = zero.build();
    EXPECT_EQ(none_book.accounts().size(), 0U);
    EXPECT_FALSE(none_book.span().has_value());
    Table one;
    one.add("account_id", texts({"A"}));
    BookBuilder single;
    single.add("accounts", std::move(one));
    single.add("revenue", revenue_of(texts({"A"})));
    const Book book = single.build();
    EXPECT_EQ(book.revenue().size(), 1U);
    EXPECT_EQ(book.spells().size(), 1U);
}

TEST(RobustInput, ExtremeNumbersAndDates) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    Table revenue;
    revenue.add("account_id", texts({"A", "A", "A", "A", "A", "A"}));
    // 84005 is 2199-12-31, inside; 120000 is 2298-07-20, outside.
    static const std::int64_t day_values[] = {Column::nat + 1, -25568, 120000, 0, 84005, 84005};
    revenue.add("date", Column::dates(std::span<const std::int64_t>(day_values)));
    revenue.add("amount", numbers({1e15, -1e15, inf, -inf, 9.99e12, std::nan("")}));
    revenue.add("units", numbers({-0.5, 1, 1, 1, 1, 1}));
    revenue.add("unit", texts({"hour", "day", "month", "hour", "", "hour"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    EXPECT_EQ(described(problems_of(b)),
              "revenue row 0, column date: date -9223372036854775807 days after 1970-01-01 is outside "
              "1900-01-01..2200-12-31\n"
              "revenue row 1, column date: date 1899-12-31 is outside 1900-01-01..2200-12-31\n"
              "revenue row 2, column date: date 2298-07-20 is outside 1900-01-01..2200-12-31\n"
              "revenue row 2, column amount: infinite value\n"
              "revenue row 3, column amount: infinite value\n"
              "revenue row 5, column amount: missing value\n"
              "revenue row 0, column amount: amount beyond +-1e13 cannot be summed exactly to the cent\n"
              "revenue row 1, column amount: amount beyond +-1e13 cannot be summed exactly to the cent\n"
              "revenue row 0, column units: negative units\n"
              "revenue row 4, column unit: units are given without their unit (hour, day or month)\n");
}

// inactivity_days near 2^31 wrapped the derived churn dates to year -5877587: every KPI reported 0 clients.
TEST(RobustInput, RegressionInactivityDaysOutsideItsRangeIsAProblem) {
    const auto build_with = [](int days) {
        Table accounts;
        accounts.add("account_id", texts({"A"}));
        BookBuilder b(BuildOptions{days});
        b.add("accounts", std::move(accounts));
        b.add("revenue", revenue_of(texts({"A"})));
        return problems_of(b);
    };
    for (int days : {0, -5, 36'501, 2'147'483'000}) {
        const auto ps = build_with(days);
        ASSERT_EQ(ps.size(), 1U) << days;
        EXPECT_EQ(ps[0].column, "inactivity_days");
        EXPECT_NE(ps[0].reason.find("between 1 and 36500"), std::string::npos) << ps[0].reason;
    }
    EXPECT_TRUE(build_with(36'500).empty());
    EXPECT_TRUE(build_with(1).empty());
}
