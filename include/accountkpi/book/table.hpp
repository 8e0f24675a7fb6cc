#pragma once
/// \file
/// Input columns and tables: what a `BookBuilder` reads. Columns are borrowed (a view of the caller's memory,
/// which must outlive `BookBuilder::build()`), shared (a view with a `keep_alive` owner) or owned (moved in);
/// the builder never copies them before it writes the Book's own sorted arrays, and a shared or owned column
/// whose values the Book stores as they are (numbers already in date order) becomes part of the Book without
/// a copy.

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
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// The dictionary codes of a text column, a code per row (-1 = missing), in 8, 16, 32 or 64 bits: as
/// `pandas.factorize` or a pandas categorical gives them, without widening.
class Codes {
  public:
    using Span = std::variant<std::span<const std::int64_t>, std::span<const std::int32_t>,
                              std::span<const std::int16_t>, std::span<const std::int8_t>>;
    Codes() = default;
    Codes(std::span<const std::int64_t> c) noexcept : codes_(c) {}  // NOLINT(google-explicit-constructor)
    Codes(std::span<const std::int32_t> c) noexcept : codes_(c) {}  // NOLINT(google-explicit-constructor)
    Codes(std::span<const std::int16_t> c) noexcept : codes_(c) {}  // NOLINT(google-explicit-constructor)
    Codes(std::span<const std::int8_t> c) noexcept : codes_(c) {}   // NOLINT(google-explicit-constructor)

    [[nodiscard]] std::size_t size() const noexcept {
        return std::visit([](auto s) { return s.size(); }, codes_);
    }
    /// The code of row `i`, widened.
    [[nodiscard]] std::int64_t operator[](std::size_t i) const noexcept {
        return std::visit([i](auto s) { return static_cast<std::int64_t>(s[i]); }, codes_);
    }
    /// Calls `f` with the codes as a span of their own width (for loops over every row).
    template <class F>
    decltype(auto) visit(F&& f) const {
        return std::visit(std::forward<F>(f), codes_);
    }

  private:
    Span codes_;
};

/// The unit of the values of a dates column: days, or a clock tick of numpy's `datetime64` units (a day is
/// then the tick count divided by the ticks per day, rounded down, as numpy converts to `datetime64[D]`).
enum class TimeUnit : std::uint8_t { day, second, millisecond, microsecond, nanosecond };
/// The ticks of `unit` in a day.
[[nodiscard]] constexpr std::int64_t ticks_per_day(TimeUnit unit) noexcept {
    constexpr std::int64_t per_day[] = {1, 86'400, 86'400'000, 86'400'000'000, 86'400'000'000'000};
    return per_day[static_cast<std::size_t>(unit)];
}

/// One input column. Four physical kinds cross the boundary:
/// - integers: 64-bit integers (integer ids); never missing;
/// - numbers: doubles, NaN = missing;
/// - dates: days (or seconds, ..., nanoseconds: `TimeUnit`) since 1970-01-01 as 64-bit integers (numpy
///   `datetime64` viewed as int64), `nat` = missing;
/// - texts: dictionary-encoded strings, a code per row (-1 = missing, 8 to 64 bits) into a list of distinct
///   strings (what `pandas.factorize` returns).
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
        std::span<const std::int64_t> values;
        TimeUnit unit = TimeUnit::day;
        /// The day of row `i`, or `nat`.
        [[nodiscard]] std::int64_t day(std::size_t i) const noexcept {
            return day_of(values[i], ticks_per_day(unit));
        }
        /// The day of `v` ticks of `per_day` a day (rounded down, as numpy converts to days), or `nat`.
        [[nodiscard]] static constexpr std::int64_t day_of(std::int64_t v, std::int64_t per_day) noexcept {
            if (per_day == 1 || v == nat) return v;
            return v / per_day - (v % per_day < 0 ? 1 : 0);
        }
    };
    struct Texts {
        Codes codes;
        std::vector<std::string> categories;
    };
    using Data = std::variant<Integers, Numbers, Dates, Texts>;

    /// Views of the caller's memory (no copy). `keep_alive`, when given, is held as long as the column, and
    /// as long as the Book where the Book keeps the values as they are (numbers already in date order): the
    /// memory must then not change while either lives. Without it the memory must outlive the build only.
    static Column integers(std::span<const std::int64_t> v, std::shared_ptr<const void> keep_alive = {});
    static Column numbers(std::span<const double> v, std::shared_ptr<const void> keep_alive = {});
    static Column dates(std::span<const std::int64_t> days, std::shared_ptr<const void> keep_alive = {});
    /// Dates in `unit`s since 1970-01-01 (numpy `datetime64[unit]` viewed as int64).
    static Column dates(std::span<const std::int64_t> values, TimeUnit unit,
                        std::shared_ptr<const void> keep_alive = {});
    static Column texts(Codes codes, std::vector<std::string> categories,
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
    /// The rows `rows` (0-based, any order, repeats allowed) as an owned column of the same kind (and time
    /// unit, and categories).
    [[nodiscard]] Column take(std::span<const std::uint32_t> rows) const;
    [[nodiscard]] const Data& data() const noexcept { return data_; }
    /// The owner of the values (`keep_alive`, or the vector moved in), or null for a plain view.
    [[nodiscard]] const std::shared_ptr<const void>& owner() const noexcept { return owner_; }
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
    /// The rows `rows` of every column (see `Column::take`): e.g. the rows of one day, to append to a Book.
    [[nodiscard]] Table take(std::span<const std::uint32_t> rows) const;
    /// Number of rows: the length of the first column (0 for a table without columns).
    [[nodiscard]] std::size_t rows() const noexcept {
        return columns_.empty() ? 0 : columns_.front().second.size();
    }

  private:
    std::vector<std::pair<std::string, Column>> columns_;
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
