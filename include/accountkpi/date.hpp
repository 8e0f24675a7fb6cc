#pragma once
/// \file
/// Calendar days and half-open periods of them.

#include <chrono>
#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// A calendar day, stored as the number of days since 1970-01-01 (the epoch of `std::chrono::sys_days` and of
/// numpy's `datetime64[D]`), so conversion to and from both is free.
class Date {
  public:
    using rep = std::int32_t;

    constexpr Date() noexcept = default;
    /// The day `days` days after 1970-01-01 (negative: before it).
    constexpr explicit Date(rep days) noexcept : days_(days) {}
    /// The day of a `std::chrono::sys_days`.
    constexpr Date(std::chrono::sys_days d) noexcept  // NOLINT(google-explicit-constructor): a lossless view
        : days_(static_cast<rep>(d.time_since_epoch().count())) {}
    /// The day `year`-`month`-`day`; throws `std::invalid_argument` when that day does not exist.
    Date(int year, unsigned month, unsigned day);

    /// Parses an ISO 8601 date: a calendar date "YYYY-MM-DD" or "YYYYMMDD", a week date "YYYY-Www-D" or
    /// "YYYYWwwD" (ISO week `ww`, day `D` from 1 Monday to 7 Sunday: "2011-W05-3" is 2011-02-02) or an
    /// ordinal date "YYYY-DDD" ("2011-036" is 2011-02-05), optionally followed by a time of day ('T' or a
    /// space, then "HH:MM" or "HHMM", seconds and a fraction optional) and an offset ("Z", "+HH", "+HHMM",
    /// "+HH:MM" or with '-'): the day is the calendar day as written, the time and offset are checked but
    /// never move it ("2024-01-31T23:30:00-05:00" is 2024-01-31). Days, weeks and months that do not exist
    /// ("2011-W53-1": 2011 has 52 weeks; "20111301") are not dates. Throws `std::invalid_argument` naming
    /// the text otherwise.
    static Date parse(std::string_view iso);
    /// The forms `parse` reads, for messages.
    static constexpr std::string_view forms =
        "ISO 8601: 2024-03-01, 20240301, 2024-W09-5, 2024W095 or 2024-061, optionally with a time and offset";
    /// Like `parse`, but returns `std::nullopt` instead of throwing.
    static std::optional<Date> try_parse(std::string_view iso) noexcept;

    /// Days since 1970-01-01.
    [[nodiscard]] constexpr rep days() const noexcept { return days_; }
    [[nodiscard]] constexpr std::chrono::sys_days sys_days() const noexcept {
        return std::chrono::sys_days{std::chrono::days{days_}};
    }
    [[nodiscard]] constexpr std::chrono::year_month_day ymd() const noexcept {
        return std::chrono::year_month_day{sys_days()};
    }
    [[nodiscard]] int year() const noexcept { return static_cast<int>(ymd().year()); }
    [[nodiscard]] unsigned month() const noexcept { return static_cast<unsigned>(ymd().month()); }
    [[nodiscard]] unsigned day() const noexcept { return static_cast<unsigned>(ymd().day()); }
    /// "YYYY-MM-DD".
    [[nodiscard]] std::string iso() const;

    /// The day `n` days later (earlier when negative).
    [[nodiscard]] constexpr Date operator+(rep n) const noexcept { return Date{days_ + n}; }
    [[nodiscard]] constexpr Date operator-(rep n) const noexcept { return Date{days_ - n}; }
    /// Days from `other` to this day.
    [[nodiscard]] constexpr rep operator-(Date other) const noexcept { return days_ - other.days_; }

    friend constexpr auto operator<=>(Date, Date) noexcept = default;

    /// The earliest and latest representable days; `max()` stands for "no end" (an open spell or assignment).
    static constexpr Date min() noexcept { return Date{std::numeric_limits<rep>::min() + 1}; }
    static constexpr Date max() noexcept { return Date{std::numeric_limits<rep>::max()}; }
    /// The missing day in input columns (`NaT`); never a valid day of a built Book.
    static constexpr Date null() noexcept { return Date{std::numeric_limits<rep>::min()}; }
    [[nodiscard]] constexpr bool is_null() const noexcept { return days_ == std::numeric_limits<rep>::min(); }

  private:
    rep days_ = 0;
};

/// A half-open range of days `[begin, end)`: a day `d` is in the period when `begin <= d < end`.
class Period {
  public:
    /// The period `[begin, end)`; throws `std::invalid_argument` unless `begin < end`.
    Period(Date begin, Date end);

    /// The calendar month `year`-`month` (1-12).
    static Period month(int year, unsigned month);
    /// The calendar quarter `quarter` (1-4) of `year`.
    static Period quarter(int year, unsigned quarter);
    /// The calendar year `year`.
    static Period year(int year);
    /// The ISO 8601 week `week` (1-52, or 53 in years that have one) of the ISO year `year`: Monday to
    /// Sunday, week 1 being the week with the year's first Thursday.
    static Period week(int year, unsigned week);
    /// Parses "2025" (a year), "2025Q1" (a quarter), "2025-03" (a month), "2025-W03" (an ISO week) or
    /// "2025-01-01/2025-04-01" (a range); throws `std::invalid_argument` naming the text otherwise.
    static Period parse(std::string_view text);

    [[nodiscard]] constexpr Date begin() const noexcept { return begin_; }
    [[nodiscard]] constexpr Date end() const noexcept { return end_; }
    /// Number of days in the period.
    [[nodiscard]] constexpr Date::rep days() const noexcept { return end_ - begin_; }
    [[nodiscard]] constexpr bool contains(Date d) const noexcept { return begin_ <= d && d < end_; }
    /// True when the period is whole calendar months: it begins on a 1st and ends on a 1st.
    [[nodiscard]] bool is_whole_months() const noexcept;
    /// Number of whole calendar months when `is_whole_months()`, else 0.
    [[nodiscard]] int whole_months() const noexcept;
    /// True when the period is one ISO week: seven days from a Monday.
    [[nodiscard]] bool is_iso_week() const noexcept;
    /// Length in months: whole months when `is_whole_months()`, else days / (365.2425 / 12).
    [[nodiscard]] double months() const noexcept;
    /// A readable label: "2025", "2025Q1", "2025-03", "2025-W03" (an ISO week), or "2025-01-05/2025-02-05".
    [[nodiscard]] std::string label() const;
    /// The period of the same length just before: the previous calendar months when the period is whole
    /// months (2025Q1 -> 2024Q4, 2025-03 -> 2025-02), else the `days()` days before `begin()`. The base of
    /// `nrr_base = previous`.
    [[nodiscard]] Period previous() const;
    /// The same days a year earlier: 12 months earlier when whole months (2025Q1 -> 2024Q1), 52 weeks
    /// earlier for an ISO week (a week from Monday to Monday, as retail compares weeks), else each bound one
    /// calendar year earlier (29 February -> 28 February). The base of `nrr_base = year_ago`.
    [[nodiscard]] Period year_ago() const;

    friend constexpr bool operator==(const Period&, const Period&) noexcept = default;

  private:
    Date begin_;
    Date end_;
};

/// Frequencies of `periods()`: ISO weeks (Monday to Sunday), calendar months, quarters and years.
enum class Frequency { week, month, quarter, year };

/// Parses "W", "M", "Q" or "Y" (also "A"), case-insensitive; throws `std::invalid_argument` otherwise.
Frequency parse_frequency(std::string_view text);

/// The consecutive calendar periods of `freq` that cover `[start, end)`: the first contains `start`, the last
/// contains `end - 1`. Empty when `end <= start`.
std::vector<Period> periods(Date start, Date end, Frequency freq);

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
