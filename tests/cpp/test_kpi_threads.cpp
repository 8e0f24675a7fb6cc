// The engine's answer does not depend on how many threads compute it, nor on its fast paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "accountkpi/demo.hpp"
#include "accountkpi/detail/sum.hpp"
#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/interrupt.hpp"
#include "accountkpi/kpi.hpp"
#include "book_fixture.hpp"

#if defined(__linux__)
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace accountkpi;
using kpi::Key;
using kpi::Kpi;

namespace {

const Book& big_book() {  // enough work (about 2 x 10^5 lines and account-periods) to split among threads
    static const Book book = [] {
        demo::Options o;
        o.seed = 7;
        o.accounts = 10'000;
        o.years = 2;
        return demo::book(o);
    }();
    return book;
}

kpi::Request months_of(int year) {
    kpi::Request rq;
    for (unsigned m = 1; m <= 12; ++m) rq.periods.push_back(Period::month(year, m));
    return rq;
}

void expect_same_bits(const kpi::Result& a, const kpi::Result& b) {
    ASSERT_EQ(a.rows(), b.rows());
    EXPECT_EQ(a.key_codes, b.key_codes);
    EXPECT_EQ(a.period, b.period);
    ASSERT_EQ(a.values.size(), b.values.size());
    for (std::size_t k = 0; k < a.values.size(); ++k) {
        for (std::size_t i = 0; i < a.rows(); ++i) {
            ASSERT_EQ(std::bit_cast<std::uint64_t>(a.values[k][i]),
                      std::bit_cast<std::uint64_t>(b.values[k][i]))
                << kpi::name(a.kpis[k]) << " row " << i;
        }
    }
}

}  // namespace

TEST(KpiThreads, AnyNumberOfThreadsGivesTheSameBits) {
    for (const std::vector<Key>& by : {std::vector<Key>{},
                                       {Key::manager},
                                       {Key::account},
                                       {Key::region},
                                       {Key::manager, Key::region}}) {  // one key: slices; else parts
        kpi::Request rq = months_of(2024);
        rq.by = by;  // all KPIs: every pass of the engine
        rq.threads = 1;
        const kpi::Result one = kpi::compute(big_book(), rq);
        const kpi::State state = kpi::accumulate(big_book(), rq);
        for (unsigned t : {2U, 5U}) {
            rq.threads = t;
            expect_same_bits(one, kpi::compute(big_book(), rq));
            // The state itself, groups in use and all (the threads' slots marked in one pass).
            const kpi::State split = kpi::accumulate(big_book(), rq);
            EXPECT_EQ(split.groups(), state.groups()) << t << " threads";
            EXPECT_TRUE(split.to_bytes() == state.to_bytes()) << t << " threads";
        }
    }
}

TEST(KpiThreads, PeriodsOfUnequalWorkGiveTheSameBitsOnAnyNumberOfThreads) {
    // The threads take runs of periods of about equal work, not of as many periods: here a half-year and a
    // year (overlapping the months) hold most of the lines, so the runs differ from equal counts of periods.
    kpi::Request rq;
    for (unsigned m = 1; m <= 6; ++m) rq.periods.push_back(Period::month(2024, m));
    rq.periods.push_back(Period{Date{2024, 7, 1}, Date{2025, 1, 1}});
    rq.periods.push_back(Period{Date{2024, 1, 1}, Date{2025, 1, 1}});
    rq.periods.push_back(Period::month(2024, 3));  // listed twice
    for (const std::vector<Key>& by : {std::vector<Key>{}, {Key::manager}, {Key::account}, {Key::region}}) {
        rq.by = by;
        rq.threads = 1;
        const kpi::Result one = kpi::compute(big_book(), rq);
        for (unsigned t : {2U, 3U, 9U}) {
            rq.threads = t;
            expect_same_bits(one, kpi::compute(big_book(), rq));
        }
    }
}

TEST(KpiThreads, ThePoolsThreadsServeRequestAfterRequest) {
    // The threads a request splits onto are kept between requests (more are started when a request asks for
    // more than the pool has): request after request, with more threads than cores too, the same bits; a
    // request stopped on them leaves them as able as before.
    kpi::Request rq = months_of(2024);
    rq.threads = 1;
    const kpi::Result totals = kpi::compute(big_book(), rq);
    rq.by = {Key::account};
    const kpi::Result by_account = kpi::compute(big_book(), rq);
    for (int round = 0; round < 6; ++round) {
        rq.threads = round % 2 == 0 ? 2U : 7U;
        rq.by = {};
        expect_same_bits(totals, kpi::compute(big_book(), rq));
        rq.by = {Key::account};
        expect_same_bits(by_account, kpi::compute(big_book(), rq));
    }
    {
        Interruption stop;
        stop.request();
        const InterruptionScope in_scope(&stop);
        EXPECT_THROW((void)kpi::compute(big_book(), rq), Interrupted);
    }
    expect_same_bits(by_account, kpi::compute(big_book(), rq));
}

TEST(KpiThreads, CallersKeepingThePoolAwakeAtOnceGetTheirOwnAnswers) {
    // A request split among threads keeps the pool's threads spinning between its steps, waking them at its
    // start: callers doing so at once, while another's step holds the pool, neither stop its step nor wait
    // for one another, and get the answers they get alone.
    std::vector<kpi::Request> rqs(3, months_of(2024));
    rqs[0].by = {Key::account};
    rqs[1].by = {Key::manager};
    rqs[2].by = {Key::region};
    std::vector<kpi::Result> alone;
    for (kpi::Request& rq : rqs) {
        rq.threads = 2;
        alone.push_back(kpi::compute(big_book(), rq));
    }
    std::vector<std::jthread> callers;  // GoogleTest's checks may run on any thread
    for (std::size_t c = 0; c < 6; ++c) {
        callers.emplace_back([&, c] {
            for (std::size_t round = 0; round < 4; ++round) {
                const std::size_t j = (c + round) % rqs.size();
                expect_same_bits(kpi::compute(big_book(), rqs[j]), alone[j]);
            }
        });
    }
}

#if defined(__linux__)  // memory is kept on Linux only; sysconf
TEST(KpiThreads, MemoryReleasedWhileOthersComputeLeavesTheirAnswersAsAlone) {
    // `release_memory` gives back the blocks and columns kept while callers take and give them back: each
    // caller's answer is the one it gets alone (under ThreadSanitizer, no race on what is kept).
    kpi::Request rq = months_of(2024);
    rq.by = {Key::project};
    rq.kpis = {Kpi::revenue, Kpi::gross_margin, Kpi::nrr, Kpi::median_deal_size};
    rq.threads = 2;
    const kpi::Result alone = kpi::compute(big_book(), rq);
    std::atomic<bool> done{false};
    std::jthread releaser([&done] {
        while (!done.load()) {
            (void)kpi::release_memory();
            std::this_thread::yield();
        }
    });
    {
        std::vector<std::jthread> callers;
        for (int c = 0; c < 3; ++c) {
            callers.emplace_back([&] {
                for (int round = 0; round < 4; ++round) expect_same_bits(kpi::compute(big_book(), rq), alone);
            });
        }
    }
    done = true;
    releaser.join();
    (void)kpi::release_memory();
    EXPECT_EQ(kpi::release_memory(), 0U);  // nothing kept since
    expect_same_bits(kpi::compute(big_book(), rq), alone);
    EXPECT_GT(kpi::release_memory(), 0U);  // the request's state was kept, and given back
}

TEST(KpiThreads, TheDefaultStateBudgetIs256MiBOrAQuarterOfTheMachinesMemory) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    ASSERT_GT(pages, 0);
    ASSERT_GT(page, 0);
    const std::size_t quarter = static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 4;
    EXPECT_EQ(kpi::default_state_budget(), std::min(std::size_t{256} << 20, quarter));
}
#endif

#if defined(__linux__) && !defined(__SANITIZE_THREAD__)  // ThreadSanitizer stops a forked child's threads
TEST(KpiThreads, AChildOfForkSplitsItsRequestsToo) {
    // A process forked after its requests used the pool's threads (Python's multiprocessing, a server's
    // workers) has none of them: its requests neither wait for them nor differ (it starts a pool of its own;
    // a caller also takes back the tasks no pool thread started).
    kpi::Request rq = months_of(2024);
    rq.by = {Key::account};
    rq.threads = 2;
    const kpi::Result parent = kpi::compute(big_book(), rq);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        alarm(60);  // a child waiting for threads it does not have ends, and the test fails
        const kpi::Result again = kpi::compute(big_book(), rq);
        bool same = again.key_codes == parent.key_codes && again.period == parent.period &&
                    again.values.size() == parent.values.size();
        for (std::size_t k = 0; same && k < again.values.size(); ++k) {  // every KPI, bit for bit
            same = std::equal(again.values[k].begin(), again.values[k].end(), parent.values[k].begin(),
                              parent.values[k].end(), [](double a, double b) {
                                  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
                              });
        }
        _exit(same ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "the child was stopped by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's answer differs";
}
#endif

TEST(KpiThreads, AHostsExecutorRunsTheTasks) {
    // A host's executor (here: the tasks one after another, in reverse, on the calling thread) gets every
    // task of a split request, and the answer is the same bits as on the engine's own threads.
    for (const std::vector<Key>& by : {std::vector<Key>{}, {Key::manager, Key::region}}) {
        kpi::Request rq = months_of(2024);
        rq.by = by;
        rq.threads = 4;
        const kpi::Result own = kpi::compute(big_book(), rq);
        std::size_t calls = 0, tasks = 0;
        rq.executor = [&](std::size_t n, const std::function<void(std::size_t)>& task) {
            ++calls;
            for (std::size_t t = n; t-- > 0;) {
                task(t);
                ++tasks;
            }
        };
        expect_same_bits(own, kpi::compute(big_book(), rq));
        EXPECT_GE(calls, 1U);
        EXPECT_GE(tasks, 2U);  // split: about 2 x 10^5 of work, 10^5 at least per task
    }
    // An exception in a task reaches the caller after the executor returns: the stop is requested once the
    // tasks are handed over, so they throw Interrupted inside the executor.
    kpi::Request rq = months_of(2024);
    rq.threads = 2;
    Interruption stop;
    bool handed_over = false;
    rq.executor = [&](std::size_t n, const std::function<void(std::size_t)>& task) {
        handed_over = true;
        stop.request();
        for (std::size_t t = 0; t < n; ++t) task(t);
    };
    const InterruptionScope in_scope(&stop);
    EXPECT_THROW((void)kpi::compute(big_book(), rq), Interrupted);
    EXPECT_TRUE(handed_over);
}

TEST(KpiThreads, AdoptingPartsOfPeriodsEqualsTheWhole) {
    const Book& book = big_book();
    kpi::Request rq = months_of(2024);
    rq.by = {Key::manager};
    rq.kpis = {Kpi::revenue, Kpi::nrr, Kpi::retention_rate, Kpi::median_deal_size, Kpi::gini};
    rq.threads = 1;
    const kpi::Result whole = kpi::compute(book, rq);
    kpi::Request first = rq, second = rq;
    first.periods.assign(rq.periods.begin(), rq.periods.begin() + 5);
    second.periods.assign(rq.periods.begin() + 5, rq.periods.end());
    const kpi::State a = kpi::accumulate(book, first), b = kpi::accumulate(book, second);
    std::array<bool, kpi::State::n_sums> sums{};
    std::array<bool, kpi::State::n_counts> counts{};
    for (std::size_t m = 0; m < sums.size(); ++m) sums[m] = a.has(static_cast<kpi::State::Sum>(m));
    for (std::size_t m = 0; m < counts.size(); ++m) counts[m] = a.has(static_cast<kpi::State::Count>(m));
    kpi::State all(rq.by, {book.managers().size()}, 12, sums, counts, a.account_level());
    all.adopt(b, 5);  // in any order
    all.adopt(a, 0);
    expect_same_bits(whole, kpi::finalize(book, rq, all));
    EXPECT_THROW(all.adopt(b, 8), std::invalid_argument);  // periods 8 to 15 of a 12-period state
    kpi::State other(rq.by, {book.managers().size()}, 12, {}, counts, a.account_level());
    EXPECT_THROW(other.adopt(a, 0), std::invalid_argument);  // other measures: another request
}

TEST(KpiThreads, UngroupedRevenueIsTheCompensatedSumOfTheSlice) {
    const Book& book = big_book();
    kpi::Request rq = months_of(2024);
    rq.kpis = {Kpi::revenue, Kpi::cost, Kpi::gross_margin};
    const kpi::Result fast = kpi::compute(book, rq);
    kpi::Request scoped = rq;  // a scope of every account takes the per-line path
    for (std::size_t a = 0; a < book.accounts().size(); ++a)
        scoped.scope.accounts.push_back(static_cast<std::int32_t>(a));
    const kpi::Result slow = kpi::compute(book, scoped);
    const auto& r = book.revenue();
    for (std::size_t m = 0; m < 12; ++m) {
        detail::NeumaierSum amount, cost;
        const auto [lo, hi] = rows_in(r.date, rq.periods[m]);
        for (std::size_t i = lo; i < hi; ++i) {
            amount.add(r.amount[i]);
            cost.add(r.cost[i]);
        }
        // Amounts are whole cents: both sums are exact, so equal.
        EXPECT_EQ(fast.column(Kpi::revenue)[m], amount.value());
        EXPECT_EQ(fast.column(Kpi::cost)[m], cost.value());
        EXPECT_EQ(slow.column(Kpi::revenue)[m], amount.value());
        EXPECT_EQ(fast.column(Kpi::gross_margin)[m], slow.column(Kpi::gross_margin)[m]);
    }
}

// Lines that add only revenue and cost to few cells (one key of few codes, or by account in a book small
// enough for the accounts' sums to stay in a cache, as here) are summed apart before the cells; asking for
// upsell revenue too takes every line through the general pass: same rows, same bits.
TEST(KpiThreads, LinesSummedPerCellEqualTheGeneralPass) {
    const Book& book = big_book();
    for (Key key : {Key::region, Key::domain, Key::manager, Key::team, Key::tier, Key::account,
                    Key::account_group, Key::project}) {
        for (bool scoped : {false, true}) {
            kpi::Request rq = months_of(2024);
            rq.by = {key};
            rq.kpis = {Kpi::revenue, Kpi::cost, Kpi::gross_profit};
            if (scoped) {
                for (std::int32_t a = 0; a < static_cast<std::int32_t>(book.accounts().size()); a += 3)
                    rq.scope.accounts.push_back(a);
            }
            kpi::Request general = rq;
            general.kpis.push_back(Kpi::upsell_revenue);
            for (unsigned t : {1U, 2U}) {
                rq.threads = general.threads = t;
                kpi::Result g = kpi::compute(book, general);
                g.kpis.pop_back();
                g.values.pop_back();
                expect_same_bits(g, kpi::compute(book, rq));
            }
        }
    }
}

TEST(KpiThreads, RevenueByAnAccountsRegionOrDomainSumsItsAccountsLines) {
    // By hand: each line's amount added to its account's region (or domain), in each month.
    const Book& book = big_book();
    for (Key key : {Key::region, Key::domain}) {
        const auto& code_of = key == Key::region ? book.accounts().region : book.accounts().domain;
        kpi::Request rq = months_of(2024);
        rq.by = {key};
        rq.kpis = {Kpi::revenue};
        std::map<std::pair<std::int32_t, std::int32_t>, double> by_hand;  // (code, month) -> revenue
        const auto& lines = book.revenue();
        for (std::size_t i = 0; i < lines.size(); ++i) {
            for (std::size_t p = 0; p < rq.periods.size(); ++p) {
                if (!rq.periods[p].contains(lines.date[i])) continue;
                const std::int32_t code = code_of[static_cast<std::size_t>(lines.account[i])];
                by_hand[{code, static_cast<std::int32_t>(p)}] += lines.amount[i];
            }
        }
        for (unsigned t : {1U, 2U}) {
            rq.threads = t;
            const kpi::Result r = kpi::compute(book, rq);
            ASSERT_EQ(r.rows(), by_hand.size()) << kpi::name(key);
            for (std::size_t i = 0; i < r.rows(); ++i) {
                const double expected = by_hand.at({r.key_codes[0][i], r.period[i]});
                EXPECT_NEAR(r.values[0][i], expected, 1e-6 * std::abs(expected))
                    << kpi::name(key) << " row " << i;
            }
        }
    }
}

// A state of a kept block's size (4 MiB and more) is made in the memory of the state of the request before,
// handed out uncleared and cleared by each thread a period at a time (`detail::DeferredZeroing`): a request
// computed again and again on two threads keeps the bits of its computation on one.
TEST(KpiThreads, AStateInTheMemoryOfAnEarlierOneStartsFromZero) {
    const Book& book = big_book();
    kpi::Request rq = months_of(2024);
    rq.by = {Key::account};
    rq.kpis = {Kpi::revenue,        Kpi::gross_margin, Kpi::avg_deal_size,
               Kpi::retention_rate, Kpi::churn_rate,   Kpi::nrr};
    rq.threads = 1;
    const kpi::Result one = kpi::compute(book, rq);
    ASSERT_GE(kpi::accumulate(book, rq).bytes(), detail::ZeroedAllocator<char>::mapped_from);
    rq.threads = 2;
    for (int round = 0; round < 3; ++round) expect_same_bits(one, kpi::compute(book, rq));
}

// A smaller state (from the heap) is handed out uncleared too, in the heap's memory of the state before, and
// cleared a chunk on each thread.
TEST(KpiThreads, AStateFromTheHeapStartsFromZero) {
    const Book& book = big_book();
    kpi::Request rq = months_of(2024);
    rq.by = {Key::account};
    rq.kpis = {Kpi::revenue, Kpi::gross_margin};
    rq.threads = 1;
    const kpi::Result one = kpi::compute(book, rq);
    ASSERT_LT(kpi::accumulate(book, rq).bytes(), detail::ZeroedAllocator<char>::mapped_from);
    rq.threads = 2;
    for (int round = 0; round < 3; ++round) expect_same_bits(one, kpi::compute(book, rq));
}

// A state from the heap in the memory of another request's is not cleared where the lines' sums set every
// cell (by account in a small book, revenue and cost alone), and is where its records hold anything more
// (here a count of communications beside the sums): the same bits as afresh either way.
TEST(KpiThreads, AStateFromTheHeapOfAnotherRequestHasEveryCellSetOrCleared) {
    const Book& book = big_book();
    for (const bool counts : {false, true}) {
        SCOPED_TRACE(counts);
        kpi::Request rq = months_of(2024);
        rq.by = {Key::account};
        rq.kpis = {Kpi::revenue, Kpi::gross_margin};
        if (counts) rq.kpis.push_back(Kpi::communications);
        rq.threads = 1;
        const kpi::Result one = kpi::compute(book, rq);
        kpi::Request other = rq;  // a state of the same size, other values
        other.periods = months_of(2023).periods;
        other.threads = rq.threads = 2;
        for (int round = 0; round < 2; ++round) {
            (void)kpi::compute(book, other);
            expect_same_bits(one, kpi::compute(book, rq));
        }
    }
}

#if defined(__linux__)  // columns are kept on Linux only
// A result's columns in the memory of columns given back (see `detail::keep_column`) are not cleared before
// they are written: every key, period and KPI value is written, none left from the columns before.
TEST(KpiThreads, AResultInTheMemoryOfColumnsGivenBackHasEveryValueWritten) {
    const Book& book = big_book();
    kpi::Request rq = months_of(2024);
    rq.by = {Key::project};
    rq.kpis = {Kpi::revenue, Kpi::gross_margin, Kpi::avg_deal_size, Kpi::median_deal_size};
    const kpi::Result fresh = kpi::compute(book, rq);
    ASSERT_GE(fresh.rows() * sizeof(double), std::size_t{256} << 10);  // large enough to be kept
    for (int round = 0; round < 2; ++round) {
        // Columns of other values, one a little longer, given back as numpy gives back a result's.
        for (std::size_t k = 0; k < rq.kpis.size(); ++k)
            detail::keep_column(std::vector<double>(fresh.rows() + k, 12345.0));
        detail::keep_column(std::vector<std::int32_t>(fresh.rows(), 99));
        detail::keep_column(std::vector<std::int32_t>(fresh.rows() + 1, -7));
        expect_same_bits(fresh, kpi::compute(book, rq));
    }
}
#endif

// An account's group that is not a row yet is looked for again in each period: west's only account, first
// seen in February, is on the book in March without a line there; west has a row in January and March (rows
// are stable), as a request of March alone has.
TEST(KpiThreads, ARegionOnTheBookOnlyLaterHasARowInEveryPeriod) {
    using fixture::days;
    using fixture::numbers;
    using fixture::texts;
    Table acc;
    acc.add("account_id", texts({"A", "B", "C"}));
    acc.add("region", texts({"north", "north", "west"}));
    Table rev;
    rev.add("account_id", texts({"A", "B", "C", "A"}));
    rev.add("date", days({"2024-01-10", "2024-01-20", "2024-02-10", "2024-03-05"}));
    rev.add("amount", numbers({10, 20, 40, 30}));
    BookBuilder b;
    b.add("accounts", std::move(acc));
    b.add("revenue", std::move(rev));
    const Book book = b.build();
    kpi::Request rq;
    rq.periods = {Period::month(2024, 1), Period::month(2024, 3)};
    rq.by = {Key::region};
    rq.kpis = {Kpi::revenue};
    const kpi::Result r = kpi::compute(book, rq);
    ASSERT_EQ(r.rows(), 4U);  // north and west, 2 months each
    EXPECT_EQ(r.key_codes[0][0], r.key_codes[0][1]);
    EXPECT_EQ(r.key_codes[0][2], r.key_codes[0][3]);
    EXPECT_NE(r.key_codes[0][0], r.key_codes[0][2]);
    EXPECT_EQ(r.column(Kpi::revenue), (std::vector<double>{30, 30, 0, 0}));
    kpi::Request march = rq;
    march.periods = {Period::month(2024, 3)};
    EXPECT_EQ(kpi::compute(book, march).rows(), 2U);
}

TEST(KpiThreads, AccountsOnTheBookWithoutALineInTheRequestHaveTheirRows) {
    // No line falls in February to April 2024: every row by account comes from the accounts on the book.
    // A was seen in January (a client since), B from November 2023 to June 2024; C was last seen in 2020 and
    // D first in September 2024: neither is on the book in those months.
    using fixture::days;
    using fixture::numbers;
    using fixture::texts;
    Table acc;
    acc.add("account_id", texts({"A", "B", "C", "D"}));
    Table rev;
    rev.add("account_id", texts({"C", "B", "A", "B", "D"}));
    rev.add("date", days({"2020-01-15", "2023-11-05", "2024-01-10", "2024-06-10", "2024-09-01"}));
    rev.add("amount", numbers({10, 20, 30, 40, 50}));
    BookBuilder b;
    b.add("accounts", std::move(acc));
    b.add("revenue", std::move(rev));
    const Book book = b.build();
    kpi::Request rq;
    rq.periods = {Period::month(2024, 2), Period::month(2024, 3), Period::month(2024, 4)};
    rq.by = {Key::account};
    rq.kpis = {Kpi::revenue};
    const kpi::Result r = kpi::compute(book, rq);
    ASSERT_EQ(r.rows(), 6U);
    const std::int32_t a = *book.accounts().ids.find("A"), bb = *book.accounts().ids.find("B");
    EXPECT_EQ(r.key_codes[0], (std::vector<std::int32_t>{a, a, a, bb, bb, bb}));
    EXPECT_EQ(r.column(Kpi::revenue), (std::vector<double>(6, 0.0)));
    // The same rows when each period is accumulated by itself (a state cache holds one state a period).
    kpi::Request cached = rq;
    cached.cache = std::make_shared<kpi::StateCache>();
    expect_same_bits(kpi::compute(book, cached), r);
    // And from the big book, by account and by region, on two threads, each with its run of months.
    for (const Key key : {Key::account, Key::region}) {
        kpi::Request big = months_of(2024);
        big.by = {key};
        big.kpis = {Kpi::revenue, Kpi::gross_margin};
        big.threads = 2;
        kpi::Request per_period = big;
        per_period.cache = std::make_shared<kpi::StateCache>(std::size_t{1} << 30);
        expect_same_bits(kpi::compute(big_book(), big), kpi::compute(big_book(), per_period));
    }
}

namespace {

// The Book of `acc`, `assignments` and `rev` whose managers are M1, M2 and M3, all farmers.
Book three_farmers_book(Table acc, Table assignments, Table rev) {
    Table managers;
    managers.add("manager_id", fixture::texts({"M1", "M2", "M3"}));
    managers.add("role", fixture::texts({"farmer", "farmer", "farmer"}));
    BookBuilder b;
    b.add("accounts", std::move(acc));
    b.add("managers", std::move(managers));
    b.add("assignments", std::move(assignments));
    b.add("revenue", std::move(rev));
    return b.build();
}

// A, owned by M1 throughout, has lines in January, February and March; B, a client all the time (its January
// line keeps it one for a year), is owned by M2 until 15 February, then by `next` (none: nobody). With
// `late_client`, C comes on 5 February (a line of 5), owned by M1 from 1 to 10 February and from March.
Book handed_over_book(const std::string& next, bool late_client = false) {
    using fixture::days;
    using fixture::numbers;
    using fixture::texts;
    Table acc;
    std::vector<std::string> acc_ids{"A", "B"};
    Table assignments;
    std::vector<std::string> ids{"M1", "M2"}, accounts{"A", "B"}, starts{"2023-01-01", "2023-01-01"},
        ends{"", "2024-02-15"};
    const auto assign = [&](const std::string& manager, const std::string& account, const std::string& start,
                            const std::string& end) {
        ids.push_back(manager);
        accounts.push_back(account);
        starts.push_back(start);
        ends.push_back(end);
    };
    std::vector<std::string> lines{"A", "B", "A", "A"},
        dates{"2024-01-10", "2024-01-20", "2024-02-10", "2024-03-05"};
    std::vector<double> amounts{10, 20, 30, 40};
    if (!next.empty()) assign(next, "B", "2024-02-15", "");
    if (late_client) {
        acc_ids.emplace_back("C");
        assign("M1", "C", "2024-02-01", "2024-02-10");
        assign("M1", "C", "2024-03-01", "");
        lines.emplace_back("C");
        dates.emplace_back("2024-02-05");
        amounts.push_back(5);
    }
    acc.add("account_id", texts(acc_ids));
    assignments.add("manager_id", texts(ids));
    assignments.add("account_id", texts(accounts));
    assignments.add("start", days(starts));
    assignments.add("end", days(ends));
    Table rev;
    rev.add("account_id", texts(lines));
    rev.add("date", days(dates));
    rev.add("amount", numbers(amounts));
    return three_farmers_book(std::move(acc), std::move(assignments), std::move(rev));
}

// Account A, first seen on 10 January 2024, with three owners given latest first: M2 from 1 February, M3 from
// 5 to 20 January, M1 from June 2023 to `first_end` (exclusive).
Book overlapping_owners_book(const std::string& first_end) {
    using fixture::days;
    using fixture::numbers;
    using fixture::texts;
    Table acc;
    acc.add("account_id", texts({"A"}));
    Table assignments;
    assignments.add("manager_id", texts({"M2", "M3", "M1"}));
    assignments.add("account_id", texts({"A", "A", "A"}));
    assignments.add("start", days({"2024-02-01", "2024-01-05", "2023-06-01"}));
    assignments.add("end", days({"", "2024-01-20", first_end}));
    Table rev;
    rev.add("account_id", texts({"A", "A", "A"}));
    rev.add("date", days({"2024-01-10", "2024-02-10", "2024-03-10"}));
    rev.add("amount", numbers({10, 20, 30}));
    return three_farmers_book(std::move(acc), std::move(assignments), std::move(rev));
}

kpi::Result revenue_by_manager(const Book& book, const std::vector<unsigned>& months) {
    kpi::Request rq;
    for (unsigned m : months) rq.periods.push_back(Period::month(2024, m));
    rq.by = {Key::manager};
    rq.kpis = {Kpi::revenue};
    return kpi::compute(book, rq);
}
kpi::Result revenue_by_manager(const Book& book, unsigned first_month) {
    std::vector<unsigned> months;
    for (unsigned m = first_month; m <= 3; ++m) months.push_back(m);
    return revenue_by_manager(book, months);
}

}  // namespace

// By manager, an account is done for the request once the groups of all its managers are rows and owners hold
// it every day to the request's end. Without an owner after M2, B is on the book unowned from February: a
// row of none; with M3 after M2, M3 has its row although no line of the request is his.
TEST(KpiThreads, ManagersWhoTakeOverOrLeaveAnAccountHaveTheirRows) {
    const kpi::Result left = revenue_by_manager(handed_over_book(""), 1);
    ASSERT_EQ(left.rows(), 9U);  // none, M1 and M2, 3 months each
    EXPECT_EQ(left.key_codes[0][0], none);
    EXPECT_EQ(left.column(Kpi::revenue), (std::vector<double>{0, 0, 0, 10, 30, 40, 20, 0, 0}));
    EXPECT_EQ(revenue_by_manager(handed_over_book(""), 3).rows(), 2U);  // none and M1: M2 owns nothing then
    const kpi::Result taken = revenue_by_manager(handed_over_book("M3"), 1);
    ASSERT_EQ(taken.rows(), 9U);  // M1, M2 and M3
    EXPECT_EQ(taken.key_codes[0][6], 2);
    EXPECT_EQ(taken.column(Kpi::revenue), (std::vector<double>{10, 30, 40, 20, 0, 0, 0, 0, 0}));
}

// Owners that overlap, given in any order, hold an account without a gap when each one's term begins before
// the one before it ends: A is then no row of none in any month (M1 until 1 March, M2 from 1 February; M3's
// days lie within M1's), and is one in January when M1 leaves on 25 January, a week before M2 comes.
TEST(KpiThreads, OverlappingOwnersInAnyOrderLeaveNoGap) {
    const auto keys = [](const kpi::Result& r) {
        std::set<std::int32_t> out(r.key_codes[0].begin(), r.key_codes[0].end());
        return out;
    };
    const auto total = [](const kpi::Result& r) {
        const auto& v = r.column(Kpi::revenue);
        return std::accumulate(v.begin(), v.end(), 0.0);
    };
    for (unsigned first_month : {1U, 2U}) {
        const kpi::Result owned = revenue_by_manager(overlapping_owners_book("2024-03-01"), first_month);
        // M1, M2 and, owning A in January, M3: no row of none.
        EXPECT_EQ(keys(owned),
                  first_month == 1 ? (std::set<std::int32_t>{0, 1, 2}) : (std::set<std::int32_t>{0, 1}));
        EXPECT_EQ(total(owned), first_month == 1 ? 60.0 : 50.0);
    }
    const kpi::Result gap = revenue_by_manager(overlapping_owners_book("2024-01-25"), 1);
    EXPECT_EQ(keys(gap), (std::set<std::int32_t>{none, 0, 1, 2}));
    EXPECT_EQ(gap.rows(), 12U);  // 4 groups, 3 months each
    EXPECT_EQ(total(gap), 60.0);
}

// The periods of a request come in any order: with March first, C (owned all of March) is not done after it,
// February is still to come, where C is a row of none (see the test below).
TEST(KpiThreads, AnAccountUnownedInAnEarlierPeriodListedLaterIsARowOfNone) {
    const Book book = handed_over_book("M3", true);
    const kpi::Result r = revenue_by_manager(book, std::vector<unsigned>{3, 1, 2});
    ASSERT_EQ(r.rows(), 12U) << "none, M1, M2 and M3, 3 months each";
    EXPECT_EQ(r.key_codes[0][0], none);
    // The same rows as with the months in order: (manager, month, revenue) alike.
    const auto rows = [](const kpi::Result& res, const std::vector<unsigned>& months) {
        std::vector<std::tuple<std::int32_t, unsigned, double>> out;
        for (std::size_t i = 0; i < res.rows(); ++i)
            out.emplace_back(res.key_codes[0][i], months[static_cast<std::size_t>(res.period[i])],
                             res.column(Kpi::revenue)[i]);
        std::sort(out.begin(), out.end());
        return out;
    };
    EXPECT_EQ(rows(r, {3, 1, 2}), rows(revenue_by_manager(book, 1), {1, 2, 3}));
}

// An account is done once owners hold it every day from its first day on record (not before: it is on the
// book in no period before that day) to the request's end. C, first seen on 5 February, is owned then but not
// from 10 February to March: unowned on its reference day in February (the 29th), a row of none that no line
// has.
TEST(KpiThreads, AnAccountUnownedAfterItsFirstDayIsARowOfNone) {
    const kpi::Result r = revenue_by_manager(handed_over_book("M3", true), 1);
    ASSERT_EQ(r.rows(), 12U);  // none, M1, M2 and M3
    EXPECT_EQ(r.key_codes[0][0], none);
    EXPECT_EQ(r.column(Kpi::revenue), (std::vector<double>{0, 0, 0, 10, 35, 40, 20, 0, 0, 0, 0, 0}));
}

// A request whose cells of all periods at once would take more than `state_budget` is made one period at a
// time, each thread holding one period's cells: the same rows and bits for every KPI, by each key with a slot
// per code, on any number of threads, with the periods in any order (the handed-over book's March before
// January: C is a row of none in February only) and within a scope.
TEST(KpiThreads, OnePeriodAtATimeGivesTheSameBitsAsAllAtOnce) {
    const auto both = [](const Book& book, kpi::Request rq) {
        rq.state_budget = std::size_t{1} << 40;
        const kpi::Result whole = kpi::compute(book, rq);
        rq.state_budget = 0;
        const kpi::Result by_period = kpi::compute(book, rq);
        expect_same_bits(whole, by_period);
        return by_period.rows();
    };
    const Book& book = big_book();
    for (Key key : {Key::account, Key::manager, Key::region, Key::project, Key::volume_band}) {
        for (unsigned t : {1U, 2U, 5U}) {
            kpi::Request rq = months_of(2024);
            rq.by = {key};
            rq.threads = t;
            EXPECT_GT(both(book, rq), 0U) << kpi::name(key);
        }
    }
    kpi::Request scoped = months_of(2024);
    scoped.by = {Key::account};
    scoped.kpis = {Kpi::revenue, Kpi::nrr, Kpi::clients_end, Kpi::median_deal_size, Kpi::top_share};
    for (std::int32_t a = 0; a < static_cast<std::int32_t>(book.accounts().size()); a += 7)
        scoped.scope.accounts.push_back(a);
    EXPECT_GT(both(book, scoped), 0U);
    kpi::Request handed;
    for (unsigned m : {3U, 1U, 2U}) handed.periods.push_back(Period::month(2024, m));
    handed.by = {Key::manager};
    for (unsigned t : {1U, 3U}) {
        handed.threads = t;
        EXPECT_EQ(both(handed_over_book("M3", true), handed), 12U);
    }
}

// With a cache, a request one period at a time reads the periods the cache holds, whichever path put them
// there, and computes and puts in it the others: the same bits as all at once without a cache.
TEST(KpiThreads, OnePeriodAtATimeWithACacheGivesTheSameBits) {
    constexpr std::size_t all_at_once = std::size_t{1} << 40, period_at_a_time = 0;
    const Book& book = big_book();
    for (Key key : {Key::account, Key::manager, Key::region, Key::project, Key::volume_band}) {
        for (unsigned t : {1U, 2U}) {
            SCOPED_TRACE(std::string(kpi::name(key)) + ", threads " + std::to_string(t));
            kpi::Request rq = months_of(2024);
            rq.by = {key};
            rq.threads = t;
            const kpi::Result whole = kpi::compute(book, rq);
            const auto counts = [&rq] {
                const auto [hits, misses] = rq.cache->hits_and_misses();
                return std::vector<std::uint64_t>{hits, misses};
            };
            rq.cache = std::make_shared<kpi::StateCache>(std::size_t{1} << 30);
            rq.state_budget = period_at_a_time;
            expect_same_bits(kpi::compute(book, rq), whole);  // computed and put in the cache
            EXPECT_EQ(counts(), (std::vector<std::uint64_t>{0, 12}));
            expect_same_bits(kpi::compute(book, rq), whole);  // found
            EXPECT_EQ(counts(), (std::vector<std::uint64_t>{12, 12}));
            rq.state_budget = all_at_once;
            expect_same_bits(kpi::compute(book, rq), whole);  // found by the other path
            EXPECT_EQ(counts(), (std::vector<std::uint64_t>{24, 12}));
            // The first half of the year put in a cache all at once, then the year one period at a time.
            rq.cache = std::make_shared<kpi::StateCache>(std::size_t{1} << 30);
            kpi::Request half = rq;
            half.periods.erase(half.periods.begin() + 6, half.periods.end());
            (void)kpi::compute(book, half);
            rq.state_budget = period_at_a_time;
            expect_same_bits(kpi::compute(book, rq), whole);
            EXPECT_EQ(counts(), (std::vector<std::uint64_t>{6, 12}));
        }
    }
}
