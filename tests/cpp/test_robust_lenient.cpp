// Quarantine mode of the builder (BookBuilder::build_lenient): the good rows make the Book, the bad ones and
// their dependants are listed, and every input row is in one or the other.
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

bool rejected(const LenientBuild& b, const std::string& table, std::int64_t row, const std::string& column,
              const std::string& words) {
    for (const auto& p : b.rejected) {
        if (p.table == table && p.row == row && p.column == column &&
            p.reason.find(words) != std::string::npos)
            return true;
    }
    return false;
}

BookBuilder messy_book() {
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "B", "C", "D"}));
    accounts.add("acquired_on", days({"2024-01-01", "2024-01-01", "2024-03-01", "2024-01-01", "2024-01-01"}));
    accounts.add("churned_on", days({"", "2024-06-01", "", "", ""}));  // B's spells overlap
    accounts.add("parent_id", texts({"", "", "", "B", ""}));           // C hangs below B
    Table managers;
    managers.add("manager_id", texts({"M1", "M2"}));
    managers.add("role", texts({"farmer", "pirate"}));  // M2 is bad
    Table projects;
    projects.add("project_id", Column::integers({1, 2}));
    projects.add("account_id", texts({"A", "D"}));
    projects.add("signed_on", days({"2024-01-05", "2024-01-05"}));
    projects.add("value", numbers({100.0, std::nan("")}));  // project 2 is bad
    Table assignments;
    assignments.add("manager_id", texts({"M1", "M2", "M1"}));
    assignments.add("account_id", texts({"A", "A", "C"}));
    assignments.add("start", days({"2024-01-01", "2024-01-01", "2024-01-01"}));
    Table revenue;
    revenue.add("account_id", texts({"A", "A", "B", "C", "D", "D", "Z"}));
    revenue.add("project_id", Column::texts({"1", "", "", "", "2", "", ""}));
    revenue.add("date", days({"2024-02-01", "2024-02-02", "2024-02-03", "2024-02-04", "2024-02-05",
                              "2024-02-06", "2024-02-07"}));
    revenue.add("amount", numbers({10.0, std::numeric_limits<double>::infinity(), 1.0, 2.0, 3.0, 4.0, 5.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("managers", std::move(managers));
    b.add("projects", std::move(projects));
    b.add("assignments", std::move(assignments));
    b.add("revenue", std::move(revenue));
    return b;
}

}  // namespace

TEST(Lenient, GoodRowsMakeTheBookBadOnesAndTheirDependantsAreListed) {
    const BookBuilder b = messy_book();
    EXPECT_THROW((void)b.build(), ValidationError);
    const LenientBuild out = b.build_lenient();
    const Book& book = out.book;

    // B's second spell overlaps: B goes, with its other row, its child account C and their events.
    EXPECT_TRUE(rejected(out, "accounts", 2, "acquired_on", "overlaps"));
    EXPECT_TRUE(rejected(out, "accounts", 1, "account_id", "account 'B' is rejected (accounts row 2)"));
    EXPECT_TRUE(rejected(out, "accounts", 3, "parent_id", "account 'B' is rejected"));
    EXPECT_TRUE(rejected(out, "revenue", 2, "account_id", "account 'B' is rejected"));
    EXPECT_TRUE(rejected(out, "revenue", 3, "account_id", "account 'C' is rejected (accounts row 3)"));
    EXPECT_TRUE(rejected(out, "assignments", 2, "account_id", "account 'C' is rejected"));
    // M2's role is unknown: M2 goes with its assignment.
    EXPECT_TRUE(rejected(out, "managers", 1, "role", "unknown value 'pirate'"));
    EXPECT_TRUE(rejected(out, "assignments", 1, "manager_id", "manager 'M2' is rejected (managers row 1)"));
    // Project 2 has no value: it goes with its revenue line, the account D stays.
    EXPECT_TRUE(rejected(out, "projects", 1, "value", "missing value"));
    EXPECT_TRUE(rejected(out, "revenue", 4, "project_id", "project '2' is rejected (projects row 1)"));
    // Plain bad rows.
    EXPECT_TRUE(rejected(out, "revenue", 1, "amount", "infinite"));
    EXPECT_TRUE(rejected(out, "revenue", 6, "account_id", "unknown account id 'Z'"));

    // Every input row is in the Book or rejected.
    EXPECT_EQ(out.rejected_rows("accounts"), 3U);
    EXPECT_EQ(book.accounts().size() + 2U, 4U);  // A and D kept (one row each); B (2 rows) and C rejected
    EXPECT_EQ(book.managers().size() + out.rejected_rows("managers"), 2U);
    EXPECT_EQ(book.projects().size() + out.rejected_rows("projects"), 2U);
    EXPECT_EQ(book.assignments().size() + out.rejected_rows("assignments"), 3U);
    EXPECT_EQ(book.revenue().size() + out.rejected_rows("revenue"), 7U);
    EXPECT_EQ(book.revenue().size(), 2U);  // A's 10.0 (project 1) and D's 4.0
    EXPECT_EQ(book.revenue().amount, (std::vector<double>{10.0, 4.0}));
    EXPECT_EQ(book.accounts().ids.label(0), "A");
    EXPECT_EQ(book.accounts().ids.label(1), "D");
}

TEST(Lenient, AnAccountGivenTwiceKeepsOneRowAndEverythingThatRefersToIt) {
    // C in two countries (rows 0, 2), B twice exactly (rows 1, 3), D with another region and domain (4, 5).
    for (const KeepRow keep : {KeepRow::first, KeepRow::last}) {
        Table accounts;
        accounts.add("account_id", texts({"C", "B", "C", "B", "D", "D"}));
        accounts.add("region", texts({"United Kingdom", "EMEA", "France", "EMEA", "EMEA", "APAC"}));
        accounts.add("domain", texts({"", "", "", "", "retail", "banking"}));
        Table revenue;
        revenue.add("account_id", texts({"C", "B", "D", "C"}));
        revenue.add("date", days({"2024-01-05", "2024-01-06", "2024-01-07", "2024-02-01"}));
        revenue.add("amount", numbers({10.0, 20.0, 30.0, 40.0}));
        BookBuilder b(BuildOptions{.keep = keep});
        b.add("accounts", std::move(accounts));
        b.add("revenue", std::move(revenue));
        const LenientBuild out = b.build_lenient();
        const Book& book = out.book;
        const bool first = keep == KeepRow::first;
        EXPECT_TRUE(rejected(out, "accounts", first ? 2 : 0, "region", "is given again with another region"));
        EXPECT_TRUE(rejected(out, "accounts", first ? 3 : 1, "account_id", "an exact duplicate of row"));
        EXPECT_TRUE(rejected(out, "accounts", first ? 5 : 4, "domain", "is given again with another domain"));
        EXPECT_EQ(out.rejected_rows("accounts"), 3U);
        EXPECT_EQ(out.rejected_rows("revenue"), 0U);  // the accounts stay, with all their revenue
        EXPECT_EQ(out.rejected.size(), 4U);           // D's row: its region and its domain
        ASSERT_EQ(book.accounts().size(), 3U);
        EXPECT_EQ(book.revenue().size(), 4U);
        const auto region_of = [&](const std::string& id) {
            const auto a = static_cast<std::size_t>(*book.accounts().ids.find(std::string_view(id)));
            return book.accounts().regions.names[static_cast<std::size_t>(book.accounts().region[a])];
        };
        EXPECT_EQ(region_of("C"), first ? "United Kingdom" : "France");
        EXPECT_EQ(region_of("D"), first ? "EMEA" : "APAC");
    }
}

TEST(Lenient, CleanInputRejectsNothingAndEqualsTheStrictBuild) {
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    Table revenue;
    revenue.add("account_id", texts({"A", "A"}));
    revenue.add("date", days({"2024-01-02", "2024-01-01"}));
    revenue.add("amount", numbers({2.0, 1.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    const auto out = b.build_lenient();
    EXPECT_TRUE(out.rejected.empty());
    EXPECT_EQ(out.book.revenue().amount, b.build().revenue().amount);
}

TEST(Lenient, StructuralProblemsStillThrow) {
    Table revenue;
    revenue.add("account_id", texts({"A"}));
    revenue.add("amount", numbers({1.0}));
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));  // no date column
    try {
        (void)b.build_lenient();
        FAIL() << "expected a ValidationError";
    } catch (const ValidationError& e) {
        ASSERT_EQ(e.problems().size(), 1U);
        EXPECT_EQ(e.problems()[0].describe(),
                  "revenue column date: required column is missing (columns found: 'account_id', 'amount')");
    }
}

TEST(Lenient, RejectionsGivenBeforeTheBuildCascade) {
    Table accounts;
    accounts.add("account_id", Column::integers({1, 2}));
    Table revenue;
    revenue.add("account_id", Column::integers({1, 2, 2}));
    revenue.add("date", days({"2024-01-01", "2024-01-01", "2024-01-01"}));
    revenue.add("amount", numbers({1.0, 2.0, 3.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    b.reject({"accounts", 1, "name", "not UTF-8 text"});
    const auto out = b.build_lenient();
    EXPECT_TRUE(rejected(out, "accounts", 1, "name", "not UTF-8"));
    EXPECT_TRUE(rejected(out, "revenue", 1, "account_id", "account '2' is rejected (accounts row 1)"));
    EXPECT_TRUE(rejected(out, "revenue", 2, "account_id", "account '2' is rejected"));
    EXPECT_EQ(out.book.revenue().size(), 1U);
    // The strict build lists the given problem with its own.
    try {
        (void)b.build();
        FAIL();
    } catch (const ValidationError& e) {
        ASSERT_EQ(e.total(), 1U);
        EXPECT_EQ(e.problems()[0].reason, "not UTF-8 text");
    }
}

TEST(Lenient, ARowWithSeveralProblemsIsCountedOnce) {
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    Table revenue;
    revenue.add("account_id", texts({"A", "Q"}));
    revenue.add("date", days({"2024-01-01", "1800-01-01"}));
    revenue.add("amount", numbers({1.0, std::nan("")}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    const auto out = b.build_lenient();
    EXPECT_EQ(out.rejected.size(), 3U);
    EXPECT_EQ(out.rejected_rows("revenue"), 1U);
    EXPECT_EQ(out.book.revenue().size(), 1U);
}
