// Validation and building of a Book. Every row of every table is checked and every problem collected before
// anything is built; a Book is either complete or not made at all.
#include "accountkpi/book/builder.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <variant>

#include "accountkpi/detail/order.hpp"
#include "accountkpi/detail/prefetch.hpp"
#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/kpi/kpis.hpp"
#include "append_detail.hpp"
#include "detail/text.hpp"
#include "owner_detail.hpp"
#include "parts_detail.hpp"
#include "problems_detail.hpp"

namespace accountkpi {

namespace {

/// A dictionary code as a number: int8 codes (pandas' narrowest) are numbers with -1 for missing, not
/// characters.
template <class Code>
std::int64_t code_value(Code code) noexcept {
    return static_cast<std::int64_t>(code);  // NOLINT(bugprone-signed-char-misuse)
}

using Problems = detail::ProblemList;

constexpr Date first_valid_day{std::chrono::sys_days{std::chrono::year{1900} / 1 / 1}};
constexpr Date last_valid_day{std::chrono::sys_days{std::chrono::year{2200} / 12 / 31}};
/// Money beyond this magnitude could not be summed exactly to the cent in doubles.
constexpr double money_limit = 1e13;

std::int32_t to_index(std::size_t i) noexcept {
    return static_cast<std::int32_t>(i);
}
std::int64_t to_row(std::size_t i) noexcept {
    return static_cast<std::int64_t>(i);
}

std::string normalised_word(std::string_view w) {
    std::string s;
    for (char c : w) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
            s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    return s;
}

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

/// The optimal-string-alignment distance of `a` and `b` (edits: insert, delete, substitute, swap two
/// neighbours), counted no further than `limit + 1`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

/// Whether the unknown column `given` (normalised) is likely a misspelling of the schema's `known`: the same
/// but for case and spaces, or within one edit (two for names of more than six letters).
bool looks_like(std::string_view given, std::string_view known) {
    const std::size_t limit = known.size() > 6 ? 2 : 1;
    return given == known || edit_distance(given, known, limit) <= limit;
}

/// The problem of a target's KPI name that is no KPI, with the nearest KPI names when there are.
std::string unknown_kpi(const std::string& given) {
    std::string near;
    const std::string plain = normalised_word(given);
    for (const kpi::Kpi k : kpi::all_kpis) {
        if (looks_like(plain, kpi::name(k))) near += (near.empty() ? "" : " or ") + quoted(kpi::name(k));
    }
    return "unknown KPI " + quoted(given) + (near.empty() ? "" : "; did you mean " + near + "?");
}

using detail::prefetch_read;

/// How many rows ahead the loops that read at random (by account or project, over rows in date order) fetch.
constexpr std::size_t fetch_ahead = 16;

/// `f(day_of)`, `day_of(i)` the day of row `i` of `d` (`Column::Dates::day`) with its unit's ticks a day a
/// constant: a division by a constant is a multiplication, where one by a number read at run time is a
/// division instruction a row.
template <class F>
void with_day_of(const Column::Dates& d, const F& f) {
    const auto in = [&]<TimeUnit unit>(std::integral_constant<TimeUnit, unit>) {
        static constexpr std::int64_t per_day = ticks_per_day(unit);
        f([&](std::size_t i) { return Column::Dates::day_of(d.values[i], per_day); });
    };
    using enum TimeUnit;
    switch (d.unit) {
        case day:
            return in(std::integral_constant<TimeUnit, day>{});
        case second:
            return in(std::integral_constant<TimeUnit, second>{});
        case millisecond:
            return in(std::integral_constant<TimeUnit, millisecond>{});
        case microsecond:
            return in(std::integral_constant<TimeUnit, microsecond>{});
        case nanosecond:
            return in(std::integral_constant<TimeUnit, nanosecond>{});
    }
}

/// A numbers column checked where it lies: its values are read from the input only when the Book's array is
/// made, which shares the input when it can (no copy).
class NumberSource {
  public:
    NumberSource(std::size_t rows, double fallback) : rows_(rows), fallback_(fallback) {}
    NumberSource(const Column& c, std::size_t rows, double fallback) : NumberSource(rows, fallback) {
        if (const auto* n = std::get_if<Column::Numbers>(&c.data())) {
            doubles_ = n->values.data();
            owner_ = c.owner();
        } else if (const auto* z = std::get_if<Column::Integers>(&c.data())) {
            integers_ = z->values.data();
        }
    }
    [[nodiscard]] bool given() const noexcept { return doubles_ || integers_; }
    /// The value of row `i` as read, before the fallback.
    [[nodiscard]] double raw(std::size_t i) const noexcept {
        return doubles_ ? doubles_[i] : integers_ ? static_cast<double>(integers_[i]) : fallback_;
    }
    /// The value of row `i` in the Book: the fallback where missing. Rows with problems are never stored.
    [[nodiscard]] double operator[](std::size_t i) const noexcept {
        const double v = raw(i);
        return std::isnan(v) ? fallback_ : v;
    }
    void saw_missing() noexcept { missing_ = true; }
    /// The Book's array: the rows in `order` (every row in input order when `order` is empty). The input
    /// itself when it is doubles with an owner, in order and needs no fallback; else a copy with room to
    /// append (see `Array::written`), written in parts on `threads` threads (0: one per core).
    [[nodiscard]] Array<double> array(const std::vector<std::uint32_t>& order, unsigned threads) const {
        if (doubles_ && owner_ && order.empty() && (!missing_ || std::isnan(fallback_)))
            return Array<double>(std::span<const double>(doubles_, rows_), owner_);
        if (!given() && fallback_ == 0) return Array<double>::zeros(rows_);
        if (!given()) return Array<double>::filled(rows_, fallback_);
        return Array<double>::written(rows_, [&](double* out) {
            detail::advise_huge_pages(out, rows_ * sizeof(double));
            detail::true_in_parts(rows_, rows_, threads, [&](std::size_t from, std::size_t to) {
                detail::check_interruption();
                if (order.empty()) {
                    for (std::size_t i = from; i < to; ++i) out[i] = (*this)[i];
                } else {
                    for (std::size_t i = from; i < to; ++i) out[i] = (*this)[order[i]];
                }
                return true;
            });
        });
    }

  private:
    std::size_t rows_;
    double fallback_;
    const double* doubles_ = nullptr;
    const std::int64_t* integers_ = nullptr;
    std::shared_ptr<const void> owner_;
    bool missing_ = false;
};

/// Reads the columns of one input table against its spec, reporting problems as it goes.
class Reader {
  public:
    /// Its passes over the rows use at most `threads` threads (see `BuildOptions::threads`).
    Reader(const TableSpec& spec, const Table* table, Problems& problems, bool strict = false,
           unsigned threads = 1)
        : spec_(spec),
          table_(table),
          problems_(problems),
          rows_(table ? table->rows() : 0),
          threads_(threads) {
        if (!table_) return;
        for (const auto& [name, column] : table_->columns()) {
            if (column.size() != rows_) {
                report(
                    -1, name,
                    "has " + std::to_string(column.size()) + " rows, the table has " + std::to_string(rows_));
                broken_ = true;
            }
            if (spec_.find(name)) continue;
            const std::string plain = normalised_word(name);
            const ColumnSpec* near = nullptr;
            for (const auto& c : spec_.columns) {
                if (!table_->find(c.name) && looks_like(plain, c.name)) {
                    near = &c;
                    break;
                }
            }
            if (near) {
                report(-1, name, "unknown column; did you mean " + quoted(near->name) + "?");
            } else if (strict) {
                report(-1, name,
                       "unknown column (strict_columns); " + std::string(spec_.name) + " has " +
                           known_columns());
            }
        }
        for (const auto& c : spec_.columns) {
            if (c.required && !table_->find(c.name)) {
                report(-1, c.name, "required column is missing (columns found: " + found_columns() + ")");
                broken_ = true;
            }
        }
    }

    [[nodiscard]] std::size_t rows() const noexcept { return broken_ ? 0 : rows_; }
    /// The schema's columns of the table, for messages: "'account_id', 'name', ...".
    [[nodiscard]] std::string known_columns() const {
        std::string out;
        for (const auto& c : spec_.columns) out += (out.empty() ? "" : ", ") + quoted(c.name);
        return out;
    }
    /// The table's own columns, for messages: "'Account', 'amount', ..." or "none".
    [[nodiscard]] std::string found_columns() const {
        std::string out;
        for (const auto& entry : table_->columns()) out += (out.empty() ? "" : ", ") + quoted(entry.first);
        return out.empty() ? "none" : out;
    }
    /// The column `name` to convert (a point where the build may be interrupted), or null.
    [[nodiscard]] const Column* column(std::string_view name) const {
        detail::check_interruption();
        return table_ && !broken_ ? table_->find(name) : nullptr;
    }
    void report(std::int64_t row, std::string_view column, std::string reason) {
        problems_.add(spec_.name, row, column, std::move(reason));
    }
    /// Row `row` is superseded by another row of its id (see `ProblemList::supersede`).
    void supersede(std::int64_t row) { problems_.supersede(spec_.name, row); }

    /// Days; `Date::null()` where missing (a problem when `required`), out of range or unreadable.
    std::vector<Date> dates(std::string_view name, bool required) {
        std::vector<Date> out = per_row(Date::null());
        const Column* c = column(name);
        if (!c) return out;
        const auto check = [&](std::size_t i, std::int64_t days) {
            if (days == Column::nat) {
                if (required) report(to_row(i), name, "missing date");
                return;
            }
            if (days < first_valid_day.days() || days > last_valid_day.days()) {
                report(to_row(i), name,
                       "date " +
                           (days < INT32_MIN + 1 || days > INT32_MAX
                                ? std::to_string(days) + " days after 1970-01-01"
                                : Date{static_cast<Date::rep>(days)}.iso()) +
                           " is outside 1900-01-01..2200-12-31");
                return;
            }
            out[i] = Date{static_cast<Date::rep>(days)};
        };
        // Days of a dates column are made on threads, each part of the rows reporting only whether one has a
        // problem; then the rows are checked again in order, reporting each, only when one has.
        const auto dated = [&](const auto& day_of) {
            const auto made = [&](std::size_t from, std::size_t to) {
                bool clean = true;
                for (std::size_t i = from; i < to; ++i) {
                    detail::interruption_point(i);
                    const std::int64_t days = day_of(i);
                    if (days == Column::nat) {
                        clean = clean && !required;
                    } else if (days < first_valid_day.days() || days > last_valid_day.days()) {
                        clean = false;
                    } else {
                        out[i] = Date{static_cast<Date::rep>(days)};
                    }
                }
                return clean;
            };
            if (detail::true_in_parts(out.size(), out.size(), threads_, made)) return;
            for (std::size_t i = 0; i < out.size(); ++i) check(i, day_of(i));
        };
        if (const auto* d = std::get_if<Column::Dates>(&c->data())) {
            with_day_of(*d, dated);
        } else if (const auto* t = std::get_if<Column::Texts>(&c->data())) {
            std::vector<std::optional<Date>> parsed(t->categories.size());
            for (std::size_t k = 0; k < parsed.size(); ++k) parsed[k] = Date::try_parse(t->categories[k]);
            for (std::size_t i = 0; i < out.size(); ++i) {
                const auto code = t->codes[i];
                if (code < 0) {
                    check(i, Column::nat);
                } else if (!valid_code(code, t->categories.size(), i, name)) {
                } else if (const auto& p = parsed[static_cast<std::size_t>(code)]) {
                    check(i, p->days());
                } else {
                    report(to_row(i), name,
                           "not a date (" + std::string(Date::forms) +
                               "): " + quoted(t->categories[static_cast<std::size_t>(code)]));
                }
            }
        } else {
            wrong_kind(name, *c, "dates");
        }
        return out;
    }

    /// Finite numbers; NaN where missing (a problem when `required`, else `fallback`) or invalid.
    std::vector<double> numbers(std::string_view name, bool required, double fallback = std::nan("")) {
        std::vector<double> out(rows(), fallback);
        const Column* c = column(name);
        if (!c) return out;
        const auto check = [&](std::size_t i, double v) {
            if (std::isnan(v)) {
                if (required) report(to_row(i), name, "missing value");
            } else if (!std::isfinite(v)) {
                report(to_row(i), name, "infinite value");
            } else {
                out[i] = v;
            }
        };
        if (const auto* n = std::get_if<Column::Numbers>(&c->data())) {
            for (std::size_t i = 0; i < out.size(); ++i) check(i, n->values[i]);
        } else if (const auto* z = std::get_if<Column::Integers>(&c->data())) {
            for (std::size_t i = 0; i < out.size(); ++i) check(i, static_cast<double>(z->values[i]));
        } else {
            wrong_kind(name, *c, "numbers");
        }
        return out;
    }

    /// Finite numbers checked where they lie (as `numbers`, and the money limit when `money`), read when the
    /// Book's array is made.
    NumberSource checked_numbers(std::string_view name, bool required, double fallback, bool money) {
        const Column* c = column(name);
        if (!c) return {rows(), fallback};
        if (!std::holds_alternative<Column::Numbers>(c->data()) &&
            !std::holds_alternative<Column::Integers>(c->data())) {
            wrong_kind(name, *c, "numbers");
            return {rows(), fallback};
        }
        NumberSource source(*c, rows(), fallback);
        // The rows are scanned on threads, each part telling whether one is missing or has a problem; then
        // scanned again in order, reporting each problem, only when one has.
        // A value is beyond when infinite or, for money, at least `money_limit` in magnitude (NaN is
        // neither).
        const double limit = money ? money_limit : std::numeric_limits<double>::infinity();
        struct Scan {
            bool missing = false, beyond = false;
        };
        const auto scanned = [&](std::size_t from, std::size_t to) {
            detail::check_interruption();
            Scan s;
            for (std::size_t i = from; i < to; ++i) {  // no branch taken per value
                const double a = std::abs(source.raw(i));
                s.missing = s.missing | std::isnan(a);
                s.beyond = s.beyond | (a >= limit);
            }
            return s;
        };
        const std::vector<Scan> parts = detail::in_parts(rows(), rows(), threads_, scanned);
        const auto any = [&](bool Scan::*m) {
            return std::any_of(parts.begin(), parts.end(), [&](const Scan& s) { return s.*m; });
        };
        if (!any(&Scan::beyond) && !(required && any(&Scan::missing))) {
            if (any(&Scan::missing)) source.saw_missing();
            return source;
        }
        bool bad_money = false;
        for (std::size_t i = 0; i < rows(); ++i) {
            const double v = source.raw(i);
            if (std::isnan(v)) {
                source.saw_missing();
                if (required) report(to_row(i), name, "missing value");
            } else if (!std::isfinite(v)) {
                report(to_row(i), name, "infinite value");
            } else if (money && std::abs(v) >= money_limit) {
                bad_money = true;
            }
        }
        if (bad_money) {  // after the other problems of the column, as `check_money` reports them
            for (std::size_t i = 0; i < rows(); ++i) {
                const double v = source.raw(i);
                if (std::isfinite(v) && std::abs(v) >= money_limit) report_money(i, name);
            }
        }
        return source;
    }

    /// Free text; "" where missing.
    std::vector<std::string> texts(std::string_view name, bool required) {
        std::vector<std::string> out(rows());
        const Column* c = column(name);
        if (!c) return out;
        if (const auto* t = std::get_if<Column::Texts>(&c->data())) {
            for (std::size_t i = 0; i < out.size(); ++i) {
                const auto code = t->codes[i];
                if (code >= 0 && valid_code(code, t->categories.size(), i, name)) {
                    out[i] = t->categories[static_cast<std::size_t>(code)];
                }
                if (required && out[i].empty()) report(to_row(i), name, "missing text");
            }
        } else if (const auto* z = std::get_if<Column::Integers>(&c->data())) {
            for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::to_string(z->values[i]);
        } else {
            wrong_kind(name, *c, "text");
        }
        return out;
    }

    /// Dictionary codes into `categories`; `none` where missing.
    std::vector<std::int32_t> categories(std::string_view name, Categories& categories) {
        std::vector<std::int32_t> out(rows(), none);
        const Column* c = column(name);
        if (!c) return out;
        if (const auto* t = std::get_if<Column::Texts>(&c->data())) {
            std::vector<std::int32_t> map(t->categories.size(), none);
            for (std::size_t k = 0; k < map.size(); ++k) {
                if (t->categories[k].empty()) continue;
                if (const auto code = categories.find(t->categories[k])) {
                    map[k] = *code;
                } else {
                    map[k] = to_index(categories.names.size());
                    categories.names.push_back(t->categories[k]);
                }
            }
            t->codes.visit([&](auto codes) {
                for (std::size_t i = 0; i < out.size(); ++i) {
                    const std::int64_t code = code_value(codes[i]);
                    if (code >= 0 && valid_code(code, map.size(), i, name))
                        out[i] = map[static_cast<std::size_t>(code)];
                }
            });
        } else if (const auto* z = std::get_if<Column::Integers>(&c->data())) {
            std::unordered_map<std::int64_t, std::int32_t> seen;
            for (std::size_t i = 0; i < out.size(); ++i) {
                auto [it, added] = seen.try_emplace(z->values[i], to_index(categories.names.size()));
                if (added) categories.names.push_back(std::to_string(z->values[i]));
                out[i] = it->second;
            }
        } else {
            wrong_kind(name, *c, "text");
        }
        return out;
    }

    /// One word of `words` per row (matched ignoring case and spaces); `fallback` where missing (a problem
    /// when `required`) or unknown.
    template <class Enum, std::size_t N>
    std::vector<Enum> vocabulary(std::string_view name, const std::array<std::string_view, N>& words,
                                 bool required, Enum fallback) {
        std::vector<Enum> out = per_row(fallback);
        const Column* c = column(name);
        if (!c) return out;
        const auto* t = std::get_if<Column::Texts>(&c->data());
        if (!t) {
            wrong_kind(name, *c, "text");
            return out;
        }
        std::vector<std::optional<Enum>> map(t->categories.size());
        for (std::size_t k = 0; k < map.size(); ++k)
            map[k] = from_word<Enum>(words, normalised_word(t->categories[k]));
        t->codes.visit([&](auto codes) {
            for (std::size_t i = 0; i < out.size(); ++i) {
                const std::int64_t code = code_value(codes[i]);
                if (code < 0) {
                    if (required) report(to_row(i), name, "missing value");
                } else if (!valid_code(code, map.size(), i, name)) {
                } else if (const auto& e = map[static_cast<std::size_t>(code)]) {
                    out[i] = *e;
                } else {
                    std::string allowed;
                    for (auto w : words) {
                        if (!w.empty()) allowed += (allowed.empty() ? "" : ", ") + std::string(w);
                    }
                    report(to_row(i), name,
                           "unknown value " + quoted(t->categories[static_cast<std::size_t>(code)]) +
                               " (expected one of " + allowed + ")");
                }
            }
        });
        return out;
    }

    /// The table's own ids: inserts each into `index`. Returns, per row, its index (the existing one for a
    /// repeated id, flagged in `repeated`).
    std::vector<std::int32_t> keys(std::string_view name, IdIndex& index,
                                   std::vector<std::uint8_t>& repeated) {
        std::vector<std::int32_t> out(rows(), none);
        repeated.assign(rows(), 0);
        const Column* c = column(name);
        if (!c) return out;
        const auto put = [&](std::size_t i, auto id) {
            if (auto k = index.insert(id)) {
                out[i] = *k;
            } else {
                out[i] = *index.find(id);
                repeated[i] = 1;
            }
        };
        if (const auto* z = std::get_if<Column::Integers>(&c->data())) {
            index = IdIndex(IdIndex::Kind::integer);
            if (!out.empty()) {
                const auto [lo, hi] = std::minmax_element(z->values.begin(), z->values.end());
                index.reserve(out.size(), *lo, *hi);
            }
            for (std::size_t i = 0; i < out.size(); ++i) put(i, z->values[i]);
        } else if (const auto* t = std::get_if<Column::Texts>(&c->data())) {
            index = IdIndex(IdIndex::Kind::text);
            for (std::size_t i = 0; i < out.size(); ++i) {
                const auto code = t->codes[i];
                if (code < 0) {
                    report(to_row(i), name, "missing id");
                } else if (valid_code(code, t->categories.size(), i, name)) {
                    const std::string& id = t->categories[static_cast<std::size_t>(code)];
                    if (id.find_first_not_of(" \t\r\n") == std::string::npos) {
                        report(to_row(i), name, "empty id");
                    } else {
                        put(i, std::string_view(id));
                    }
                }
            }
        } else {
            wrong_kind(name, *c, "integer or text ids");
        }
        return out;
    }

    /// References to the ids of `index` (of the table `target`); `none` where missing (a problem when
    /// `required`) or unknown (always a problem).
    std::vector<std::int32_t> references(std::string_view name, const IdIndex& index, std::string_view target,
                                         bool required) {
        std::vector<std::int32_t> out = per_row(none);
        const Column* c = column(name);
        if (!c) return out;
        const auto unknown = [&](std::size_t i, const std::string& id) {
            report(to_row(i), name, "unknown " + std::string(target) + " id " + quoted(id));
        };
        if (const auto* z = std::get_if<Column::Integers>(&c->data())) {
            // Integer ids are often a dense range: look them up in a table instead of hashing each row, when
            // the rows outnumber the ids (a few rows, as an append's, are found in the index: making the
            // table would cost a pass over every id).
            const auto& ids = index.integers();
            const bool dense = index.kind() == IdIndex::Kind::integer && !ids.empty() && ids.size() <= rows();
            // Offsets from the smallest id in unsigned arithmetic: ids may span the whole int64 range.
            std::int64_t lo = 0, hi = -1;
            const auto offset = [&](std::int64_t id) {
                return static_cast<std::size_t>(static_cast<std::uint64_t>(id) -
                                                static_cast<std::uint64_t>(lo));
            };
            std::vector<std::int32_t> lut;
            if (dense) {
                lo = *std::min_element(ids.begin(), ids.end());
                hi = *std::max_element(ids.begin(), ids.end());
                if (offset(hi) < 4 * ids.size() + 1024) {
                    lut.assign(offset(hi) + 1, none);
                    for (std::size_t k = 0; k < ids.size(); ++k) lut[offset(ids[k])] = to_index(k);
                }
            }
            for (std::size_t i = 0; i < out.size(); ++i) {
                const std::int64_t id = z->values[i];
                if (!lut.empty() && i + fetch_ahead < out.size()) {
                    const std::int64_t next = z->values[i + fetch_ahead];
                    if (next >= lo && next <= hi) prefetch_read(&lut[offset(next)]);
                }
                std::optional<std::int32_t> k;
                if (!lut.empty()) {
                    if (id >= lo && id <= hi && lut[offset(id)] != none) k = lut[offset(id)];
                } else {
                    k = index.find(id);
                }
                if (k) {
                    out[i] = *k;
                } else {
                    unknown(i, std::to_string(id));
                }
            }
        } else if (const auto* t = std::get_if<Column::Texts>(&c->data())) {
            // A line reads 4 bytes of this table, not the text (with 10^5 ids, tables of texts outgrow the
            // caches).
            const std::vector<std::int32_t> map = code_map(*t, index);
            t->codes.visit([&](auto codes) {
                for (std::size_t i = 0; i < out.size(); ++i) {
                    const std::int64_t code = code_value(codes[i]);
                    const std::int32_t k = code < 0 ? blank
                                           : static_cast<std::size_t>(code) < map.size()
                                               ? map[static_cast<std::size_t>(code)]
                                               : none;
                    if (k >= 0) {
                        out[i] = k;
                    } else if (k == blank) {
                        if (required) report(to_row(i), name, "missing id");
                    } else if (k == unknown_id) {
                        unknown(i, t->categories[static_cast<std::size_t>(code)]);
                    } else {
                        valid_code(code, map.size(), i, name);  // reports the code out of range
                    }
                }
            });
        } else {
            wrong_kind(name, *c, "integer or text ids");
        }
        return out;
    }

    /// The references of `references` as the Book's array: the column's own codes (no copy) when they are
    /// int32 dictionary codes kept alive by the column's owner, each in range, into texts that are the ids
    /// of `index` in its order (the accounts of a log's lines as `TransactionLog` gives them); else new.
    Array<std::int32_t> shared_references(std::string_view name, const IdIndex& index,
                                          std::string_view target, bool required) {
        const Column* c = column(name);
        const auto* t = c && c->owner() ? std::get_if<Column::Texts>(&c->data()) : nullptr;
        std::span<const std::int32_t> codes;
        if (t) {
            t->codes.visit([&](auto s) {
                if constexpr (std::is_same_v<decltype(s), std::span<const std::int32_t>>) codes = s;
            });
        }
        if (codes.size() == rows() && rows() > 0 && same_order(*t, index)) {
            const auto n = static_cast<std::int32_t>(t->categories.size());
            const auto [lo, hi] = detail::bounds_in_parts(codes, threads_);
            if (lo >= 0 && hi < n) return Array<std::int32_t>(codes, c->owner());
        }
        return references(name, index, target, required);
    }

    /// The vectors of a value per row made from here on (dates, words, references) get room after their
    /// rows for appends (see `Array::with_room`): for the revenue table's columns.
    void leave_room() noexcept { room_ = true; }

  private:
    /// Sentinels of `code_map`: an empty text (a missing id), an id the index lacks.
    static constexpr std::int32_t blank = -2, unknown_id = -3;

    /// Per dictionary code of `t`, the index of its id in `index`, `blank` or `unknown_id`.
    static std::vector<std::int32_t> code_map(const Column::Texts& t, const IdIndex& index) {
        std::vector<std::int32_t> map(t.categories.size());
        for (std::size_t k = 0; k < map.size(); ++k) {
            const std::string& id = t.categories[k];
            const auto found = id.empty() ? std::nullopt : index.find(std::string_view(id));
            map[k] = id.empty() ? blank : found ? *found : unknown_id;
        }
        return map;
    }

    /// Whether code `k` of `t` is the id of index `k` of `index`, for every code.
    static bool same_order(const Column::Texts& t, const IdIndex& index) {
        const std::vector<std::int32_t> map = code_map(t, index);
        for (std::size_t k = 0; k < map.size(); ++k) {
            if (map[k] != to_index(k)) return false;
        }
        return true;
    }

    void report_money(std::size_t i, std::string_view name) {
        report(to_row(i), name, "amount beyond +-1e13 cannot be summed exactly to the cent");
    }
    bool valid_code(std::int64_t code, std::size_t n, std::size_t row, std::string_view name) {
        if (code >= 0 && static_cast<std::size_t>(code) < n) return true;
        report(to_row(row), name, "dictionary code " + std::to_string(code) + " out of range");
        return false;
    }
    void wrong_kind(std::string_view name, const Column& c, std::string_view expected) {
        report(-1, name,
               "expected " + std::string(expected) + ", got a " + std::string(c.kind_name()) + " column");
    }

    const TableSpec& spec_;
    const Table* table_;
    Problems& problems_;
    std::size_t rows_;
    unsigned threads_;
    bool broken_ = false;
    bool room_ = false;  // see `leave_room`

    /// A vector of `value` per row (see `leave_room`).
    template <class T>
    [[nodiscard]] std::vector<T> per_row(const T& value) const {
        return detail::vector_on_huge_pages(rows(), value, room_ ? Array<T>::with_room(rows()) : 0);
    }
};

void check_money(Reader& r, std::string_view column, const std::vector<double>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::abs(values[i]) >= money_limit) {
            r.report(to_row(i), column, "amount beyond +-1e13 cannot be summed exactly to the cent");
        }
    }
}

/// The values of `v` (a vector or an `Array`) in `order`, written at `out`.
template <class V, class T>
void gather_into(T* out, const V& v, const std::vector<std::uint32_t>& order) {
    for (std::size_t i = 0; i < order.size(); ++i) out[i] = v[order[i]];
}

/// The values of `v` (a vector or an `Array`) in `order`.
template <class V>
std::vector<typename V::value_type> gather(const V& v, const std::vector<std::uint32_t>& order) {
    auto out = detail::vector_on_huge_pages(order.size(), typename V::value_type{});
    gather_into(out.data(), v, order);
    return out;
}

/// The permutation that sorts `dates` stably, or none (empty) when they are sorted already.
std::vector<std::uint32_t> sort_order(std::span<const Date> dates, unsigned threads) {
    detail::check_interruption();
    if (detail::sorted_in_parts(dates, threads)) return {};
    std::vector<std::uint32_t> order = detail::stable_order(dates);
    detail::check_interruption();
    return order;
}

/// `v` in `order` (as it is when `order` is empty, from `sort_order`); `v` is freed.
template <class T>
std::vector<T> in_order(std::vector<T>&& v, const std::vector<std::uint32_t>& order) {
    if (order.empty()) return std::move(v);
    std::vector<T> out = gather(v, order);
    std::vector<T>().swap(v);
    return out;
}

/// `v` in `order` as a column of the revenue table, with room after its values for appends (see
/// `Array::with_room`): `v` itself when `order` is empty, else its values gathered into new memory with room.
template <class T>
Array<T> revenue_column(const Array<T>& v, const std::vector<std::uint32_t>& order) {
    if (order.empty()) return v;
    return Array<T>::written(order.size(), [&](T* out) {
        detail::advise_huge_pages(out, order.size() * sizeof(T));
        gather_into(out, v, order);
    });
}
/// The same of a vector that a `Reader` made with room (see `Reader::leave_room`); `v` is freed.
template <class T>
Array<T> revenue_column(std::vector<T>&& v, const std::vector<std::uint32_t>& order) {
    return revenue_column(Array<T>(std::move(v)), order);
}

std::vector<std::uint32_t> offsets_of(const std::vector<std::int32_t>& sorted_keys, std::size_t groups) {
    std::vector<std::uint32_t> offsets(groups + 1, 0);
    for (auto k : sorted_keys) ++offsets[static_cast<std::size_t>(k) + 1];
    std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
    return offsets;
}

/// The cycles of the links `parent` (an index, or `none`, per row of a dimension), each once, as its members
/// in link order from the one with the lowest index.
std::vector<std::vector<std::size_t>> cycles_of(const std::vector<std::int32_t>& parent) {
    const std::size_t n = parent.size();
    std::vector<std::vector<std::size_t>> out;
    std::vector<std::uint8_t> state(n, 0);  // 0 unvisited, 1 on the current path, 2 done
    for (std::size_t start = 0; start < n; ++start) {
        std::vector<std::size_t> path;
        std::size_t a = start;
        while (state[a] == 0) {
            state[a] = 1;
            path.push_back(a);
            if (parent[a] == none) break;
            a = static_cast<std::size_t>(parent[a]);
        }
        if (state[a] == 1 && parent[a] != none) {  // a is on the current path: the path from a is a cycle
            out.emplace_back(std::find(path.begin(), path.end(), a), path.end());
        }
        for (auto p : path) state[p] = 2;
    }
    return out;
}

/// Reports each cycle of a dimension's links `parent` (see `cycles_of`) in `column`, at the row that gave its
/// first member (`row_of`): `describe` of the member's quoted id, then the cycle by its members' ids ("'A' ->
/// 'B' -> 'A'").
template <class Ids, class Describe>
void report_cycles(Reader& r, std::string_view column, const std::vector<std::int32_t>& parent,
                   const std::vector<std::int64_t>& row_of, const Ids& ids, const Describe& describe) {
    const auto label = [&](std::size_t i) { return quoted(ids.label(to_index(i))); };
    for (const auto& cycle : cycles_of(parent)) {
        std::string text = describe(label(cycle.front()));
        for (auto i : cycle) text += label(i) + " -> ";
        r.report(row_of[cycle.front()], column, text + label(cycle.front()));
    }
}

using detail::Spell;

}  // namespace

BookBuilder& BookBuilder::add(std::string_view name, Table table) {
    for (auto& [n, t] : tables_) {
        if (n == name) {
            t = std::move(table);
            return *this;
        }
    }
    tables_.emplace_back(std::string(name), std::move(table));
    return *this;
}

BookBuilder& BookBuilder::reject(Problem problem) {
    rejections_.push_back(std::move(problem));
    return *this;
}

Book BookBuilder::build() const {
    Problems problems;
    for (const auto& p : rejections_) problems.add(p);
    auto book = try_build(tables_, problems);
    if (!book) problems.raise();
    return std::move(*book);
}

namespace {

/// Owners at the date of each event: asked once per event, from a copy of the assignments packed 16 bytes
/// each (an account's are then one read away, not five: events come in date order, accounts at random).
class OwnerFinder {
  public:
    explicit OwnerFinder(const AssignmentTable& t) : t_(t), packed_(t.size()) {
        for (std::size_t k = 0; k < packed_.size(); ++k)
            packed_[k] = {t.start[k], t.end[k], t.project[k], t.manager[k]};
    }

    /// Sets the manager of each project (at its signing), revenue line, interaction without one, request (at
    /// its receipt) and survey of `data`.
    void assign(BookData& data) const {
        auto& p = data.projects.write();
        p.manager = owners(
            p.account, [](std::size_t i) { return to_index(i); },
            [&](std::size_t i) { return p.signed_on[i]; });
        auto& r = data.revenue.write();
        // Without assignments no line has an owner: the column is then absent (see `RevenueTable`).
        if (t_.size() > 0)
            r.manager = owners(
                r.account, [&](std::size_t i) { return r.project_of(i); },
                [&](std::size_t i) { return r.date[i]; }, Array<std::int32_t>::with_room(r.size()));
        auto& c = data.interactions.write();
        for (std::size_t i = 0; i < c.size(); ++i) {
            if (c.manager[i] == none) c.manager[i] = owner(c.account[i], none, c.date[i]);
        }
        auto& q = data.requests.write();
        q.manager.resize(q.size());
        for (std::size_t i = 0; i < q.size(); ++i)
            q.manager[i] = owner(q.account[i], q.project[i], q.received_on[i]);
        auto& v = data.surveys.write();
        v.manager.resize(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) v.manager[i] = owner(v.account[i], none, v.date[i]);
    }

  private:
    struct Assignment {
        Date start, end;
        std::int32_t project, manager;
    };

    [[nodiscard]] std::int32_t owner(std::int32_t a, std::int32_t p, Date d) const {
        const auto ua = static_cast<std::size_t>(a);
        const auto at = [&](std::uint32_t k) -> const Assignment& { return packed_[k]; };
        return detail::owner_among(t_.offsets[ua], t_.offsets[ua + 1], p, d, at);
    }

    /// The owner of each row of the largest tables: the next rows' assignments fetched ahead (their accounts'
    /// offsets first); the vector has room for `capacity` rows when that is more.
    template <class ProjectOf, class DateOf>
    [[nodiscard]] std::vector<std::int32_t> owners(std::span<const std::int32_t> account,
                                                   const ProjectOf& project_of, const DateOf& date_of,
                                                   std::size_t capacity = 0) const {
        constexpr std::size_t ahead = fetch_ahead;
        const std::size_t n = account.size();
        std::vector<std::int32_t> out = detail::vector_on_huge_pages(n, none, capacity);
        for (std::size_t i = 0; i < n; ++i) {
            detail::interruption_point(i);
            if (i + 2 * ahead < n)
                prefetch_read(&t_.offsets[static_cast<std::size_t>(account[i + 2 * ahead])]);
            if (i + ahead < n && !packed_.empty()) {
                const auto first = t_.offsets[static_cast<std::size_t>(account[i + ahead])];
                prefetch_read(&packed_[std::min<std::size_t>(first, packed_.size() - 1)]);
            }
            out[i] = owner(account[i], project_of(i), date_of(i));
        }
        return out;
    }

    const AssignmentTable& t_;
    std::vector<Assignment> packed_;
};

using InputTables = std::vector<std::pair<std::string, Table>>;

/// The columns of the accounts table as read, one value per input row.
struct AccountRows {
    std::vector<std::int32_t> account;
    std::vector<std::string> name;
    std::vector<std::int32_t> region;
    std::vector<std::int32_t> domain;
    std::vector<std::int32_t> parent;
    std::vector<Date> acquired;
    std::vector<Date> churned;

    /// One column in which rows `i` and `k` differ: its name, whether row `i` gives a value, and the two
    /// values as text.
    struct Difference {
        std::string_view column;
        bool given;
        std::string values;
    };

    /// The columns in which rows `i` and `k` differ (a missing value differs from a given one).
    [[nodiscard]] std::vector<Difference> differences(std::size_t i, std::size_t k,
                                                      const AccountTable& t) const {
        std::vector<Difference> out;
        const auto add = [&](std::string_view column, bool differs, bool given, const std::string& here,
                             const std::string& there) {
            if (differs)
                out.push_back({column, given, here + " here, " + there + " in row " + std::to_string(k)});
        };
        const auto text = [](const std::string& s) { return s.empty() ? std::string("none") : quoted(s); };
        const auto word = [](const Categories& c, std::int32_t code) {
            return code == none ? std::string("none") : quoted(c.names[static_cast<std::size_t>(code)]);
        };
        const auto id = [&](std::int32_t a) {
            return a == none ? std::string("none") : quoted(t.ids.label(a));
        };
        const auto day = [](Date d) { return d.is_null() ? std::string("none") : d.iso(); };
        add("name", name[i] != name[k], !name[i].empty(), text(name[i]), text(name[k]));
        add("region", region[i] != region[k], region[i] != none, word(t.regions, region[i]),
            word(t.regions, region[k]));
        add("domain", domain[i] != domain[k], domain[i] != none, word(t.domains, domain[i]),
            word(t.domains, domain[k]));
        add("parent_id", parent[i] != parent[k], parent[i] != none, id(parent[i]), id(parent[k]));
        add("acquired_on", acquired[i] != acquired[k], !acquired[i].is_null(), day(acquired[i]),
            day(acquired[k]));
        add("churned_on", churned[i] != churned[k], !churned[i].is_null(), day(churned[i]), day(churned[k]));
        return out;
    }
};

/// The row that stands for each of `accounts` accounts: its first row or its last (`keep`).
std::vector<std::int64_t> kept_rows_of(const std::vector<std::int32_t>& account, std::size_t accounts,
                                       KeepRow keep) {
    std::vector<std::int64_t> kept(accounts, -1);
    for (std::size_t i = 0; i < account.size(); ++i) {
        if (account[i] == none) continue;
        auto& k = kept[static_cast<std::size_t>(account[i])];
        if (k < 0 || keep == KeepRow::last) k = to_row(i);
    }
    return kept;
}

bool spell_order(const Spell& x, const Spell& y) {
    return x.account != y.account ? x.account < y.account : x.begin < y.begin;
}

/// Assembles a Book from its input tables in two stages: each table is read and checked by its own step,
/// every problem reported (`read`); then, when none was found, the derivations queries need (`derive`). The
/// steps run in the order of the schema's references: accounts, managers and units, projects, then the event
/// tables that refer to them.
class Assembly {
  public:
    Assembly(const InputTables& tables, Problems& problems, const BuildOptions& options)
        : tables_(tables), problems_(problems), options_(options), data_(std::make_shared<BookData>()) {
        data_->options = options;
    }
    /// The assembly of event tables appended to `base` (see `BookBuilder::append_to`): their rows refer to
    /// `base`'s accounts, projects and managers.
    Assembly(const InputTables& tables, Problems& problems, const BookData& base)
        : tables_(tables),
          problems_(problems),
          options_(base.options),
          data_(std::make_shared<BookData>()),
          dims_(&base),
          project_lookup_(&base.projects->ids),
          projects_renumbered_(false) {}
    Assembly(const Assembly&) = delete;
    Assembly& operator=(const Assembly&) = delete;

    /// Reads and checks every table.
    void read() {
        check_options_and_tables();
        read_accounts();
        Reader managers = reader("managers");  // read again for the managers' units, once units are known
        read_managers(managers);
        read_units(managers);
        read_projects();
        read_assignments();
        read_revenue();
        read_interactions();
        read_requests();
        read_surveys();
        read_targets();
    }

    /// Reads and checks the event tables to append (the others are problems).
    void read_events() {
        for (const auto& [n, t] : tables_) {
            if (!find_table(n)) {
                problems_.add(n, -1, "", "unknown table");
            } else if (!appendable(n)) {
                problems_.add(
                    n, -1, "",
                    "cannot be appended: only revenue, interactions, requests and surveys can (build "
                    "the Book again for new accounts, managers, units, projects, assignments or "
                    "targets)");
            }
        }
        for (const auto& spec : schema()) {
            if (input(spec.name) && appendable(spec.name)) data_->tables_given.emplace_back(spec.name);
        }
        read_revenue();
        read_interactions();
        read_requests();
        read_surveys();
    }

    /// The Book of `dims_` with the event tables read without a problem appended.
    Book appended() {
        OwnerFinder(*dims_->assignments).assign(*data_);
        return Book(detail::appended(*dims_, std::move(*data_)));
    }

    /// The Book of the tables read without a problem.
    Book derive() {
        auto& assignments = data_->assignments.write();
        assignments.offsets = offsets_of(assignments.account, data_->accounts->size());
        derive_spells_and_sightings();
        derive_project_kinds();
        derive_owners();
        return Book(std::move(data_));
    }

  private:
    [[nodiscard]] const Table* input(std::string_view name) const {
        for (const auto& [n, t] : tables_) {
            if (n == name) return &t;
        }
        return nullptr;
    }
    [[nodiscard]] static bool appendable(std::string_view name) {
        return name == "revenue" || name == "interactions" || name == "requests" || name == "surveys";
    }
    [[nodiscard]] Reader reader(std::string_view name) const {
        return Reader(*find_table(name), input(name), problems_, options_.strict_columns, options_.threads);
    }

    void check_options_and_tables() {
        if (options_.inactivity_days < 1 || options_.inactivity_days > BuildOptions::max_inactivity_days) {
            problems_.add("options", -1, "inactivity_days",
                          "must be between 1 and " + std::to_string(BuildOptions::max_inactivity_days) +
                              " days, got " + std::to_string(options_.inactivity_days));
        }
        for (const auto& [n, t] : tables_) {
            if (!find_table(n)) problems_.add(n, -1, "", "unknown table");
        }
        for (const auto& spec : schema()) {
            if (input(spec.name)) {
                data_->tables_given.emplace_back(spec.name);
            } else if (spec.required) {
                problems_.add(spec.name, -1, "", "required table is missing");
            }
        }
    }

    // accounts: one row per account, or one row per spell when acquired_on is given on every row of the
    // account. An account given by several rows without spells (or by exact duplicates) is its kept row
    // (`BuildOptions::keep`); every other row is a problem naming the kept row and what differs.
    void read_accounts() {
        Reader r = reader("accounts");
        auto& t = data_->accounts.write();
        std::vector<std::uint8_t> repeated;
        AccountRows rows;
        rows.account = r.keys("account_id", t.ids, repeated);
        rows.name = r.texts("name", false);
        rows.region = r.categories("region", t.regions);
        rows.domain = r.categories("domain", t.domains);
        rows.parent = r.references("parent_id", t.ids, "account", false);
        rows.acquired = r.dates("acquired_on", false);
        rows.churned = r.dates("churned_on", false);
        const auto kept = kept_rows_of(rows.account, t.ids.size(), options_.keep);
        read_account_rows(r, rows, kept);
        read_account_parents(r, rows, kept);
        std::stable_sort(spells_.begin(), spells_.end(), spell_order);
        for (std::size_t k = 1; k < spells_.size(); ++k) {
            if (spells_[k].account == spells_[k - 1].account && spells_[k].begin < spells_[k - 1].end) {
                r.report(spells_[k].row, "acquired_on",
                         "spell overlaps the spell of row " + std::to_string(spells_[k - 1].row) +
                             " of account " + quoted(t.ids.label(spells_[k].account)));
            }
        }
    }

    /// The accounts' names, regions and domains (their kept rows'), and their given spells; the repeated
    /// rows checked against the kept ones.
    void read_account_rows(Reader& r, const AccountRows& rows, const std::vector<std::int64_t>& kept) {
        auto& t = data_->accounts.write();
        const std::size_t n = t.ids.size();
        t.name.assign(n, {});
        t.region.assign(n, none);
        t.domain.assign(n, none);
        t.parent.assign(n, none);
        spells_given_.assign(n, 0);
        for (std::size_t a = 0; a < n; ++a) {
            const auto k = static_cast<std::size_t>(kept[a]);
            t.name[a] = rows.name[k];
            t.region[a] = rows.region[k];
            t.domain[a] = rows.domain[k];
        }
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            const auto a = rows.account[i];
            if (a == none) continue;
            const auto k = static_cast<std::size_t>(kept[static_cast<std::size_t>(a)]);
            if (k != i && !check_repeated_account(r, rows, i, k)) continue;
            if (!rows.acquired[i].is_null()) {
                spells_given_[static_cast<std::size_t>(a)] = 1;
                Date end = Date::max();
                if (!rows.churned[i].is_null()) {
                    end = rows.churned[i];
                    if (!(rows.acquired[i] < end)) {
                        r.report(to_row(i), "churned_on",
                                 "churned_on " + end.iso() + " is not after acquired_on " +
                                     rows.acquired[i].iso());
                        continue;
                    }
                }
                spells_.push_back({a, rows.acquired[i], end, 0, to_row(i)});
            } else if (!rows.churned[i].is_null()) {
                r.report(to_row(i), "acquired_on", "churned_on is given without acquired_on");
            }
        }
    }

    /// Checks row `i` of an account against its kept row `k`. False when row `i` is not one of the account's
    /// spells but a row superseded by row `k`: an exact duplicate, or another row of an account without
    /// spells. Spell rows must agree with the kept row where they give a name, region, domain or parent.
    bool check_repeated_account(Reader& r, const AccountRows& rows, std::size_t i, std::size_t k) {
        const auto& t = *data_->accounts;
        const std::string again = "account " + quoted(t.ids.label(rows.account[i])) + " is given again";
        const std::string kept =
            " (the row kept: keep='" + std::string(options_.keep == KeepRow::first ? "first" : "last") + "')";
        const auto differences = rows.differences(i, k, t);
        if (differences.empty()) {
            r.report(to_row(i), "account_id",
                     again + ": an exact duplicate of row " + std::to_string(k) + kept);
            r.supersede(to_row(i));
            return false;
        }
        const bool spell_i = !rows.acquired[i].is_null();
        const bool spell_k = !rows.acquired[k].is_null();
        if (spell_i != spell_k) {
            r.report(to_row(i), "account_id",
                     again + " (row " + std::to_string(k) + kept +
                         "); an account with several spells needs acquired_on on each of its rows");
        }
        for (const auto& d : differences) {
            const bool spell_column = d.column == "acquired_on" || d.column == "churned_on";
            if (spell_i || spell_k) {
                if (spell_column || !d.given) continue;  // the spells' own dates; a value left out
            }
            std::string reason = again;
            reason.append(" with another ").append(d.column).append(": ").append(d.values).append(kept);
            r.report(to_row(i), d.column, std::move(reason));
        }
        if (spell_i || spell_k) return spell_i && spell_k;
        r.supersede(to_row(i));
        return false;
    }

    /// The accounts' parents (their kept rows'). A chain of parents must end: each cycle is reported once,
    /// naming it, on the input row that gave its first account its parent.
    void read_account_parents(Reader& r, const AccountRows& rows, const std::vector<std::int64_t>& kept) {
        auto& t = data_->accounts.write();
        std::vector<std::int64_t> parent_row(t.ids.size(), -1);
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            const auto a = rows.account[i];
            const auto p = rows.parent[i];
            if (a == none || p == none) continue;
            if (p == a) {
                r.report(to_row(i), "parent_id", "an account cannot be its own parent");
            } else if (kept[static_cast<std::size_t>(a)] == to_row(i)) {
                t.parent[static_cast<std::size_t>(a)] = p;
                parent_row[static_cast<std::size_t>(a)] = to_row(i);
            }
        }
        report_cycles(r, "parent_id", t.parent, parent_row, t.ids, [](const std::string& id) {
            return "the parents of account " + id + " form a cycle back to it: ";
        });
    }

    // managers, then units (their heads are managers, and managers belong to units): the managers' units are
    // read once the units are known.
    void read_managers(Reader& r) {
        auto& t = data_->managers.write();
        std::vector<std::uint8_t> repeated;
        manager_of_row_ = r.keys("manager_id", t.ids, repeated);
        const auto& manager = manager_of_row_;
        const auto name = r.texts("name", false);
        const auto role = r.vocabulary("role", role_names, true, Role::farmer);
        const auto tier = r.vocabulary("tier", tier_names, false, Tier::none);
        const auto reports_to = r.references("reports_to", t.ids, "manager", false);
        t.name.assign(t.ids.size(), {});
        t.role.assign(t.ids.size(), Role::farmer);
        t.tier.assign(t.ids.size(), Tier::none);
        t.reports_to.assign(t.ids.size(), none);
        t.unit.assign(t.ids.size(), none);
        std::vector<std::int64_t> row_of(t.ids.size(), -1);
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            if (manager[i] == none) continue;
            if (repeated[i]) {
                r.report(to_row(i), "manager_id", "duplicate manager id " + quoted(t.ids.label(manager[i])));
                continue;
            }
            const auto m = static_cast<std::size_t>(manager[i]);
            row_of[m] = to_row(i);
            t.name[m] = name[i];
            t.role[m] = role[i];
            t.tier[m] = tier[i];
            if (reports_to[i] == manager[i]) {
                r.report(to_row(i), "reports_to",
                         "manager " + quoted(t.ids.label(manager[i])) + " cannot report to himself");
            } else {
                t.reports_to[m] = reports_to[i];
            }
        }
        report_cycles(r, "reports_to", t.reports_to, row_of, t.ids, [](const std::string& id) {
            return "the reporting lines of manager " + id + " form a cycle: ";
        });
    }

    /// The units, then each manager's unit (`managers`: the reader of the managers' table).
    void read_units(Reader& managers) {
        Reader r = reader("units");
        auto& t = data_->units.write();
        std::vector<std::uint8_t> repeated;
        const auto unit = r.keys("unit_id", t.ids, repeated);
        const auto name = r.texts("name", false);
        const auto kind = r.vocabulary("kind", unit_kind_names, true, UnitKind::account_management);
        const auto head = r.references("head_id", data_->managers->ids, "manager", false);
        const auto parent = r.references("parent_id", t.ids, "unit", false);
        const auto account = r.references("account_id", data_->accounts->ids, "account", false);
        const auto account_given = r.texts("account_id", false);  // an unknown id is reported as such
        const std::size_t n = t.ids.size();
        t.name.assign(n, {});
        t.kind.assign(n, UnitKind::account_management);
        t.head.assign(n, none);
        t.parent.assign(n, none);
        t.account.assign(n, none);
        std::vector<std::int64_t> row_of(n, -1);
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            if (unit[i] == none) continue;
            const std::string id = quoted(t.ids.label(unit[i]));
            if (repeated[i]) {
                r.report(to_row(i), "unit_id", "duplicate unit id " + id);
                continue;
            }
            const auto u = static_cast<std::size_t>(unit[i]);
            row_of[u] = to_row(i);
            t.name[u] = name[i];
            t.kind[u] = kind[i];
            t.head[u] = head[i];
            t.account[u] = account[i];
            if (parent[i] == unit[i]) {
                r.report(to_row(i), "parent_id", "unit " + id + " cannot be its own parent");
            } else {
                t.parent[u] = parent[i];
            }
            const bool client_unit = kind[i] == UnitKind::client_unit;
            if (client_unit && account[i] == none && account_given[i].empty()) {
                r.report(to_row(i), "account_id", "client unit " + id + " needs the account it serves");
            } else if (!client_unit && account[i] != none) {
                r.report(to_row(i), "account_id",
                         "only a client_unit serves one account; unit " + id + " is a " +
                             std::string(unit_kind_names[static_cast<std::size_t>(kind[i])]));
            }
        }
        report_cycles(r, "parent_id", t.parent, row_of, t.ids,
                      [](const std::string& id) { return "the parents of unit " + id + " form a cycle: "; });
        const auto unit_of = managers.references("unit_id", t.ids, "unit", false);
        auto& m = data_->managers.write();
        for (std::size_t i = 0; i < unit_of.size(); ++i) {
            if (manager_of_row_[i] != none) m.unit[static_cast<std::size_t>(manager_of_row_[i])] = unit_of[i];
        }
    }

    // projects, stored sorted by signed_on: a project's index is its sorted row.
    void read_projects() {
        Reader r = reader("projects");
        auto& t = data_->projects.write();
        std::vector<std::uint8_t> repeated;
        const auto project = r.keys("project_id", project_input_ids_, repeated);
        t.account = r.references("account_id", data_->accounts->ids, "account", true);
        t.service_line = r.categories("service_line", t.service_lines);
        t.kind = r.vocabulary("kind", project_kind_names, false, ProjectKind::unspecified);
        t.signed_on = r.dates("signed_on", true);
        t.start = r.dates("start", false);
        t.end = r.dates("end", false);
        t.value = r.numbers("value", true);
        check_money(r, "value", t.value);
        t.billing = r.vocabulary("billing", billing_names, false, Billing::none);
        std::vector<std::uint32_t> keep;
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            if (repeated[i]) {
                r.report(to_row(i), "project_id",
                         "duplicate project id " + quoted(project_input_ids_.label(project[i])));
            }
            if (!t.start[i].is_null() && !t.end[i].is_null() && t.end[i] < t.start[i]) {
                r.report(to_row(i), "end", "end " + t.end[i].iso() + " is before start " + t.start[i].iso());
            }
            if (project[i] != none && !repeated[i]) keep.push_back(static_cast<std::uint32_t>(i));
        }
        std::vector<Date> keep_signed(keep.size());
        for (std::size_t k = 0; k < keep.size(); ++k) {
            keep_signed[k] = t.signed_on[keep[k]].is_null() ? Date::min() : t.signed_on[keep[k]];
        }
        const auto order = sort_order(keep_signed, options_.threads);
        if (order.empty() && keep.size() == r.rows()) {
            // Every row a new project, already in signing order: the input order is the Book's.
            t.ids = std::move(project_input_ids_);
            project_lookup_ = &t.ids;
            projects_renumbered_ = false;
            return;
        }
        if (!order.empty()) keep = gather(keep, order);
        renumber_projects(project, keep);
    }

    /// Keeps the projects of input rows `rows` (one row per project, in signing order) and numbers them in
    /// that order; `project`: each input row's project in the input's numbering.
    void renumber_projects(const std::vector<std::int32_t>& project, const std::vector<std::uint32_t>& rows) {
        auto& t = data_->projects.write();
        project_of_input_.assign(project_input_ids_.size(), none);
        t.ids = IdIndex(project_input_ids_.kind());
        if (const auto& ids = project_input_ids_.integers(); !ids.empty()) {
            const auto [lo, hi] = std::minmax_element(ids.begin(), ids.end());
            t.ids.reserve(ids.size(), *lo, *hi);
        }
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const auto p = static_cast<std::size_t>(project[rows[k]]);
            if (project_input_ids_.kind() == IdIndex::Kind::integer) {
                (void)t.ids.insert(project_input_ids_.integers()[p]);
            } else {
                (void)t.ids.insert(std::string_view(project_input_ids_.texts()[p]));
            }
            project_of_input_[p] = to_index(k);
        }
        t.account = gather(t.account, rows);
        t.service_line = gather(t.service_line, rows);
        t.kind = gather(t.kind, rows);
        t.signed_on = gather(t.signed_on, rows);
        t.start = gather(t.start, rows);
        t.end = gather(t.end, rows);
        t.value = gather(t.value, rows);
        t.billing = gather(t.billing, rows);
    }

    /// The projects that the rows of `r` refer to, in the Book's numbering; a project of another account than
    /// the row's (`account`) is reported.
    std::vector<std::int32_t> project_refs(Reader& r, std::span<const std::int32_t> account) {
        auto project = r.references("project_id", *project_lookup_, "project", false);
        const bool renumber = projects_renumbered_;
        const auto& project_account = dims_->projects->account;
        for (std::size_t i = 0; i < project.size(); ++i) {
            if (i + fetch_ahead < project.size() && !renumber) {
                const auto next = project[i + fetch_ahead];
                if (next != none) prefetch_read(&project_account[static_cast<std::size_t>(next)]);
            }
            if (project[i] == none) continue;
            if (renumber) project[i] = project_of_input_[static_cast<std::size_t>(project[i])];
            if (project[i] == none) continue;  // a duplicate project id, reported with projects
            const auto owner_account = project_account[static_cast<std::size_t>(project[i])];
            if (account[i] != none && owner_account != none && owner_account != account[i]) {
                r.report(to_row(i), "project_id",
                         "project " + quoted(dims_->projects->ids.label(project[i])) +
                             " belongs to account " + quoted(dims_->accounts->ids.label(owner_account)) +
                             ", not to " + quoted(dims_->accounts->ids.label(account[i])));
            }
        }
        return project;
    }

    // assignments, stored sorted by account then start.
    void read_assignments() {
        Reader r = reader("assignments");
        auto& t = data_->assignments.write();
        const auto manager = r.references("manager_id", data_->managers->ids, "manager", true);
        const auto account = r.references("account_id", data_->accounts->ids, "account", true);
        const auto project = project_refs(r, account);
        const auto start = r.dates("start", true);
        auto end = r.dates("end", false);
        std::vector<std::uint32_t> keep;
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            if (end[i].is_null()) end[i] = Date::max();
            if (!start[i].is_null() && !(start[i] < end[i])) {
                r.report(to_row(i), "end", "end " + end[i].iso() + " is not after start " + start[i].iso());
            }
            keep.push_back(static_cast<std::uint32_t>(i));
        }
        std::stable_sort(keep.begin(), keep.end(), [&](std::uint32_t x, std::uint32_t y) {
            return account[x] != account[y] ? account[x] < account[y] : start[x] < start[y];
        });
        t.manager = gather(manager, keep);
        t.account = gather(account, keep);
        t.project = gather(project, keep);
        t.start = gather(start, keep);
        t.end = gather(end, keep);
    }

    // revenue, stored sorted by date. The largest table: the number columns are checked where they lie and
    // read once, into the Book's arrays in date order, or not at all when they are in date order already
    // (the Book then shares the input's memory); the other columns are put in order one at a time, each
    // freed once gathered. The columns the Book owns have room after their lines for appends.
    void read_revenue() {
        Reader r = reader("revenue");
        r.leave_room();
        auto& t = data_->revenue.write();
        const auto account = r.shared_references("account_id", dims_->accounts->ids, "account", true);
        // Without a project_id column no line has a project: the column is then absent (see `RevenueTable`).
        const bool projects = r.column("project_id") != nullptr;
        auto project = projects ? project_refs(r, account) : std::vector<std::int32_t>{};
        auto date = r.dates("date", true);
        const auto amount = r.checked_numbers("amount", true, std::nan(""), true);
        const auto cost = r.checked_numbers("cost", false, 0.0, true);
        const auto units = r.checked_numbers("units", false, std::nan(""), false);
        // Without units and unit no line can have a problem with them: the unit column is then zeros
        // (`Billing::none`) that cost nothing until read.
        const bool billed = r.column("units") || r.column("unit");
        auto unit =
            billed ? r.vocabulary("unit", billing_names, false, Billing::none) : std::vector<Billing>{};
        for (std::size_t i = 0; billed && i < r.rows(); ++i) {
            detail::interruption_point(i);
            const double u = units[i];
            if (u < 0) r.report(to_row(i), "units", "negative units");
            if (unit[i] == Billing::fixed)
                r.report(to_row(i), "unit", "not a unit of time (hour, day or month)");
            if (!std::isnan(u) && unit[i] == Billing::none) {
                r.report(to_row(i), "unit", "units are given without their unit (hour, day or month)");
            }
            if (std::isnan(u) && unit[i] != Billing::none) {
                r.report(to_row(i), "units", "a unit is given without the number of units");
            }
        }
        if (problems_.total() == 0) {  // else nothing is built
            const auto order = sort_order(date, options_.threads);
            t.date = revenue_column(std::move(date), order);
            t.account = revenue_column(account, order);
            if (projects) t.project = revenue_column(std::move(project), order);
            t.unit = billed ? revenue_column(std::move(unit), order) : Array<Billing>::zeros(r.rows());
            t.amount = amount.array(order, options_.threads);
            t.cost = cost.array(order, options_.threads);
            if (units.given())
                t.units = units.array(order, options_.threads);  // else absent: no line has units
        }
    }

    // interactions, requests, surveys: sorted by date.
    void read_interactions() {
        Reader r = reader("interactions");
        auto& t = data_->interactions.write();
        auto account = r.references("account_id", dims_->accounts->ids, "account", true);
        auto manager = r.references("manager_id", dims_->managers->ids, "manager", false);
        auto date = r.dates("date", true);
        auto channel = r.vocabulary("channel", channel_names, true, Channel::email);
        auto party = r.vocabulary("party", party_names, false, Party::client);
        const auto order = sort_order(date, options_.threads);
        t.date = in_order(std::move(date), order);
        t.account = in_order(std::move(account), order);
        t.manager = in_order(std::move(manager), order);
        t.channel = in_order(std::move(channel), order);
        t.party = in_order(std::move(party), order);
    }

    void read_requests() {
        Reader r = reader("requests");
        auto& t = data_->requests.write();
        auto account = r.references("account_id", dims_->accounts->ids, "account", true);
        auto received = r.dates("received_on", true);
        auto responded = r.dates("responded_on", false);
        auto project = project_refs(r, account);
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            if (!received[i].is_null() && !responded[i].is_null() && responded[i] < received[i]) {
                r.report(
                    to_row(i), "responded_on",
                    "responded_on " + responded[i].iso() + " is before received_on " + received[i].iso());
            }
        }
        const auto order = sort_order(received, options_.threads);
        t.received_on = in_order(std::move(received), order);
        t.responded_on = in_order(std::move(responded), order);
        t.account = in_order(std::move(account), order);
        t.project = in_order(std::move(project), order);
    }

    void read_surveys() {
        Reader r = reader("surveys");
        auto& t = data_->surveys.write();
        auto account = r.references("account_id", dims_->accounts->ids, "account", true);
        auto date = r.dates("date", true);
        auto kind = r.vocabulary("kind", survey_kind_names, true, SurveyKind::csat);
        auto score = r.numbers("score", true);
        for (std::size_t i = 0; i < r.rows(); ++i) {
            detail::interruption_point(i);
            const auto scale = score_scale(kind[i]);
            if (!std::isnan(score[i]) && (score[i] < scale.low || score[i] > scale.high)) {
                r.report(to_row(i), "score",
                         "score " + detail::number_text(score[i], 10) + " is outside the " +
                             std::string(survey_kind_names[static_cast<std::size_t>(kind[i])]) + " scale " +
                             std::to_string(static_cast<int>(scale.low)) + "-" +
                             std::to_string(static_cast<int>(scale.high)));
            }
        }
        const auto order = sort_order(date, options_.threads);
        t.date = in_order(std::move(date), order);
        t.account = in_order(std::move(account), order);
        t.kind = in_order(std::move(kind), order);
        t.score = in_order(std::move(score), order);
    }

    void read_targets() {
        Reader r = reader("targets");
        auto& t = data_->targets.write();
        t.manager = r.references("manager_id", data_->managers->ids, "manager", true);
        t.kpi = r.texts("kpi", true);
        for (std::size_t i = 0; i < t.kpi.size(); ++i) {
            if (!t.kpi[i].empty() && !kpi::parse_kpi(t.kpi[i]))
                r.report(to_row(i), "kpi", unknown_kpi(t.kpi[i]));
        }
        t.begin = r.dates("begin", true);
        t.end = r.dates("end", true);
        t.target = r.numbers("target", true);
        for (std::size_t i = 0; i < t.manager.size(); ++i) {
            if (!t.begin[i].is_null() && !t.end[i].is_null() && !(t.begin[i] < t.end[i])) {
                r.report(to_row(i), "end",
                         "end " + t.end[i].iso() + " is not after begin " + t.begin[i].iso());
            }
        }
    }

    // Spells of accounts without given ones, from revenue: a spell starts at a revenue date with a positive
    // amount and goes on while the next such date comes less than inactivity_days later; it ends
    // inactivity_days after its last revenue date.
    void derive_spells() {
        const std::size_t n_accounts = data_->accounts->size();
        detail::SpellWalk walk(n_accounts, options_.inactivity_days);
        walk.walk(*data_->revenue, 0, spells_given_, spells_);
        walk.finish(spells_);
        data_->spells.write() = detail::spell_table(spells_, n_accounts);
    }

    // The spells and the sightings, each a pass over the revenue lines by itself: on two threads when there
    // are lines enough for two (see `detail::threads_for`).
    void derive_spells_and_sightings() {
        const std::size_t threads = detail::threads_for(options_.threads, 2, data_->revenue->size());
        detail::in_threads(threads, {}, [&](std::size_t t) {
            if (t == 0) derive_spells();
            if (t == 1 || threads == 1) derive_sightings();
        });
    }

    // Each account's first and last dated row (see `SightingTable`).
    void derive_sightings() {
        auto& seen = data_->sightings.write();
        const std::size_t n_accounts = data_->accounts->size();
        seen.first_seen.assign(n_accounts, Date::max());
        seen.last_seen.assign(n_accounts, Date::null());
        detail::see_events(seen, *data_);
    }

    // Project kinds not given are derived from service lines, in signing order: an account's first project is
    // new business, a service line new to the account is a cross-sell, one it already buys an upsell.
    // Only the projects up to the last one without a kind are walked (none when every kind is given).
    void derive_project_kinds() {
        auto& p = data_->projects.write();
        const std::size_t n_accounts = data_->accounts->size();
        std::size_t walk = 0;
        for (std::size_t i = p.size(); i > 0 && walk == 0; --i) {
            if (p.kind[i - 1] == ProjectKind::unspecified && p.service_line[i - 1] != none) walk = i;
        }
        std::vector<std::vector<std::int32_t>> bought(walk > 0 ? n_accounts : 0);
        std::vector<std::uint8_t> has_project(walk > 0 ? n_accounts : 0, 0);
        for (std::size_t i = 0; i < walk; ++i) {
            detail::interruption_point(i);
            const auto a = static_cast<std::size_t>(p.account[i]);
            auto& lines = bought[a];
            const bool known = std::find(lines.begin(), lines.end(), p.service_line[i]) != lines.end();
            if (p.kind[i] == ProjectKind::unspecified && p.service_line[i] != none) {
                p.kind[i] = !has_project[a] ? ProjectKind::new_business
                            : known         ? ProjectKind::upsell
                                            : ProjectKind::cross_sell;
            }
            if (p.service_line[i] != none && !known) lines.push_back(p.service_line[i]);
            has_project[a] = 1;
        }
    }

    void derive_owners() { OwnerFinder(*data_->assignments).assign(*data_); }

    const InputTables& tables_;
    Problems& problems_;
    const BuildOptions& options_;
    std::shared_ptr<BookData> data_;
    const BookData* dims_ = data_.get();      // the accounts, managers and projects that event rows refer to
    std::vector<Spell> spells_;               // given spells (read with accounts), then the derived ones
    std::vector<std::uint8_t> spells_given_;  // per account: whether its spells are given
    std::vector<std::int32_t> manager_of_row_;
    std::vector<std::int32_t>
        project_of_input_;  // input-order project index -> sorted index (when they differ)
    IdIndex project_input_ids_;
    const IdIndex* project_lookup_ = &project_input_ids_;  // the input's project ids, in input order
    bool projects_renumbered_ = true;                      // else the input order is the Book's
};

}  // namespace

Book BookBuilder::append_to(const Book& book) const {
    Problems problems;
    for (const auto& p : rejections_) problems.add(p);
    Assembly assembly(tables_, problems, *book.data());
    assembly.read_events();
    if (problems.total() > 0) problems.raise();
    return assembly.appended();
}

std::optional<Book> BookBuilder::try_build(const Tables& tables, Problems& problems) const {
    Assembly assembly(tables, problems, options_);
    assembly.read();
    if (problems.total() > 0) return std::nullopt;
    return assembly.derive();
}

// Quarantine mode: build from the rows without problems, rejecting the bad rows and, through ids, the rows
// that depend on them; repeat until a build succeeds (removing rows cannot add problems to the rows kept,
// except through references, which the cascade follows).
namespace {

/// The id of each row of an id column as text (integers in decimal), nullopt where missing or unreadable:
/// the form in which ids of both kinds match (see `IdIndex`).
std::vector<std::optional<std::string>> id_texts(const Column& c) {
    std::vector<std::optional<std::string>> out(c.size());
    if (const auto* z = std::get_if<Column::Integers>(&c.data())) {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::to_string(z->values[i]);
    } else if (const auto* t = std::get_if<Column::Texts>(&c.data())) {
        for (std::size_t i = 0; i < out.size(); ++i) {
            const auto code = t->codes[i];
            if (code >= 0 && static_cast<std::size_t>(code) < t->categories.size() &&
                !t->categories[static_cast<std::size_t>(code)].empty()) {
                out[i] = t->categories[static_cast<std::size_t>(code)];
            }
        }
    }
    return out;
}

/// What a key column of the schema calls one of its rows ("account", "manager", "project").
std::string_view entity_of(std::string_view table) {
    if (table == "accounts") return "account";
    if (table == "managers") return "manager";
    if (table == "units") return "unit";
    return "project";
}
std::string_view target_of(ColumnRole role) {
    if (role == ColumnRole::account) return "accounts";
    if (role == ColumnRole::manager) return "managers";
    if (role == ColumnRole::unit) return "units";
    return "projects";
}

/// The rows of each input table that quarantine rejects (in the order the tables were added), and the
/// problems of each rejected row.
class Quarantine {
  public:
    explicit Quarantine(const InputTables& tables) {
        for (const auto& [n, t] : tables) {
            tables_.push_back({n,
                               &t,
                               find_table(n),
                               std::vector<std::uint8_t>(t.rows(), 0),
                               {},
                               std::vector<std::uint8_t>(t.rows(), 0)});
            tables_.back().problems.resize(t.rows());
        }
    }

    /// Rejects the rows rejected before the build (`BookBuilder::reject`); raises a problem that names no row
    /// of a table given.
    void reject_given(const std::vector<Problem>& rejections) {
        for (const auto& p : rejections) {
            Rows* s = rows_of(p.table);
            if (s && p.row >= 0 && static_cast<std::size_t>(p.row) < s->rejected.size()) {
                mark(*s, p);
            } else {
                Problems structural;
                structural.add(p);
                structural.raise();
            }
        }
    }

    /// The input tables without their rejected rows (with every row when `all`), and per table the input row
    /// of each row kept.
    [[nodiscard]] InputTables kept(bool all, std::vector<std::vector<std::uint32_t>>& rows_kept) const {
        InputTables out;
        for (const auto& s : tables_) {
            std::vector<std::uint32_t> keep;
            for (std::size_t i = 0; i < s.rejected.size(); ++i) {
                if (all || !s.rejected[i]) keep.push_back(static_cast<std::uint32_t>(i));
            }
            Table t;
            for (const auto& [name, column] : s.input->columns()) {
                // A column of another length is a structural problem that the build reports.
                t.add(name, column.size() == s.rejected.size() ? column.take(keep) : column);
            }
            out.emplace_back(s.name, std::move(t));
            rows_kept.push_back(std::move(keep));
        }
        return out;
    }

    /// Whether a problem of a build names no row of a table given (no row can be blamed for it).
    [[nodiscard]] bool structural(const Problems& problems) {
        bool any = false;
        for (const auto& p : problems.list()) any = any || p.row < 0 || !rows_of(p.table);
        return any;
    }

    /// Rejects the rows with problems in a build from the tables `kept` (`rows_kept`: their input rows); in
    /// the `first` round a cell already rejected before the build is not listed again.
    void blame(const Problems& problems, const std::vector<std::vector<std::uint32_t>>& rows_kept,
               bool first) {
        for (const auto& p : problems.list()) {
            std::size_t t = 0;
            while (tables_[t].name != p.table) ++t;
            Problem q = p;
            q.row = rows_kept[t][static_cast<std::size_t>(p.row)];
            auto& listed = tables_[t].problems[static_cast<std::size_t>(q.row)];
            const bool given = first && std::any_of(listed.begin(), listed.end(),
                                                    [&](const Problem& g) { return g.column == q.column; });
            if (!given) mark(tables_[t], std::move(q));
        }
        for (const auto& [table, row] : problems.superseded()) {
            std::size_t t = 0;
            while (tables_[t].name != table) ++t;
            tables_[t].superseded[rows_kept[t][static_cast<std::size_t>(row)]] = 1;
        }
    }

    /// Rows that refer to a rejected account, manager, unit or project are rejected too, until nothing
    /// changes.
    void cascade() {
        do {
            changed_ = 0;
            for (std::string_view key_table : {"accounts", "managers", "units", "projects"})
                reject_dependants(key_table);
        } while (changed_ > 0);
    }

    /// Every problem of the rejected rows, in schema table order, then row.
    [[nodiscard]] std::vector<Problem> rejected() {
        std::vector<Problem> out;
        for (const auto& spec : schema()) {
            if (Rows* s = rows_of(spec.name)) {
                for (auto& row : s->problems) {
                    for (auto& p : row) out.push_back(std::move(p));
                }
            }
        }
        return out;
    }

  private:
    struct Rows {
        std::string name;
        const Table* input;
        const TableSpec* spec;
        std::vector<std::uint8_t> rejected;
        std::vector<std::vector<Problem>> problems;  // per row
        std::vector<std::uint8_t> superseded;        // rows another row of their id stands for
    };

    Rows* rows_of(std::string_view name) {
        for (auto& s : tables_) {
            if (s.name == name) return &s;
        }
        return nullptr;
    }

    void mark(Rows& s, Problem p) {
        const auto row = static_cast<std::size_t>(p.row);
        if (!s.rejected[row]) ++changed_;
        s.rejected[row] = 1;
        s.problems[row].push_back(std::move(p));
    }

    /// Rejects the rows of the ids of `key_table` that are rejected in other rows (an account's other
    /// spells, duplicates) and the rows of any table that refer to them.
    void reject_dependants(std::string_view key_table) {
        Rows* k = rows_of(key_table);
        if (!k || !k->spec) return;
        const Column* key = k->input->find(k->spec->columns.front().name);
        if (!key || key->size() != k->input->rows()) return;
        const auto ids = id_texts(*key);
        // The first rejected row of each rejected id, for the reason given to its dependants. A row that
        // another row of its id stands for (superseded) takes nothing with it.
        std::unordered_map<std::string, std::size_t> gone;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (k->rejected[i] && !k->superseded[i] && ids[i]) gone.try_emplace(*ids[i], i);
        }
        if (gone.empty()) return;
        reject_referring(*k, std::string(k->spec->columns.front().name), ids, gone, key_table);
        for (auto& s : tables_) {
            if (!s.spec) continue;
            for (const auto& c : s.spec->columns) {
                if (c.role != ColumnRole::account && c.role != ColumnRole::manager &&
                    c.role != ColumnRole::project && c.role != ColumnRole::unit)
                    continue;
                if (target_of(c.role) != key_table) continue;
                const Column* ref = s.input->find(c.name);
                if (!ref || ref->size() != s.input->rows()) continue;
                reject_referring(s, std::string(c.name), id_texts(*ref), gone, key_table);
            }
        }
    }

    /// Rejects the rows of `s` whose id in `column` (`refs`) is `gone`, naming the rejected row of
    /// `key_table`.
    void reject_referring(Rows& s, const std::string& column,
                          const std::vector<std::optional<std::string>>& refs,
                          const std::unordered_map<std::string, std::size_t>& gone,
                          std::string_view key_table) {
        for (std::size_t i = 0; i < refs.size(); ++i) {
            if (s.rejected[i] || !refs[i]) continue;
            if (auto it = gone.find(*refs[i]); it != gone.end()) {
                mark(s, {s.name, to_row(i), column,
                         std::string(entity_of(key_table)) + " " + quoted(*refs[i]) + " is rejected (" +
                             std::string(key_table) + " row " + std::to_string(it->second) + ")"});
            }
        }
    }

    std::vector<Rows> tables_;
    std::size_t changed_ = 0;  // rows newly rejected in this pass of the cascade
};

}  // namespace

std::size_t LenientBuild::rejected_rows(std::string_view table) const {
    std::vector<std::int64_t> rows;
    for (const auto& p : rejected) {
        if (p.table == table) rows.push_back(p.row);
    }
    std::sort(rows.begin(), rows.end());
    return static_cast<std::size_t>(std::unique(rows.begin(), rows.end()) - rows.begin());
}

// Each round builds from the rows kept so far; a row's problems found in a round reject it. The first round
// builds from every row, so that each row's own problems are all listed (a cell already rejected before the
// build is not listed again).
LenientBuild BookBuilder::build_lenient() const {
    Quarantine quarantine(tables_);
    quarantine.reject_given(rejections_);
    for (int round = 0;; ++round) {
        std::vector<std::vector<std::uint32_t>> rows_kept;  // per table: kept row -> input row
        const Tables kept = quarantine.kept(round == 0, rows_kept);
        Problems problems(std::numeric_limits<std::size_t>::max());
        auto book = try_build(kept, problems);
        if (book && round == 0 && !rejections_.empty()) {
            book.reset();  // built with the rows rejected before the build: build again without them
        } else if (book) {
            return LenientBuild{std::move(*book), quarantine.rejected()};
        }
        if (quarantine.structural(problems) || round >= 16) {
            // Problems no row can be blamed for; report them with the rows' problems of this round.
            Problems all;
            for (const auto& p : rejections_) all.add(p);
            for (const auto& p : problems.list()) all.add(p);
            all.raise();
        }
        quarantine.blame(problems, rows_kept, round == 0);
        quarantine.cascade();
    }
}

std::vector<std::string> similar_names(std::string_view given, std::span<const std::string> names) {
    const std::string plain = normalised_word(given);
    std::vector<std::string> out;
    for (const auto& name : names) {
        if (looks_like(plain, normalised_word(name))) out.push_back(name);
    }
    return out;
}

}  // namespace accountkpi
