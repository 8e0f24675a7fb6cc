// Regressions (issue 18, item 1): a state that from_bytes accepts is safe to merge and finalize; crafted
// bytes are rejected or refused with std::invalid_argument, never a crash or a huge allocation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;

namespace {

const Book& demo_book() {
    static const Book book = [] {
        demo::Options o;
        o.accounts = 40;
        return demo::book(o);
    }();
    return book;
}

kpi::Request request(std::vector<kpi::Key> by, std::vector<kpi::Kpi> kpis = {}) {
    kpi::Request rq;
    rq.periods = periods(Date(2024, 1, 1), Date(2025, 1, 1), Frequency::quarter);
    rq.by = std::move(by);
    rq.kpis = std::move(kpis);
    return rq;
}

/// `bytes` with its checksum made right again: what a crafted input can always do.
std::string resealed(std::string bytes) {
    const std::uint64_t sum = kpi::State::checksum(std::string_view(bytes).substr(0, bytes.size() - 8));
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
    return bytes;
}

template <class T>
void poke(std::string& bytes, std::size_t at, T value) {
    std::memcpy(bytes.data() + at, &value, sizeof value);
}

// Offsets in a version-4 state of one key.
constexpr std::size_t extent_at = 12 + 1 + 1;
constexpr std::size_t periods_at = extent_at + 8;
constexpr std::size_t groups_at = periods_at + 8 + 1 + 1 + kpi::State::n_sums + 1 + kpi::State::n_counts + 1;
constexpr std::size_t codes_at = groups_at + 8;

}  // namespace

TEST(RobustState, ChecksumCatchesAnyChangedByte) {
    const std::string bytes = kpi::accumulate(demo_book(), request({kpi::Key::region})).to_bytes();
    for (std::size_t at = 12; at + 8 < bytes.size(); at += 13) {
        std::string changed = bytes;
        changed[at] = static_cast<char>(changed[at] ^ 0x10);
        EXPECT_THROW((void)kpi::State::from_bytes(changed), std::invalid_argument) << at;
    }
    EXPECT_NO_THROW((void)kpi::State::from_bytes(resealed(bytes)));
}

// A key code beyond the other state's slots made merge write out of bounds.
TEST(RobustState, KeyCodesBeyondTheKeyAreRejected) {
    const auto rq = request({kpi::Key::region});
    const kpi::State st = kpi::accumulate(demo_book(), rq);
    std::string bytes = st.to_bytes();
    ASSERT_GT(st.groups(), 0U);
    poke<std::int32_t>(bytes, codes_at, 1'000'000);
    EXPECT_THROW((void)kpi::State::from_bytes(resealed(bytes)), std::invalid_argument);
    // The same code with a key that claims that many regions: read, but neither merges nor finalizes.
    poke<std::uint64_t>(bytes, extent_at, 2'000'000);
    const kpi::State foreign = kpi::State::from_bytes(resealed(bytes));
    kpi::State here = kpi::accumulate(demo_book(), rq);
    EXPECT_THROW(here.merge(foreign), std::invalid_argument);
    EXPECT_THROW((void)kpi::finalize(demo_book(), rq, foreign), std::invalid_argument);
    kpi::State copy = foreign;
    EXPECT_THROW(copy.merge(here), std::invalid_argument);
}

// finalize read the state with the request's periods and measures.
TEST(RobustState, FinalizeRefusesAStateOfAnotherRequest) {
    const auto rq = request({kpi::Key::manager}, {kpi::Kpi::revenue});
    const kpi::State st = kpi::State::from_bytes(kpi::accumulate(demo_book(), rq).to_bytes());
    auto fewer = rq;
    fewer.periods.erase(fewer.periods.begin() + 1, fewer.periods.end());
    EXPECT_THROW((void)kpi::finalize(demo_book(), fewer, st), std::invalid_argument);
    auto more = rq;
    more.periods.push_back(Period::year(2025));
    EXPECT_THROW((void)kpi::finalize(demo_book(), more, st), std::invalid_argument);
    auto other_kpis = rq;
    other_kpis.kpis = {kpi::Kpi::nrr, kpi::Kpi::gini};
    EXPECT_THROW((void)kpi::finalize(demo_book(), other_kpis, st), std::invalid_argument);
    auto other_keys = rq;
    other_keys.by = {kpi::Key::region};
    EXPECT_THROW((void)kpi::finalize(demo_book(), other_keys, st), std::invalid_argument);
    demo::Options bigger;
    bigger.accounts = 41;
    const auto by_account = request({kpi::Key::account}, {kpi::Kpi::revenue});
    EXPECT_THROW(
        (void)kpi::finalize(demo::book(bigger), by_account, kpi::accumulate(demo_book(), by_account)),
        std::invalid_argument);
    EXPECT_NO_THROW((void)kpi::finalize(demo_book(), rq, st));
    // A state with a period count unlike the request's, crafted.
    std::string bytes = kpi::accumulate(demo_book(), rq).to_bytes();
    poke<std::uint64_t>(bytes, periods_at, 3);
    EXPECT_THROW((void)kpi::State::from_bytes(resealed(bytes)), std::invalid_argument);  // cells missing
}

// A 206-byte input allocated 256 MiB (a group table of the size the bytes claimed).
TEST(RobustState, MemoryIsBoundedByTheBytesGiven) {
    kpi::Request rq = request({kpi::Key::account}, {kpi::Kpi::revenue});
    rq.scope.accounts = {0};
    std::string bytes = kpi::accumulate(demo_book(), rq).to_bytes();
    poke<std::uint64_t>(bytes, extent_at, std::uint64_t{1} << 26);  // a key of 2^26 accounts
    const kpi::State st = kpi::State::from_bytes(resealed(bytes));
    EXPECT_EQ(st.slots(), st.groups());  // no table of 2^26 slots
    EXPECT_LE(st.slots(), 1U);
    std::string many = bytes;
    poke<std::uint64_t>(many, groups_at, std::uint64_t{1} << 40);  // more groups than the bytes hold
    EXPECT_THROW((void)kpi::State::from_bytes(resealed(many)), std::invalid_argument);
    poke<std::uint64_t>(many, extent_at, std::uint64_t{1} << 40);  // a key beyond 32-bit codes
    EXPECT_THROW((void)kpi::State::from_bytes(resealed(many)), std::invalid_argument);
}

TEST(RobustState, ImplausibleCountsAndValuesAreRejected) {
    const auto rq = request({}, {kpi::Kpi::deals, kpi::Kpi::median_deal_size});
    const std::string bytes = kpi::accumulate(demo_book(), rq).to_bytes();
    // Ungrouped: no codes; the cells (one count, deals, per period) then the list.
    const std::size_t counts_at = 12 + 1 + 8 + 1 + 1 + kpi::State::n_sums + 1 + kpi::State::n_counts + 1 + 8;
    std::string negative = bytes;
    poke<std::int64_t>(negative, counts_at, -5);
    EXPECT_THROW((void)kpi::State::from_bytes(resealed(negative)), std::invalid_argument);
    std::string huge = bytes;
    poke<std::int64_t>(huge, counts_at, std::int64_t{1} << 62);  // merging two would overflow
    EXPECT_THROW((void)kpi::State::from_bytes(resealed(huge)), std::invalid_argument);
    std::string nan_value = bytes;  // the last deal value: before two empty lists and the checksum
    poke<double>(nan_value, bytes.size() - 32, std::nan(""));
    EXPECT_THROW((void)kpi::State::from_bytes(resealed(nan_value)), std::invalid_argument);
}

TEST(RobustState, MergingAStateWithItselfDoublesIt) {
    const auto rq =
        request({kpi::Key::manager, kpi::Key::region}, {kpi::Kpi::deals, kpi::Kpi::median_deal_size});
    kpi::State st = kpi::accumulate(demo_book(), rq);
    const double deals = kpi::finalize(demo_book(), rq, st).values[0][0];
    st.merge(st);
    EXPECT_EQ(kpi::finalize(demo_book(), rq, st).values[0][0], 2 * deals);
}
