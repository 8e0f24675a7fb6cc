// The cache of per-period states (accountkpi/kpi/cache.hpp): a request served from it, on the Book it was
// filled from or on a Book appended to that one, gives the answer of a fresh computation, bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/kpi.hpp"
#include "append_fixture.hpp"

using namespace accountkpi;
using namespace accountkpi::appending;
using kpi::Key;

namespace {

/// The key sets checked: none, accounts (rows of every account on the book), owners, two keys crossed, a
/// tree rolled up, and volume bands (the trailing year's revenue).
const std::vector<std::vector<Key>>& key_sets() {
    static const std::vector<std::vector<Key>> sets{
        {}, {Key::account}, {Key::manager}, {Key::region, Key::tier}, {Key::team}, {Key::volume_band}};
    return sets;
}

/// Every month of 2025 and the month after, and 2025's quarters: periods before, at and after the day the
/// tests append from.
std::vector<Period> periods() {
    std::vector<Period> out;
    for (unsigned m = 1; m <= 12; ++m) out.push_back(Period::month(2025, m));
    out.push_back(Period::month(2026, 1));
    for (unsigned q = 1; q <= 4; ++q) out.push_back(Period::quarter(2025, q));
    return out;
}

/// The request of `kpis` (empty: every KPI) over `periods()` by `by`, with `cache`.
kpi::Request request(const std::vector<Key>& by, std::shared_ptr<kpi::StateCache> cache,
                     const std::vector<kpi::Kpi>& kpis = {}) {
    kpi::Request rq;
    rq.periods = periods();
    rq.by = by;
    rq.kpis = kpis;
    rq.cache = std::move(cache);
    return rq;
}

std::string what(const std::vector<Key>& by) {
    std::string out = "by";
    for (Key k : by) out += " " + std::string(kpi::name(k));
    return by.empty() ? "ungrouped" : out;
}

/// Fills a cache with every key set's request on `base`, appends `later`, and checks each request on the
/// appended Book, served by the warm cache, against the same request without a cache on the Book built
/// from everything. Returns the periods found in the cache after the append.
std::uint64_t expect_warm_cache_after_append(const Split& s, const std::vector<kpi::Kpi>& kpis = {}) {
    const Book base = built(s.base);
    const auto cache = std::make_shared<kpi::StateCache>(std::size_t{1} << 30);
    for (const auto& by : key_sets()) (void)kpi::compute(base, request(by, cache, kpis));
    const Book book = appended(base, s.later);
    const Book whole = built(s.whole);
    const auto [hits_before, misses_before] = cache->hits_and_misses();
    EXPECT_EQ(hits_before, 0U);
    for (const auto& by : key_sets()) {
        expect_same_bits(kpi::compute(book, request(by, cache, kpis)),
                         kpi::compute(whole, request(by, nullptr, kpis)), what(by));
    }
    return cache->hits_and_misses().first;
}

/// `tables` without the event rows of account `id` dated in `gap`.
Tables without(const Tables& tables, std::int64_t id, Period gap) {
    Tables out;
    for (const auto& [name, t] : tables) {
        if (!is_event_table(name)) {
            out.emplace_back(name, t);
            continue;
        }
        const auto& account = std::get<Column::Integers>(t.find("account_id")->data()).values;
        const auto& dates = std::get<Column::Dates>(t.find(date_column(name))->data());
        std::vector<std::uint32_t> keep;
        for (std::uint32_t i = 0; i < t.rows(); ++i) {
            if (account[i] != id || !gap.contains(Date{static_cast<Date::rep>(dates.day(i))}))
                keep.push_back(i);
        }
        out.emplace_back(name, t.take(keep));
    }
    return out;
}

}  // namespace

TEST(KpiCache, HitsGiveTheAnswerOfAFreshComputation) {
    const Book book = built(split(true, [](std::size_t, Date) { return false; }).base);
    const auto cache = std::make_shared<kpi::StateCache>(std::size_t{1} << 30);
    std::uint64_t expected_misses = 0;
    for (const auto& by : key_sets()) {
        const kpi::Result fresh = kpi::compute(book, request(by, nullptr));
        expect_same_bits(kpi::compute(book, request(by, cache)), fresh, what(by) + ", cold");
        expected_misses += periods().size();
        EXPECT_EQ(cache->hits_and_misses().second, expected_misses) << what(by);
        const auto hits = cache->hits_and_misses().first;
        expect_same_bits(kpi::compute(book, request(by, cache)), fresh, what(by) + ", warm");
        EXPECT_EQ(cache->hits_and_misses().first, hits + periods().size()) << what(by);
        // A request of some of the periods, in another order, read from the cache.
        kpi::Request some = request(by, cache), some_fresh = request(by, nullptr);
        some.periods = some_fresh.periods = {Period::quarter(2025, 2), Period::month(2025, 3)};
        expect_same_bits(kpi::compute(book, some), kpi::compute(book, some_fresh), what(by) + ", some");
        EXPECT_EQ(cache->hits_and_misses().second, expected_misses) << what(by);
    }
    // Requests of other KPIs, options or scopes are other states.
    kpi::Request other = request({Key::manager}, cache);
    other.options.nrr_base = kpi::Options::NrrBase::year_ago;
    other.scope.regions = {0};
    kpi::Request other_fresh = other;
    other_fresh.cache = nullptr;
    expect_same_bits(kpi::compute(book, other), kpi::compute(book, other_fresh), "options and scope");
    EXPECT_EQ(cache->hits_and_misses().second, expected_misses + periods().size());
}

TEST(KpiCache, AMidMonthAppendReusesTheMonthsBeforeIt) {
    for (const bool derived : {false, true}) {  // spells given, or derived from revenue (inactivity)
        const Split s = split(derived, [](std::size_t, Date d) { return !(d < Date::parse("2025-11-15")); });
        const std::uint64_t hits = expect_warm_cache_after_append(s);
        // January to October and the first three quarters, for each key set (except by account: see the
        // next test) found; November, December, the fourth quarter and January 2026 computed again.
        EXPECT_GT(hits, 0U) << "derived " << derived;
        EXPECT_LE(hits, key_sets().size() * 13) << "derived " << derived;
    }
}

TEST(KpiCache, RowsOfAnyDateAppendedReuseNothingTheyChange) {
    for (const bool derived : {false, true}) {
        const Split s = split(derived, [](std::size_t i, Date) { return i % 5 == 0; });
        EXPECT_EQ(expect_warm_cache_after_append(s), 0U) << "derived " << derived;
    }
}

TEST(KpiCache, AnAccountSeenAgainIsOnTheBookInTheMonthsBetween) {
    // An account with spells derived from revenue and no projects open after June 2024, without events from
    // July 2024 to 14 November 2025, and events after that, appended (with everyone's): the base knows it
    // until June 2024; the Book appended until December 2025, so that it is on the book (a row by account) in
    // the months between where it is no client.
    const Book all = built(split(true, [](std::size_t, Date) { return false; }).base);
    const auto& prj = all.projects();
    std::vector<Date> projects_until(all.accounts().size(), Date::null());  // sightings of its projects
    for (std::size_t i = 0; i < prj.size(); ++i) {
        auto& until = projects_until[static_cast<std::size_t>(prj.account[i])];
        until = std::max(until, prj.end[i].is_null() ? Date::max() : prj.end[i]);
    }
    const auto& sp = all.spells();
    std::int64_t id = -1;
    for (std::size_t a = 0; a < all.accounts().size() && id < 0; ++a) {
        if (projects_until[a] < Date::parse("2024-07-01") && sp.offsets[a] < sp.offsets[a + 1] &&
            sp.derived[sp.offsets[a]] && all.sightings().first_seen[a] < Date::parse("2024-01-01") &&
            Date::parse("2025-12-01") < all.sightings().last_seen[a])
            id = all.accounts().ids.integers()[a];
    }
    ASSERT_GE(id, 0) << "the demo has no account with derived spells, seen from 2023 to December 2025";
    Split s = split(true, [](std::size_t, Date d) { return !(d < Date::parse("2025-11-15")); });
    const Period gap{Date::parse("2024-07-01"), Date::parse("2025-11-15")};
    s.base = without(s.base, id, gap);
    s.whole = without(s.whole, id, gap);
    const Book base = built(s.base);
    const Book book = appended(base, s.later);
    EXPECT_LE(book.version().seen_from, gap.begin());
    EXPECT_LE(gap.end(), book.version().events_from);
    EXPECT_EQ(book.version().parent.get(), &base.version());
    // KPIs that read no day after their period (handover churn reads 90 days after it), so that August
    // to October, where the account is on the book only in the Book appended, are in the cache.
    const std::vector<kpi::Kpi> kpis{kpi::Kpi::revenue, kpi::Kpi::retention_rate, kpi::Kpi::nrr};
    EXPECT_GT(expect_warm_cache_after_append(s, kpis), 0U);
    // Those months alone (in a request with later months the account has a row in each month).
    const auto cache = std::make_shared<kpi::StateCache>();
    (void)kpi::compute(base, request({Key::account}, cache, kpis));
    kpi::Request some = request({Key::account}, cache, kpis), fresh = request({Key::account}, nullptr, kpis);
    some.periods = fresh.periods = {Period::month(2025, 8), Period::month(2025, 9), Period::month(2025, 10)};
    const kpi::Result r = kpi::compute(book, some);
    expect_same_bits(r, kpi::compute(built(s.whole), fresh), "August to October by account");
    EXPECT_GT(r.rows(), kpi::compute(base, fresh).rows());  // the account, seen again
}

TEST(KpiCache, SeveralAppendsReuseThroughTheLineage) {
    const Split s = split(true, [](std::size_t, Date d) { return !(d < Date::parse("2025-10-01")); });
    const auto cache = std::make_shared<kpi::StateCache>(std::size_t{1} << 30);
    Book book = built(s.base);
    // KPIs that read no day after their period (handover churn reads 90 days after it).
    const auto rq = [&](std::shared_ptr<kpi::StateCache> c) {
        kpi::Request r = request({}, std::move(c));
        r.kpis = {kpi::Kpi::revenue, kpi::Kpi::nrr, kpi::Kpi::churn_rate, kpi::Kpi::ltv_historical,
                  kpi::Kpi::backlog};
        return r;
    };
    (void)kpi::compute(book, rq(cache));
    for (unsigned m = 10; m <= 13; ++m) {  // 13: everything from 2026 on
        const Period month =
            m <= 12 ? Period::month(2025, m) : Period{Date::parse("2026-01-01"), Date::max()};
        const Split part = split(true, [&](std::size_t, Date d) { return month.contains(d); });
        book = appended(book, part.later);
        (void)kpi::compute(book, rq(cache));
    }
    const auto [hits, misses] = cache->hits_and_misses();
    // Ungrouped (the rows do not depend on sightings): January to September and Q1-Q3 after each of the
    // four appends (12 each), October after the last three, November after the last two, December and Q4
    // after the last one (January 2026 too when nothing from 2026 on was appended).
    EXPECT_GE(hits, 4U * 12 + 3 + 2 + 2);
    EXPECT_LE(hits, 4U * 12 + 3 + 2 + 3);
    expect_same_bits(kpi::compute(book, rq(cache)), kpi::compute(built(s.whole), rq(nullptr)),
                     "after four appends");
    EXPECT_EQ(cache->hits_and_misses().second, misses);
}

TEST(KpiCache, AnAppendInsideAPeriodsHandoverWindowChangesIt) {
    // X (spells derived from revenue, 60 days of inactivity) is handed from the closer K to the farmer F on
    // 10 June 2024. Its last line, on 5 June, ends its spell on 4 August: churned 55 days after the handover.
    // A line appended on 20 July, after June but within its 90-day handover window (to 29 September),
    // makes the spell end on 18 September, 100 days after the handover: June's answer changes.
    using namespace std::chrono;
    RowBuilder input(BuildOptions{.inactivity_days = 60});
    input.add(rows::Manager{.manager_id = "K", .role = Role::closer});
    input.add(rows::Manager{.manager_id = "F", .role = Role::farmer});
    input.add(rows::Account{.account_id = "X"});
    input.add(rows::Assignment{
        .manager_id = "K", .account_id = "X", .start = 2024y / 1 / 1, .end = 2024y / 6 / 10});
    input.add(rows::Assignment{.manager_id = "F", .account_id = "X", .start = 2024y / 6 / 10});
    for (const int m : {1, 2, 3, 4, 5})
        input.add(rows::Revenue{.account_id = "X", .date = 2024y / m / 15, .amount = 100});
    input.add(rows::Revenue{.account_id = "X", .date = 2024y / 6 / 5, .amount = 100});
    const Book base = input.build();
    Table later;
    later.add("account_id", Column::texts(std::vector<std::string>{"X"}));
    later.add("date", Column::dates(std::vector<Date>{Date::parse("2024-07-20")}));
    later.add("amount", Column::numbers(std::vector<double>{50}));
    const Book book = BookBuilder().add("revenue", later).append_to(base);
    const Book whole =
        input.add(rows::Revenue{.account_id = "X", .date = 2024y / 7 / 20, .amount = 50}).build();

    const auto cache = std::make_shared<kpi::StateCache>();
    kpi::Request rq;
    rq.periods = {Period::month(2024, 2), Period::month(2024, 6)};
    rq.kpis = {kpi::Kpi::handover_churn_rate};
    rq.cache = cache;
    EXPECT_EQ(kpi::compute(base, rq).values[0][1], 1.0);
    const kpi::Result warm = kpi::compute(book, rq);
    rq.cache = nullptr;
    const kpi::Result fresh = kpi::compute(whole, rq);
    EXPECT_EQ(fresh.values[0][1], 0.0);
    expect_same_bits(warm, fresh, "June, its handover window appended to");
    EXPECT_EQ(cache->hits_and_misses().first, 1U);  // February (its window ends on 30 May) is reused
}

TEST(KpiCache, TheBudgetBoundsTheBytesHeld) {
    const Book book = built(split(false, [](std::size_t, Date) { return false; }).base);
    const kpi::Result fresh = kpi::compute(book, request({Key::account}, nullptr));
    for (const std::size_t budget : {std::size_t{0}, std::size_t{200'000}}) {
        const auto cache = std::make_shared<kpi::StateCache>(budget);
        expect_same_bits(kpi::compute(book, request({Key::account}, cache)), fresh, "budget");
        EXPECT_LE(cache->bytes(), budget);
        EXPECT_LT(cache->size(), periods().size());
        expect_same_bits(kpi::compute(book, request({Key::account}, cache)), fresh, "budget, again");
    }
}
