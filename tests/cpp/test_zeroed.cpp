// detail::ZeroedVector: zeros whatever memory it is given, small or large, new or kept from an earlier
// vector. detail::DeferredZeroing: hands a kept block out as it was. The blocks kept longest make room for
// the last one given back. detail::keep_column: a result's column given back lends its memory to the next
// one of about as many values. detail::populate_for_writing: faults fresh pages in; leaves small ranges and
// pages in already.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <utility>
#include <vector>

#include "accountkpi/detail/zeroed.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

using accountkpi::detail::ZeroedVector;

namespace {

template <class T>
bool all_zero(const ZeroedVector<T>& v) {
    return std::all_of(v.begin(), v.end(), [](T x) { return x == T{0}; });
}

}  // namespace

TEST(Zeroed, SmallAndLargeVectorsStartAsZeros) {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{1} << 20,
                          (std::size_t{3} << 20) + 7}) {
        const ZeroedVector<double> v(n);
        EXPECT_EQ(v.size(), n);
        EXPECT_TRUE(all_zero(v)) << n;
    }
}

TEST(Zeroed, ABlockGivenBackIsClearedBeforeItIsUsedAgain) {
    // The same size, a smaller one in the same huge pages, a larger one: all zeros after a vector full of
    // ones of each size was freed.
    const std::size_t n = (std::size_t{5} << 20) + 3;  // 40 MiB of doubles: a kept block
    for (std::size_t m : {n, n - 1000, n + 1000, n / 2}) {
        {
            ZeroedVector<double> dirty(n, 1.0);
            ZeroedVector<std::int64_t> counts(m, 7);
        }
        const ZeroedVector<double> again(m);
        const ZeroedVector<std::int64_t> counts(n);
        EXPECT_TRUE(all_zero(again)) << m;
        EXPECT_TRUE(all_zero(counts)) << m;
    }
}

#if defined(__linux__)
TEST(Zeroed, WhatIsKeptIsAThirtySecondOfTheMachinesMemoryFrom256MiBTo1GiB) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    ASSERT_GT(pages, 0);
    ASSERT_GT(page, 0);
    const auto share = static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 32;
    EXPECT_EQ(accountkpi::detail::kept_bytes_cap(),
              std::clamp(share, std::size_t{256} << 20, std::size_t{1} << 30));
}
#endif

TEST(Zeroed, BlocksLargerThanWhatIsKeptAndManyAtOnce) {
    {
        // More than is ever kept.
        ZeroedVector<double> big(
            accountkpi::detail::kept_bytes_cap() / sizeof(double) + (std::size_t{1} << 20), 2.0);
        EXPECT_EQ(big.back(), 2.0);
    }
    std::vector<ZeroedVector<double>> many;
    for (int i = 0; i < 12; ++i)
        many.emplace_back(std::size_t{1} << 20, static_cast<double>(i));  // 8 MiB each
    many.clear();
    for (int i = 0; i < 12; ++i) {
        many.emplace_back(std::size_t{1} << 20);
        EXPECT_TRUE(all_zero(many.back())) << i;
    }
}

TEST(Zeroed, ThreadsTakeAndGiveBackBlocks) {
    std::vector<std::jthread> threads;
    std::vector<int> ok(4, 1);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t, &ok] {
            for (int i = 0; i < 20; ++i) {
                ZeroedVector<double> v((std::size_t{1} << 20) + static_cast<std::size_t>(i % 3));
                if (!all_zero(v)) ok[static_cast<std::size_t>(t)] = 0;
                std::fill(v.begin(), v.end(), 3.0);
            }
        });
    }
    threads.clear();
    EXPECT_EQ(ok, std::vector<int>(4, 1));
}

#if defined(__linux__)
// Blocks are kept as they were given back, and `DeferredZeroing` hands one out so: a mark written before it
// was given back shows whether a block is the one kept.
TEST(Zeroed, UnderDeferredZeroingAKeptBlockComesBackAsItWasAndNewMemoryAsZeros) {
    using accountkpi::detail::DeferredZeroing;
    constexpr std::size_t mib = std::size_t{1} << 20;
    const std::size_t bytes = 46 * mib;  // a size no other test asks for
    auto* block = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(bytes));
    block[0] = 9;
    accountkpi::detail::release_block(block, bytes);
    {
        const DeferredZeroing uncleared;
        EXPECT_FALSE(uncleared.dirty());
        auto* again = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(bytes));
        EXPECT_TRUE(uncleared.dirty());
        EXPECT_EQ(again[0], 9);
        accountkpi::detail::release_block(again, bytes);
    }
    auto* cleared = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(bytes));
    EXPECT_EQ(cleared[0], 0);
    accountkpi::detail::release_block(cleared, bytes);
}

// Under `DeferredZeroing` an array from the heap is handed out uncleared (its caller clears it), outside it
// cleared: a mark written into the memory of an array given back is not seen by the next one.
TEST(Zeroed, UnderDeferredZeroingAnArrayFromTheHeapIsHandedOutUncleared) {
    using accountkpi::detail::DeferredZeroing;
    using accountkpi::detail::ZeroedVector;
    {
        const DeferredZeroing uncleared;
        EXPECT_FALSE(uncleared.dirty());
        const ZeroedVector<std::int64_t> v(1000);
        EXPECT_TRUE(uncleared.dirty());
    }
    for (int round = 0; round < 3; ++round) {
        ZeroedVector<std::int64_t> v(1000);
        EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](std::int64_t x) { return x == 0; })) << round;
        std::fill(v.begin(), v.end(), 5);
    }
}

// The blocks kept longest go back to the system to make room for the last one given back: a block of a
// size no request asks for again would otherwise hold its room for good.
TEST(Zeroed, TheBlocksKeptLongestMakeRoomForTheLastOneGivenBack) {
    using accountkpi::detail::DeferredZeroing;
    constexpr std::size_t mib = std::size_t{1} << 20;
    const std::size_t first = accountkpi::detail::kept_bytes_cap() - 54 * mib,
                      last = 62 * mib;  // over what is kept
    auto* a = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(first));
    a[0] = 7;
    accountkpi::detail::release_block(a, first);
    auto* b = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(last));
    b[0] = 9;
    accountkpi::detail::release_block(b, last);  // the first one goes
    const DeferredZeroing uncleared;
    auto* kept = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(last));
    EXPECT_EQ(kept[0], 9);
    auto* fresh = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(first));
    EXPECT_EQ(fresh[0], 0);
    accountkpi::detail::release_block(kept, last);
    accountkpi::detail::release_block(fresh, first);
}
#endif

#if defined(__linux__)  // columns are kept on Linux only
TEST(Zeroed, AColumnGivenBackLendsItsMemoryToTheNextColumnOfAboutAsManyValues) {
    using accountkpi::detail::keep_column;
    using accountkpi::detail::reserve_on_huge_pages;
    // Sizes no other test keeps, so that the columns found are these.
    constexpr std::size_t n = 1'234'567;  // 9.4 MiB of doubles
    std::vector<double> given(n, 1.5);
    const double* memory = given.data();
    keep_column(std::move(given));
    EXPECT_EQ(given.capacity(), 0U);  // moved from: kept
    std::vector<double> larger, much_smaller, next;
    reserve_on_huge_pages(larger, n + 1);  // more than it holds: new memory
    EXPECT_NE(larger.data(), memory);
    reserve_on_huge_pages(much_smaller, n / 2 - 1);  // under half of it: new memory
    EXPECT_NE(much_smaller.data(), memory);
    reserve_on_huge_pages(next, n / 2 + 1);
    EXPECT_EQ(next.data(), memory);
    EXPECT_TRUE(next.empty());
    next.assign(n / 2 + 1, 2.0);
    EXPECT_EQ(next.data(), memory);  // within its room: not moved
    std::vector<double> again;
    reserve_on_huge_pages(again, n / 2 + 1);  // lent out once only
    EXPECT_NE(again.data(), memory);
    // Codes, and a column too small to keep, which stays with its owner.
    std::vector<std::int32_t> codes(3'000'001, 7), small(1000, 7);
    const std::int32_t* code_memory = codes.data();
    keep_column(std::move(codes));
    keep_column(std::move(small));
    EXPECT_EQ(small.size(), 1000U);
    std::vector<std::int32_t> next_codes;
    reserve_on_huge_pages(next_codes, 3'000'001);
    EXPECT_EQ(next_codes.data(), code_memory);
}

TEST(Zeroed, AColumnSizedForOverwritingHasAKeptColumnsValuesOrElseCopiesOfTheValueGiven) {
    using accountkpi::detail::keep_column;
    using accountkpi::detail::size_for_overwrite;
    // Sizes no other test keeps, so that the columns found are these.
    constexpr std::size_t n = 1'345'679;
    std::vector<double> given(n, 1.5);
    const double* memory = given.data();
    keep_column(std::move(given));
    std::vector<double> shorter;
    size_for_overwrite(shorter, n - 10, -1.0);  // the kept memory, its values left as they were
    EXPECT_EQ(shorter.data(), memory);
    ASSERT_EQ(shorter.size(), n - 10);
    EXPECT_EQ(shorter.front(), 1.5);
    EXPECT_EQ(shorter.back(), 1.5);
    std::vector<double> none_kept;
    size_for_overwrite(none_kept, n - 10, -1.0);  // none kept of that size: copies of the value
    EXPECT_NE(none_kept.data(), memory);
    EXPECT_EQ(std::count(none_kept.begin(), none_kept.end(), -1.0), static_cast<std::ptrdiff_t>(n - 10));
    // A kept column shorter than its room: its values, then zeros.
    std::vector<std::int32_t> codes(2'000'003, 7);
    codes.reserve(2'100'000);
    const std::int32_t* code_memory = codes.data();
    keep_column(std::move(codes));
    std::vector<std::int32_t> longer;
    size_for_overwrite(longer, 2'050'000, std::int32_t{-1});
    EXPECT_EQ(longer.data(), code_memory);
    ASSERT_EQ(longer.size(), 2'050'000U);
    EXPECT_EQ(longer[2'000'002], 7);
    EXPECT_EQ(longer[2'000'003], 0);
}

TEST(Zeroed, TheColumnsKeptLongestMakeRoomForTheLastOneGivenBack) {
    using accountkpi::detail::keep_column;
    using accountkpi::detail::reserve_on_huge_pages;
    // Whether a page 1 MiB into `p` is in memory: a kept column's pages are (written when it was made); new
    // memory's are not yet (freed memory may come back at the same address, so addresses alone do not
    // tell). Not the first page: an allocator may write there (AddressSanitizer fills a new block's first
    // 4 KiB).
    const auto in_memory = [](const double* p) {
        const auto page = (reinterpret_cast<std::uintptr_t>(p) + (std::size_t{1} << 20)) / 4096 * 4096;
        unsigned char in = 0;
        // NOLINTNEXTLINE(performance-no-int-to-ptr)
        EXPECT_EQ(mincore(reinterpret_cast<void*>(page), 4096, &in), 0);
        return (in & 1U) != 0;
    };
    constexpr std::size_t mib = std::size_t{1} << 20;
    const std::size_t first = (accountkpi::detail::kept_bytes_cap() - 55 * mib) / sizeof(double) + 3,
                      last = 61 * mib / sizeof(double) + 3;
    std::vector<double> a(first), b(last);
    keep_column(std::move(a));
    keep_column(std::move(b));  // together over what is kept: the first one goes
    std::vector<double> for_b, for_a;
    reserve_on_huge_pages(for_b, last);
    reserve_on_huge_pages(for_a, first);
    EXPECT_TRUE(in_memory(for_b.data()));
    EXPECT_FALSE(in_memory(for_a.data()));
}
#endif

#if defined(__linux__)
TEST(Zeroed, ReleasingWhatIsKeptGivesItsBytesBackAndTheNextRequestsNewMemory) {
    using accountkpi::detail::DeferredZeroing;
    constexpr std::size_t mib = std::size_t{1} << 20;
    (void)accountkpi::detail::release_kept();  // what earlier tests left
    auto* block = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(6 * mib));
    block[0] = 5;
    accountkpi::detail::release_block(block, 6 * mib);
    accountkpi::detail::keep_column(std::vector<double>(mib / sizeof(double), 1.0));  // 1 MiB
    EXPECT_EQ(accountkpi::detail::release_kept(), 7 * mib);
    EXPECT_EQ(accountkpi::detail::release_kept(), 0U);
    std::vector<double> column;
    EXPECT_FALSE(accountkpi::detail::reuse_column(column, mib / sizeof(double)));
    const DeferredZeroing uncleared;  // a kept block would come back as it was
    auto* again = static_cast<unsigned char*>(accountkpi::detail::zeroed_block(6 * mib));
    EXPECT_EQ(again[0], 0);
    accountkpi::detail::release_block(again, 6 * mib);
    (void)accountkpi::detail::release_kept();
}
#endif

#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
namespace {

/// How many of the `pages` 4 KiB pages from `p` (page-aligned) are in memory.
std::size_t pages_in(void* p, std::size_t pages) {
    std::vector<unsigned char> in(pages);
    EXPECT_EQ(mincore(p, pages * 4096, in.data()), 0);
    return static_cast<std::size_t>(
        std::count_if(in.begin(), in.end(), [](unsigned char c) { return c & 1U; }));
}

/// Whether the running kernel knows MADV_POPULATE_WRITE (Linux 5.14 on; the headers may be newer).
bool kernel_populates() {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    const bool known = madvise(p, 4096, MADV_POPULATE_WRITE) == 0;
    munmap(p, 4096);
    return known;
}

}  // namespace

TEST(Zeroed, PopulatingForWritingFaultsFreshPagesInAndLeavesSmallRangesAlone) {
    if (!kernel_populates()) GTEST_SKIP() << "the kernel has no MADV_POPULATE_WRITE";
    const std::size_t pages = 2048;  // 8 MiB
    void* p = mmap(nullptr, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    accountkpi::detail::populate_for_writing(p, 64 * 4096);  // under 4 MiB: left alone
    EXPECT_EQ(pages_in(p, pages), 0U);
    accountkpi::detail::populate_for_writing(p, 1536 * 4096);  // 6 MiB: in, the rest not
    EXPECT_GE(pages_in(p, pages), 1536U);                      // more only where huge pages back it
    munmap(p, pages * 4096);
}

TEST(Zeroed, PopulatingForWritingSkipsMemoryWrittenBefore) {
    if (!kernel_populates()) GTEST_SKIP() << "the kernel has no MADV_POPULATE_WRITE";
    const std::size_t pages = 2048;  // 8 MiB
    void* p = mmap(nullptr, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    static_cast<char*>(p)[0] = 1;  // as memory freed and allocated again: its first page is in
    accountkpi::detail::populate_for_writing(p, 1536 * 4096);
    EXPECT_LT(pages_in(p, pages), 1536U);
    munmap(p, pages * 4096);
}
#endif
