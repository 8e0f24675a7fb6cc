// Appending event rows to a Book gives the Book (and every KPI) that building the whole input gives.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;
using kpi::Key;

namespace {

using Tables = std::vector<std::pair<std::string, Table>>;

const Table& table_of(const Tables& tables, std::string_view name) {
    for (const auto& [n, t] : tables) {
        if (n == name) return t;
    }
    throw std::invalid_argument(std::string(name));
}

/// The date column that orders each event table.
std::string date_column(std::string_view table) {
    return table == "requests" ? "received_on" : "date";
}

bool is_event_table(std::string_view name) {
    return name == "revenue" || name == "interactions" || name == "requests" || name == "surveys";
}

/// The demo's accounts one row each, the even ones with their first spell given, the odd ones with spells
/// derived from revenue.
Table mixed_accounts(const Table& accounts) {
    const auto& id = std::get<Column::Integers>(accounts.find("account_id")->data()).values;
    std::vector<std::uint32_t> first;
    for (std::uint32_t i = 0; i < id.size(); ++i) {
        if (i == 0 || id[i] != id[i - 1]) first.push_back(i);
    }
    Table out;
    out.add("account_id", accounts.find("account_id")->take(first));
    out.add("region", accounts.find("region")->take(first));
    std::vector<Date> acquired, churned;
    const auto& acq = std::get<Column::Dates>(accounts.find("acquired_on")->data());
    const auto& chu = std::get<Column::Dates>(accounts.find("churned_on")->data());
    for (std::size_t k = 0; k < first.size(); ++k) {
        const bool given = k % 2 == 0;
        const auto day = [&](const Column::Dates& d) {
            const auto v = d.day(first[k]);
            return !given || v == Column::nat ? Date::null() : Date{static_cast<Date::rep>(v)};
        };
        acquired.push_back(day(acq));
        churned.push_back(day(chu));
    }
    out.add("acquired_on", Column::dates(acquired));
    out.add("churned_on", Column::dates(churned));
    return out;
}

/// The demo's input split in two: the base (every table, the event rows not `later`) and the event rows
/// `later`; `whole`: the base's rows followed by the later ones, what a build of everything reads.
struct Split {
    Tables base, later, whole;
};

template <class Later>
Split split(bool derived_spells, const Later& later) {
    demo::Options o;
    o.seed = 3;
    Split s;
    for (auto& [name, table] : demo::tables(o)) {
        if (name == "accounts" && derived_spells) table = mixed_accounts(table);
        if (!is_event_table(name)) {
            s.base.emplace_back(name, table);
            s.whole.emplace_back(name, table);
            continue;
        }
        const auto& dates = std::get<Column::Dates>(table.find(date_column(name))->data());
        std::vector<std::uint32_t> early, late;
        for (std::uint32_t i = 0; i < table.rows(); ++i) {
            (later(i, Date{static_cast<Date::rep>(dates.day(i))}) ? late : early).push_back(i);
        }
        std::vector<std::uint32_t> both = early;
        both.insert(both.end(), late.begin(), late.end());
        s.base.emplace_back(name, table.take(early));
        s.later.emplace_back(name, table.take(late));
        s.whole.emplace_back(name, table.take(both));
    }
    return s;
}

Book built(const Tables& tables) {
    BookBuilder b;
    for (const auto& [name, table] : tables) b.add(name, table);
    return b.build();
}

Book appended(const Book& base, const Tables& later) {
    BookBuilder b;
    for (const auto& [name, table] : later) b.add(name, table);
    return b.append_to(base);
}

void expect_same_bits(const kpi::Result& a, const kpi::Result& b, const std::string& what) {
    ASSERT_EQ(a.rows(), b.rows()) << what;
    EXPECT_EQ(a.key_codes, b.key_codes) << what;
    EXPECT_EQ(a.period, b.period) << what;
    ASSERT_EQ(a.values.size(), b.values.size());
    for (std::size_t k = 0; k < a.values.size(); ++k) {
        for (std::size_t i = 0; i < a.rows(); ++i) {
            ASSERT_EQ(std::bit_cast<std::uint64_t>(a.values[k][i]),
                      std::bit_cast<std::uint64_t>(b.values[k][i]))
                << what << ": " << kpi::name(a.kpis[k]) << " row " << i;
        }
    }
}

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
    EXPECT_EQ(a.accounts().first_seen, b.accounts().first_seen);
    EXPECT_EQ(a.accounts().last_seen, b.accounts().last_seen);
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

TEST(BookAppend, AppendsMonthByMonthEqualTheWholeBuilt) {
    const Split s = split(true, [](std::size_t, Date d) { return !(d < Date::parse("2025-06-01")); });
    Book book = built(s.base);
    for (unsigned m = 6; m <= 13; ++m) {  // 13: everything from 2026 on
        const Period month =
            m <= 12 ? Period::month(2025, m) : Period{Date::parse("2026-01-01"), Date::max()};
        Tables rows_in_month;
        for (const auto& [name, table] : s.later) {
            const auto& dates = std::get<Column::Dates>(table.find(date_column(name))->data());
            std::vector<std::uint32_t> rows;
            for (std::uint32_t i = 0; i < table.rows(); ++i) {
                if (month.contains(Date{static_cast<Date::rep>(dates.day(i))})) rows.push_back(i);
            }
            rows_in_month.emplace_back(name, table.take(rows));
        }
        book = appended(book, rows_in_month);
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
