// Stopping long calls (issue 18, item 5): a build or a KPI request whose interruption is requested throws
// Interrupted promptly, on one thread or several, and leaves nothing behind.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/interrupt.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;

namespace {

const Book& book_of_2000() {
    static const Book book = [] {
        demo::Options o;
        o.accounts = 2000;
        return demo::book(o);
    }();
    return book;
}

kpi::Request daily_by_account(unsigned threads) {
    kpi::Request rq;
    for (Date d(2023, 1, 1); d < Date(2025, 12, 31); d = d + 1) rq.periods.emplace_back(d, d + 1);
    rq.by = {kpi::Key::account};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::retention_rate, kpi::Kpi::nrr};
    rq.threads = threads;
    return rq;
}

}  // namespace

TEST(Interrupt, NothingInScopeNeverStops) {
    EXPECT_NO_THROW(detail::check_interruption());
    Interruption stop;
    {
        const InterruptionScope scope(&stop);
        EXPECT_NO_THROW(detail::check_interruption());
        stop.request();
        EXPECT_THROW(detail::check_interruption(), Interrupted);
        EXPECT_NO_THROW(detail::interruption_point(1));  // checks only every 2^16 rows
        EXPECT_THROW(detail::interruption_point(65536), Interrupted);
    }
    EXPECT_NO_THROW(detail::check_interruption());  // out of scope again
}

TEST(Interrupt, ARequestedStopEndsABuildAndAKpiRequest) {
    Interruption stop;
    stop.request();
    const InterruptionScope scope(&stop);
    demo::Options o;
    o.accounts = 50;
    EXPECT_THROW((void)demo::book(o), Interrupted);
    for (unsigned threads : {1U, 2U}) {
        EXPECT_THROW((void)kpi::compute(book_of_2000(), daily_by_account(threads)), Interrupted) << threads;
    }
}

// The poll runs on the calling thread only, at most every `every`; a stop it asks for reaches every thread.
TEST(Interrupt, APollThatAsksForAStopEndsTheCallWithinItsInterval) {
    for (unsigned threads : {1U, 2U}) {
        const auto start = std::chrono::steady_clock::now();
        Interruption stop(
            [&] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(30); },
            std::chrono::milliseconds(5));
        const InterruptionScope scope(&stop);
        EXPECT_THROW((void)kpi::compute(book_of_2000(), daily_by_account(threads)), Interrupted);
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_LT(took, std::chrono::milliseconds(600)) << threads;  // 30 ms, plus a loaded machine's slack
    }
}

TEST(Interrupt, AnotherThreadCanRequestTheStop) {
    Interruption stop;
    std::jthread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        stop.request();
    });
    const InterruptionScope scope(&stop);
    EXPECT_THROW((void)kpi::compute(book_of_2000(), daily_by_account(2)), Interrupted);
}
