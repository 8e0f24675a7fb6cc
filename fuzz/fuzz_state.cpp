// Coverage-guided fuzz target (libFuzzer) for KPI state bytes, what Dask moves between processes: a state
// that State::from_bytes accepts must be safe to merge (both ways) and to finalize against a Book and a
// request, which either use it or refuse it with std::invalid_argument. Any crash, sanitizer report or other
// exception is a finding.
//
// Input: the first byte chooses the Book's request (`requests` below) and whether the checksum is made right
// again before reading (odd: yes, so that the fuzzer reaches what lies behind it); the rest is the state.
// Seeds: fuzz/make_state_seeds.py; regressions (the crafted cases of issue 18): fuzz/state/regressions.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;

namespace {

/// The Book the states are read against: the demo book of 30 accounts (`demo_book(accounts=30)`).
const Book& fuzz_book() {
    static const Book book = [] {
        demo::Options o;
        o.accounts = 30;
        return demo::book(o);
    }();
    return book;
}

/// The requests a state may belong to; the seeds hold one state of each.
std::vector<kpi::Request> requests() {
    const auto with = [](std::vector<kpi::Key> by, std::vector<kpi::Kpi> kpis, Frequency f) {
        kpi::Request rq;
        rq.periods = periods(Date(2024, 1, 1), Date(2025, 1, 1), f);
        rq.by = std::move(by);
        rq.kpis = std::move(kpis);
        rq.threads = 1;
        return rq;
    };
    using K = kpi::Key;
    using P = kpi::Kpi;
    return {
        with({}, {}, Frequency::quarter),
        with({K::region}, {P::revenue, P::nrr, P::gini, P::median_deal_size}, Frequency::quarter),
        with({K::account}, {P::revenue, P::retention_rate, P::grr}, Frequency::month),
        with({K::manager, K::region}, {}, Frequency::year),
        with({K::service_line}, {P::revenue, P::deals, P::request_response_days}, Frequency::quarter),
    };
}

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const std::vector<kpi::Request> all = requests();
    const kpi::Request& rq = all[(data[0] / 2) % all.size()];
    std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] % 2 == 1 && bytes.size() >= 8) {
        const std::uint64_t sum = kpi::State::checksum(std::string_view(bytes).substr(0, bytes.size() - 8));
        std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
    }
    kpi::State st;
    try {
        st = kpi::State::from_bytes(bytes);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    check(st.to_bytes() == bytes);  // read as written: nothing claimed beyond the bytes was made
    const Book& book = fuzz_book();
    try {
        (void)kpi::finalize(book, rq, st);
    } catch (const std::invalid_argument&) {
    }
    kpi::State here = kpi::accumulate(book, rq);
    try {
        here.merge(st);
        (void)kpi::finalize(book, rq, here);
    } catch (const std::invalid_argument&) {
    }
    try {
        kpi::State there = st;
        there.merge(kpi::accumulate(book, rq));
        there.merge(there);
        (void)kpi::finalize(book, rq, there);
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
