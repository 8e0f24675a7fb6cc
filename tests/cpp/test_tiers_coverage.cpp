// Coverage checks on a small hand-made book (Q2 2024 = 2024-04-01 .. 2024-07-01):
//   X client from 2024-01-01; M1 owns it to 05-01, M2 from 05-15      -> no owner on [05-01, 05-15)
//   Y client from 2024-01-01; M1 owns it, M2 too on [06-01, 06-11)     -> two owners on [06-01, 06-11)
//   Z client 2024-01-01 .. 03-01, never owned                          -> nothing in Q2 (not a client)
//   W client from 2024-05-01, never owned                              -> no owner on [05-01, 07-01)
//   M1 (single client) owns X and Y during Q2                          -> over its load of 1
#include <gtest/gtest.h>

#include <stdexcept>

#include "accountkpi/tiers.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using namespace accountkpi::tiers;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

Book coverage_book() {
    BookBuilder b;
    Table accounts;
    accounts.add("account_id", texts({"X", "Y", "Z", "W"}));
    accounts.add("acquired_on", days({"2024-01-01", "2024-01-01", "2024-01-01", "2024-05-01"}));
    accounts.add("churned_on", days({"", "", "2024-03-01", ""}));
    b.add("accounts", std::move(accounts));
    Table managers;
    managers.add("manager_id", texts({"M1", "M2", "M3"}));
    managers.add("role", texts({"farmer", "farmer", "closer"}));
    managers.add("tier", texts({"single_client", "client_portfolio", ""}));
    b.add("managers", std::move(managers));
    Table assignments;
    assignments.add("manager_id", texts({"M1", "M2", "M1", "M2"}));
    assignments.add("account_id", texts({"X", "X", "Y", "Y"}));
    assignments.add("start", days({"2024-01-01", "2024-05-15", "2024-01-01", "2024-06-01"}));
    assignments.add("end", days({"2024-05-01", "", "", "2024-06-11"}));
    b.add("assignments", std::move(assignments));
    Table revenue;
    revenue.add("account_id", texts({"X"}));
    revenue.add("date", days({"2024-04-01"}));
    revenue.add("amount", numbers({1}));
    b.add("revenue", std::move(revenue));
    return b.build();
}

}  // namespace

TEST(Coverage, NoOwnerTwoOwnersOverLoad) {
    const Book book = coverage_book();
    const CoverageTable t = coverage(book, Period::quarter(2024, 2));
    ASSERT_EQ(t.rows(), 4U);
    EXPECT_EQ(t.kind[0], CoverageKind::no_owner);
    EXPECT_EQ(t.account[0], 0);  // X
    EXPECT_EQ(t.begin[0], Date(2024, 5, 1));
    EXPECT_EQ(t.end[0], Date(2024, 5, 15));
    EXPECT_EQ(t.kind[1], CoverageKind::no_owner);
    EXPECT_EQ(t.account[1], 3);  // W: from its first client day to the end of the period
    EXPECT_EQ(t.begin[1], Date(2024, 5, 1));
    EXPECT_EQ(t.end[1], Date(2024, 7, 1));
    EXPECT_EQ(t.kind[2], CoverageKind::two_owners);
    EXPECT_EQ(t.account[2], 1);  // Y
    EXPECT_EQ(t.manager[2], 0);
    EXPECT_EQ(t.other_manager[2], 1);
    EXPECT_EQ(t.begin[2], Date(2024, 6, 1));
    EXPECT_EQ(t.end[2], Date(2024, 6, 11));
    EXPECT_EQ(t.kind[3], CoverageKind::over_load);
    EXPECT_EQ(t.manager[3], 0);  // M1: X and Y, a single-client farmer may own 1
    EXPECT_EQ(t.accounts[3], 2);
    EXPECT_EQ(t.limit[3], 1);
    EXPECT_EQ(name(t.kind[3]), "over_load");
}

TEST(Coverage, LoadIsConfigurableAndPeriodsClip) {
    const Book book = coverage_book();
    CoverageOptions o;
    o.max_accounts = 1;
    o.max_accounts_single_client = 5;
    const CoverageTable t = coverage(book, Period::quarter(2024, 2), o);
    ASSERT_EQ(t.rows(), 4U);
    EXPECT_EQ(t.kind[3], CoverageKind::over_load);
    EXPECT_EQ(t.manager[3], 1);  // M2: X and Y; M1 is now within its 5
    // Q1: Z is a client until 03-01 and never owned; X and Y are owned by M1 alone.
    const CoverageTable q1 = coverage(book, Period::quarter(2024, 1));
    ASSERT_EQ(q1.rows(), 2U);
    EXPECT_EQ(q1.account[0], 2);
    EXPECT_EQ(q1.begin[0], Date(2024, 1, 1));
    EXPECT_EQ(q1.end[0], Date(2024, 3, 1));
    EXPECT_EQ(q1.kind[1], CoverageKind::over_load);
    o.max_accounts = 0;
    EXPECT_THROW((void)coverage(book, Period::quarter(2024, 2), o), std::invalid_argument);
}
