// A Book from one transaction log (`TransactionLog`), checked against values worked out by hand: the accounts
// derived from the lines (integer, whole-number and text ids), each one's region by every rule, timestamps
// with a time of day, and the problems of bad lines named as the log has them (raised all together, or
// exactly those lines rejected).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "accountkpi/book.hpp"

using namespace accountkpi;

namespace {

// A small shop's log, not in date order. C1 is seen in three countries: Germany on its latest line (row 0,
// 1 March), the United Kingdom on its earliest (row 2, 5 January), France on two lines (rows 3 and 4). C2
// buys once, in France.
//
//   row  customer  when                          amount  cost  country
//   0    C1        2024-03-01T23:30:00-05:00     20      5     DE   (1 March as written; 2 March in UTC)
//   1    C2        2024-01-06 09:00:00           50      20    FR
//   2    C1        2024-01-05 08:26:00           100     60    UK
//   3    C1        2024-02-10T10:00              30      10    FR
//   4    C1        2024-02-20 10:00:00           10      4     FR
const std::vector<std::string> customer{"C1", "C2", "C1", "C1", "C1"};
const std::vector<std::string> when{"2024-03-01T23:30:00-05:00", "2024-01-06 09:00:00", "2024-01-05 08:26:00",
                                    "2024-02-10T10:00", "2024-02-20 10:00:00"};
const std::vector<double> amount{20, 50, 100, 30, 10};
const std::vector<double> cost{5, 20, 60, 10, 4};
const std::vector<std::string> country{"DE", "FR", "UK", "FR", "FR"};

/// Lines 0-4 above, then the bad lines of `bad` (customer, when, amount, country), under the log's own names.
Table shop_log(const std::vector<std::tuple<std::string, std::string, double, std::string>>& bad = {}) {
    auto c = customer, w = when, k = country;
    auto a = amount, m = cost;
    for (const auto& [id, day, value, region] : bad) {
        c.push_back(id);
        w.push_back(day);
        a.push_back(value);
        m.push_back(0);
        k.push_back(region);
    }
    Table log;
    log.add("Customer", Column::texts(c));
    log.add("When", Column::texts(w));
    log.add("Sales", Column::numbers(a));
    log.add("Cost", Column::numbers(m));
    log.add("Country", Column::texts(k));
    log.add("Invoice", Column::texts(std::vector<std::string>(c.size(), "INV")));  // not read
    return log;
}

TransactionOptions shop_options(RegionRule rule = RegionRule::most_frequent) {
    TransactionOptions o;
    o.columns = {
        .account = "Customer", .date = "When", .amount = "Sales", .cost = "Cost", .region = "Country"};
    o.region_rule = rule;
    return o;
}

std::vector<std::string> account_regions(const Book& book) {
    std::vector<std::string> out;
    for (const auto r : book.accounts().region)
        out.push_back(r < 0 ? "-" : book.accounts().regions.names[static_cast<std::size_t>(r)]);
    return out;
}

std::vector<std::string> revenue_days(const Book& book) {
    std::vector<std::string> out;
    for (const Date d : book.revenue().date) out.push_back(d.iso());
    return out;
}

std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>> listed(
    const std::vector<Problem>& problems) {
    std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>> out;
    for (const auto& p : problems) out.emplace_back(p.table, p.row, p.column, p.reason);
    return out;
}

}  // namespace

TEST(TransactionLog, DerivesTheAccountsAndKeepsEveryLineOnTheDayAsWritten) {
    const Book book = TransactionLog(shop_log(), shop_options()).build();
    // The distinct ids in order of first appearance, texts kept as texts.
    ASSERT_EQ(book.accounts().size(), 2U);
    EXPECT_EQ(book.accounts().ids.texts(), (std::vector<std::string>{"C1", "C2"}));
    // Revenue in date order: 5 Jan (C1 100), 6 Jan (C2 50), 10 Feb (C1 30), 20 Feb (C1 10), 1 Mar (C1 20).
    EXPECT_EQ(revenue_days(book), (std::vector<std::string>{"2024-01-05", "2024-01-06", "2024-02-10",
                                                            "2024-02-20", "2024-03-01"}));
    EXPECT_EQ(book.revenue().account, (std::vector<std::int32_t>{0, 1, 0, 0, 0}));
    EXPECT_EQ(std::vector<double>(book.revenue().amount.span().begin(), book.revenue().amount.span().end()),
              (std::vector<double>{100, 50, 30, 10, 20}));
    EXPECT_EQ(std::vector<double>(book.revenue().cost.span().begin(), book.revenue().cost.span().end()),
              (std::vector<double>{60, 20, 10, 4, 5}));
}

TEST(TransactionLog, EachRegionRuleChoosesOneCountryForACustomerSeenInThree) {
    // C1: France on two lines (most frequent), the United Kingdom on its earliest (5 January), Germany on its
    // latest (1 March, although it is the log's first row). C2: France, whatever the rule. The regions are
    // those some account has, in the log's dictionary order.
    const Book most = TransactionLog(shop_log(), shop_options(RegionRule::most_frequent)).build();
    EXPECT_EQ(account_regions(most), (std::vector<std::string>{"FR", "FR"}));
    EXPECT_EQ(most.accounts().regions.names, (std::vector<std::string>{"FR"}));
    const Book first = TransactionLog(shop_log(), shop_options(RegionRule::first)).build();
    EXPECT_EQ(account_regions(first), (std::vector<std::string>{"UK", "FR"}));
    const Book last = TransactionLog(shop_log(), shop_options(RegionRule::last)).build();
    EXPECT_EQ(account_regions(last), (std::vector<std::string>{"DE", "FR"}));
    EXPECT_EQ(last.accounts().regions.names, (std::vector<std::string>{"DE", "FR"}));
}

// Rows 5-8: a line without a customer, one on 30 February, one without an amount (C3, its only line, without
// a country) and one whose customer is blank.
const std::vector<std::tuple<std::string, std::string, double, std::string>> bad_lines{
    {"", "2024-01-07", 5, "FR"},
    {"C2", "2024-02-30 10:00", 7, ""},
    {"C3", "2024-01-08T08:00:00Z", NAN, ""},
    {"  ", "2024-01-09", 9, "UK"},
};

TEST(TransactionLog, RaisesListingEveryBadLineAsTheLogNamesIt) {
    try {
        (void)TransactionLog(shop_log(bad_lines), shop_options()).build();
        FAIL() << "expected a ValidationError";
    } catch (const ValidationError& e) {
        const std::string not_a_date = "not a date (" + std::string(Date::forms) + "): '2024-02-30 10:00'";
        // The blank id first (found while deriving the accounts; the build's "missing id" on the same cell
        // is not listed again), then the build's problems in its order: ids, dates, amounts.
        EXPECT_EQ(listed(e.problems()),
                  (std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>>{
                      {"transactions", 8, "Customer", "empty id"},
                      {"transactions", 5, "Customer", "missing id"},
                      {"transactions", 6, "When", not_a_date},
                      {"transactions", 7, "Sales", "missing value"},
                  }));
        EXPECT_EQ(e.total(), 4U);
    }
}

TEST(TransactionLog, QuarantineRejectsExactlyTheBadLinesAndKeepsTheRest) {
    const LenientBuild out = TransactionLog(shop_log(bad_lines), shop_options()).build_lenient();
    EXPECT_EQ(out.rejected_rows("transactions"), 4U);
    std::vector<std::int64_t> rows;
    for (const auto& p : out.rejected) rows.push_back(p.row);
    EXPECT_EQ(rows, (std::vector<std::int64_t>{5, 6, 7, 8}));
    for (const auto& p : out.rejected) EXPECT_EQ(p.table, "transactions");
    // The five good lines, as without the bad ones; C3 stays an account (its id is fine), without revenue
    // and without a region (its only line has none).
    EXPECT_EQ(out.book.revenue().size(), 5U);
    EXPECT_EQ(out.book.accounts().ids.texts(), (std::vector<std::string>{"C1", "C2", "C3"}));
    EXPECT_EQ(account_regions(out.book), (std::vector<std::string>{"FR", "FR", "-"}));
}

TEST(TransactionLog, IntegerIdsAndTimestampsInSeconds) {
    // The shop's lines with integer ids (C1 = 17850, C2 = 13047) and datetime64[s] timestamps: 1 March 23:30,
    // 6 January 09:00, 5 January 08:26, 10 February 10:00, 20 February 10:00.
    const auto at = [](const char* day, std::int64_t seconds) {
        return std::int64_t{Date::parse(day).days()} * 86'400 + seconds;
    };
    auto stamps = std::make_shared<const std::vector<std::int64_t>>(std::vector<std::int64_t>{
        at("2024-03-01", 84'600), at("2024-01-06", 32'400), at("2024-01-05", 30'360),
        at("2024-02-10", 36'000), at("2024-02-20", 36'000)});
    Table log;
    log.add("CustomerID", Column::integers(std::vector<std::int64_t>{17850, 13047, 17850, 17850, 17850}));
    log.add("InvoiceDate", Column::dates(std::span<const std::int64_t>(*stamps), TimeUnit::second, stamps));
    log.add("Sales", Column::numbers(amount));
    log.add("Country", Column::texts(country));
    TransactionOptions o;
    o.columns = {.account = "CustomerID", .date = "InvoiceDate", .amount = "Sales", .region = "Country"};
    o.region_rule = RegionRule::last;
    const Book book = TransactionLog(std::move(log), o).build();
    EXPECT_EQ(book.accounts().ids.kind(), IdIndex::Kind::integer);
    EXPECT_EQ(book.accounts().ids.integers(), (std::vector<std::int64_t>{17850, 13047}));
    EXPECT_EQ(account_regions(book), (std::vector<std::string>{"DE", "FR"}));
    EXPECT_EQ(revenue_days(book), (std::vector<std::string>{"2024-01-05", "2024-01-06", "2024-02-10",
                                                            "2024-02-20", "2024-03-01"}));
    EXPECT_EQ(book.revenue().account, (std::vector<std::int32_t>{0, 1, 0, 0, 0}));
    // No cost column: 0 on every line.
    EXPECT_EQ(book.revenue().cost[4], 0.0);
}

TEST(TransactionLog, WholeNumbersAreIntegerIdsNaNIsMissingAFractionIsAProblem) {
    // How pandas holds integer ids with gaps: doubles, NaN where missing.
    Table log;
    log.add("CustomerID", Column::numbers(std::vector<double>{17850.0, NAN, 1.5, 13047.0, 17850.0}));
    log.add("InvoiceDate", Column::texts(std::vector<std::string>{"2024-01-01", "2024-01-02", "2024-01-03",
                                                                  "2024-01-04", "2024-01-05"}));
    log.add("Sales", Column::numbers(std::vector<double>{1, 2, 3, 4, 5}));
    TransactionOptions o;
    o.columns = {.account = "CustomerID", .date = "InvoiceDate", .amount = "Sales"};
    try {
        (void)TransactionLog(log, o).build();
        FAIL() << "expected a ValidationError";
    } catch (const ValidationError& e) {
        EXPECT_EQ(listed(e.problems()),
                  (std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>>{
                      {"transactions", 2, "CustomerID", "id 1.5 is not a whole number"},
                      {"transactions", 1, "CustomerID", "missing id"},
                  }));
    }
    const LenientBuild out = TransactionLog(log, o).build_lenient();
    EXPECT_EQ(out.book.accounts().ids.kind(), IdIndex::Kind::integer);
    EXPECT_EQ(out.book.accounts().ids.integers(), (std::vector<std::int64_t>{17850, 13047}));
    EXPECT_EQ(out.book.revenue().account, (std::vector<std::int32_t>{0, 1, 0}));  // lines 0, 3, 4
    EXPECT_EQ(out.rejected_rows("transactions"), 2U);
}

TEST(TransactionLog, AMisnamedColumnIsNamedWithTheLogsColumns) {
    TransactionOptions o = shop_options();
    o.columns.account = "customer";
    o.columns.amount = "Sale";
    try {
        (void)TransactionLog(shop_log(), o).build();
        FAIL() << "expected a ValidationError";
    } catch (const ValidationError& e) {
        const std::string found =
            "(columns found: 'Customer', 'When', 'Sales', 'Cost', 'Country', 'Invoice')";
        EXPECT_EQ(listed(e.problems()),
                  (std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>>{
                      {"transactions", -1, "customer",
                       "no such column (given as account=); did you mean 'Customer'? " + found},
                      {"transactions", -1, "Sale",
                       "no such column (given as amount=); did you mean 'Sales'? " + found},
                  }));
    }
    // Quarantine cannot blame a line for a missing column: it raises too.
    EXPECT_THROW((void)TransactionLog(shop_log(), o).build_lenient(), ValidationError);
}

TEST(TransactionLog, ProblemsFoundConvertingTheLogAreListedOnceWithTheBuilds) {
    // A converter (the Python layer) found row 2's amount unreadable and passed it as missing: the build's
    // "missing value" on that cell is not listed again; in quarantine the line is rejected with its reason.
    Table log = shop_log();
    log.add("Sales", Column::numbers(std::vector<double>{20, 50, NAN, 30, 10}));
    const Problem unreadable{"transactions", 2, "Sales", "not a number: 'x'"};
    try {
        (void)TransactionLog(log, shop_options()).reject(unreadable).build();
        FAIL() << "expected a ValidationError";
    } catch (const ValidationError& e) {
        EXPECT_EQ(listed(e.problems()), listed({unreadable}));
        EXPECT_EQ(e.total(), 1U);
    }
    const LenientBuild out = TransactionLog(log, shop_options()).reject(unreadable).build_lenient();
    EXPECT_EQ(listed(out.rejected), listed({unreadable}));
    EXPECT_EQ(out.book.revenue().size(), 4U);
}

TEST(Transactions, MostFrequentRegionOfManyLinesAsByAPlainCount) {
    // 20000 lines of 20 accounts in 6 of 4096 regions (81920 pairs: the dense table), in no day order; each
    // account's answer is checked against a plain count (most lines, a tie to the region of the latest line
    // by day, then position).
    const std::size_t n = 20'000, accounts = 20, regions = 4096;
    std::vector<std::int32_t> account(n), region(n);
    std::vector<Date> day(n);
    std::uint64_t x = 12345;
    const auto next = [&x](std::uint64_t m) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return (x >> 33) % m;
    };
    for (std::size_t i = 0; i < n; ++i) {
        account[i] = static_cast<std::int32_t>(next(accounts));
        region[i] = next(10) == 0 ? -1 : static_cast<std::int32_t>(next(3) * 1000 + next(2));  // 6 regions
        day[i] = Date{static_cast<Date::rep>(next(400))};
    }
    std::vector<std::int32_t> expected(accounts, -1);
    for (std::size_t a = 0; a < accounts; ++a) {
        std::vector<std::size_t> count(regions, 0);
        std::vector<std::pair<Date, std::size_t>> latest(regions, {Date::min(), 0});
        for (std::size_t i = 0; i < n; ++i) {
            if (static_cast<std::size_t>(account[i]) != a || region[i] < 0) continue;
            const auto r = static_cast<std::size_t>(region[i]);
            ++count[r];
            latest[r] = std::max(latest[r], std::pair{day[i], i});
        }
        for (std::size_t r = 0; r < regions; ++r) {
            if (count[r] == 0) continue;
            const auto e = static_cast<std::size_t>(expected[a]);
            if (expected[a] < 0 || count[r] > count[e] || (count[r] == count[e] && latest[r] > latest[e]))
                expected[a] = static_cast<std::int32_t>(r);
        }
    }
    EXPECT_EQ(derive_regions(account, region, day, accounts, regions, RegionRule::most_frequent), expected);
}

namespace {

/// A log of `n` lines (integer customer ids, 3 per 100 lines; timestamps in seconds at random over two
/// years, so out of day order with many lines a day; 5 countries, some lines without one), every line good
/// but those of the kinds in the bit mask `bad`: (1) lines 7, 7 + 99,991, ... lack their date, (2) lines 11,
/// 11 + 99,991, ... are dated 2300, (4) lines 13, 13 + 99,991, ... have an infinite amount, (8) lines 17,
/// 17 + 99,991, ... one beyond 1e13.
Table numbered_log(std::size_t n, unsigned bad = 0) {
    std::uint64_t x = 2024;
    const auto next = [&x](std::uint64_t m) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return (x >> 33) % m;
    };
    std::vector<std::int64_t> id(n), at(n);
    std::vector<double> sales(n);
    std::vector<std::string> countries(n);
    for (std::size_t i = 0; i < n; ++i) {
        id[i] = 1000 + static_cast<std::int64_t>(next(n * 3 / 100));
        at[i] = 1'700'000'000 + static_cast<std::int64_t>(next(2 * 365 * 86'400));
        sales[i] = static_cast<double>(next(10'000)) / 100;
        countries[i] = next(10) == 0 ? "" : "country " + std::to_string(next(5));
        if ((bad & 1U) && i % 99'991 == 7) at[i] = Column::nat;
        if ((bad & 2U) && i % 99'991 == 11) at[i] = 10'413'792'000;  // 2300-01-01
        if ((bad & 4U) && i % 99'991 == 13) sales[i] = INFINITY;
        if ((bad & 8U) && i % 99'991 == 17) sales[i] = 2e13;
    }
    auto held = std::make_shared<const std::vector<std::int64_t>>(std::move(at));
    Table log;
    log.add("Customer", Column::integers(std::move(id)));
    log.add("When", Column::dates(std::span<const std::int64_t>(*held), TimeUnit::second, held));
    log.add("Sales", Column::numbers(std::move(sales)));
    log.add("Country", Column::texts(countries));
    return log;
}

TransactionOptions numbered_options(unsigned threads) {
    TransactionOptions o;
    o.columns = {.account = "Customer", .date = "When", .amount = "Sales", .region = "Country"};
    o.build.threads = threads;
    return o;
}

}  // namespace

TEST(TransactionLog, TheSameBookOnOneTwoOrFiveThreads) {
    // 600,000 lines: enough for five threads of at least 100,000 lines each.
    const Table log = numbered_log(600'000);
    const Book one = TransactionLog(log, numbered_options(1)).build();
    for (const unsigned threads : {2U, 5U}) {
        SCOPED_TRACE(threads);
        const Book many = TransactionLog(log, numbered_options(threads)).build();
        EXPECT_EQ(many.accounts().ids.integers(), one.accounts().ids.integers());
        EXPECT_EQ(many.accounts().region, one.accounts().region);
        EXPECT_EQ(many.accounts().regions.names, one.accounts().regions.names);
        EXPECT_EQ(many.revenue().date, one.revenue().date);
        EXPECT_EQ(many.revenue().account, one.revenue().account);
        EXPECT_EQ(many.revenue().amount, one.revenue().amount);
        EXPECT_EQ(many.revenue().cost, one.revenue().cost);
        EXPECT_EQ(many.spells().account, one.spells().account);
        EXPECT_EQ(many.spells().begin, one.spells().begin);
        EXPECT_EQ(many.spells().end, one.spells().end);
        EXPECT_EQ(many.sightings().first_seen, one.sightings().first_seen);
        EXPECT_EQ(many.sightings().last_seen, one.sightings().last_seen);
    }
    // Each account's region by the rule, worked out line by line: ties go to the region of the latest line
    // in (day, position) order, wherever the thread's part of the lines ends.
    const auto& at = std::get<Column::Dates>(log.find("When")->data());
    const auto& id = std::get<Column::Integers>(log.find("Customer")->data()).values;
    const auto& regions = std::get<Column::Texts>(log.find("Country")->data());
    std::map<std::int64_t,
             std::map<std::string, std::pair<std::size_t, std::pair<std::int64_t, std::size_t>>>>
        seen;  // per customer, per country: lines, latest (day, row)
    for (std::size_t i = 0; i < id.size(); ++i) {
        // A line without a country has code -1 (`Column::texts` codes an empty text so), not a category.
        const std::int64_t code = regions.codes[i];
        if (code < 0) continue;
        auto& [lines, latest] = seen[id[i]][regions.categories[static_cast<std::size_t>(code)]];
        ++lines;
        latest = std::max(latest, std::pair{at.day(i), i});
    }
    const Book five = TransactionLog(log, numbered_options(5)).build();
    const auto& a = five.accounts();
    for (std::size_t k = 0; k < a.size(); ++k) {
        const auto& tally = seen[a.ids.integers()[k]];
        const auto best = std::max_element(tally.begin(), tally.end(),
                                           [](const auto& x, const auto& y) { return x.second < y.second; });
        ASSERT_GE(a.region[k], 0);
        EXPECT_EQ(a.regions.names[static_cast<std::size_t>(a.region[k])], best->first) << k;
    }
}

TEST(TransactionLog, EveryBadLineIsListedInRowOrderOnAnyNumberOfThreads) {
    // Each kind of bad line alone (the threads then find a problem in one column only), then all of them.
    for (const unsigned bad : {1U, 2U, 4U, 8U, 15U}) {
        const Table log = numbered_log(600'000, bad);
        std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>> expected;
        const auto add = [&](unsigned kind, std::size_t first, const std::string& column,
                             const std::string& why) {
            for (std::size_t i = first; (bad & kind) && i < 600'000; i += 99'991)
                expected.emplace_back("transactions", static_cast<std::int64_t>(i), column, why);
        };
        add(1, 7, "When", "missing date");
        add(2, 11, "When", "date 2300-01-01 is outside 1900-01-01..2200-12-31");
        add(4, 13, "Sales", "infinite value");
        add(8, 17, "Sales", "amount beyond +-1e13 cannot be summed exactly to the cent");
        // In the build's order: the dates' problems by row, then the amounts' (those beyond 1e13 after the
        // others of the column).
        std::stable_sort(expected.begin(), expected.end(), [](const auto& x, const auto& y) {
            const auto step = [](const auto& p) {
                return std::get<2>(p) == "When" ? 0 : std::get<3>(p) == "infinite value" ? 1 : 2;
            };
            return step(x) != step(y) ? step(x) < step(y) : std::get<1>(x) < std::get<1>(y);
        });
        for (const unsigned threads : {1U, 2U, 5U}) {
            SCOPED_TRACE(std::to_string(bad) + " on " + std::to_string(threads) + " threads");
            try {
                (void)TransactionLog(log, numbered_options(threads)).build();
                ADD_FAILURE() << "expected a ValidationError";
            } catch (const ValidationError& e) {
                EXPECT_EQ(listed(e.problems()), expected);
            }
        }
    }
}

namespace {

/// Each account's most frequent region worked out line by line: most lines, a tie to the region of the latest
/// line by (day, position); -1 without a line that names one.
std::vector<std::int32_t> most_frequent_by_plain_count(std::span<const std::int32_t> account,
                                                       std::span<const std::int32_t> region,
                                                       std::span<const Date> day, std::size_t accounts) {
    std::vector<std::map<std::int32_t, std::pair<std::size_t, std::pair<Date, std::size_t>>>> seen(accounts);
    for (std::size_t i = 0; i < account.size(); ++i) {
        if (region[i] < 0) continue;
        auto& [lines, latest] = seen[static_cast<std::size_t>(account[i])][region[i]];
        ++lines;
        latest = std::max(latest, std::pair{day[i], i});
    }
    std::vector<std::int32_t> out(accounts, -1);
    for (std::size_t a = 0; a < accounts; ++a) {
        const auto best = std::max_element(seen[a].begin(), seen[a].end(),
                                           [](const auto& x, const auto& y) { return x.second < y.second; });
        if (best != seen[a].end()) out[a] = best->first;
    }
    return out;
}

/// `n` lines of `accounts` accounts on days at random: each account in one region (its number modulo 7),
/// but accounts 3, 3 + `every`, 3 + 2 `every`, ... whose lines name one of three regions at random (so ties
/// happen), and accounts 5, 5 + `every`, ... in their region on the first half of the lines, 6 on the second
/// (in one region in each half, not always the same); `every` 0: every account in one region. About one line
/// in eleven has no region.
struct OneRegionMostly {
    std::vector<std::int32_t> account, region;
    std::vector<Date> day;
    OneRegionMostly(std::size_t n, std::size_t accounts, std::int32_t every = 7)
        : account(n), region(n), day(n) {
        std::uint64_t x = 99;
        const auto next = [&x](std::uint64_t m) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            return (x >> 33) % m;
        };
        for (std::size_t i = 0; i < n; ++i) {
            const auto a = static_cast<std::int32_t>(next(accounts));
            const std::int32_t kind = every > 0 ? a % every : -1;
            account[i] = a;
            region[i] = kind == 3 ? static_cast<std::int32_t>(next(3)) : a % 7;
            if (kind == 5 && i >= n / 2) region[i] = 6;
            if (next(11) == 0) region[i] = -1;
            day[i] = Date{static_cast<Date::rep>(next(400))};
        }
    }
};

/// The log of lines `account`, `region` (-1: none) and `day` as a transaction log names them (integer
/// customers, timestamps in seconds, one sale each, "country <region>").
Table log_of(std::span<const std::int32_t> account, std::span<const std::int32_t> region,
             std::span<const Date> day) {
    const std::size_t n = account.size();
    std::vector<std::int64_t> id(n), at(n);
    std::vector<std::string> countries(n);
    for (std::size_t i = 0; i < n; ++i) {
        id[i] = account[i];
        at[i] = static_cast<std::int64_t>(day[i].days()) * 86'400 + static_cast<std::int64_t>(i % 86'400);
        countries[i] = region[i] < 0 ? "" : "country " + std::to_string(region[i]);
    }
    auto held = std::make_shared<const std::vector<std::int64_t>>(std::move(at));
    Table log;
    log.add("Customer", Column::integers(std::move(id)));
    log.add("When", Column::dates(std::span<const std::int64_t>(*held), TimeUnit::second, held));
    log.add("Sales", Column::numbers(std::vector<double>(n, 1.0)));
    log.add("Country", Column::texts(countries));
    return log;
}

/// Expects each customer of `book` (built from `log_of` lines) to have the region `expected[c]`.
void expect_regions(const Book& book, const std::vector<std::int32_t>& expected) {
    const auto& a = book.accounts();
    ASSERT_EQ(a.size(), expected.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        const auto c = static_cast<std::size_t>(a.ids.integers()[k]);
        const std::string want = expected[c] < 0 ? "-" : "country " + std::to_string(expected[c]);
        const std::string got =
            a.region[k] < 0 ? "-" : a.regions.names[static_cast<std::size_t>(a.region[k])];
        ASSERT_EQ(got, want) << "customer " << c;
    }
}

}  // namespace

TEST(Transactions, AccountsInOneRegionGetItAsTheCountWouldGiveIt) {
    // Account 0: region 1 on every line that names one (two lines without one); account 1: no region on any
    // line; account 2: regions 0 and 1 twice each, region 0's latest line (day 8) the latest; account 3: one
    // line. Few lines: every account in one region is found so, the others counted.
    const std::vector<std::int32_t> account{0, 0, 1, 2, 2, 2, 0, 2, 0, 3};
    const std::vector<std::int32_t> region{1, -1, -1, 0, 1, 1, 1, 0, -1, 2};
    const std::vector<Date> day{Date{1}, Date{2}, Date{3}, Date{8}, Date{4},
                                Date{5}, Date{6}, Date{1}, Date{9}, Date{2}};
    EXPECT_EQ(derive_regions(account, region, day, 4, 3, RegionRule::most_frequent),
              (std::vector<std::int32_t>{1, -1, 0, 2}));
    // Many lines, most accounts in one region, some in three with ties, in no day order.
    const OneRegionMostly log(50'000, 700);
    EXPECT_EQ(derive_regions(log.account, log.region, log.day, 700, 7, RegionRule::most_frequent),
              most_frequent_by_plain_count(log.account, log.region, log.day, 700));
}

TEST(Transactions, TiesAmongMoreThanSixtyFourRegionsGoToTheLatestLine) {
    // 70 regions (more than a tie's regions are kept as bits for): account 0 in regions 65 and 3 twice each,
    // its latest line (day 9) in 65; account 1 in 69 and 66 once each, the latest (day 7) in 66; account 2
    // in region 0 twice and 1 once.
    const std::vector<std::int32_t> account{0, 0, 1, 0, 2, 0, 1, 2, 2};
    const std::vector<std::int32_t> region{65, 3, 69, 3, 0, 65, 66, 1, 0};
    const std::vector<Date> day{Date{1}, Date{2}, Date{3}, Date{4}, Date{5},
                                Date{9}, Date{7}, Date{8}, Date{6}};
    EXPECT_EQ(derive_regions(account, region, day, 3, 70, RegionRule::most_frequent),
              (std::vector<std::int32_t>{65, 66, 0}));
}

TEST(Transactions, FewOrNoAccountsInSeveralRegionsGetTheirsAsTheCountWouldGiveThem) {
    // 28 of 700 accounts in several regions (their lines are counted, the others' skipped), then none (no
    // line counted).
    for (const std::int32_t every : {50, 0}) {
        SCOPED_TRACE(every);
        const OneRegionMostly log(50'000, 700, every);
        EXPECT_EQ(derive_regions(log.account, log.region, log.day, 700, 7, RegionRule::most_frequent),
                  most_frequent_by_plain_count(log.account, log.region, log.day, 700));
    }
}

TEST(TransactionLog, AccountsOfTheFirstLinesKeepTheRegionTheirLinesThereName) {
    // 200,000 lines in time order. The first sixteenth (12,500 lines, which the region rule reads first to
    // decide whether finding accounts in one region pays) names customers 0-99 only: 0-49 in country A,
    // 50-98 in B, and customer 99 in A 125 times; the other lines name customers 100-1,099 in C, and
    // customer 99 in C 37 times (most frequent: A).
    const std::size_t n = 200'000, head = n / 16;
    std::vector<std::int64_t> id(n), at(n);
    std::vector<std::string> country(n);
    for (std::size_t i = 0; i < n; ++i) {
        at[i] = 1'700'000'000 + static_cast<std::int64_t>(i);
        if (i < head) {
            id[i] = static_cast<std::int64_t>(i % 100);
            country[i] = id[i] < 50 || id[i] == 99 ? "country A" : "country B";
        } else {
            id[i] = i % 5'000 == 0 ? 99 : 100 + static_cast<std::int64_t>(i % 1'000);
            country[i] = "country C";
        }
    }
    ASSERT_EQ(std::count(id.begin() + head, id.end(), 99), 37);
    auto held = std::make_shared<const std::vector<std::int64_t>>(std::move(at));
    Table log;
    log.add("Customer", Column::integers(id));
    log.add("When", Column::dates(std::span<const std::int64_t>(*held), TimeUnit::second, held));
    log.add("Sales", Column::numbers(std::vector<double>(n, 1.0)));
    log.add("Country", Column::texts(country));
    for (const unsigned threads : {1U, 2U, 3U}) {
        SCOPED_TRACE(threads);
        const Book book = TransactionLog(log, numbered_options(threads)).build();
        const auto& a = book.accounts();
        ASSERT_EQ(a.size(), 1'100U);
        for (std::size_t k = 0; k < a.size(); ++k) {
            const std::int64_t customer = a.ids.integers()[k];
            const std::string want = customer < 50 || customer == 99 ? "country A"
                                     : customer < 100                ? "country B"
                                                                     : "country C";
            ASSERT_GE(a.region[k], 0) << "customer " << customer;
            EXPECT_EQ(a.regions.names[static_cast<std::size_t>(a.region[k])], want)
                << "customer " << customer;
        }
    }
}

TEST(TransactionLog, AccountsInOneRegionGetItOnAnyNumberOfThreads) {
    // 600,000 lines (five threads of 120,000), days out of order; each thread finds the accounts in one
    // region in its part, then the parts are combined (an account in one region in each of two parts, but
    // not the same one, is in several).
    // Accounts in several regions: 2 in 7 (their lines counted at random), then 2 in 50 (the others'
    // skipped).
    const std::size_t n = 600'000, accounts = 5'000;
    for (const std::int32_t every : {7, 50}) {
        const OneRegionMostly lines(n, accounts, every);
        const Table log = log_of(lines.account, lines.region, lines.day);
        const std::vector<std::int32_t> expected =
            most_frequent_by_plain_count(lines.account, lines.region, lines.day, accounts);
        for (const unsigned threads : {1U, 2U, 5U}) {
            SCOPED_TRACE(std::to_string(every) + ", " + std::to_string(threads));
            expect_regions(TransactionLog(log, numbered_options(threads)).build(), expected);
        }
    }
}

TEST(TransactionLog, CountsOfManyLinesInARegionPastAByteGiveTheMostFrequent) {
    // The rule counts each part's lines a byte a pair, and how often a byte wrapped: customers 0-3 in two
    // countries with counts just past 255, 511 and 65,535 (their lines shuffled, on days at random; 132,000
    // lines: two parts on two threads), then beside 100 customers of one line each (the counted customers'
    // lines alone read, the others skipped), then beside 40,000 customers of two lines in two countries (a
    // tie each, settled by the latest line; 120,012 pairs, whose most lines are found on two threads). A
    // plain count decides.
    const std::vector<std::tuple<std::int32_t, std::int32_t, std::size_t>> pairs{
        {0, 0, 256}, {0, 1, 255}, {1, 2, 300},    {1, 1, 301},
        {2, 0, 512}, {2, 2, 511}, {3, 1, 65'537}, {3, 0, 65'536}};
    for (const auto& [singles, doubles] :
         {std::pair<std::size_t, std::size_t>{0, 0}, {100, 0}, {0, 40'000}}) {
        std::vector<std::int32_t> account, region;
        for (const auto& [a, r, lines] : pairs) {
            account.insert(account.end(), lines, a);
            region.insert(region.end(), lines, r);
        }
        for (std::size_t k = 0; k < singles + doubles; ++k) {
            account.push_back(static_cast<std::int32_t>(4 + k));
            region.push_back(static_cast<std::int32_t>(k % 3));
            if (k < singles) continue;
            account.push_back(static_cast<std::int32_t>(4 + k));
            region.push_back(static_cast<std::int32_t>((k + 1) % 3));
        }
        std::uint64_t x = 7;
        const auto next = [&x](std::uint64_t m) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            return (x >> 33) % m;
        };
        for (std::size_t i = account.size(); i > 1; --i) {  // Fisher-Yates
            const std::size_t j = next(i);
            std::swap(account[i - 1], account[j]);
            std::swap(region[i - 1], region[j]);
        }
        std::vector<Date> day(account.size());
        for (Date& d : day) d = Date{static_cast<Date::rep>(next(400))};
        const std::size_t accounts = 4 + singles + doubles;
        const std::vector<std::int32_t> expected =
            most_frequent_by_plain_count(account, region, day, accounts);
        ASSERT_EQ(std::vector<std::int32_t>(expected.begin(), expected.begin() + 4),
                  (std::vector<std::int32_t>{0, 1, 0, 1}));
        EXPECT_EQ(derive_regions(account, region, day, accounts, 3, RegionRule::most_frequent), expected);
        const Table log = log_of(account, region, day);
        for (const unsigned threads : {1U, 2U}) {
            SCOPED_TRACE(std::to_string(singles) + " single customers, " + std::to_string(threads) +
                         " threads");
            expect_regions(TransactionLog(log, numbered_options(threads)).build(), expected);
        }
    }
}
