#pragma once
/// \file
/// External ids (all integers or all texts) and their dense indices.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
    Kind kind_ = Kind::integer;
    std::vector<std::int64_t> integers_;
    std::vector<std::string> texts_;
    std::unordered_map<std::int64_t, std::int32_t> integer_map_;
    std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> text_map_;
};

/// The distinct values of a low-cardinality text column (region, domain, service line), in first-seen order.
struct Categories {
    std::vector<std::string> names;
    /// The code of `name`, or -1.
    [[nodiscard]] std::int32_t find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == name) return static_cast<std::int32_t>(i);
        }
        return -1;
    }
};

}  // namespace accountkpi
