// kpi::State to and from bytes: what a worker ships back for a distributed merge.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;

namespace {

const Book& small_demo() {
    static const Book book = [] {
        demo::Options o;
        o.accounts = 60;
        return demo::book(o);
    }();
    return book;
}

kpi::Request grouped_request(std::vector<kpi::Key> by) {
    kpi::Request rq;
    rq.periods = periods(Date(2024, 1, 1), Date(2025, 1, 1), Frequency::quarter);
    rq.by = std::move(by);
    return rq;
}

// Bitwise equal results (NaN equals NaN): a round trip must not change a single bit.
void expect_identical(const kpi::Result& a, const kpi::Result& b) {
    ASSERT_EQ(a.rows(), b.rows());
    EXPECT_EQ(a.key_codes, b.key_codes);
    EXPECT_EQ(a.period, b.period);
    ASSERT_EQ(a.kpis, b.kpis);
    for (std::size_t k = 0; k < a.kpis.size(); ++k) {
        for (std::size_t r = 0; r < a.rows(); ++r) {
            EXPECT_EQ(std::memcmp(&a.values[k][r], &b.values[k][r], sizeof(double)), 0)
                << kpi::name(a.kpis[k]) << " row " << r;
        }
    }
}

}  // namespace

TEST(StateIo, RoundTripKeepsEveryKpiBitForBit) {
    const Book& book = small_demo();
    for (const auto& by : std::vector<std::vector<kpi::Key>>{
             {}, {kpi::Key::manager, kpi::Key::region}, {kpi::Key::service_line}, {kpi::Key::account}}) {
        const auto rq = grouped_request(by);
        const kpi::State st = kpi::accumulate(book, rq);
        const std::string bytes = st.to_bytes();
        EXPECT_EQ(bytes.size(), st.serialized_size());
        const kpi::State back = kpi::State::from_bytes(bytes);
        EXPECT_EQ(back.groups(), st.groups());
        EXPECT_EQ(back.to_bytes(), bytes);
        expect_identical(kpi::finalize(book, rq, back), kpi::finalize(book, rq, st));
    }
}

TEST(StateIo, RoundTrippedStatesStillMerge) {
    const Book& book = small_demo();
    const auto rq = grouped_request({kpi::Key::manager, kpi::Key::volume_band});
    kpi::Request even = rq, odd = rq;
    for (std::int32_t a = 0; a < static_cast<std::int32_t>(book.accounts().size()); ++a) {
        (a % 2 ? odd : even).scope.accounts.push_back(a);
    }
    kpi::State direct = kpi::accumulate(book, even);
    direct.merge(kpi::accumulate(book, odd));
    kpi::State shipped = kpi::State::from_bytes(kpi::accumulate(book, even).to_bytes());
    shipped.merge(kpi::State::from_bytes(kpi::accumulate(book, odd).to_bytes()));
    expect_identical(kpi::finalize(book, rq, shipped), kpi::finalize(book, rq, direct));
}

// One key: a state has a slot per account, in use or not. A state scoped to half of the accounts ships only
// the groups in use, and merges with the other half (shipped or not) into the whole book's answer.
TEST(StateIo, OneKeyStatesShipOnlyTheGroupsInUse) {
    const Book& book = small_demo();
    const auto rq = grouped_request({kpi::Key::account});
    kpi::Request even = rq, odd = rq;
    for (std::int32_t a = 0; a < static_cast<std::int32_t>(book.accounts().size()); ++a) {
        (a % 2 ? odd : even).scope.accounts.push_back(a);
    }
    const kpi::State half = kpi::accumulate(book, even);
    ASSERT_GT(half.groups(), 0U);
    EXPECT_LT(half.groups(), half.slots());
    const kpi::State back = kpi::State::from_bytes(half.to_bytes());
    EXPECT_EQ(back.groups(), half.groups());
    EXPECT_EQ(back.to_bytes(), half.to_bytes());
    expect_identical(kpi::finalize(book, even, back), kpi::finalize(book, even, half));

    kpi::State direct = kpi::accumulate(book, even);
    direct.merge(kpi::accumulate(book, odd));
    kpi::State mixed = kpi::State::from_bytes(half.to_bytes());
    mixed.merge(kpi::accumulate(book, odd));
    expect_identical(kpi::finalize(book, rq, mixed), kpi::finalize(book, rq, direct));

    const kpi::Result whole = kpi::finalize(book, rq, kpi::accumulate(book, rq));
    const kpi::Result merged = kpi::finalize(book, rq, direct);
    ASSERT_EQ(merged.rows(), whole.rows());
    EXPECT_EQ(merged.key_codes, whole.key_codes);
    for (std::size_t k = 0; k < whole.kpis.size(); ++k) {
        for (std::size_t r = 0; r < whole.rows(); ++r) {
            const double x = merged.values[k][r], y = whole.values[k][r];
            if (std::isnan(y)) {
                EXPECT_TRUE(std::isnan(x)) << kpi::name(whole.kpis[k]) << " row " << r;
            } else {
                EXPECT_NEAR(x, y, 1e-9 * std::max(1.0, std::abs(y)))
                    << kpi::name(whole.kpis[k]) << " row " << r;
            }
        }
    }
}

TEST(StateIo, RejectsTruncatedCorruptAndForeignBytes) {
    const auto rq = grouped_request({kpi::Key::region});
    const std::string bytes = kpi::accumulate(small_demo(), rq).to_bytes();
    for (std::size_t n = 0; n < bytes.size(); n += 7) {
        EXPECT_THROW((void)kpi::State::from_bytes(std::string_view(bytes).substr(0, n)),
                     std::invalid_argument)
            << n;
    }
    EXPECT_THROW((void)kpi::State::from_bytes(bytes + "x"), std::invalid_argument);
    std::string bad_magic = bytes;
    bad_magic[0] = 'X';
    EXPECT_THROW((void)kpi::State::from_bytes(bad_magic), std::invalid_argument);
    std::string other_version = bytes;
    other_version[4] = 9;
    EXPECT_THROW((void)kpi::State::from_bytes(other_version), std::invalid_argument);
    std::string bad_extent = bytes;  // the first key's cardinality + 1, after the header and the key
    bad_extent[12 + 1 + 1] = 0;
    EXPECT_THROW((void)kpi::State::from_bytes(bad_extent), std::invalid_argument);
    std::string other_order = bytes;
    std::swap(other_order[8], other_order[11]);
    EXPECT_THROW((void)kpi::State::from_bytes(other_order), std::invalid_argument);
}

TEST(StateIo, EmptyStateRoundTrips) {
    const kpi::State empty;
    EXPECT_EQ(kpi::State::from_bytes(empty.to_bytes()).groups(), 0U);
}

// A state keeps money in 64-bit cells while the sums fit (`narrow`); widened (as a merge that would overflow
// does it) every KPI is the same bits, by every key shape (no key, a crossing, one key, per account).
TEST(StateIo, WideningChangesNoKpi) {
    const Book& book = small_demo();
    for (const auto& by : std::vector<std::vector<kpi::Key>>{
             {}, {kpi::Key::manager, kpi::Key::region}, {kpi::Key::service_line}, {kpi::Key::account}}) {
        const auto rq = grouped_request(by);  // every KPI: every money sum of a cell
        const kpi::State st = kpi::accumulate(book, rq);
        ASSERT_TRUE(st.narrow());
        kpi::State wide = st;
        wide.widen();
        EXPECT_FALSE(wide.narrow());
        EXPECT_LT(st.bytes(), wide.bytes());
        EXPECT_EQ(wide.to_bytes(), st.to_bytes());
        expect_identical(kpi::finalize(book, rq, wide), kpi::finalize(book, rq, st));
    }
}
