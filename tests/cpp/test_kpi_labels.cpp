// Results in the Book's own words: labels of group codes and a labelled view of a result.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "accountkpi/book.hpp"
#include "accountkpi/kpi.hpp"
#include "accountkpi/kpi/labels.hpp"

using namespace accountkpi;
using std::chrono::operator""y;

namespace {

// Three accounts in two regions (C has none), one farmer owning A; revenue in 2024Q1: A 100 + 50, B 30, C 20.
Book small_book() {
    RowBuilder rows;
    rows.add(rows::Account{.account_id = "A", .region = "EMEA", .acquired_on = 2023y / 1 / 1});
    rows.add(rows::Account{.account_id = "B", .region = "APAC", .acquired_on = 2023y / 1 / 1});
    rows.add(rows::Account{.account_id = "C", .acquired_on = 2023y / 1 / 1});
    rows.add(rows::Manager{.manager_id = "F1", .role = Role::farmer, .tier = Tier::client_portfolio});
    rows.add(rows::Assignment{.manager_id = "F1", .account_id = "A", .start = 2023y / 1 / 1});
    rows.add(rows::Revenue{.account_id = "A", .date = 2024y / 1 / 5, .amount = 100});
    rows.add(rows::Revenue{.account_id = "A", .date = 2024y / 2 / 5, .amount = 50});
    rows.add(rows::Revenue{.account_id = "B", .date = 2024y / 3 / 5, .amount = 30});
    rows.add(rows::Revenue{.account_id = "C", .date = 2024y / 3 / 6, .amount = 20});
    return rows.build();
}

}  // namespace

TEST(KpiLabels, RowsCarryTheirLabels) {
    const Book book = small_book();
    kpi::Request rq;
    rq.periods = {Period::quarter(2024, 1)};
    rq.by = {kpi::Key::region};
    rq.kpis = {kpi::Kpi::revenue};
    const kpi::Result result = kpi::compute(book, rq);
    const kpi::LabelledResult labelled(book, rq, result);
    ASSERT_EQ(labelled.size(), result.rows());
    double emea = -1, apac = -1, no_region = -1;
    for (const kpi::LabelledRow row : labelled) {
        EXPECT_EQ(row.period(), Period::quarter(2024, 1));
        const std::string region = row.label(0);
        if (region == "EMEA") emea = row.value(kpi::Kpi::revenue);
        if (region == "APAC") apac = row.value(kpi::Kpi::revenue);
        if (region.empty()) no_region = row.value(kpi::Kpi::revenue);
    }
    EXPECT_DOUBLE_EQ(emea, 150);  // 100 + 50
    EXPECT_DOUBLE_EQ(apac, 30);
    EXPECT_DOUBLE_EQ(no_region, 20);
    // A standard algorithm over the view: the row of APAC.
    const auto it = std::find_if(labelled.begin(), labelled.end(),
                                 [](const kpi::LabelledRow& r) { return r.label(0) == "APAC"; });
    ASSERT_NE(it, labelled.end());
    EXPECT_THROW((void)(*it).value(kpi::Kpi::nrr), std::out_of_range);  // not requested
}

TEST(KpiLabels, KeyLabelsOfEveryKind) {
    const Book book = small_book();
    EXPECT_EQ(kpi::key_label(book, kpi::Key::account, 1), "B");
    EXPECT_EQ(kpi::key_label(book, kpi::Key::manager, 0), "F1");
    EXPECT_EQ(kpi::key_label(book, kpi::Key::manager, none), "");
    EXPECT_EQ(kpi::key_label(book, kpi::Key::tier, static_cast<std::int32_t>(Tier::client_portfolio)),
              "client_portfolio");
    EXPECT_EQ(kpi::key_label(book, kpi::Key::role, static_cast<std::int32_t>(Role::closer)), "closer");
    EXPECT_EQ(kpi::key_label(book, kpi::Key::volume_band, 0), "<50,000");
    EXPECT_THROW((void)kpi::key_label(book, kpi::Key::account, 3), std::out_of_range);
    EXPECT_THROW((void)kpi::key_label(book, kpi::Key::region, 7), std::out_of_range);
}

TEST(KpiLabels, PlainTable) {
    const Book book = small_book();
    kpi::Request rq;
    rq.periods = {Period::quarter(2024, 1)};
    rq.by = {kpi::Key::account};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::grr};
    const kpi::Result result = kpi::compute(book, rq);
    const kpi::TextTable table = kpi::to_table(kpi::LabelledResult(book, rq, result));
    EXPECT_EQ(table.header, (std::vector<std::string>{"account", "period", "revenue", "grr"}));
    bool found = false;
    for (const auto& row : table.rows) {
        if (row[0] != "A") continue;
        found = true;
        EXPECT_EQ(row[1], "2024Q1");
        EXPECT_EQ(row[2], "150");
        EXPECT_EQ(row[3], "nan");  // no revenue in the base period 2023Q4: GRR undefined
    }
    EXPECT_TRUE(found);
}
