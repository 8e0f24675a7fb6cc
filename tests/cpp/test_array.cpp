// `Array`: a column of the Book, whose appends write in the room its memory has after its values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "accountkpi/book/array.hpp"

using accountkpi::Array;

TEST(Array, AVectorMovedInKeepsItsSizeAndLendsItsCapacityToTheFirstAppend) {
    std::vector<std::int32_t> values{1, 2, 3};
    values.reserve(8);
    const std::int32_t* memory = values.data();
    const Array<std::int32_t> base(std::move(values));
    EXPECT_EQ(base.size(), 3U);
    EXPECT_EQ(base.data(), memory);
    const std::vector<std::int32_t> more{4, 5};
    const Array<std::int32_t> grown = base.appended(more);
    EXPECT_EQ(grown.data(), memory);
    EXPECT_EQ(grown, (std::vector<std::int32_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(base, (std::vector<std::int32_t>{1, 2, 3}));
    // The room after the base's values is taken: a second append to the base copies.
    const Array<std::int32_t> other = base.appended(std::vector<std::int32_t>{9});
    EXPECT_NE(other.data(), memory);
    EXPECT_EQ(other, (std::vector<std::int32_t>{1, 2, 3, 9}));
    EXPECT_EQ(grown, (std::vector<std::int32_t>{1, 2, 3, 4, 5}));
    // Beyond the capacity, a copy with room of its own, which the next append fills in place.
    const Array<std::int32_t> longer = grown.appended(std::vector<std::int32_t>{6, 7, 8, 9});
    EXPECT_NE(longer.data(), memory);
    EXPECT_EQ(longer, (std::vector<std::int32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(longer.appended(std::vector<std::int32_t>{10}).data(), longer.data());
}

TEST(Array, ZerosFilledAndWrittenHaveRoomForHalfAsManyAgain) {
    const auto check = [](const Array<double>& a, double value) {
        ASSERT_EQ(a.size(), 4U);
        EXPECT_EQ(a, std::vector<double>(4, value));
        const Array<double> two_more = a.appended(std::vector<double>{7.0, 8.0});
        EXPECT_EQ(two_more.data(), a.data());
        EXPECT_EQ(two_more, (std::vector<double>{value, value, value, value, 7.0, 8.0}));
        EXPECT_NE(two_more.appended(std::vector<double>{9.0}).data(), a.data());  // 6 = 4 + 4 / 2 values
    };
    check(Array<double>::zeros(4), 0.0);
    check(Array<double>::filled(4, 2.5), 2.5);
    check(Array<double>::written(4, [](double* out) { std::fill_n(out, 4, -1.0); }), -1.0);
    EXPECT_EQ(Array<double>::with_room(4), 6U);
}

TEST(Array, AViewIsCopiedByAnAppendAndLeftAsItWas) {
    const std::vector<double> caller{1.0, 2.0};
    const Array<double> view(std::span<const double>(caller), nullptr);
    EXPECT_TRUE(view.shared());
    const Array<double> grown = view.appended(std::vector<double>{3.0});
    EXPECT_NE(grown.data(), caller.data());
    EXPECT_FALSE(grown.shared());
    EXPECT_EQ(grown, (std::vector<double>{1.0, 2.0, 3.0}));
    EXPECT_EQ(caller, (std::vector<double>{1.0, 2.0}));
    EXPECT_EQ(view.appended({}).data(), caller.data());
}

TEST(Array, AppendsToOneArrayFromTwoThreadsEachGetTheirOwnValues) {
    // One of them writes in the room, the other copies; neither sees the other's values.
    for (int round = 0; round < 50; ++round) {
        std::vector<std::int32_t> values(1000, 7);
        values.reserve(2000);
        const Array<std::int32_t> moved(std::move(values));
        const Array<std::int32_t> written =
            Array<std::int32_t>::written(1000, [](std::int32_t* out) { std::fill_n(out, 1000, 7); });
        for (const Array<std::int32_t>& base : {moved, written}) {
            Array<std::int32_t> grown[2];
            std::thread other([&] { grown[1] = base.appended(std::vector<std::int32_t>(300, 2)); });
            grown[0] = base.appended(std::vector<std::int32_t>(200, 1));
            other.join();
            for (const std::int32_t k : {0, 1}) {
                const std::size_t more = k == 0 ? 200 : 300;
                ASSERT_EQ(grown[k].size(), 1000 + more);
                EXPECT_TRUE(
                    std::all_of(grown[k].begin(), grown[k].begin() + 1000, [](auto x) { return x == 7; }));
                EXPECT_TRUE(
                    std::all_of(grown[k].begin() + 1000, grown[k].end(), [&](auto x) { return x == k + 1; }));
            }
            EXPECT_NE(grown[0].data(), grown[1].data());
            EXPECT_TRUE(grown[0].data() == base.data() || grown[1].data() == base.data());
        }
    }
}
