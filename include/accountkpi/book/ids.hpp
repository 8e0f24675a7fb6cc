#pragma once
/// \file
/// External ids (all integers or all texts) and their dense indices.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// The external ids of one table, each once, in index order, with the map back from id to index. A table's
/// ids are either all integers or all texts; a reference of the other kind is matched through its text
/// ("17" finds the integer id 17, 17 finds the text id "17").
class IdIndex {
  public:
    enum class Kind : std::uint8_t { integer, text };

    IdIndex() = default;
    explicit IdIndex(Kind kind) : kind_(kind) {}

    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    [[nodiscard]] std::size_t size() const noexcept {
        return kind_ == Kind::integer ? integers_.size() : texts_.size();
    }
    /// Prepares an empty integer index for about `n` ids between `lo` and `hi`: when that range is not much
    /// larger than `n` (ids numbered densely, as they often are), ids are found by their offset from `lo`
    /// instead of by hashing. Ids outside the range may still be inserted (the index then hashes them all).
    void reserve(std::size_t n, std::int64_t lo, std::int64_t hi);
    /// Adds `id` at the next index and returns that index, or returns nullopt when `id` is already present.
    std::optional<std::int32_t> insert(std::int64_t id);
    std::optional<std::int32_t> insert(std::string_view id);
    /// The index of `id`, or nullopt.
    [[nodiscard]] std::optional<std::int32_t> find(std::int64_t id) const;
    [[nodiscard]] std::optional<std::int32_t> find(std::string_view id) const;

    /// The ids in index order (the one matching `kind()` is filled).
    [[nodiscard]] const std::vector<std::int64_t>& integers() const noexcept { return integers_; }
    [[nodiscard]] const std::vector<std::string>& texts() const noexcept { return texts_; }
    /// The id of index `i` as text, for messages and printing.
    [[nodiscard]] std::string label(std::int32_t i) const;

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    /// One slot of the integer ids' hash table (open addressing, linear probing): `index + 1` of the id in
    /// `integers_` (0 = empty) and bits of its hash, compared before the id itself.
    struct Slot {
        std::uint32_t tag;
        std::int32_t index1;
    };
    /// The slot of `id`: its own, or the empty one where it would go.
    [[nodiscard]] std::size_t slot_of(std::int64_t id) const noexcept;
    /// Rehashes every integer id into a table of at least `capacity` slots (and leaves the dense table).
    void rehash(std::size_t capacity);
    /// The offset of `id` in the dense table, or its size when outside.
    [[nodiscard]] std::size_t dense_offset(std::int64_t id) const noexcept {
        const auto off =
            static_cast<std::size_t>(static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(lo_));
        return off < dense_.size() ? off : dense_.size();
    }

    Kind kind_ = Kind::integer;
    std::vector<std::int64_t> integers_;
    std::vector<std::string> texts_;
    std::vector<Slot> slots_;  // a power of two, at most half full
    /// Instead of `slots_` when ids are dense: `index + 1` of the id `lo_ + k` at `k` (0 = absent).
    std::vector<std::int32_t> dense_;
    std::int64_t lo_ = 0;
    std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> text_map_;
};

/// The distinct values of a low-cardinality text column (region, domain, service line), in first-seen order.
struct Categories {
    std::vector<std::string> names;
    /// The code of `name`, or nullopt (as `IdIndex::find`).
    [[nodiscard]] std::optional<std::int32_t> find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == name) return static_cast<std::int32_t>(i);
        }
        return std::nullopt;
    }
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
