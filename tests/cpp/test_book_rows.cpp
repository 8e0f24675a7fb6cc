// The typed builder: rows as structs give the same Book as the columns, and the same problems.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/book/rows.hpp"
#include "accountkpi/kpi.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using std::chrono::operator""y;
using fixture::numbers;
using fixture::texts;

namespace {

const Period q1 = Period::quarter(2024, 1);

// The retention book of test_kpi.cpp written as rows: S = {A, B} on 2023-12-31, B churns on 2024-02-01, C is
// new in Q1, D comes back in Q1 (its second spell).
RowBuilder retention_rows() {
    RowBuilder rows;
    rows.add(rows::Account{.account_id = "A", .region = "EMEA", .acquired_on = 2023y / 1 / 1});
    rows.add(rows::Account{.account_id = "B", .acquired_on = 2023y / 1 / 1, .churned_on = 2024y / 2 / 1});
    rows.add(rows::Account{.account_id = "C", .acquired_on = 2024y / 1 / 15});
    rows.add(rows::Account{.account_id = "D", .acquired_on = 2022y / 1 / 1, .churned_on = 2022y / 6 / 1});
    rows.add(rows::Account{.account_id = "D", .acquired_on = 2024y / 3 / 1});
    const std::vector<rows::Revenue> lines{
        {.account_id = "A", .date = 2023y / 11 / 1, .amount = 100.0, .cost = 60.0},
        {.account_id = "B", .date = 2023y / 12 / 1, .amount = 50.0},
        {.account_id = "A", .date = 2024y / 2 / 1, .amount = 130.0, .cost = 30.0},
        {.account_id = "C", .date = 2024y / 2 / 1, .amount = 70.0},
    };
    rows.add(lines);  // a batch
    return rows;
}

}  // namespace

TEST(BookRows, SameKpisAsTheColumnarBook) {
    const Book book = retention_rows().build();
    EXPECT_EQ(book.accounts().size(), 4U);
    EXPECT_EQ(book.revenue().size(), 4U);
    EXPECT_DOUBLE_EQ(kpi::clients_start(book, q1), 2);     // A, B
    EXPECT_DOUBLE_EQ(kpi::clients_end(book, q1), 3);       // A, C, D
    EXPECT_DOUBLE_EQ(kpi::new_clients(book, q1), 1);       // C
    EXPECT_DOUBLE_EQ(kpi::reactivations(book, q1), 1);     // D
    EXPECT_DOUBLE_EQ(kpi::retention_rate(book, q1), 0.5);  // |{A}| / |{A, B}|
    EXPECT_DOUBLE_EQ(kpi::revenue(book, q1), 200.0);       // 130 + 70
    // The same book as columns: a cost the rows leave out is NaN in the column, so every KPI (gross margin
    // included, whatever rule the builder applies to missing costs) must come out the same both ways in.
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "C", "D", "D"}));
    accounts.add("region", texts({"EMEA", "", "", "", ""}));
    accounts.add("acquired_on",
                 fixture::days({"2023-01-01", "2023-01-01", "2024-01-15", "2022-01-01", "2024-03-01"}));
    accounts.add("churned_on", fixture::days({"", "2024-02-01", "", "2022-06-01", ""}));
    Table revenue;
    revenue.add("account_id", texts({"A", "B", "A", "C"}));
    revenue.add("date", fixture::days({"2023-11-01", "2023-12-01", "2024-02-01", "2024-02-01"}));
    revenue.add("amount", numbers({100.0, 50.0, 130.0, 70.0}));
    revenue.add("cost", numbers({60.0, NAN, 30.0, NAN}));
    BookBuilder columns;
    columns.add("accounts", std::move(accounts));
    columns.add("revenue", std::move(revenue));
    const Book same = columns.build();
    for (const kpi::Kpi k : kpi::all_kpis) {
        const double a = kpi::value(book, k, q1), b = kpi::value(same, k, q1);
        if (std::isnan(b)) {
            EXPECT_TRUE(std::isnan(a)) << kpi::name(k);
        } else {
            EXPECT_DOUBLE_EQ(a, b) << kpi::name(k);
        }
    }
}

TEST(BookRows, IntegerIdsAndEnumerations) {
    RowBuilder rows;
    rows.add(rows::Account{.account_id = 7, .acquired_on = 2024y / 1 / 1});
    rows.add(rows::Account{.account_id = 8, .parent_id = 7, .acquired_on = 2024y / 1 / 1});
    rows.add(rows::Manager{.manager_id = 1, .role = Role::farmer, .tier = Tier::client_portfolio});
    rows.add(rows::Assignment{.manager_id = 1, .account_id = 7, .start = 2024y / 1 / 1});
    rows.add(rows::Project{.project_id = 100,
                           .account_id = 8,
                           .signed_on = 2024y / 1 / 10,
                           .value = 5000,
                           .kind = ProjectKind::upsell,
                           .billing = Billing::day});
    rows.add(rows::Revenue{.account_id = 8,
                           .date = 2024y / 2 / 1,
                           .amount = 1000,
                           .units = 2,
                           .unit = Billing::day,
                           .project_id = 100});
    rows.add(
        rows::Interaction{.account_id = 7, .date = 2024y / 2 / 3, .channel = Channel::call, .manager_id = 1});
    rows.add(rows::Request{.account_id = 7, .received_on = 2024y / 2 / 5, .responded_on = 2024y / 2 / 6});
    rows.add(rows::Survey{.account_id = 7, .date = 2024y / 3 / 1, .kind = SurveyKind::nps, .score = 9});
    rows.add(rows::Target{.manager_id = 1,
                          .kpi = "retention_rate",
                          .begin = 2024y / 1 / 1,
                          .end = 2025y / 1 / 1,
                          .target = 0.9});
    const Book book = rows.build();
    EXPECT_EQ(book.accounts().size(), 2U);
    EXPECT_DOUBLE_EQ(kpi::revenue(book, q1), 1000.0);
    EXPECT_DOUBLE_EQ(kpi::avg_rate_day(book, q1), 500.0);  // 1000 / 2 days
    EXPECT_DOUBLE_EQ(kpi::nps(book, q1), 100.0);           // one promoter (9), no detractor
    EXPECT_DOUBLE_EQ(kpi::upsell_revenue(book, q1), 1000.0);
}

TEST(BookRows, EveryProblemNamedByTableRowAndColumn) {
    RowBuilder rows;
    rows.add(rows::Account{.account_id = "A", .acquired_on = 2024y / 1 / 1});
    rows.add(rows::Account{.account_id = 2, .acquired_on = 2024y / 1 / 1});  // one id kind per column
    rows.add(rows::Revenue{.account_id = "Z", .date = 2024y / 1 / 5, .amount = 10});  // unknown account
    rows.add(rows::Revenue{
        .account_id = "A", .date = 2024y / 1 / 6, .amount = 1, .units = 1, .unit = Billing::fixed});
    rows.add(rows::Revenue{.account_id = "A", .date = 2024y / 1 / 7, .amount = NAN});  // missing amount
    try {
        (void)rows.build();
        FAIL() << "expected ValidationError";
    } catch (const ValidationError& e) {
        std::vector<std::string> where;
        for (const Problem& p : e.problems())
            where.push_back(p.table + ":" + std::to_string(p.row) + ":" + p.column);
        const auto has = [&](const std::string& w) {
            return std::find(where.begin(), where.end(), w) != where.end();
        };
        EXPECT_TRUE(has("accounts:1:account_id")) << e.what();
        EXPECT_TRUE(has("revenue:0:account_id")) << e.what();
        EXPECT_TRUE(has("revenue:1:unit")) << e.what();
        EXPECT_TRUE(has("revenue:2:amount")) << e.what();
    }
}

TEST(BookRows, QuarantineKeepsTheGoodRows) {
    RowBuilder rows;
    rows.add(rows::Account{.account_id = "A", .acquired_on = 2024y / 1 / 1});
    rows.add(rows::Revenue{.account_id = "A", .date = 2024y / 1 / 5, .amount = 10});
    rows.add(rows::Revenue{.account_id = "Z", .date = 2024y / 1 / 6, .amount = 99});
    const LenientBuild built = rows.build_lenient();
    EXPECT_EQ(built.book.revenue().size(), 1U);
    EXPECT_EQ(built.rejected_rows("revenue"), 1U);
    EXPECT_DOUBLE_EQ(kpi::revenue(built.book, q1), 10.0);
}
