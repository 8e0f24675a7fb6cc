#pragma once
/// \file
/// Input columns and tables: what a `BookBuilder` reads. Columns are borrowed (a view of the caller's memory,
/// which must outlive `BookBuilder::build()`) or owned (moved in); either way the builder never copies them
/// before it writes the Book's own sorted arrays.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "accountkpi/date.hpp"

namespace accountkpi {

/// One input column. Four physical kinds cross the boundary:
/// - integers: 64-bit integers (integer ids); never missing;
/// - numbers: doubles, NaN = missing;
/// - dates: days since 1970-01-01 as 64-bit integers (numpy `datetime64[D]` viewed as int64), `nat` =
/// missing;
/// - texts: dictionary-encoded strings, a code per row (-1 = missing) into a list of distinct strings (what
///   `pandas.factorize` returns).
class Column {
  public:
    /// The missing day in a dates column (numpy's NaT).
    static constexpr std::int64_t nat = INT64_MIN;

    struct Integers {
        std::span<const std::int64_t> values;
    };
    struct Numbers {
        std::span<const double> values;
    };
    struct Dates {
        std::span<const std::int64_t> days;
    };
    struct Texts {
        std::span<const std::int64_t> codes;
        std::vector<std::string> categories;
    };
    using Data = std::variant<Integers, Numbers, Dates, Texts>;

    /// Views of the caller's memory (no copy). `keep_alive`, when given, is held as long as the column.
    static Column integers(std::span<const std::int64_t> v, std::shared_ptr<const void> keep_alive = {});
    static Column numbers(std::span<const double> v, std::shared_ptr<const void> keep_alive = {});
    static Column dates(std::span<const std::int64_t> days, std::shared_ptr<const void> keep_alive = {});
    static Column texts(std::span<const std::int64_t> codes, std::vector<std::string> categories,
                        std::shared_ptr<const void> keep_alive = {});

    /// Owning columns, convenient in C++ code and tests.
    static Column integers(std::vector<std::int64_t> v);
    static Column numbers(std::vector<double> v);
    /// Days; `Date::null()` is missing.
    static Column dates(const std::vector<Date>& v);
    /// Plain strings, dictionary-encoded here; "" is missing. A date column may also be given as texts
    /// ("YYYY-MM-DD"): text that is not a date becomes a validation problem at build, never a silent NaT.
    static Column texts(const std::vector<std::string>& v);

    [[nodiscard]] std::size_t size() const noexcept;
    [[nodiscard]] const Data& data() const noexcept { return data_; }
    /// The physical kind as a word for messages: "integer", "number", "date" or "text".
    [[nodiscard]] std::string_view kind_name() const noexcept;

  private:
    Column(Data data, std::shared_ptr<const void> owner) : data_(std::move(data)), owner_(std::move(owner)) {}
    Data data_;
    std::shared_ptr<const void> owner_;
};

/// A named input table: columns of equal length.
class Table {
  public:
    Table() = default;
    /// Adds (or replaces) the column `name`.
    Table& add(std::string name, Column column);
    /// The column `name`, or nullptr.
    [[nodiscard]] const Column* find(std::string_view name) const noexcept;
    [[nodiscard]] const std::vector<std::pair<std::string, Column>>& columns() const noexcept {
        return columns_;
    }
    /// Number of rows: the length of the first column (0 for a table without columns).
    [[nodiscard]] std::size_t rows() const noexcept {
        return columns_.empty() ? 0 : columns_.front().second.size();
    }

  private:
    std::vector<std::pair<std::string, Column>> columns_;
};

}  // namespace accountkpi
