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
// (No time bound is asserted: tests never assert timings, and sanitizer builds run many times slower.)
TEST(Interrupt, APollThatAsksForAStopEndsTheCall) {
    for (unsigned threads : {1U, 2U}) {
        int polls = 0;
        Interruption stop([&] { return ++polls >= 2; }, std::chrono::milliseconds(1));
        const InterruptionScope scope(&stop);
        EXPECT_THROW((void)kpi::compute(book_of_2000(), daily_by_account(threads)), Interrupted) << threads;
        EXPECT_GE(polls, 2) << threads;
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
