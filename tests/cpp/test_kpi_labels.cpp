// Results in the Book's own words: labels of group codes and a labelled view of a result.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
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

TEST(KpiLabels, KeyIdsOfAColumnOnAnyNumberOfThreads) {
    demo::Options o;
    o.accounts = 60;
    o.events = false;
    const Book book = demo::book(o);
    const std::int32_t projects = static_cast<std::int32_t>(book.projects().ids.size());
    ASSERT_EQ(book.projects().ids.kind(), IdIndex::Kind::integer);
    // 160,000 codes (enough for three threads), every project's and a missing one now and then.
    std::vector<std::int32_t> codes(160'000);
    for (std::size_t i = 0; i < codes.size(); ++i)
        codes[i] =
            i % 997 == 5 ? none : static_cast<std::int32_t>((i * 7) % static_cast<std::size_t>(projects));
    for (const std::size_t threads : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
        std::vector<std::int64_t> ids(codes.size(), -1);
        EXPECT_TRUE(kpi::write_key_ids(book, kpi::Key::project, codes, ids, threads));
        for (std::size_t i = 0; i < codes.size(); ++i) {
            const std::string expected =
                codes[i] == none ? "0" : kpi::key_label(book, kpi::Key::project, codes[i]);
            ASSERT_EQ(std::to_string(ids[i]), expected) << "row " << i << ", " << threads << " threads";
        }
    }
    const std::vector<std::int32_t> known = {0, projects - 1, 1};
    std::vector<std::int64_t> three(3);
    EXPECT_FALSE(kpi::write_key_ids(book, kpi::Key::project, known, three));
    EXPECT_EQ(std::to_string(three[1]), kpi::key_label(book, kpi::Key::project, projects - 1));
}

TEST(KpiLabels, KeyIdsRefuseCodesAndKeysWithoutThem) {
    demo::Options o;
    o.accounts = 20;
    o.events = false;
    const Book book = demo::book(o);
    const auto accounts = static_cast<std::int32_t>(book.accounts().ids.size());
    std::vector<std::int64_t> out(2);
    for (const std::int32_t bad : {accounts, -2}) {
        const std::vector<std::int32_t> codes = {0, bad};
        EXPECT_THROW((void)kpi::write_key_ids(book, kpi::Key::account, codes, out), std::out_of_range) << bad;
    }
    const std::vector<std::int32_t> codes = {0, 1};
    std::vector<std::int64_t> short_out(1);
    EXPECT_THROW((void)kpi::write_key_ids(book, kpi::Key::account, codes, short_out), std::invalid_argument);
    EXPECT_THROW((void)kpi::write_key_ids(book, kpi::Key::region, codes, out), std::invalid_argument);
    // Ids that are texts: none to write.
    EXPECT_THROW((void)kpi::write_key_ids(small_book(), kpi::Key::account, codes, out),
                 std::invalid_argument);
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
