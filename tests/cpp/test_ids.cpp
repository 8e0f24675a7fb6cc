// IdIndex: integer ids found by offset when dense, by hashing otherwise, the same answers either way.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "accountkpi/book/ids.hpp"

using accountkpi::IdIndex;

namespace {

/// Inserts `ids` in order and checks that each new id gets the next index and each repeat is refused.
void insert_all(IdIndex& index, const std::vector<std::int64_t>& ids) {
    std::int32_t next = static_cast<std::int32_t>(index.size());
    for (const auto id : ids) {
        const auto before = index.find(id);
        const auto got = index.insert(id);
        if (before) {
            EXPECT_FALSE(got) << id;
        } else {
            ASSERT_TRUE(got) << id;
            EXPECT_EQ(*got, next++) << id;
        }
        EXPECT_EQ(index.find(id), before ? before : got) << id;
    }
}

}  // namespace

TEST(IdIndex, DenseIdsAreFoundByOffset) {
    IdIndex index(IdIndex::Kind::integer);
    index.reserve(5, 100, 104);
    insert_all(index, {103, 100, 104, 100, 101, 103});
    EXPECT_EQ(index.integers(), (std::vector<std::int64_t>{103, 100, 104, 101}));
    EXPECT_EQ(index.find(std::int64_t{102}), std::nullopt);
    EXPECT_EQ(index.find(std::int64_t{99}), std::nullopt);
    EXPECT_EQ(index.find(std::int64_t{105}), std::nullopt);
    EXPECT_EQ(index.find(std::string_view("104")), std::optional<std::int32_t>{2});
}

TEST(IdIndex, AnIdOutsideTheReservedRangeSwitchesToHashing) {
    IdIndex index(IdIndex::Kind::integer);
    index.reserve(3, 0, 2);
    insert_all(index, {2, 0, -7, 1'000'000'000'000, 1, 2, -7});
    EXPECT_EQ(index.integers(), (std::vector<std::int64_t>{2, 0, -7, 1'000'000'000'000, 1}));
    for (std::int32_t i = 0; i < 5; ++i)
        EXPECT_EQ(index.find(index.integers()[static_cast<std::size_t>(i)]), i);
    EXPECT_EQ(index.find(std::int64_t{3}), std::nullopt);
}

TEST(IdIndex, SparseAndExtremeIdsAreHashed) {
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    IdIndex index(IdIndex::Kind::integer);
    index.reserve(4, lo, hi);  // a range far larger than the ids: hashed
    std::vector<std::int64_t> ids{hi, lo, 0, -1, hi, lo + 1};
    for (std::int64_t k = 0; k < 5'000; ++k) ids.push_back(k * 1'000'003 - 7);  // grows the table
    insert_all(index, ids);
    EXPECT_EQ(index.size(), 5'005U);  // five distinct, then 5000 more that repeat none of them
    EXPECT_EQ(index.find(hi), std::optional<std::int32_t>{0});
    EXPECT_EQ(index.find(lo), std::optional<std::int32_t>{1});
}

TEST(IdIndex, WithoutReserveIdsAreHashed) {
    IdIndex index(IdIndex::Kind::integer);
    std::vector<std::int64_t> ids;
    for (std::int64_t k = 0; k < 3'000; ++k) ids.push_back((k * 7919) % 3'001);
    ids.push_back(5);
    insert_all(index, ids);
    EXPECT_EQ(index.size(), 3'000U);
}

// Issue 18, item 9: the integer 7 matched both "7" and "007" across tables. A text matches an integer id only
// in the integer's own decimal form, so each id matches at most one of the other kind.
TEST(IdIndex, RegressionTextsMatchIntegersOnlyInTheirOwnDecimalForm) {
    IdIndex integers(IdIndex::Kind::integer);
    for (const std::int64_t id :
         {std::int64_t{7}, std::int64_t{-5}, std::int64_t{0}, std::numeric_limits<std::int64_t>::max()})
        (void)integers.insert(id);
    EXPECT_EQ(integers.find(std::string_view("7")), std::optional<std::int32_t>{0});
    EXPECT_EQ(integers.find(std::string_view("-5")), std::optional<std::int32_t>{1});
    EXPECT_EQ(integers.find(std::string_view("0")), std::optional<std::int32_t>{2});
    EXPECT_EQ(integers.find(std::string_view("9223372036854775807")), std::optional<std::int32_t>{3});
    for (std::string_view other : {"007", "+7", " 7", "7 ", "7.0", "-0", "", "-", "99999999999999999999"})
        EXPECT_FALSE(integers.find(other)) << other;
    IdIndex texts(IdIndex::Kind::text);
    (void)texts.insert(std::string_view("007"));
    (void)texts.insert(std::string_view("7"));
    EXPECT_EQ(texts.find(std::int64_t{7}), std::optional<std::int32_t>{1});  // "7", never "007"
}
