// Appending event rows to a Book gives the Book (and every KPI) that building the whole input gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"
#include "append_fixture.hpp"

using namespace accountkpi;
using namespace accountkpi::appending;
using kpi::Key;

namespace {

/// The Books hold the same rows, derivations and KPIs: every KPI, by several keys, every month and quarter
/// of the demo's years and the month after.
void expect_same_book(const Book& a, const Book& b) {
    EXPECT_EQ(a.revenue().date, b.revenue().date);
    EXPECT_EQ(a.revenue().account, b.revenue().account);
    EXPECT_EQ(a.revenue().amount, b.revenue().amount);
    EXPECT_EQ(a.revenue().manager, b.revenue().manager);
    EXPECT_EQ(a.interactions().date, b.interactions().date);
    EXPECT_EQ(a.interactions().manager, b.interactions().manager);
    EXPECT_EQ(a.requests().responded_on, b.requests().responded_on);
    EXPECT_EQ(a.requests().manager, b.requests().manager);
    EXPECT_EQ(a.surveys().score, b.surveys().score);
    EXPECT_EQ(a.surveys().manager, b.surveys().manager);
    EXPECT_EQ(a.spells().account, b.spells().account);
    EXPECT_EQ(a.spells().begin, b.spells().begin);
    EXPECT_EQ(a.spells().end, b.spells().end);
    EXPECT_EQ(a.spells().derived, b.spells().derived);
    EXPECT_EQ(a.spells().offsets, b.spells().offsets);
    EXPECT_EQ(a.sightings().first_seen, b.sightings().first_seen);
    EXPECT_EQ(a.sightings().last_seen, b.sightings().last_seen);
    kpi::Request rq;
    for (int y = 2023; y <= 2025; ++y) {
        for (unsigned m = 1; m <= 12; ++m) rq.periods.push_back(Period::month(y, m));
        for (unsigned q = 1; q <= 4; ++q) rq.periods.push_back(Period::quarter(y, q));
    }
    rq.periods.push_back(Period::month(2026, 1));
    for (const auto& by : std::vector<std::vector<Key>>{
             {}, {Key::account}, {Key::manager}, {Key::region, Key::tier}, {Key::team}, {Key::volume_band}}) {
        rq.by = by;
        expect_same_bits(kpi::compute(a, rq), kpi::compute(b, rq),
                         "by " + std::to_string(by.size()) + " keys");
    }
}

/// The rows of the event tables `tables` dated in `period`.
Tables rows_dated_in(const Tables& tables, Period period) {
    Tables out;
    for (const auto& [name, table] : tables) {
        const auto& dates = std::get<Column::Dates>(table.find(date_column(name))->data());
        std::vector<std::uint32_t> rows;
        for (std::uint32_t i = 0; i < table.rows(); ++i) {
            if (period.contains(Date{static_cast<Date::rep>(dates.day(i))})) rows.push_back(i);
        }
        out.emplace_back(name, table.take(rows));
    }
    return out;
}

}  // namespace

TEST(BookAppend, TheLastMonthAppendedEqualsTheWholeBuilt) {
    for (const bool derived : {false, true}) {
        const Split s = split(derived, [](std::size_t, Date d) { return !(d < Date::parse("2025-12-01")); });
        const Book base = built(s.base);
        const Book book = appended(base, s.later);
        expect_same_book(book, built(s.whole));
        EXPECT_LT(base.revenue().size(), book.revenue().size());  // the base is unchanged
        EXPECT_EQ(base.revenue().size(), table_of(s.base, "revenue").rows());
    }
}

TEST(BookAppend, RowsOfAnyDateAppendedEqualTheWholeBuilt) {
    for (const bool derived : {false, true}) {
        const Split s = split(derived, [](std::size_t i, Date) { return i % 5 == 0; });
        expect_same_book(appended(built(s.base), s.later), built(s.whole));
    }
}

TEST(BookAppend, FewerRowsThanAccountsAppendedEqualTheWholeBuilt) {
    // The rows of the last day and every 500th row: fewer rows than accounts, whose sightings are then
    // widened in the table's own columns.
    const Split s =
        split(true, [](std::size_t i, Date d) { return i % 500 == 0 || !(d < Date::parse("2025-12-31")); });
    const Book base = built(s.base);
    std::size_t later = 0;
    for (const auto& [name, table] : s.later) later += table.rows();
    ASSERT_GT(later, 0U);
    ASSERT_LT(later, base.accounts().size());
    expect_same_book(appended(base, s.later), built(s.whole));
}

TEST(BookAppend, AppendsMonthByMonthEqualTheWholeBuilt) {
    const Split s = split(true, [](std::size_t, Date d) { return !(d < Date::parse("2025-06-01")); });
    Book book = built(s.base);
    for (unsigned m = 6; m <= 13; ++m) {  // 13: everything from 2026 on
        const Period month =
            m <= 12 ? Period::month(2025, m) : Period{Date::parse("2026-01-01"), Date::max()};
        book = appended(book, rows_dated_in(s.later, month));
    }
    expect_same_book(book, built(s.whole));
}

TEST(BookAppend, BadRowsAreReportedLikeABuilds) {
    const Split s = split(false, [](std::size_t, Date d) { return !(d < Date::parse("2025-12-01")); });
    const Book base = built(s.base);
    Table revenue;
    revenue.add("account_id", Column::integers(std::vector<std::int64_t>{1000, 999'999, 1001}));
    revenue.add("date", Column::texts(std::vector<std::string>{"2025-12-02", "2025-12-03", "2025-02-30"}));
    revenue.add("amount", Column::numbers(std::vector<double>{10.0, 20.0, 30.0}));
    Table accounts;
    accounts.add("account_id", Column::integers(std::vector<std::int64_t>{5}));
    try {
        (void)BookBuilder().add("revenue", revenue).add("accounts", accounts).append_to(base);
        FAIL() << "no ValidationError";
    } catch (const ValidationError& e) {
        ASSERT_EQ(e.problems().size(), 3U) << e.what();
        const auto has = [&](std::string_view table, std::int64_t row, std::string_view column,
                             std::string_view reason) {
            for (const auto& p : e.problems()) {
                if (p.table == table && p.row == row && p.column == column &&
                    p.reason.find(reason) != std::string::npos)
                    return true;
            }
            return false;
        };
        EXPECT_TRUE(has("revenue", 1, "account_id", "unknown account id '999999'")) << e.what();
        EXPECT_TRUE(has("revenue", 2, "date", "not a date")) << e.what();
        EXPECT_TRUE(has("accounts", -1, "", "cannot be appended")) << e.what();
    }
}

TEST(BookAppend, NumbersTheBuildCopiesTakeTheFirstAppendInPlace) {
    // Amounts and costs viewed without an owner (memory that may change after the build): the Book keeps
    // copies, in date order, with room after them that the first append writes into.
    Table accounts;
    accounts.add("account_id", Column::integers(std::vector<std::int64_t>{1, 2}));
    for (const bool in_date_order : {true, false}) {
        SCOPED_TRACE(in_date_order);
        std::vector<double> amount{10.0, 20.0, 30.0}, cost{1.0, 2.0, 3.0};
        const std::vector<Date> dates = in_date_order ? std::vector{Date{10}, Date{11}, Date{12}}
                                                      : std::vector{Date{11}, Date{10}, Date{12}};
        Table revenue;
        revenue.add("account_id", Column::integers(std::vector<std::int64_t>{1, 2, 1}));
        revenue.add("date", Column::dates(dates));
        revenue.add("amount", Column::numbers(std::span<const double>(amount)));
        revenue.add("cost", Column::numbers(std::span<const double>(cost)));
        const Book base = built({{"accounts", accounts}, {"revenue", revenue}});
        amount.assign({-1.0, -1.0, -1.0});  // the caller's memory changes after the build
        const std::vector<double> built_amount =
            in_date_order ? std::vector{10.0, 20.0, 30.0} : std::vector{20.0, 10.0, 30.0};
        EXPECT_EQ(base.revenue().amount, built_amount);
        EXPECT_FALSE(base.revenue().amount.shared());
        Table later;
        later.add("account_id", Column::integers(std::vector<std::int64_t>{2}));
        later.add("date", Column::dates(std::vector{Date{13}}));
        later.add("amount", Column::numbers(std::vector{40.0}));
        later.add("cost", Column::numbers(std::vector{4.0}));
        const Book book = appended(base, {{"revenue", later}});
        EXPECT_EQ(book.revenue().amount.data(), base.revenue().amount.data());
        EXPECT_EQ(book.revenue().cost.data(), base.revenue().cost.data());
        EXPECT_EQ(book.revenue().amount[3], 40.0);
        EXPECT_EQ(book.revenue().cost[3], 4.0);
        EXPECT_EQ(base.revenue().amount, built_amount);
    }
}

TEST(BookAppend, EveryRevenueColumnTheBuildMakesTakesTheFirstAppendInPlace) {
    // The columns a build makes itself (dates, accounts, projects, units of time, owners) have room after
    // their lines, whether the input was in date order (the columns as read) or not (gathered in order):
    // lines appended after the last write there, and the base keeps its lines.
    const Date cut = Date::parse("2025-12-01");
    const Split s = split(true, [&](std::size_t, Date d) { return !(d < cut); });
    for (const bool in_date_order : {true, false}) {
        SCOPED_TRACE(in_date_order);
        // The base's lines in date order or in reverse, the whole's first lines the same.
        const Table& revenue = table_of(s.base, "revenue");
        const auto& dates = std::get<Column::Dates>(revenue.find("date")->data());
        std::vector<std::uint32_t> order(revenue.rows());
        std::iota(order.begin(), order.end(), 0U);
        std::stable_sort(order.begin(), order.end(),
                         [&](auto x, auto y) { return dates.day(x) < dates.day(y); });
        if (!in_date_order) std::reverse(order.begin(), order.end());
        Tables base = s.base, whole = s.whole;
        for (auto* tables : {&base, &whole}) {
            for (auto& [name, table] : *tables) {
                if (name != "revenue") continue;
                std::vector<std::uint32_t> rows = order;
                for (auto i = static_cast<std::uint32_t>(order.size()); i < table.rows(); ++i)
                    rows.push_back(i);
                table = table.take(rows);
            }
        }
        const Book base_book = built(base);
        const RevenueTable before = base_book.revenue();
        const Book book = appended(base_book, s.later);
        const RevenueTable& after = book.revenue();
        ASSERT_GT(after.size(), before.size());
        const auto in_place = [&](const auto& old, const auto& grown, const char* column) {
            SCOPED_TRACE(column);
            ASSERT_FALSE(old.empty());
            EXPECT_FALSE(old.shared());
            EXPECT_EQ(grown.data(), old.data());
            EXPECT_TRUE(std::equal(old.begin(), old.end(), grown.begin()));
        };
        in_place(before.date, after.date, "date");
        in_place(before.account, after.account, "account");
        in_place(before.project, after.project, "project");
        in_place(before.unit, after.unit, "unit");
        in_place(before.manager, after.manager, "manager");
        EXPECT_EQ(base_book.revenue().date, before.date);
        expect_same_book(book, built(whole));
    }
}

TEST(BookAppend, RevenueMergedWithEarlierLinesHasRoomForTheNextAppend) {
    // Lines dated before the Book's last are merged into place, into new memory with room after the lines:
    // the next append, of later lines, writes there.
    const Date cut = Date::parse("2025-12-01"), earlier = Date::parse("2025-10-01");
    const Split s =
        split(true, [&](std::size_t i, Date d) { return !(d < cut) || (!(d < earlier) && i % 7 == 0); });
    const Book base = built(s.base);
    const Book merged = appended(base, rows_dated_in(s.later, {earlier, cut}));
    ASSERT_NE(merged.revenue().date.data(), base.revenue().date.data());  // merged, not appended in place
    const Book book = appended(merged, rows_dated_in(s.later, {cut, Date::max()}));
    const RevenueTable &before = merged.revenue(), &after = book.revenue();
    ASSERT_GT(after.size(), before.size());
    EXPECT_EQ(after.date.data(), before.date.data());
    EXPECT_EQ(after.account.data(), before.account.data());
    EXPECT_EQ(after.amount.data(), before.amount.data());
    EXPECT_EQ(after.cost.data(), before.cost.data());
    EXPECT_EQ(after.project.data(), before.project.data());
    EXPECT_EQ(after.unit.data(), before.unit.data());
    EXPECT_EQ(after.manager.data(), before.manager.data());
    expect_same_book(book, built(s.whole));
}

TEST(BookAppend, TheTablesAnAppendLeavesAloneAreSharedAndTheBaseStaysAsBuilt) {
    const Split s = split(true, [](std::size_t, Date d) { return !(d < Date::parse("2025-12-01")); });
    const Date mid = Date::parse("2025-12-16");
    const Book base = built(s.base);
    const SightingTable seen = base.sightings();
    const SpellTable spells = base.spells();
    const Book book = appended(base, rows_dated_in(s.later, {Date::parse("2025-12-01"), mid}));
    // The dimensions are the base's own tables, not copies.
    EXPECT_EQ(&book.accounts(), &base.accounts());
    EXPECT_EQ(&book.managers(), &base.managers());
    EXPECT_EQ(&book.units(), &base.units());
    EXPECT_EQ(&book.assignments(), &base.assignments());
    EXPECT_EQ(&book.projects(), &base.projects());
    EXPECT_EQ(&book.targets(), &base.targets());
    // What the appended events move is the appended Book's own: the base's stays as it was built.
    EXPECT_NE(book.sightings().last_seen, seen.last_seen);
    EXPECT_EQ(base.sightings().first_seen, seen.first_seen);
    EXPECT_EQ(base.sightings().last_seen, seen.last_seen);
    EXPECT_NE(book.spells().end, spells.end);
    EXPECT_EQ(base.spells().account, spells.account);
    EXPECT_EQ(base.spells().end, spells.end);
    EXPECT_EQ(base.spells().offsets, spells.offsets);
    EXPECT_EQ(base.revenue().size(), table_of(s.base, "revenue").rows());
    // A second append writes its lines after the first one's, in the same memory.
    const Tables second_half = rows_dated_in(s.later, {mid, Date::max()});
    const Book more = appended(book, second_half);
    EXPECT_LT(book.revenue().size(), more.revenue().size());
    EXPECT_EQ(more.revenue().amount.data(), book.revenue().amount.data());
    const Book again = appended(book, second_half);  // the room after `book`'s lines is taken: a copy
    EXPECT_NE(again.revenue().amount.data(), book.revenue().amount.data());
    EXPECT_EQ(again.revenue().amount, more.revenue().amount);
    EXPECT_EQ(&more.accounts(), &base.accounts());
    // Interactions alone: the revenue, the spells and the other event tables are shared too.
    const Tables calls{{"interactions", table_of(second_half, "interactions")}};
    const Book called = appended(book, calls);
    EXPECT_EQ(&called.revenue(), &book.revenue());
    EXPECT_EQ(&called.spells(), &book.spells());
    EXPECT_EQ(&called.requests(), &book.requests());
    EXPECT_EQ(called.interactions().size(),
              book.interactions().size() + table_of(calls, "interactions").rows());
}
