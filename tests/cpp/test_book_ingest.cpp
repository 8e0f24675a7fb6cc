// How input columns become the Book's arrays: narrow dictionary codes, dates in clock units, number columns
// shared without a copy when already in date order, and the same Book whatever the input order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"
#include "append_fixture.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::texts;

namespace {

Table accounts_abc() {
    Table t;
    t.add("account_id", Column::integers(std::vector<std::int64_t>{10, 20, 30}));
    return t;
}

/// Revenue lines of accounts 10, 20, 30 over a few days, given in the row order `rows`.
struct RevenueInput {
    std::vector<std::int64_t> account{10, 20, 30, 10, 20, 30, 10, 20};
    std::vector<std::int64_t> date{19'800, 19'800, 19'801, 19'801, 19'805, 19'805, 19'805, 19'810};
    std::vector<double> amount{1, 2, 3, 4, 5, 6, 7, 8};
    std::vector<double> cost{0.5, 0.5, 1, 1, 2, 2, 3, 3};
    std::vector<double> units{1, NAN, 2, NAN, 3, NAN, 4, NAN};
    std::vector<std::string> unit{"hour", "", "day", "", "hour", "", "month", ""};

    [[nodiscard]] RevenueInput reordered(const std::vector<std::size_t>& rows) const {
        RevenueInput r;
        const auto pick = [&](auto& out, const auto& in) {
            out.clear();
            for (auto i : rows) out.push_back(in[i]);
        };
        pick(r.account, account);
        pick(r.date, date);
        pick(r.amount, amount);
        pick(r.cost, cost);
        pick(r.units, units);
        pick(r.unit, unit);
        return r;
    }
    [[nodiscard]] Table table() const {
        Table t;
        auto days = std::make_shared<const std::vector<std::int64_t>>(date);
        t.add("account_id", Column::integers(account));
        t.add("date", Column::dates(std::span<const std::int64_t>(*days), days));
        t.add("amount", Column::numbers(amount));
        t.add("cost", Column::numbers(cost));
        t.add("units", Column::numbers(units));
        t.add("unit", Column::texts(unit));
        return t;
    }
};

Book build(const RevenueInput& in) {
    BookBuilder b;
    b.add("accounts", accounts_abc());
    b.add("revenue", in.table());
    return b.build();
}

bool same_bits(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    }
    return true;
}

void expect_same_revenue(const Book& x, const Book& y) {
    const auto& a = x.revenue();
    const auto& b = y.revenue();
    EXPECT_EQ(a.date, b.date);
    EXPECT_EQ(a.account, b.account);
    EXPECT_EQ(a.project, b.project);
    EXPECT_TRUE(same_bits(a.amount, b.amount));
    EXPECT_TRUE(same_bits(a.cost, b.cost));
    EXPECT_TRUE(same_bits(a.units, b.units));
    EXPECT_EQ(a.unit, b.unit);
    EXPECT_EQ(a.manager, b.manager);
}

}  // namespace

TEST(BookIngest, SortedAndShuffledInputGiveTheSameBook) {
    const RevenueInput sorted;
    // Rows of one day stay in input order: a permutation that keeps the order within each day.
    const Book a = build(sorted);
    const Book b = build(sorted.reordered({7, 4, 0, 5, 2, 1, 6, 3}));
    const Book c = build(sorted.reordered({2, 3, 0, 1, 4, 5, 6, 7}));
    expect_same_revenue(a, b);
    expect_same_revenue(a, c);
    EXPECT_EQ(a.revenue().amount, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_TRUE(std::is_sorted(b.revenue().date.begin(), b.revenue().date.end()));
}

TEST(BookIngest, EqualDaysKeepTheirInputOrderWhenSorting) {
    const RevenueInput sorted;
    const Book b = build(sorted.reordered({7, 6, 5, 4, 3, 2, 1, 0}));
    // Day 19'805 holds rows 4, 5, 6 of the sorted input, given as 6, 5, 4.
    EXPECT_EQ(b.revenue().amount, (std::vector<double>{2, 1, 4, 3, 7, 6, 5, 8}));
}

TEST(BookIngest, NumbersInDateOrderAreSharedNotCopied) {
    auto amount = std::make_shared<const std::vector<double>>(std::vector<double>{1, 2, 3});
    auto units = std::make_shared<const std::vector<double>>(std::vector<double>{NAN, 1, NAN});
    const double* where = amount->data();
    Book book = [&] {
        BookBuilder b;
        b.add("accounts", accounts_abc());
        Table t;
        t.add("account_id", Column::integers(std::vector<std::int64_t>{10, 20, 30}));
        t.add("date", days({"2024-01-01", "2024-01-02", "2024-01-02"}));
        t.add("amount", Column::numbers(std::span<const double>(*amount), amount));
        t.add("units", Column::numbers(std::span<const double>(*units), units));
        t.add("unit", texts({"", "hour", ""}));
        b.add("revenue", std::move(t));
        return b.build();
    }();
    amount.reset();  // the Book keeps the input alive
    units.reset();
    const auto& r = book.revenue();
    EXPECT_TRUE(r.amount.shared());
    EXPECT_EQ(r.amount.data(), where);
    EXPECT_EQ(r.amount, (std::vector<double>{1, 2, 3}));
    EXPECT_TRUE(r.units.shared());  // missing units stay NaN: the input as it is
    EXPECT_FALSE(r.cost.shared());  // not given: the Book's own zeros
    EXPECT_EQ(r.cost, (std::vector<double>(3, 0.0)));
    const Book copy = book;  // copies share the values
    EXPECT_EQ(copy.revenue().amount.data(), where);
}

TEST(BookIngest, NumbersAreCopiedWhenTheyCannotBeShared) {
    auto cost = std::make_shared<const std::vector<double>>(std::vector<double>{1, NAN});
    std::vector<double> plain{5, 6};
    BookBuilder b;
    b.add("accounts", accounts_abc());
    Table t;
    t.add("account_id", Column::integers(std::vector<std::int64_t>{10, 20}));
    t.add("date", days({"2024-01-01", "2024-01-02"}));
    t.add("amount",
          Column::numbers(std::span<const double>(plain)));  // a plain view: outlives the build only
    t.add("cost", Column::numbers(std::span<const double>(*cost), cost));  // a missing cost becomes 0
    t.add("units", Column::integers(std::vector<std::int64_t>{1, 2}));     // integers become doubles
    t.add("unit", texts({"hour", "day"}));
    b.add("revenue", std::move(t));
    const Book book = b.build();
    const auto& r = book.revenue();
    EXPECT_FALSE(r.amount.shared());
    EXPECT_NE(r.amount.data(), plain.data());
    EXPECT_FALSE(r.cost.shared());
    EXPECT_EQ(r.cost, (std::vector<double>{1, 0}));
    EXPECT_FALSE(r.units.shared());
    EXPECT_EQ(r.units, (std::vector<double>{1, 2}));
}

TEST(BookIngest, NumbersOutOfDateOrderAreGatheredIntoTheBook) {
    auto amount = std::make_shared<const std::vector<double>>(std::vector<double>{2, 1});
    BookBuilder b;
    b.add("accounts", accounts_abc());
    Table t;
    t.add("account_id", Column::integers(std::vector<std::int64_t>{20, 10}));
    t.add("date", days({"2024-01-02", "2024-01-01"}));
    t.add("amount", Column::numbers(std::span<const double>(*amount), amount));
    b.add("revenue", std::move(t));
    const Book book = b.build();
    EXPECT_FALSE(book.revenue().amount.shared());
    EXPECT_EQ(book.revenue().amount, (std::vector<double>{1, 2}));
    EXPECT_EQ(book.revenue().account, (std::vector<std::int32_t>{0, 1}));
}

TEST(BookIngest, NarrowDictionaryCodesReadAsWide) {
    const std::vector<std::string> words{"hour", "day", "bogus"};
    const auto book_of = [&](Codes codes) -> std::vector<Problem> {
        BookBuilder b;
        b.add("accounts", accounts_abc());
        Table t;
        t.add("account_id", Column::integers(std::vector<std::int64_t>{10, 20, 30, 10}));
        t.add("date", days({"2024-01-01", "2024-01-01", "2024-01-02", "2024-01-03"}));
        t.add("amount", Column::numbers(std::vector<double>{1, 2, 3, 4}));
        t.add("units", Column::numbers(std::vector<double>{1, 1, NAN, 1}));
        t.add("unit", Column::texts(codes, words));
        b.add("revenue", std::move(t));
        try {
            const Book book = b.build();
            EXPECT_EQ(book.revenue().unit,
                      (std::vector<Billing>{Billing::hour, Billing::day, Billing::none, Billing::hour}));
        } catch (const ValidationError& e) {
            return e.problems();
        }
        return {};
    };
    const std::vector<std::int8_t> c8{0, 1, -1, 0};
    const std::vector<std::int16_t> c16{0, 1, -1, 0};
    const std::vector<std::int32_t> c32{0, 1, -1, 0};
    const std::vector<std::int64_t> c64{0, 1, -1, 0};
    EXPECT_TRUE(book_of(std::span<const std::int8_t>(c8)).empty());
    EXPECT_TRUE(book_of(std::span<const std::int16_t>(c16)).empty());
    EXPECT_TRUE(book_of(std::span<const std::int32_t>(c32)).empty());
    EXPECT_TRUE(book_of(std::span<const std::int64_t>(c64)).empty());
    // Bad codes are reported whatever their width.
    const std::vector<std::int8_t> bad{2, 7, -1, 0};
    const auto problems = book_of(std::span<const std::int8_t>(bad));
    ASSERT_GE(problems.size(), 2U);
    EXPECT_EQ(problems[0].row, 0);
    EXPECT_NE(problems[0].reason.find("unknown value 'bogus'"), std::string::npos);
    EXPECT_EQ(problems[1].row, 1);
    EXPECT_NE(problems[1].reason.find("dictionary code 7 out of range"), std::string::npos);
}

TEST(BookIngest, DatesInClockUnitsRoundDownToTheirDay) {
    const std::int64_t day = 86'400;
    // 2024-01-01 is day 19'723; one second before midnight stays on the previous day.
    const std::vector<std::int64_t> seconds{19'723 * day, 19'723 * day + day - 1, 19'723 * day - 1,
                                            Column::nat};
    const std::vector<std::int64_t> expected_days{19'723, 19'723, 19'722, Column::nat};
    for (const auto unit :
         {TimeUnit::second, TimeUnit::millisecond, TimeUnit::microsecond, TimeUnit::nanosecond}) {
        std::vector<std::int64_t> v;
        const std::int64_t scale = ticks_per_day(unit) / day;
        for (auto s : seconds)
            v.push_back(s == Column::nat ? s : s * scale + (s < 19'723 * day ? scale - 1 : 0));
        const auto dates = Column::dates(std::span<const std::int64_t>(v), unit);
        const auto& d = std::get<Column::Dates>(dates.data());
        for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(d.day(i), expected_days[i]) << i;
    }
    // Before 1970: rounded down, not toward zero.
    const std::vector<std::int64_t> before{-1, -day, -day - 1};
    const Column column = Column::dates(std::span<const std::int64_t>(before), TimeUnit::second);
    const auto& d = std::get<Column::Dates>(column.data());
    EXPECT_EQ(d.day(0), -1);
    EXPECT_EQ(d.day(1), -1);
    EXPECT_EQ(d.day(2), -2);
}

TEST(BookIngest, DatesInClockUnitsBuildTheSameBookAsDays) {
    // Each line at the last tick of its day, in every unit.
    const RevenueInput in;
    for (const auto unit :
         {TimeUnit::second, TimeUnit::millisecond, TimeUnit::microsecond, TimeUnit::nanosecond}) {
        SCOPED_TRACE(static_cast<int>(unit));
        std::vector<std::int64_t> ticks;
        for (auto d : in.date) ticks.push_back((d + 1) * ticks_per_day(unit) - 1);
        BookBuilder b;
        b.add("accounts", accounts_abc());
        Table t = in.table();
        t.add("date", Column::dates(std::span<const std::int64_t>(ticks), unit));
        b.add("revenue", std::move(t));
        expect_same_revenue(b.build(), build(in));
    }
}

TEST(BookIngest, EveryNumberProblemIsReportedInColumnOrder) {
    BookBuilder b;
    b.add("accounts", accounts_abc());
    Table t;
    t.add("account_id", Column::integers(std::vector<std::int64_t>{10, 20, 30, 10}));
    t.add("date", days({"2024-01-02", "2024-01-01", "2024-01-03", "2024-01-01"}));
    t.add("amount", Column::numbers(std::vector<double>{2e13, NAN, INFINITY, 1}));
    t.add("cost", Column::numbers(std::vector<double>{-INFINITY, 1, 3e13, NAN}));
    b.add("revenue", std::move(t));
    std::vector<Problem> ps;
    try {
        (void)b.build();
    } catch (const ValidationError& e) {
        ps = e.problems();
    }
    std::vector<std::pair<std::int64_t, std::string>> got;
    for (const auto& p : ps)
        got.emplace_back(p.row, p.column + ": " + p.reason.substr(0, p.reason.find(' ', 8)));
    const std::vector<std::pair<std::int64_t, std::string>> want{{1, "amount: missing value"},
                                                                 {2, "amount: infinite"},
                                                                 {0, "amount: amount beyond"},
                                                                 {0, "cost: infinite"},
                                                                 {2, "cost: amount beyond"}};
    EXPECT_EQ(got, want);
}

TEST(BookIngest, ProjectsInSigningOrderKeepTheirIdsForReferences) {
    const auto book_of = [](std::vector<std::int64_t> ids, std::vector<std::int64_t> accounts,
                            std::vector<std::string> signed_on) {
        BookBuilder b;
        b.add("accounts", accounts_abc());
        Table p;
        std::vector<double> value;
        for (auto id : ids) value.push_back(static_cast<double>(id) * 10);
        p.add("project_id", Column::integers(std::move(ids)));
        p.add("account_id", Column::integers(std::move(accounts)));
        p.add("signed_on", days(signed_on));
        p.add("value", Column::numbers(std::move(value)));
        b.add("projects", std::move(p));
        Table r;
        r.add("account_id", Column::integers(std::vector<std::int64_t>{30, 10, 20}));
        r.add("project_id", Column::integers(std::vector<std::int64_t>{7, 5, 6}));
        r.add("date", days({"2024-02-01", "2024-02-02", "2024-02-03"}));
        r.add("amount", Column::numbers(std::vector<double>{1, 2, 3}));
        b.add("revenue", std::move(r));
        return b.build();
    };
    const Book sorted = book_of({5, 6, 7}, {10, 20, 30}, {"2024-01-01", "2024-01-02", "2024-01-03"});
    const Book unsorted = book_of({7, 5, 6}, {30, 10, 20}, {"2024-01-03", "2024-01-01", "2024-01-02"});
    for (const Book* book : {&sorted, &unsorted}) {
        const auto& p = book->projects();
        EXPECT_EQ(p.ids.integers(), (std::vector<std::int64_t>{5, 6, 7}));
        EXPECT_EQ(p.account, (std::vector<std::int32_t>{0, 1, 2}));
        EXPECT_EQ(p.value, (std::vector<double>{50, 60, 70}));
        EXPECT_EQ(book->revenue().project, (std::vector<std::int32_t>{2, 0, 1}));
        EXPECT_EQ(p.ids.find(std::int64_t{6}), std::optional<std::int32_t>{1});
    }
}

TEST(BookIngest, ProjectKindsAreDerivedFromEveryEarlierProjectGivenOrNot) {
    BookBuilder b;
    b.add("accounts", accounts_abc());
    Table p;
    p.add("project_id", Column::integers(std::vector<std::int64_t>{1, 2, 3, 4, 5}));
    p.add("account_id", Column::integers(std::vector<std::int64_t>{10, 10, 10, 20, 10}));
    p.add("service_line", texts({"cloud", "cloud", "data", "cloud", "ai"}));
    p.add("kind", texts({"renewal", "", "", "", "renewal"}));
    p.add("signed_on", days({"2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"}));
    p.add("value", Column::numbers(std::vector<double>(5, 1.0)));
    b.add("projects", std::move(p));
    Table r;
    r.add("account_id", Column::integers(std::vector<std::int64_t>{10}));
    r.add("date", days({"2024-01-01"}));
    r.add("amount", Column::numbers(std::vector<double>{1}));
    b.add("revenue", std::move(r));
    const Book book = b.build();
    EXPECT_EQ(book.projects().kind,
              (std::vector<ProjectKind>{ProjectKind::renewal, ProjectKind::upsell, ProjectKind::cross_sell,
                                        ProjectKind::new_business, ProjectKind::renewal}));
}

TEST(Transactions, RegionRulesOrderLinesByDayThenPosition) {
    using accountkpi::derive_regions;
    using accountkpi::RegionRule;
    // Account 0: region 1 on days 10 and 5 (lines 0 and 3), region 0 on day 1 twice (lines 1 and 2): a tie of
    // two lines each, won by region 1, whose latest line (day 10) is the latest. Account 1: region 0 on day
    // 3, region 1 on day 2, then a line without a region (day 9). Account 2: no region on any line.
    const std::vector<std::int32_t> account{0, 0, 0, 0, 1, 1, 1, 2};
    const std::vector<std::int32_t> region{1, 0, 0, 1, 0, 1, -1, -1};
    const std::vector<Date> day{Date{10}, Date{1}, Date{1}, Date{5}, Date{3}, Date{2}, Date{9}, Date{4}};
    EXPECT_EQ(
        derive_regions(account, region, day, 3, 2, RegionRule::most_frequent),
        (std::vector<std::int32_t>{1, 0, -1}));  // account 1: one line each, region 0's (day 3) is the later
    EXPECT_EQ(derive_regions(account, region, day, 3, 2, RegionRule::first),
              (std::vector<std::int32_t>{0, 1, -1}));
    EXPECT_EQ(derive_regions(account, region, day, 3, 2, RegionRule::last),
              (std::vector<std::int32_t>{1, 0, -1}));
    EXPECT_EQ(accountkpi::parse_region_rule("last"), RegionRule::last);
    EXPECT_THROW((void)accountkpi::parse_region_rule("mode"), std::invalid_argument);
}

TEST(Transactions, ManyRegionsUseTheSparseTallyWithTheSameAnswer) {
    using accountkpi::derive_regions;
    using accountkpi::RegionRule;
    // 4 lines, 2 accounts, 10^4 regions: 2 x 10^4 pairs exceed 4 x 4 + 4096, so the pairs go in a hash map.
    // Account 0: region 9999 twice, region 5 once; account 1: region 7 once.
    const std::vector<std::int32_t> account{0, 1, 0, 0};
    const std::vector<std::int32_t> region{9999, 7, 5, 9999};
    const std::vector<Date> day{Date{1}, Date{1}, Date{2}, Date{3}};
    EXPECT_EQ(derive_regions(account, region, day, 2, 10'000, RegionRule::most_frequent),
              (std::vector<std::int32_t>{9999, 7}));
}

namespace {

/// The demo's tables, its revenue without the columns project_id, units and unit (`absent`) or with them
/// given and empty on every line.
appending::Tables demo_revenue_without_projects_or_units(bool absent) {
    demo::Options o;
    o.seed = 3;
    appending::Tables out;
    for (auto& [name, table] : demo::tables(o)) {
        if (name == "revenue") {
            Table t;
            for (const auto& [c, column] : table.columns()) {
                if (c != "project_id" && c != "units" && c != "unit") t.add(c, column);
            }
            if (!absent) {
                t.add("project_id", texts(std::vector<std::string>(t.rows())));
                t.add("units", Column::numbers(std::vector<double>(t.rows(), NAN)));
                t.add("unit", texts(std::vector<std::string>(t.rows())));
            }
            table = std::move(t);
        }
        out.emplace_back(name, std::move(table));
    }
    return out;
}

}  // namespace

TEST(BookIngest, ProjectsAndUnitsNoLineHasAreAbsentAndReadAsNoneAndNaN) {
    const Book absent = appending::built(demo_revenue_without_projects_or_units(true));
    const Book given = appending::built(demo_revenue_without_projects_or_units(false));
    const auto& a = absent.revenue();
    const auto& g = given.revenue();
    EXPECT_TRUE(a.project.empty());
    EXPECT_TRUE(a.units.empty());
    ASSERT_EQ(g.project.size(), g.size());
    ASSERT_GT(absent.projects().size(), 0U);  // projects exist; no revenue line names one
    EXPECT_EQ(a.every_project(), g.project);
    EXPECT_TRUE(same_bits(a.every_units().span(), g.units));
    for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a.project_of(i), none);
        ASSERT_TRUE(std::isnan(a.units_of(i)));
    }
    kpi::Request rq;
    for (int y = 2023; y <= 2025; ++y) {
        for (unsigned q = 1; q <= 4; ++q) rq.periods.push_back(Period::quarter(y, q));
    }
    for (const auto& by : std::vector<std::vector<kpi::Key>>{
             {}, {kpi::Key::account}, {kpi::Key::manager}, {kpi::Key::project}}) {
        rq.by = by;
        appending::expect_same_bits(kpi::compute(absent, rq), kpi::compute(given, rq),
                                    "by " + std::to_string(by.size()) + " keys");
    }
}

TEST(BookIngest, UnitsAbsentFromOneSideOfAnAppendAreNaNThere) {
    RevenueInput whole;
    std::fill(whole.units.begin(), whole.units.begin() + 4, NAN);
    std::fill(whole.unit.begin(), whole.unit.begin() + 4, "");
    const auto lines = [&](std::size_t from, std::size_t to, bool with_units) {
        const RevenueInput part = whole.reordered([&] {
            std::vector<std::size_t> rows(to - from);
            std::iota(rows.begin(), rows.end(), from);
            return rows;
        }());
        Table t = part.table();
        if (with_units) return t;
        Table out;
        for (const auto& [name, column] : t.columns()) {
            if (name != "units" && name != "unit") out.add(name, column);
        }
        return out;
    };
    const auto append = [&](bool base_units, bool later_units) {
        BookBuilder b;
        b.add("accounts", accounts_abc());
        b.add("revenue", lines(0, 4, base_units));
        const Book base = b.build();
        BookBuilder later;
        later.add("revenue", lines(4, 8, later_units));
        return later.append_to(base);
    };
    const Book built = build(whole);
    expect_same_revenue(append(false, true), built);
    EXPECT_TRUE(append(false, false).revenue().units.empty());
    EXPECT_EQ(append(false, false).revenue().size(), 8U);
    RevenueInput no_later_units = whole;
    std::fill(no_later_units.units.begin() + 4, no_later_units.units.end(), NAN);
    std::fill(no_later_units.unit.begin() + 4, no_later_units.unit.end(), "");
    std::fill(no_later_units.units.begin(), no_later_units.units.begin() + 4, 1.0);
    std::fill(no_later_units.unit.begin(), no_later_units.unit.begin() + 4, "day");
    whole = no_later_units;
    expect_same_revenue(append(true, false), build(whole));
}

TEST(BookIngest, AccountCodesInTheAccountsOrderAreSharedOthersLookedUp) {
    const auto book_of = [](std::vector<std::string> ids, std::vector<std::int32_t> codes) {
        auto held = std::make_shared<const std::vector<std::int32_t>>(std::move(codes));
        BookBuilder b;
        b.add("accounts", accounts_abc());
        Table r;
        r.add("account_id", Column::texts(Codes(std::span<const std::int32_t>(*held)), std::move(ids), held));
        r.add("date", days({"2024-01-01", "2024-01-02", "2024-01-03"}));
        r.add("amount", Column::numbers(std::vector<double>{1, 2, 3}));
        b.add("revenue", std::move(r));
        return std::pair{b.build(), held};
    };
    // The dictionary is the accounts' ids in their order: the codes are the Book's, not copied.
    const auto [same, held] = book_of({"10", "20", "30"}, {2, 0, 1});
    EXPECT_TRUE(same.revenue().account.shared());
    EXPECT_EQ(same.revenue().account.data(), held->data());
    EXPECT_EQ(same.revenue().account, (std::vector<std::int32_t>{2, 0, 1}));
    // Another order: each code is looked up.
    const Book other = book_of({"30", "10", "20"}, {2, 0, 1}).first;
    EXPECT_FALSE(other.revenue().account.shared());
    EXPECT_EQ(other.revenue().account, (std::vector<std::int32_t>{1, 2, 0}));
    // A missing id is still reported.
    EXPECT_THROW((void)book_of({"10", "20", "30"}, {2, -1, 1}), ValidationError);
}

TEST(BookIngest, OwnersOfABookWithoutAssignmentsAreAbsentAndReadAsNone) {
    // Two managers; one assignment (to account 40, which has no revenue) or none.
    const auto book_of = [](bool assigned) {
        BookBuilder b;
        Table accounts;
        accounts.add("account_id", Column::integers(std::vector<std::int64_t>{10, 20, 30, 40}));
        b.add("accounts", std::move(accounts));
        Table managers;
        managers.add("manager_id", Column::integers(std::vector<std::int64_t>{1, 2}));
        managers.add("role", texts({"farmer", "farmer"}));
        b.add("managers", std::move(managers));
        if (assigned) {
            Table a;
            a.add("manager_id", Column::integers(std::vector<std::int64_t>{2}));
            a.add("account_id", Column::integers(std::vector<std::int64_t>{40}));
            a.add("start", days({"2020-01-01"}));
            b.add("assignments", std::move(a));
        }
        b.add("revenue", RevenueInput{}.table());
        return b.build();
    };
    const Book absent = book_of(false);
    const Book given = book_of(true);
    EXPECT_TRUE(absent.revenue().manager.empty());
    ASSERT_EQ(given.revenue().manager.size(), given.revenue().size());
    EXPECT_EQ(absent.revenue().every_manager(), given.revenue().manager);
    EXPECT_EQ(absent.revenue().manager_of(0), none);
    kpi::Request rq;
    rq.periods = {Period(Date{19'790}, Date{19'820}),
                  Period(Date{19'805}, Date{19'806})};  // every line; one day
    for (const auto& by : std::vector<std::vector<kpi::Key>>{{}, {kpi::Key::manager}, {kpi::Key::account}}) {
        rq.by = by;
        appending::expect_same_bits(kpi::compute(absent, rq), kpi::compute(given, rq),
                                    "by " + std::to_string(by.size()) + " keys");
    }
}
