#include "accountkpi/date.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace accountkpi {
namespace {

using namespace std::chrono;

std::optional<Date> make_date(int y, unsigned m, unsigned d) noexcept {
    const year_month_day ymd{year{y}, month{m}, day{d}};
    if (!ymd.ok()) return std::nullopt;
    return Date{sys_days{ymd}};
}

// Reads exactly `width` decimal digits at `pos`; advances `pos`.
std::optional<int> read_digits(std::string_view s, std::size_t& pos, std::size_t width) noexcept {
    if (pos + width > s.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

Date::Date(int y, unsigned m, unsigned d) {
    const auto date = make_date(y, m, d);
    if (!date) {
        throw std::invalid_argument("not a calendar day: " + std::to_string(y) + "-" + std::to_string(m) +
                                    "-" + std::to_string(d));
    }
    *this = *date;
}

namespace {

/// Reads an optional time of day after a date at `pos`: a 'T' or a space, then "HH:MM" with optional ":SS"
/// and fraction ('.' or ','), or the same without colons ("HHMM", "HHMMSS"), then an optional offset "Z",
/// "+HH", "+HHMM" or "+HH:MM" (or '-'). The fields are checked, never applied: the day is the one written.
bool skip_time(std::string_view s, std::size_t& pos) noexcept {
    if (pos == s.size()) return true;
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return false;
    ++pos;
    const auto field = [&](int max, bool colon) {
        if (colon && (pos >= s.size() || s[pos++] != ':')) return false;
        const auto v = read_digits(s, pos, 2);
        return v && *v <= max;
    };
    if (!field(23, false)) return false;
    const bool colon = pos < s.size() && s[pos] == ':';  // extended "08:26", else basic "0826"
    if (!field(59, colon)) return false;
    if (pos < s.size() && (colon ? s[pos] == ':' : s[pos] >= '0' && s[pos] <= '9')) {
        if (!field(60, colon)) return false;  // 60: a leap second
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            const std::size_t digits = ++pos;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
            if (pos == digits) return false;
        }
    }
    if (pos == s.size()) return true;
    if (s[pos] == 'Z' || s[pos] == 'z') return ++pos == s.size();
    if (s[pos] != '+' && s[pos] != '-') return false;
    ++pos;
    if (!field(23, false)) return false;
    if (pos == s.size()) return true;
    if (s[pos] == ':') ++pos;
    return field(59, false) && pos == s.size();
}

/// The Monday of ISO week 1 of `year`: the Monday on or before 4 January.
sys_days iso_week_one(int y) noexcept {
    const sys_days jan4{year{y} / January / 4};
    return jan4 - days{weekday{jan4}.iso_encoding() - 1};
}

/// The day of ISO week date `y`-W`w`-`d` (week 1 to 52 or 53, day 1 Monday to 7 Sunday), if it exists.
std::optional<Date> week_date(int y, int w, int d) noexcept {
    const sys_days first = iso_week_one(y);
    const auto weeks = (iso_week_one(y + 1) - first).count() / 7;
    if (w < 1 || w > weeks || d < 1 || d > 7) return std::nullopt;
    return Date{first + days{7 * (w - 1) + d - 1}};
}

/// The day `d` (1 to 365 or 366) of year `y`, if it exists.
std::optional<Date> ordinal_date(int y, int d) noexcept {
    const sys_days jan1{year{y} / January / 1};
    const auto length = (sys_days{year{y + 1} / January / 1} - jan1).count();
    if (d < 1 || d > length) return std::nullopt;
    return Date{jan1 + days{d - 1}};
}

/// The date at the start of `s` in one of ISO 8601's forms: calendar ("2011-02-05", "20110205"), week
/// ("2011-W05-6", "2011W056") or ordinal ("2011-036"); advances `pos` past it.
std::optional<Date> read_date(std::string_view s, std::size_t& pos) noexcept {
    const auto y = read_digits(s, pos, 4);
    if (!y) return std::nullopt;
    const bool extended = pos < s.size() && s[pos] == '-';
    if (extended) ++pos;
    if (pos < s.size() && s[pos] == 'W') {
        ++pos;
        const auto w = read_digits(s, pos, 2);
        if (!w || (extended && (pos >= s.size() || s[pos++] != '-'))) return std::nullopt;
        const auto d = read_digits(s, pos, 1);
        return d ? week_date(*y, *w, *d) : std::nullopt;
    }
    const std::size_t after_year = pos;
    const auto m = read_digits(s, pos, 2);
    if (!m) return std::nullopt;
    if (extended && pos < s.size() && s[pos] != '-') {  // "2011-036": the 36th day
        pos = after_year;
        const auto d = read_digits(s, pos, 3);
        return d ? ordinal_date(*y, *d) : std::nullopt;
    }
    if (extended && (pos >= s.size() || s[pos++] != '-')) return std::nullopt;
    const auto d = read_digits(s, pos, 2);
    return d ? make_date(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d)) : std::nullopt;
}

}  // namespace

std::optional<Date> Date::try_parse(std::string_view iso) noexcept {
    iso = trim(iso);
    std::size_t pos = 0;
    const auto date = read_date(iso, pos);
    if (!date || !skip_time(iso, pos)) return std::nullopt;
    return date;
}

Date Date::parse(std::string_view iso) {
    if (auto d = try_parse(iso)) return *d;
    throw std::invalid_argument("not a date (" + std::string(Date::forms) + "): '" + std::string(iso) + "'");
}

std::string Date::iso() const {
    if (is_null()) return "NaT";
    const auto ymd = this->ymd();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

Period::Period(Date begin, Date end) : begin_(begin), end_(end) {
    if (!(begin < end)) {
        throw std::invalid_argument("a period needs begin < end, got [" + begin.iso() + ", " + end.iso() +
                                    ")");
    }
}

Period Period::month(int y, unsigned m) {
    if (m < 1 || m > 12) throw std::invalid_argument("month must be 1-12, got " + std::to_string(m));
    const Date b{y, m, 1};
    const Date e = m == 12 ? Date{y + 1, 1, 1} : Date{y, m + 1, 1};
    return {b, e};
}

Period Period::quarter(int y, unsigned q) {
    if (q < 1 || q > 4) throw std::invalid_argument("quarter must be 1-4, got " + std::to_string(q));
    const unsigned m = 3 * (q - 1) + 1;
    return {Date{y, m, 1}, q == 4 ? Date{y + 1, 1, 1} : Date{y, m + 3, 1}};
}

Period Period::year(int y) {
    return {Date{y, 1, 1}, Date{y + 1, 1, 1}};
}

namespace {
/// The Monday of ISO week 1 of `year`.
Date first_iso_monday(int year) {
    return Date{iso_week_one(year)};
}
}  // namespace

Period Period::week(int y, unsigned w) {
    const Date first = first_iso_monday(y);
    const auto weeks = static_cast<unsigned>((first_iso_monday(y + 1) - first) / 7);  // 52 or 53
    if (w < 1 || w > weeks) {
        throw std::invalid_argument("week must be 1-" + std::to_string(weeks) + " in " + std::to_string(y) +
                                    ", got " + std::to_string(w));
    }
    const Date b = first + static_cast<Date::rep>(7 * (w - 1));
    return {b, b + 7};
}

bool Period::is_iso_week() const noexcept {
    return days() == 7 && std::chrono::weekday{begin_.sys_days()}.iso_encoding() == 1;
}

Period Period::parse(std::string_view text) {
    const std::string_view s = trim(text);
    const auto fail = [&] {
        return std::invalid_argument("not a period: '" + std::string(text) +
                                     "' (expected 2025, 2025Q1, 2025-03, 2025-W03 or 2025-01-01/2025-04-01)");
    };
    if (const auto slash = s.find('/'); slash != std::string_view::npos) {
        const auto b = Date::try_parse(s.substr(0, slash));
        const auto e = Date::try_parse(s.substr(slash + 1));
        if (!b || !e) throw fail();
        return {*b, *e};
    }
    std::size_t pos = 0;
    const auto y = read_digits(s, pos, 4);
    if (!y) throw fail();
    if (pos == s.size()) return year(*y);
    if (s[pos] == 'Q' || s[pos] == 'q') {
        ++pos;
        const auto q = read_digits(s, pos, 1);
        if (!q || pos != s.size() || *q < 1 || *q > 4) throw fail();
        return quarter(*y, static_cast<unsigned>(*q));
    }
    if (s[pos] == '-' && pos + 1 < s.size() && (s[pos + 1] == 'W' || s[pos + 1] == 'w')) {
        pos += 2;
        const auto w = read_digits(s, pos, 2);
        if (!w || pos != s.size()) throw fail();
        return week(*y, static_cast<unsigned>(*w));
    }
    if (s[pos] == '-') {
        ++pos;
        const auto m = read_digits(s, pos, 2);
        if (!m || pos != s.size() || *m < 1 || *m > 12) throw fail();
        return month(*y, static_cast<unsigned>(*m));
    }
    throw fail();
}

bool Period::is_whole_months() const noexcept {
    return begin_.day() == 1 && end_.day() == 1;
}

int Period::whole_months() const noexcept {
    if (!is_whole_months()) return 0;
    return (end_.year() - begin_.year()) * 12 + static_cast<int>(end_.month()) -
           static_cast<int>(begin_.month());
}

double Period::months() const noexcept {
    if (is_whole_months()) return whole_months();
    return static_cast<double>(days()) / (365.2425 / 12.0);
}

namespace {
/// The 1st of the month `months` months after (before, when negative) the month of `first`, a 1st.
Date shift_first(Date first, int months) {
    using namespace std::chrono;
    const auto ymd = first.ymd();
    const year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
    return Date{sys_days{ym / day{1}}};
}

Date one_year_earlier(Date d) {
    using namespace std::chrono;
    const auto ymd = d.ymd();
    year_month_day prev{ymd.year() - years{1}, ymd.month(), ymd.day()};
    if (!prev.ok()) prev = year_month_day{year_month_day_last{prev.year(), month_day_last{prev.month()}}};
    return Date{sys_days{prev}};
}
}  // namespace

Period Period::previous() const {
    if (is_whole_months()) return {shift_first(begin_, -whole_months()), begin_};
    return {begin_ - days(), begin_};
}

Period Period::year_ago() const {
    if (is_whole_months()) return {shift_first(begin_, -12), shift_first(end_, -12)};
    if (is_iso_week()) return {begin_ - 364, end_ - 364};
    const Date b = one_year_earlier(begin_);
    const Date e = one_year_earlier(end_);
    return {b, e > b ? e : b + days()};  // [2024-02-28, 2024-02-29) -> [2023-02-28, 2023-03-01)
}

std::string Period::label() const {
    const int m = whole_months();
    if (m == 12 && begin_.month() == 1) return std::to_string(begin_.year());
    if (m == 3 && (begin_.month() - 1) % 3 == 0) {
        return std::to_string(begin_.year()) + "Q" + std::to_string((begin_.month() - 1) / 3 + 1);
    }
    if (m == 1) return begin_.iso().substr(0, 7);
    if (is_iso_week()) {
        const Date thursday = begin_ + 3;  // the week belongs to the ISO year of its Thursday
        const int week = (thursday - first_iso_monday(thursday.year())) / 7 + 1;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d-W%02d", thursday.year(), week);
        return buf;
    }
    return begin_.iso() + "/" + end_.iso();
}

Frequency parse_frequency(std::string_view text) {
    const std::string_view s = trim(text);
    if (s.size() == 1 || (s.size() == 2 && (s[1] == 'S' || s[1] == 's'))) {
        switch (std::toupper(static_cast<unsigned char>(s[0]))) {
            case 'W':
                return Frequency::week;
            case 'M':
                return Frequency::month;
            case 'Q':
                return Frequency::quarter;
            case 'Y':
            case 'A':
                return Frequency::year;
            default:
                break;
        }
    }
    throw std::invalid_argument("unknown frequency '" + std::string(text) +
                                "' (expected \"W\", \"M\", \"Q\" or \"Y\")");
}

std::vector<Period> periods(Date start, Date end, Frequency freq) {
    std::vector<Period> out;
    if (!(start < end)) return out;
    if (freq == Frequency::week) {
        const auto from_monday = std::chrono::weekday{start.sys_days()}.iso_encoding() - 1;
        for (Date b = start - static_cast<Date::rep>(from_monday); b < end; b = b + 7)
            out.emplace_back(b, b + 7);
        return out;
    }
    int y = start.year();
    unsigned m = start.month();
    const unsigned step = freq == Frequency::month ? 1U : freq == Frequency::quarter ? 3U : 12U;
    if (freq == Frequency::quarter) m = 3 * ((m - 1) / 3) + 1;
    if (freq == Frequency::year) m = 1;
    for (;;) {
        const Date b{y, m, 1};
        if (!(b < end)) break;
        unsigned nm = m + step;
        int ny = y;
        while (nm > 12) {
            nm -= 12;
            ++ny;
        }
        out.emplace_back(b, Date{ny, nm, 1});
        y = ny;
        m = nm;
    }
    return out;
}

}  // namespace accountkpi
