#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "accountkpi/book.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

Table accounts_ab() {
    Table t;
    t.add("account_id", texts({"A", "B"}));
    t.add("region", texts({"EMEA", ""}));
    t.add("acquired_on", days({"2024-01-01", "2024-03-01"}));
    t.add("churned_on", days({"", "2024-06-01"}));
    return t;
}

Table revenue_rows(std::vector<std::string> account, std::vector<std::string> date,
                   std::vector<double> amount) {
    Table t;
    t.add("account_id", texts(account));
    t.add("date", days(date));
    t.add("amount", numbers(amount));
    return t;
}

std::vector<Problem> problems_of(const BookBuilder& b) {
    try {
        (void)b.build();
    } catch (const ValidationError& e) {
        return e.problems();
    }
    return {};
}

bool has_problem(const std::vector<Problem>& ps, const std::string& table, std::int64_t row,
                 const std::string& column, const std::string& words) {
    for (const auto& p : ps) {
        if (p.table == table && p.row == row && p.column == column &&
            p.reason.find(words) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST(BookBuilder, BuildsAndSortsEventsByDateStably) {
    BookBuilder b;
    b.add("accounts", accounts_ab());
    b.add("revenue",
          revenue_rows({"B", "A", "A", "B"}, {"2024-05-01", "2024-02-01", "2024-05-01", "2024-03-15"},
                       {10.0, 20.0, 30.0, 40.0}));
    const Book book = b.build();
    ASSERT_EQ(book.accounts().size(), 2U);
    EXPECT_EQ(book.accounts().ids.label(0), "A");
    EXPECT_EQ(book.accounts().regions.names.at(0), "EMEA");
    EXPECT_EQ(book.accounts().region[1], none);
    const auto& r = book.revenue();
    ASSERT_EQ(r.size(), 4U);
    // Sorted by date; the two lines of 2024-05-01 keep their input order (B then A).
    EXPECT_EQ(r.amount, (std::vector<double>{20.0, 40.0, 10.0, 30.0}));
    EXPECT_EQ(r.account, (std::vector<std::int32_t>{0, 1, 1, 0}));
    EXPECT_EQ(r.cost, (std::vector<double>(4, 0.0)));  // cost absent -> 0
    EXPECT_TRUE(r.units.empty());                      // units absent: no memory, NaN on every line
    EXPECT_TRUE(std::isnan(r.units_of(0)));
    const auto [first, last] = rows_in(r.date, Period::month(2024, 5));
    EXPECT_EQ(first, 2U);
    EXPECT_EQ(last, 4U);
}

TEST(BookBuilder, SpellsAreHalfOpenAndAccountsMayHaveSeveral) {
    Table accounts;
    accounts.add("account_id", texts({"A", "A", "B"}));
    accounts.add("acquired_on", days({"2024-01-01", "2024-09-01", "2024-02-01"}));
    accounts.add("churned_on", days({"2024-04-01", "", "2024-03-01"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", revenue_rows({"A"}, {"2024-01-05"}, {1.0}));
    const Book book = b.build();
    EXPECT_EQ(book.accounts().size(), 2U);
    EXPECT_EQ(book.spells().size(), 3U);
    EXPECT_TRUE(book.is_client(0, Date(2024, 1, 1)));
    EXPECT_TRUE(book.is_client(0, Date(2024, 3, 31)));
    EXPECT_FALSE(book.is_client(0, Date(2024, 4, 1)));  // churned_on is the first day not a client
    EXPECT_FALSE(book.is_client(0, Date(2024, 8, 31)));
    EXPECT_TRUE(book.is_client(0, Date(2030, 1, 1)));  // the second spell is open
    EXPECT_FALSE(book.is_client(1, Date(2024, 3, 1)));
}

TEST(BookBuilder, DerivesSpellsFromRevenueWhenNotGiven) {
    Table accounts;
    accounts.add("account_id", texts({"A", "B"}));
    BookBuilder b(BuildOptions{100});
    b.add("accounts", std::move(accounts));
    // A: 01-01, 03-01 (59 days later: same spell), 2024-08-01 (153 days after 03-01 >= 100: a new spell).
    // A credit note (negative) never starts or extends a spell. B has no revenue: never a client.
    b.add("revenue",
          revenue_rows({"A", "A", "A", "A"}, {"2024-01-01", "2024-03-01", "2024-06-20", "2024-08-01"},
                       {5.0, 5.0, -3.0, 5.0}));
    const Book book = b.build();
    const auto& s = book.spells();
    ASSERT_EQ(s.size(), 2U);
    EXPECT_EQ(s.begin[0], Date(2024, 1, 1));
    EXPECT_EQ(s.end[0], Date(2024, 3, 1) + 100);
    EXPECT_EQ(s.begin[1], Date(2024, 8, 1));
    EXPECT_EQ(s.end[1], Date(2024, 8, 1) + 100);
    EXPECT_EQ(s.derived[0], 1);
    EXPECT_FALSE(book.is_client(1, Date(2024, 3, 1)));
    EXPECT_EQ(s.offsets, (std::vector<std::uint32_t>{0, 2, 2}));
}

TEST(BookBuilder, SightingsSpanEachAccountsDatedRows) {
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "C"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    // A: lines on 2024-03-01 and 2024-01-10 (input out of order). B: a line on 2024-02-01 and a call on
    // 2024-06-30. C: nothing dated.
    b.add("revenue",
          revenue_rows({"A", "B", "A"}, {"2024-03-01", "2024-02-01", "2024-01-10"}, {1.0, 2.0, 3.0}));
    Table interactions;
    interactions.add("account_id", texts({"B"}));
    interactions.add("date", days({"2024-06-30"}));
    interactions.add("channel", texts({"call"}));
    b.add("interactions", std::move(interactions));
    const Book book = b.build();
    const auto& seen = book.sightings();
    EXPECT_EQ(seen.first_seen, (std::vector<Date>{Date(2024, 1, 10), Date(2024, 2, 1), Date::max()}));
    EXPECT_EQ(seen.last_seen, (std::vector<Date>{Date(2024, 3, 1), Date(2024, 6, 30), Date::null()}));
}

TEST(BookBuilder, ExactlyInactivityDaysLaterStartsANewSpell) {
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    BookBuilder b(BuildOptions{10});
    b.add("accounts", std::move(accounts));
    b.add("revenue", revenue_rows({"A", "A"}, {"2024-01-01", "2024-01-11"}, {1.0, 1.0}));
    const Book book = b.build();
    ASSERT_EQ(book.spells().size(), 2U);  // 2024-01-11 is the churn day of the first spell
    EXPECT_EQ(book.spells().end[0], Date(2024, 1, 11));
}

TEST(BookBuilder, OwnerFollowsAssignmentsOverTimeProjectFirst) {
    Table managers;
    managers.add("manager_id", texts({"M1", "M2", "M3"}));
    managers.add("role", texts({"farmer", "farmer", "closer"}));
    Table projects;
    projects.add("project_id", Column::integers({7}));
    projects.add("account_id", texts({"A"}));
    projects.add("signed_on", days({"2024-02-01"}));
    projects.add("value", numbers({100.0}));
    Table assignments;
    assignments.add("manager_id", texts({"M3", "M1", "M2"}));
    assignments.add("account_id", texts({"A", "A", "A"}));
    assignments.add("project_id", Column::texts({"", "", "7"}));
    assignments.add("start", days({"2024-01-01", "2024-03-01", "2024-04-01"}));
    assignments.add("end", days({"2024-03-01", "", "2024-05-01"}));
    BookBuilder b;
    b.add("accounts", accounts_ab());
    b.add("managers", std::move(managers));
    b.add("projects", std::move(projects));
    b.add("assignments", std::move(assignments));
    Table revenue = revenue_rows({"A", "A", "A", "A"},
                                 {"2024-02-10", "2024-03-10", "2024-04-10", "2024-04-10"}, {1, 2, 3, 4});
    revenue.add("project_id", Column::texts({"", "", "", "7"}));
    b.add("revenue", std::move(revenue));
    const Book book = b.build();
    const auto m = [&](const char* id) { return *book.managers().ids.find(std::string_view(id)); };
    EXPECT_EQ(book.revenue().manager, (std::vector<std::int32_t>{m("M3"), m("M1"), m("M1"), m("M2")}));
    EXPECT_EQ(book.projects().manager[0], m("M3"));
    EXPECT_EQ(book.owner(1, none, Date(2024, 4, 1)), none);  // B has no assignment
    EXPECT_EQ(book.owner(0, none, Date(2023, 12, 31)), none);
}

TEST(Validation, ReportsEveryProblemWithTableRowColumnAndReason) {
    Table accounts;
    accounts.add("account_id", texts({"A", "A", " ", "C"}));
    accounts.add("acquired_on", days({"", "", "2024-01-01", "2024-05-01"}));
    accounts.add("churned_on", days({"", "", "", "2024-04-01"}));
    Table revenue =
        revenue_rows({"A", "Z", "C"}, {"2024-01-01", "", "1850-01-01"}, {1.0, std::nan(""), 1e15});
    revenue.add("units", numbers({-1.0, std::nan(""), std::nan("")}));
    revenue.add("unit", texts({"hour", "", "week"}));
    Table surveys;
    surveys.add("account_id", texts({"A", "A"}));
    surveys.add("date", days({"2024-01-01", "2024-01-02"}));
    surveys.add("kind", texts({"nps", "csat"}));
    surveys.add("score", numbers({11.0, 0.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    b.add("surveys", std::move(surveys));
    const auto ps = problems_of(b);
    EXPECT_TRUE(has_problem(ps, "accounts", 1, "account_id", "an exact duplicate of row 0"));
    EXPECT_TRUE(has_problem(ps, "accounts", 2, "account_id", "empty id"));
    EXPECT_TRUE(has_problem(ps, "accounts", 3, "churned_on", "not after acquired_on"));
    EXPECT_TRUE(has_problem(ps, "revenue", 0, "units", "negative units"));
    EXPECT_TRUE(has_problem(ps, "revenue", 1, "account_id", "unknown account id 'Z'"));
    EXPECT_TRUE(has_problem(ps, "revenue", 1, "date", "missing date"));
    EXPECT_TRUE(has_problem(ps, "revenue", 1, "amount", "missing value"));
    EXPECT_TRUE(has_problem(ps, "revenue", 2, "date", "outside 1900-01-01..2200-12-31"));
    EXPECT_TRUE(has_problem(ps, "revenue", 2, "amount", "cannot be summed exactly"));
    EXPECT_TRUE(has_problem(ps, "revenue", 2, "unit", "unknown value 'week'"));
    EXPECT_TRUE(has_problem(ps, "surveys", 0, "score", "outside the nps scale 0-10"));
    EXPECT_TRUE(has_problem(ps, "surveys", 1, "score", "outside the csat scale 1-5"));
    EXPECT_EQ(ps.size(), 12U);
}

namespace {

/// C is in two countries (rows 0 and 2), B is given twice exactly (rows 1 and 3), D twice with another region
/// and domain (rows 4 and 5); none has spells of its own.
BookBuilder accounts_given_twice(KeepRow keep) {
    Table accounts;
    accounts.add("account_id", texts({"C", "B", "C", "B", "D", "D"}));
    accounts.add("region", texts({"United Kingdom", "EMEA", "France", "EMEA", "EMEA", "APAC"}));
    accounts.add("domain", texts({"", "", "", "", "retail", "banking"}));
    BookBuilder b(BuildOptions{.keep = keep});
    b.add("accounts", std::move(accounts));
    b.add("revenue",
          revenue_rows({"C", "B", "D", "C"}, {"2024-01-05", "2024-01-06", "2024-01-07", "2024-02-01"},
                       {10.0, 20.0, 30.0, 40.0}));
    return b;
}

}  // namespace

TEST(Validation, AnAccountGivenTwiceIsReportedOnEveryRowButTheKeptOneWithWhatDiffers) {
    const auto first = problems_of(accounts_given_twice(KeepRow::first));
    EXPECT_TRUE(has_problem(first, "accounts", 2, "region",
                            "account 'C' is given again with another region: 'France' here, 'United Kingdom' "
                            "in row 0 (the row kept: keep='first')"));
    EXPECT_TRUE(has_problem(first, "accounts", 3, "account_id",
                            "account 'B' is given again: an exact duplicate of row 1 (the row kept"));
    EXPECT_TRUE(has_problem(first, "accounts", 5, "region", "'APAC' here, 'EMEA' in row 4"));
    EXPECT_TRUE(has_problem(first, "accounts", 5, "domain", "'banking' here, 'retail' in row 4"));
    EXPECT_EQ(first.size(), 4U);  // no hint about acquired_on: none of them has spells

    const auto last = problems_of(accounts_given_twice(KeepRow::last));
    EXPECT_TRUE(has_problem(last, "accounts", 0, "region",
                            "'United Kingdom' here, 'France' in row 2 (the row kept: keep='last')"));
    EXPECT_TRUE(has_problem(last, "accounts", 1, "account_id", "an exact duplicate of row 3"));
    EXPECT_TRUE(has_problem(last, "accounts", 4, "region", "'EMEA' here, 'APAC' in row 5"));
    EXPECT_TRUE(has_problem(last, "accounts", 4, "domain", "'retail' here, 'banking' in row 5"));
    EXPECT_EQ(last.size(), 4U);
}

TEST(Validation, SpellRowsMustAgreeWithTheKeptRowAndAllNeedAcquiredOn) {
    Table accounts;
    accounts.add("account_id", texts({"A", "A", "A", "B", "B"}));
    accounts.add("name", texts({"Acme", "", "Acme Ltd", "Bolt", "Bolt"}));
    accounts.add("acquired_on", days({"2022-01-01", "2023-01-01", "2024-01-01", "2022-01-01", ""}));
    accounts.add("churned_on", days({"2022-06-01", "2023-06-01", "", "", ""}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", revenue_rows({"A"}, {"2024-01-05"}, {1.0}));
    const auto ps = problems_of(b);
    // Row 1 leaves the name out (allowed for a spell); row 2 names A otherwise.
    EXPECT_TRUE(has_problem(ps, "accounts", 2, "name", "'Acme Ltd' here, 'Acme' in row 0"));
    EXPECT_TRUE(has_problem(ps, "accounts", 4, "account_id",
                            "an account with several spells needs acquired_on on each of its rows"));
    EXPECT_EQ(ps.size(), 2U);
}

TEST(Validation, MissingTablesAndColumnsAndMisnamedColumns) {
    Table revenue;
    revenue.add("account_id", texts({"A"}));
    revenue.add("Date ", days({"2024-01-01"}));
    revenue.add("amount", numbers({1.0}));
    revenue.add("comment", texts({"ignored"}));
    BookBuilder b;
    b.add("revenue", std::move(revenue));
    b.add("invoices", Table{});
    const auto ps = problems_of(b);
    EXPECT_TRUE(has_problem(ps, "accounts", -1, "", "required table is missing"));
    EXPECT_TRUE(has_problem(ps, "invoices", -1, "", "unknown table"));
    EXPECT_TRUE(has_problem(ps, "revenue", -1, "date", "required column is missing"));
    EXPECT_TRUE(has_problem(ps, "revenue", -1, "Date ", "did you mean 'date'"));
    EXPECT_EQ(ps.size(), 4U);  // 'comment' is not a problem
}

TEST(Validation, OverlappingSpellsAndCrossTableReferences) {
    Table accounts;
    accounts.add("account_id", texts({"A", "A", "B"}));
    accounts.add("acquired_on", days({"2024-01-01", "2024-03-01", "2024-01-01"}));
    accounts.add("churned_on", days({"2024-04-01", "", ""}));
    accounts.add("parent_id", texts({"", "", "B"}));
    Table projects;
    projects.add("project_id", Column::integers({1, 1}));
    projects.add("account_id", texts({"A", "B"}));
    projects.add("signed_on", days({"2024-01-01", "2024-01-02"}));
    projects.add("value", numbers({1.0, std::numeric_limits<double>::infinity()}));
    Table requests;
    requests.add("account_id", texts({"B"}));
    requests.add("received_on", days({"2024-02-01"}));
    requests.add("responded_on", days({"2024-01-31"}));
    requests.add("project_id", Column::integers({1}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("projects", std::move(projects));
    b.add("requests", std::move(requests));
    b.add("revenue", revenue_rows({"A"}, {"2024-01-01"}, {1.0}));
    const auto ps = problems_of(b);
    EXPECT_TRUE(has_problem(ps, "accounts", 1, "acquired_on", "overlaps the spell of row 0"));
    EXPECT_TRUE(has_problem(ps, "accounts", 2, "parent_id", "own parent"));
    EXPECT_TRUE(has_problem(ps, "projects", 1, "project_id", "duplicate project id '1'"));
    EXPECT_TRUE(has_problem(ps, "projects", 1, "value", "infinite"));
    EXPECT_TRUE(has_problem(ps, "requests", 0, "responded_on", "before received_on"));
    EXPECT_TRUE(has_problem(ps, "requests", 0, "project_id", "belongs to account 'A', not to 'B'"));
}

TEST(Validation, IntegerIdsMatchTheirTextForm) {
    Table accounts;
    accounts.add("account_id", Column::integers({10, 20}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", revenue_rows({"20", "10"}, {"2024-01-01", "2024-01-02"}, {1.0, 2.0}));
    const Book book = b.build();
    EXPECT_EQ(book.revenue().account, (std::vector<std::int32_t>{1, 0}));
    EXPECT_EQ(book.accounts().ids.kind(), IdIndex::Kind::integer);
}

TEST(Validation, ListsAtMostTheLimitButCountsAll) {
    const std::size_t n = ValidationError::max_listed + 5;
    std::vector<std::string> who(n, "nobody"), when(n, "2024-01-01");
    std::vector<double> amount(n, 1.0);
    BookBuilder b;
    b.add("accounts", accounts_ab());
    b.add("revenue", revenue_rows(who, when, amount));
    try {
        (void)b.build();
        FAIL() << "expected a ValidationError";
    } catch (const ValidationError& e) {
        EXPECT_EQ(e.problems().size(), ValidationError::max_listed);
        EXPECT_EQ(e.total(), n);
        EXPECT_NE(std::string(e.what()).find("1005 problems"), std::string::npos);
    }
}

TEST(Validation, TextDatesAreParsedAndBadOnesReported) {
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    Table revenue;
    revenue.add("account_id", texts({"A", "A"}));
    revenue.add("date", texts({"2024-02-30", "2024-02-29"}));
    revenue.add("amount", numbers({1.0, 2.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    const auto ps = problems_of(b);
    ASSERT_EQ(ps.size(), 1U);
    EXPECT_TRUE(has_problem(ps, "revenue", 0, "date",
                            "not a date (ISO 8601: 2024-03-01, 20240301, 2024-W09-5, 2024W095 or 2024-061, "
                            "optionally with a time and offset): '2024-02-30'"));
}
