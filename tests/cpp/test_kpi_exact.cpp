// Exact money: sums that cancel are exactly 0, so that "revenue > 0" (the NRR cohort, concentration) is
// exact; GRR stays in [0, 1] when credit notes exceed the billing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/detail/sum.hpp"
#include "accountkpi/kpi.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

Book book_of(const std::vector<std::string>& ids, const std::vector<std::string>& dates,
             const std::vector<double>& amounts, const std::vector<double>& costs = {}) {
    std::vector<std::string> accounts = ids;
    std::sort(accounts.begin(), accounts.end());
    accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
    Table acc;
    acc.add("account_id", texts(accounts));
    Table rev;
    rev.add("account_id", texts(ids));
    rev.add("date", days(dates));
    rev.add("amount", numbers(amounts));
    if (!costs.empty()) rev.add("cost", numbers(costs));
    BookBuilder b;
    b.add("accounts", std::move(acc));
    b.add("revenue", std::move(rev));
    return b.build();
}

// `a` and `b` have the same values, bit for bit, NaN where the other has NaN.
void expect_same_values(const kpi::Result& a, const kpi::Result& b) {
    ASSERT_EQ(a.rows(), b.rows());
    for (std::size_t k = 0; k < a.values.size(); ++k) {
        for (std::size_t i = 0; i < a.rows(); ++i) {
            const double x = a.values[k][i], y = b.values[k][i];
            ASSERT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << kpi::name(a.kpis[k]) << " row " << i;
        }
    }
}

}  // namespace

TEST(ExactMoney, MillionthsRoundDecimalAmounts) {
    EXPECT_EQ(detail::to_millionths(0.1), 100'000);
    EXPECT_EQ(detail::to_millionths(-0.3), -300'000);
    EXPECT_EQ(detail::to_millionths(0.285), 285'000);  // 0.28499999999999998 in binary
    EXPECT_EQ(detail::to_millionths(9.99e12), static_cast<detail::Int128>(9'990'000'000'000) * 1'000'000);
    EXPECT_EQ(detail::from_millionths(300'000), 0.3);
    // The vectorised sum agrees with the one-by-one sum, with amounts beyond 2^51 millionths too.
    std::vector<double> x;
    for (int i = 0; i < 10'000; ++i) x.push_back((i % 7 == 0 ? -1 : 1) * (i % 1000) * 0.01);
    detail::Int128 one_by_one = 0;
    for (double v : x) one_by_one += detail::to_millionths(v);
    EXPECT_EQ(detail::exact_sum(x.data(), x.size()), one_by_one);
    x[4321] = 5e9;
    EXPECT_EQ(detail::exact_sum(x.data(), x.size()),
              one_by_one + detail::to_millionths(5e9) - detail::to_millionths((4321 % 1000) * 0.01));
}

// Regression (issue 18, item 3): 0.1 + 0.2 - 0.3 is 5.55e-17 in doubles, so an account whose lines cancel
// had revenue > 0, joined the NRR cohort and the concentration set.
TEST(ExactMoney, LinesThatCancelAreExactlyZero) {
    // B in 2024-01: 0.1 + 0.2 - 0.3 = 0 exactly. A: 100 in January, 50 in February.
    const Book book = book_of({"A", "B", "B", "B", "A"},
                              {"2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-02-03"},
                              {100.0, 0.1, 0.2, -0.3, 50.0});
    const Period jan = Period::month(2024, 1), feb = Period::month(2024, 2);
    EXPECT_EQ(kpi::revenue(book, jan), 100.0);
    // Concentration over {A} only: one account holds everything.
    EXPECT_EQ(kpi::largest_client_share(book, jan), 1.0);
    EXPECT_EQ(kpi::hhi(book, jan), 1.0);
    // NRR for February: base January, cohort {A} (B's 0 is not > 0): 50 / 100.
    EXPECT_EQ(kpi::nrr(book, feb), 0.5);
    kpi::Request rq;
    rq.periods = {jan};
    rq.by = {kpi::Key::account};
    rq.kpis = {kpi::Kpi::revenue};
    const kpi::Result r = kpi::compute(book, rq);
    ASSERT_EQ(r.rows(), 2U);
    EXPECT_EQ(r.values[0][1], 0.0);  // B: exactly 0, not 5.55e-17
    EXPECT_FALSE(std::signbit(r.values[0][1]));
}

// Property: random amounts in cents with random credit notes that cancel some of them; every sum is the
// integer sum of the cents (computed here exactly in integers) divided by 100, whatever the grouping.
TEST(ExactMoney, RandomCreditNotesSumToTheCent) {
    std::mt19937_64 rng(18);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<std::string> ids, dates;
        std::vector<double> amounts;
        std::vector<std::int64_t> cents_of(4, 0), total_of_month(3, 0);
        std::uniform_int_distribution<std::int64_t> cents(-5'000'000, 5'000'000);
        for (int i = 0; i < 300; ++i) {
            const int a = static_cast<int>(rng() % 4), m = static_cast<int>(rng() % 3);
            const std::int64_t c = cents(rng);
            const std::string date = "2024-0" + std::to_string(m + 1) + "-1" + std::to_string(rng() % 10);
            ids.push_back("A" + std::to_string(a));
            dates.push_back(date);
            amounts.push_back(static_cast<double>(c) / 100);
            total_of_month[static_cast<std::size_t>(m)] += c;
            if (m == 0) cents_of[static_cast<std::size_t>(a)] += c;
            if (rng() % 2) {  // its credit note, the same month
                ids.push_back("A" + std::to_string(a));
                dates.push_back(date);
                amounts.push_back(static_cast<double>(-c) / 100);
                total_of_month[static_cast<std::size_t>(m)] -= c;
                if (m == 0) cents_of[static_cast<std::size_t>(a)] -= c;
            }
        }
        const Book book = book_of(ids, dates, amounts);
        for (int m = 0; m < 3; ++m) {
            EXPECT_EQ(kpi::revenue(book, Period::month(2024, static_cast<unsigned>(m + 1))),
                      static_cast<double>(total_of_month[static_cast<std::size_t>(m)]) / 100)
                << "trial " << trial << " month " << m;
        }
        kpi::Request rq;
        rq.periods = {Period::month(2024, 1)};
        rq.by = {kpi::Key::account};
        rq.kpis = {kpi::Kpi::revenue};
        const kpi::Result r = kpi::compute(book, rq);
        for (std::size_t row = 0; row < r.rows(); ++row) {
            const auto a = static_cast<std::size_t>(r.key_codes[0][row]);
            const std::string id = book.accounts().ids.label(static_cast<std::int32_t>(a));
            const auto want = cents_of[static_cast<std::size_t>(id[1] - '0')];
            EXPECT_EQ(r.values[0][row], static_cast<double>(want) / 100) << "trial " << trial << " " << id;
        }
    }
}

// Regression (issue 18, item 4): credit notes beyond an account's billing made GRR negative.
TEST(ExactMoney, GrrIsFlooredAtZeroPerAccount) {
    // January: A 100, B 50. February: A -30 (credit notes beyond its billing), B 80.
    const Book book = book_of({"A", "B", "A", "B"}, {"2024-01-05", "2024-01-06", "2024-02-03", "2024-02-04"},
                              {100.0, 50.0, -30.0, 80.0});
    const Period feb = Period::month(2024, 2);
    // Kept: A clamp(-30, 0, 100) = 0, B min(80, 50) = 50: GRR = 50 / 150.
    EXPECT_DOUBLE_EQ(kpi::grr(book, feb), 50.0 / 150.0);
    // NRR keeps the credit notes: (-30 + 80) / 150.
    EXPECT_DOUBLE_EQ(kpi::nrr(book, feb), 50.0 / 150.0);
    const Book alone = book_of({"A", "A"}, {"2024-01-05", "2024-02-03"}, {100.0, -30.0});
    EXPECT_EQ(kpi::grr(alone, feb), 0.0);  // was -0.3
}

// Lines going to few cells (by region here) are summed per cell in 64-bit millionths before the cells'
// 128-bit sums: a sum about to overflow 64 bits, and an amount of 2^51 millionths or more, go to the cell at
// once.
TEST(ExactMoney, ManyLargeLinesInFewCellsSumExactly) {
    std::vector<std::string> ids, dates;
    std::vector<double> amounts, costs;
    detail::Int128 north_revenue = 0, north_cost = 0;
    const auto line = [&](const std::string& id, double amount, double cost) {
        ids.push_back(id);
        dates.push_back("2024-01-15");
        amounts.push_back(amount);
        costs.push_back(cost);
        if (id == "N") {
            north_revenue += detail::to_millionths(amount);
            north_cost += detail::to_millionths(cost);
        }
    };
    // 6000 x 2e15 millionths is beyond 2^63; 3e9 and -7e9 are beyond 2^51 millionths.
    for (int i = 0; i < 6000; ++i) line("N", 2'000'000'000.01, 1'500'000'000.37);
    line("N", 3e9, 0.5);
    line("N", -7e9, -2.25);
    for (int i = 0; i < 100; ++i) line("S", 0.1, 0.05);
    Table acc;
    acc.add("account_id", texts({"N", "S"}));
    acc.add("region", texts({"north", "south"}));
    Table rev;
    rev.add("account_id", texts(ids));
    rev.add("date", days(dates));
    rev.add("amount", numbers(amounts));
    rev.add("cost", numbers(costs));
    BookBuilder b;
    b.add("accounts", std::move(acc));
    b.add("revenue", std::move(rev));
    const Book book = b.build();
    kpi::Request rq;
    rq.periods = {Period::month(2024, 1)};
    rq.by = {kpi::Key::region};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::cost, kpi::Kpi::gross_profit};
    const kpi::Result r = kpi::compute(book, rq);
    ASSERT_EQ(r.rows(), 2U);
    EXPECT_EQ(r.column(kpi::Kpi::revenue)[0], detail::from_millionths(north_revenue));
    EXPECT_EQ(r.column(kpi::Kpi::cost)[0], detail::from_millionths(north_cost));
    EXPECT_EQ(r.column(kpi::Kpi::gross_profit)[0], detail::from_millionths(north_revenue - north_cost));
    EXPECT_EQ(r.column(kpi::Kpi::revenue)[1], 10.0);  // 100 x 0.1, exactly
    EXPECT_EQ(r.column(kpi::Kpi::cost)[1], 5.0);
}

namespace {

// 2,000 accounts in 4 regions, 10 lines each a month of 2024 (enough work for two threads), and lines whose
// sums need more than 64 bits of millionths (beyond 9.2 x 10^12): account 7's three lines of 9.5 x 10^12 in
// March; accounts 2 and 6 (both in region r2) 6 x 10^12 each in May, under 64 bits alone, not together;
// account 9's 9.2 x 10^12 in July (added to its cell at once) and twelve lines of 2 x 10^9 (summed apart
// first, see `ManyLargeLinesInFewCellsSumExactly`): under 64 bits apart, not together. Account 11's 5 x 10^9
// in September is too large to be summed apart, not for 64 bits.
struct LargeBook {
    std::optional<Book> book;
    std::map<std::pair<std::int32_t, unsigned>, std::pair<detail::Int128, detail::Int128>> by_account;
};

const LargeBook& large_book() {
    static const LargeBook large = [] {
        LargeBook out;
        std::vector<std::string> accounts, regions, ids, dates;
        std::vector<double> amounts, costs;
        const auto line = [&](int a, unsigned month, int day, double amount, double cost) {
            ids.push_back(accounts[static_cast<std::size_t>(a)]);
            dates.push_back("2024-" + std::string(month < 10 ? "0" : "") + std::to_string(month) + "-" +
                            (day < 10 ? "0" : "") + std::to_string(day));
            amounts.push_back(amount);
            costs.push_back(cost);
            auto& [revenue, cost_sum] = out.by_account[{a, month}];
            revenue += detail::to_millionths(amount);
            cost_sum += detail::to_millionths(cost);
        };
        for (int a = 0; a < 2000; ++a) {
            accounts.push_back("a" + std::to_string(10000 + a));
            regions.push_back("r" + std::to_string(a % 4));
        }
        for (unsigned month = 1; month <= 12; ++month) {
            for (int day = 1; day <= 10; ++day) {
                for (int a = 0; a < 2000; ++a) {
                    const double amount = 1 + ((a * 31 + day) % 997) * 0.01;
                    line(a, month, day, amount, amount * 0.4);
                }
            }
        }
        for (int k = 0; k < 3; ++k) line(7, 3, 20, 9.5e12, 9e12);
        line(2, 5, 20, 6e12, 1.0);
        line(6, 5, 21, 6e12, 2.0);
        line(9, 7, 20, 9.2e12, 3.0);
        for (int k = 0; k < 12; ++k) line(9, 7, 21, 2e9, 1.0);
        line(11, 9, 15, 5e9, 4e9);
        std::vector<std::size_t> order(ids.size());  // in date order, as lines usually come
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t x, std::size_t y) { return dates[x] < dates[y]; });
        const auto sorted = [&](const auto& v) {
            std::remove_cvref_t<decltype(v)> s;
            for (std::size_t i : order) s.push_back(v[i]);
            return s;
        };
        Table acc;
        acc.add("account_id", texts(accounts));
        acc.add("region", texts(regions));
        Table rev;
        rev.add("account_id", texts(sorted(ids)));
        rev.add("date", days(sorted(dates)));
        rev.add("amount", numbers(sorted(amounts)));
        rev.add("cost", numbers(sorted(costs)));
        BookBuilder b;
        b.add("accounts", std::move(acc));
        b.add("revenue", std::move(rev));
        out.book = b.build();
        return out;
    }();
    return large;
}

kpi::Request year_of_sums(std::vector<kpi::Key> by) {
    kpi::Request rq;
    rq.periods = periods(Date(2024, 1, 1), Date(2025, 1, 1), Frequency::month);
    rq.by = std::move(by);
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::cost, kpi::Kpi::gross_profit};
    return rq;
}

// Every row of `r` (`year_of_sums` by account, its periods from month `first_month` of 2024 on) has its
// account's sums of the month, exactly.
void expect_sums_of_accounts(const LargeBook& large, const kpi::Result& r, unsigned first_month) {
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const auto& [revenue, cost] =
            large.by_account.at({r.key_codes[0][i], static_cast<unsigned>(r.period[i]) + first_month});
        ASSERT_EQ(r.column(kpi::Kpi::revenue)[i], detail::from_millionths(revenue)) << "row " << i;
        ASSERT_EQ(r.column(kpi::Kpi::cost)[i], detail::from_millionths(cost)) << "row " << i;
        ASSERT_EQ(r.column(kpi::Kpi::gross_profit)[i], detail::from_millionths(revenue - cost))
            << "row " << i;
    }
}

}  // namespace

// States keep money in 64-bit millionths while the sums fit (half the memory a cell): a sum that would not
// fit makes the engine accumulate again in 128 bits, on one thread or two, all periods at once, one at a
// time, cached, or one at a time through a cache.
TEST(ExactMoney, SumsBeyond64BitsAreExactOnEveryPath) {
    const LargeBook& large = large_book();
    const auto cache = std::make_shared<kpi::StateCache>(), fresh = std::make_shared<kpi::StateCache>();
    for (int path = 0; path < 7; ++path) {
        SCOPED_TRACE(path);
        kpi::Request rq = year_of_sums({kpi::Key::account});
        rq.threads = path == 1 ? 2 : 1;
        if (path == 2 || path >= 5) rq.state_budget = 0;  // one period at a time
        if (path >= 3) rq.cache = cache;                  // computed, then found in the cache
        if (path == 6) rq.cache = fresh;                  // computed one period at a time into a cache
        const kpi::Result r = kpi::compute(*large.book, rq);
        ASSERT_EQ(r.rows(), 2000U * 12U);
        expect_sums_of_accounts(large, r, 1);
    }
    kpi::Request rq = year_of_sums({kpi::Key::account});
    const kpi::State wide = kpi::accumulate(*large.book, rq);
    EXPECT_FALSE(wide.overflowed());
    EXPECT_FALSE(wide.narrow());  // accumulated again in 128 bits
    rq.periods = {Period::month(2024, 1)};
    EXPECT_TRUE(kpi::accumulate(*large.book, rq).narrow());  // January's sums fit in 64 bits
}

// A narrow state in the memory of an earlier request's (handed out uncleared, its cells set by the lines'
// sums: see `PeriodAccumulator::sets_every_cell`) keeps the amounts too large to be summed apart.
TEST(ExactMoney, LargeAmountsInAStateOfReusedMemoryAreKept) {
    const LargeBook& large = large_book();
    kpi::Request rq = year_of_sums({kpi::Key::account});
    rq.periods.erase(rq.periods.begin(), rq.periods.begin() + 7);  // August to December: 64 bits suffice
    rq.threads = 2;
    for (int round = 0; round < 3; ++round) {
        const kpi::Result r = kpi::compute(*large.book, rq);
        ASSERT_EQ(r.rows(), 2000U * 5U);
        expect_sums_of_accounts(large, r, 8);
    }
}

// Merging narrow states whose sums together need 128 bits widens the state that receives; states of either
// width merge, and bytes are the same whatever the width.
TEST(ExactMoney, MergedSumsBeyond64BitsWidenTheState) {
    const LargeBook& large = large_book();
    kpi::Request rq = year_of_sums({kpi::Key::region});
    rq.periods = {Period::month(2024, 5)};
    kpi::Request even = rq, odd = rq;
    for (std::int32_t a = 0; a < 2000; ++a)
        (a % 4 == 2 && a % 8 == 6 ? odd : even).scope.accounts.push_back(a);
    kpi::State merged = kpi::accumulate(*large.book, even);      // account 2's 6 x 10^12
    const kpi::State other = kpi::accumulate(*large.book, odd);  // account 6's 6 x 10^12
    ASSERT_TRUE(merged.narrow());
    ASSERT_TRUE(other.narrow());
    merged.merge(other);
    EXPECT_FALSE(merged.narrow());
    const kpi::Result whole = kpi::finalize(*large.book, rq, kpi::accumulate(*large.book, rq));
    const kpi::Result r = kpi::finalize(*large.book, rq, merged);
    ASSERT_EQ(r.rows(), 4U);
    EXPECT_EQ(r.values, whole.values);
    detail::Int128 r2 = 0;
    for (const auto& [at, sums] : large.by_account) {
        if (at.second == 5 && at.first % 4 == 2) r2 += sums.first;
    }
    EXPECT_EQ(r.column(kpi::Kpi::revenue)[2], detail::from_millionths(r2));
    // A narrow state into a wide one, and a wide one (read from bytes) into a narrow one.
    kpi::State into_wide = kpi::State::from_bytes(kpi::accumulate(*large.book, even).to_bytes());
    EXPECT_FALSE(into_wide.narrow());
    into_wide.merge(other);
    EXPECT_EQ(kpi::finalize(*large.book, rq, into_wide).values, whole.values);
    kpi::State into_narrow = kpi::accumulate(*large.book, odd);
    into_narrow.merge(kpi::State::from_bytes(kpi::accumulate(*large.book, even).to_bytes()));
    EXPECT_EQ(kpi::finalize(*large.book, rq, into_narrow).values, whole.values);
    EXPECT_EQ(other.to_bytes(), kpi::State::from_bytes(other.to_bytes()).to_bytes());
}

// The money KPIs of revenue and cost alone are read from a narrow state's 64-bit sums by a pass of their own:
// the same bits as from the same sums in 128 bits, months without revenue (a margin of NaN) included.
TEST(ExactMoney, ANarrowStateGivesTheSameMoneyKpisAsAWideOne) {
    demo::Options o;
    o.accounts = 300;
    o.years = 2;
    o.start_year = 2023;
    o.events = false;
    const Book book = demo::book(o);
    kpi::Request rq = year_of_sums({kpi::Key::project});
    rq.kpis = {kpi::Kpi::gross_margin, kpi::Kpi::revenue, kpi::Kpi::gross_profit, kpi::Kpi::cost};
    const kpi::State narrow = kpi::accumulate(book, rq);
    ASSERT_TRUE(narrow.narrow());
    const kpi::State wide = kpi::State::from_bytes(narrow.to_bytes());
    ASSERT_FALSE(wide.narrow());
    const kpi::Result a = kpi::finalize(book, rq, narrow), b = kpi::finalize(book, rq, wide);
    expect_same_values(a, b);
    const auto& margin = a.column(kpi::Kpi::gross_margin);
    EXPECT_TRUE(
        std::any_of(margin.begin(), margin.end(), [](double x) { return std::isnan(x); }));  // no revenue
}

// A narrow state's money KPIs are made a chunk of cells at a time: a chunk with a profit beyond 64 bits of
// millionths (account 3's January, a credit note of 5 x 10^12 against a cost of 5 x 10^12) or an amount
// beyond 2^51 millionths (account 250's June, 3 x 10^9) is made in 128 bits, the others in 64; the same
// values as a wide state's, and as by hand, a cost without revenue (account 100's March) a margin of NaN.
TEST(ExactMoney, ProfitsBeyond64BitsInANarrowStateAreExact) {
    std::vector<std::string> accounts, ids, dates;
    std::vector<double> amounts, costs;
    for (int a = 0; a < 400; ++a) accounts.push_back("a" + std::to_string(1000 + a));
    for (int month = 1; month <= 12; ++month) {
        for (int a = 0; a < 400; ++a) {
            const bool credit = a == 3 && month == 1, large = a == 250 && month == 6;
            const bool free = a == 100 && month == 3;
            ids.push_back(accounts[static_cast<std::size_t>(a)]);
            dates.push_back("2024-" + std::string(month < 10 ? "0" : "") + std::to_string(month) + "-15");
            amounts.push_back(credit ? -5e12 : large ? 3e9 : free ? 0.0 : 100.0 + a);
            costs.push_back(credit ? 5e12 : large ? 1.0 : 40.0);
        }
    }
    const Book book = book_of(ids, dates, amounts, costs);
    kpi::Request rq = year_of_sums({kpi::Key::account});
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::cost, kpi::Kpi::gross_profit, kpi::Kpi::gross_margin};
    const kpi::State narrow = kpi::accumulate(book, rq);
    ASSERT_TRUE(narrow.narrow());
    const kpi::Result r = kpi::finalize(book, rq, narrow);
    const kpi::Result wide = kpi::finalize(book, rq, kpi::State::from_bytes(narrow.to_bytes()));
    ASSERT_EQ(r.rows(), 400U * 12U);
    expect_same_values(r, wide);
    const auto row = [&](int a, int month) { return static_cast<std::size_t>(a * 12 + month - 1); };
    EXPECT_EQ(r.column(kpi::Kpi::gross_profit)[row(3, 1)], -1e13);
    EXPECT_EQ(r.column(kpi::Kpi::gross_margin)[row(3, 1)], 2.0);
    EXPECT_EQ(r.column(kpi::Kpi::revenue)[row(3, 1)], -5e12);
    EXPECT_EQ(r.column(kpi::Kpi::revenue)[row(250, 6)], 3e9);
    EXPECT_EQ(r.column(kpi::Kpi::gross_profit)[row(250, 6)], 3e9 - 1);
    EXPECT_EQ(r.column(kpi::Kpi::gross_margin)[row(250, 6)], (3e9 - 1) / 3e9);
    EXPECT_EQ(r.column(kpi::Kpi::gross_margin)[row(251, 6)], 311.0 / 351.0);
    EXPECT_EQ(r.column(kpi::Kpi::revenue)[row(3, 2)], 103.0);
    EXPECT_TRUE(std::isnan(r.column(kpi::Kpi::gross_margin)[row(100, 3)]));  // a cost without revenue
    EXPECT_EQ(r.column(kpi::Kpi::gross_profit)[row(100, 3)], -40.0);
}
