// A Book from one transaction log: the accounts derived from it (the distinct ids, hashed once; each one's
// region by a rule), every line a revenue line, and every problem named as the log has it. The Book itself is
// built by `BookBuilder` from the two derived tables; this file only derives them and renames the problems.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "accountkpi/book/transactions.hpp"
#include "accountkpi/detail/order.hpp"
#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/interrupt.hpp"
#include "parts_detail.hpp"
#include "problems_detail.hpp"
#include "transactions_detail.hpp"

namespace accountkpi {

namespace {

constexpr std::int32_t missing = -1;
/// 2^53: from there on, not every whole number is a double, so a number is no longer an exact id.
constexpr double exact_limit = 9'007'199'254'740'992.0;

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

std::int64_t to_row(std::size_t i) noexcept {
    return static_cast<std::int64_t>(i);
}

/// A dictionary code as a number: int8 codes are numbers with -1 for missing, not characters.
template <class Code>
std::int64_t code_value(Code code) noexcept {
    return static_cast<std::int64_t>(code);  // NOLINT(bugprone-signed-char-misuse)
}

/// One column the log is read for: the Book's revenue (or accounts) column it stands for, the option that
/// names it, and its name in the log.
struct Named {
    std::string_view book;
    std::string_view option;
    std::string_view log;
};

/// The columns named in `c`, account, date and amount first.
std::vector<Named> named_columns(const TransactionColumns& c) {
    std::vector<Named> out{
        {"account_id", "account", c.account}, {"date", "date", c.date}, {"amount", "amount", c.amount}};
    if (!c.cost.empty()) out.push_back({"cost", "cost", c.cost});
    if (!c.region.empty()) out.push_back({"region", "region", c.region});
    return out;
}

/// A problem of the revenue built from the log as the log has it: table "transactions", the log's names.
Problem in_log(Problem p, const TransactionColumns& c) {
    if (p.table != "revenue") return p;
    p.table = TransactionLog::table;
    for (const auto& n : named_columns(c)) {
        if (p.column == n.book) p.column = n.log;
    }
    return p;
}

/// A problem named as the log has it, as the revenue built from the log has it (the reverse of `in_log`).
Problem in_revenue(Problem p, const TransactionColumns& c) {
    if (p.table != TransactionLog::table) return p;
    p.table = "revenue";
    for (const auto& n : named_columns(c)) {
        if (p.column == n.log) p.column = n.book;
    }
    return p;
}

/// The problems of one build (the builder's list), which also merges the build's problems into the log's.
class LogProblems : public detail::ProblemList {
  public:
    using ProblemList::add;
    using ProblemList::ProblemList;
    void add(std::int64_t row, std::string_view column, std::string reason) {
        add({std::string(TransactionLog::table), row, std::string(column), std::move(reason)});
    }

    /// Adds the problems of the build `e` under the log's names, except those on a cell listed already (a
    /// line this layer found bad is reported once, with the reason found here) or in a column listed as a
    /// whole (a column of the wrong kind is not reported again line by line).
    void merge(const ValidationError& e, const TransactionColumns& c) {
        std::set<std::pair<std::int64_t, std::string>> cells;
        std::set<std::string> columns;
        for (const auto& p : list()) {
            if (p.row >= 0) {
                cells.emplace(p.row, p.column);
            } else if (!p.column.empty()) {
                columns.insert(p.column);
            }
        }
        for (const auto& q : e.problems()) {
            Problem p = in_log(q, c);
            const bool again = p.table == TransactionLog::table &&
                               (cells.contains({p.row, p.column}) || columns.contains(p.column));
            if (!again) add(std::move(p));
        }
        add_unlisted(e.total() - e.problems().size());
    }
};

/// The accounts of the log's lines: the distinct ids in order of first appearance, and each line's.
struct LineAccounts {
    IdIndex ids;
    std::vector<std::int32_t> code;  ///< per line: the index of its id in `ids`, `missing` where none
};

/// The accounts of integer ids between `lo` and `hi` on `lines` lines: found by their offset from `lo` in a
/// table when they are numbered densely (as they often are), else through the index's hash; a new id is added
/// to `ids`, so that each id is hashed once.
class IntegerIds {
  public:
    IntegerIds(IdIndex& ids, std::size_t lines, std::int64_t lo, std::int64_t hi) : ids_(ids), lo_(lo) {
        const auto range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
        if (lo <= hi && range < 4 * static_cast<std::uint64_t>(lines) + 1024) {
            slot_.assign(static_cast<std::size_t>(range) + 1, missing);
            // The index too, for as many ids as the range or the lines hold: then it never grows again.
            ids_.reserve(std::min<std::size_t>(static_cast<std::size_t>(range) + 1, lines), lo, hi);
        }
    }
    /// The account of `id` (between `lo` and `hi`).
    std::int32_t operator()(std::int64_t id) {
        if (slot_.empty()) {
            if (const auto k = ids_.find(id)) return *k;
            return *ids_.insert(id);
        }
        auto& s =
            slot_[static_cast<std::size_t>(static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(lo_))];
        if (s == missing) s = *ids_.insert(id);
        return s;
    }

  private:
    IdIndex& ids_;
    std::int64_t lo_;
    std::vector<std::int32_t> slot_;  // the account of id `lo_ + k` at `k`, when dense
};

void integer_accounts(std::span<const std::int64_t> v, LineAccounts& out, unsigned threads) {
    out.ids = IdIndex(IdIndex::Kind::integer);
    if (v.empty()) return;
    const auto [lo, hi] = detail::bounds_in_parts(v, threads);
    IntegerIds account_of(out.ids, v.size(), lo, hi);
    for (std::size_t i = 0; i < v.size(); ++i) {
        detail::interruption_point(i);
        out.code[i] = account_of(v[i]);
    }
}

/// A number as Python and `std::to_chars` write it shortest ("1.5", "inf", "1e+20").
std::string shortest(double v) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
    return {buffer, end};
}

/// Whole numbers as integer ids (NaN: missing); others are problems.
void number_accounts(std::span<const double> v, std::string_view column, LineAccounts& out,
                     LogProblems& problems) {
    out.ids = IdIndex(IdIndex::Kind::integer);
    const auto whole = [](double x) { return std::trunc(x) == x && std::abs(x) < exact_limit; };
    double lo = exact_limit, hi = -exact_limit;
    for (const double x : v) {
        if (whole(x)) {
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    }
    IntegerIds account_of(out.ids, v.size(), static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi));
    for (std::size_t i = 0; i < v.size(); ++i) {
        detail::interruption_point(i);
        const double x = v[i];
        if (whole(x)) {
            out.code[i] = account_of(static_cast<std::int64_t>(x));
        } else if (std::isnan(x)) {
            out.code[i] = missing;  // a missing id: the build reports it
        } else {
            out.code[i] = missing;
            problems.add(to_row(i), column,
                         std::isfinite(x) && std::trunc(x) == x
                             ? "id " + shortest(x) + " is beyond 2^53, where numbers are not exact ids"
                             : "id " + shortest(x) + " is not a whole number");
        }
    }
}

/// Text ids: each distinct text hashed once (a dictionary's texts, not the lines). An empty text is a
/// missing id; one of spaces only is a problem, as is a code outside the dictionary.
void text_accounts(const Column::Texts& t, std::string_view column, LineAccounts& out,
                   LogProblems& problems) {
    constexpr std::int32_t unseen = -2, blank = -3, bad = -4;
    out.ids = IdIndex(IdIndex::Kind::text);
    std::vector<std::int32_t> of(t.categories.size(), unseen);
    const auto resolve = [&](std::size_t k) {
        const std::string& id = t.categories[k];
        if (id.empty()) return missing;
        if (id.find_first_not_of(" \t\r\n") == std::string::npos) return blank;
        if (const auto found = out.ids.find(std::string_view(id))) return *found;  // a repeated text
        return *out.ids.insert(std::string_view(id));
    };
    t.codes.visit([&](auto codes) {
        for (std::size_t i = 0; i < codes.size(); ++i) {
            detail::interruption_point(i);
            const std::int64_t c = code_value(codes[i]);
            std::int32_t a = missing;
            if (c >= 0 && static_cast<std::size_t>(c) < of.size()) {
                auto& known = of[static_cast<std::size_t>(c)];
                if (known == unseen) known = resolve(static_cast<std::size_t>(c));
                a = known;
            } else if (c >= 0) {
                a = bad;
            }
            if (a == blank) problems.add(to_row(i), column, "empty id");
            if (a == bad)
                problems.add(to_row(i), column, "dictionary code " + std::to_string(c) + " out of range");
            out.code[i] = a < 0 ? missing : a;
        }
    });
}

LineAccounts line_accounts(const Column& c, std::string_view column, LogProblems& problems,
                           unsigned threads) {
    LineAccounts out{{}, detail::vector_on_huge_pages(c.size(), missing)};
    if (const auto* z = std::get_if<Column::Integers>(&c.data())) {
        integer_accounts(z->values, out, threads);
    } else if (const auto* n = std::get_if<Column::Numbers>(&c.data())) {
        number_accounts(n->values, column, out, problems);
    } else if (const auto* t = std::get_if<Column::Texts>(&c.data())) {
        text_accounts(*t, column, out, problems);
    }
    return out;
}

/// The lines' regions: distinct non-empty names in dictionary order (integers in order of first appearance),
/// and each line's as a code into them through `of_code` (see `detail::regions_by_rule`): a text column's
/// own dictionary codes; integers coded per line in `held`.
struct LineRegions {
    Codes codes;
    std::vector<std::int32_t> of_code;
    std::vector<std::string> names;
    std::vector<std::int32_t> held;
};

LineRegions line_regions(const Column& c) {
    LineRegions out;
    std::unordered_map<std::string, std::int32_t> seen;
    const auto name_code = [&](std::string name) {
        const auto [it, added] =
            seen.try_emplace(std::move(name), static_cast<std::int32_t>(out.names.size()));
        if (added) out.names.push_back(it->first);
        return it->second;
    };
    if (const auto* t = std::get_if<Column::Texts>(&c.data())) {
        out.codes = t->codes;
        out.of_code.assign(t->categories.size(), missing);
        for (std::size_t k = 0; k < out.of_code.size(); ++k) {
            if (!t->categories[k].empty()) out.of_code[k] = name_code(t->categories[k]);
        }
    } else if (const auto* z = std::get_if<Column::Integers>(&c.data())) {
        std::unordered_map<std::int64_t, std::int32_t> codes;
        out.held.resize(z->values.size());
        for (std::size_t i = 0; i < z->values.size(); ++i) {
            const auto [it, added] = codes.try_emplace(z->values[i], 0);
            if (added) it->second = name_code(std::to_string(z->values[i]));
            out.held[i] = it->second;
        }
        out.codes = Codes(std::span<const std::int32_t>(out.held));
        out.of_code.resize(out.names.size());
        std::iota(out.of_code.begin(), out.of_code.end(), 0);
    }
    return out;
}

/// The day of each line for ordering them (`Date::null()` where missing or unreadable: the build reports
/// those lines).
std::vector<Date> line_days(const Column& c) {
    std::vector<Date> out(c.size(), Date::null());
    const auto day = [](std::int64_t d) {
        return d <= std::numeric_limits<Date::rep>::min() || d > std::numeric_limits<Date::rep>::max()
                   ? Date::null()
                   : Date{static_cast<Date::rep>(d)};
    };
    if (const auto* d = std::get_if<Column::Dates>(&c.data())) {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = day(d->day(i));
    } else if (const auto* t = std::get_if<Column::Texts>(&c.data())) {
        std::vector<Date> parsed(t->categories.size(), Date::null());
        for (std::size_t k = 0; k < parsed.size(); ++k)
            parsed[k] = Date::try_parse(t->categories[k]).value_or(Date::null());
        t->codes.visit([&](auto codes) {
            for (std::size_t i = 0; i < codes.size(); ++i) {
                const std::int64_t k = code_value(codes[i]);
                if (k >= 0 && static_cast<std::size_t>(k) < parsed.size())
                    out[i] = parsed[static_cast<std::size_t>(k)];
            }
        });
    }
    return out;
}

/// Whether the lines of a dates column are in day order, read from its values (no day made per line): a
/// later timestamp is never on an earlier day, and missing ones (the smallest value) come first, as their
/// `Date::null()` days do, as long as the last line's day is a `Date`.
bool in_day_order(const Column& c, unsigned threads) {
    const auto* d = std::get_if<Column::Dates>(&c.data());
    if (!d || d->values.empty()) return false;
    return detail::sorted_in_parts(d->values, threads) &&
           d->day(d->values.size() - 1) <= std::numeric_limits<Date::rep>::max();
}

/// A column of dictionary codes held by the column itself.
Column codes_column(std::vector<std::int32_t> codes, std::vector<std::string> names) {
    auto held = std::make_shared<const std::vector<std::int32_t>>(std::move(codes));
    return Column::texts(Codes(std::span<const std::int32_t>(*held)), std::move(names), held);
}

/// The accounts' region column: each account's region by `rule`, among the regions some account has.
Column account_regions(const LineAccounts& accounts, const Column& region, const Column& date,
                       RegionRule rule, unsigned threads) {
    LineRegions lines = line_regions(region);
    // The lines in (day, position) order; none when they are in that order already (the common case).
    std::vector<std::uint32_t> order;
    if (!in_day_order(date, threads)) {
        const std::vector<Date> days = line_days(date);
        if (!std::is_sorted(days.begin(), days.end())) order = detail::stable_order(days);
    }
    std::vector<std::int32_t> chosen =
        detail::regions_by_rule(accounts.code, lines.codes, lines.of_code, order, accounts.ids.size(),
                                lines.names.size(), rule, threads);
    std::vector<std::int32_t> renumbered(lines.names.size(), missing);
    for (const auto r : chosen) {
        if (r >= 0) renumbered[static_cast<std::size_t>(r)] = 0;
    }
    std::vector<std::string> names;
    for (std::size_t r = 0; r < renumbered.size(); ++r) {
        if (renumbered[r] == missing) continue;
        renumbered[r] = static_cast<std::int32_t>(names.size());
        names.push_back(std::move(lines.names[r]));
    }
    for (auto& r : chosen) r = r >= 0 ? renumbered[static_cast<std::size_t>(r)] : missing;
    return codes_column(std::move(chosen), std::move(names));
}

/// The ids of `ids` as texts, in index order.
std::vector<std::string> id_labels(const IdIndex& ids) {
    if (ids.kind() == IdIndex::Kind::text) return ids.texts();
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (const auto id : ids.integers()) out.push_back(std::to_string(id));
    return out;
}

/// The accounts table and the revenue table of a log.
struct Derived {
    Table accounts;
    Table revenue;
};

/// The named columns that the log lacks, that differ in length from the account column, or whose kind the
/// derivation cannot read, as problems; true when there are none.
bool columns_usable(const Table& log, const TransactionColumns& c, LogProblems& problems) {
    std::vector<std::string> found;
    for (const auto& entry : log.columns()) found.push_back(entry.first);
    const std::size_t before = problems.total();
    const Column* account = log.find(c.account);
    for (const auto& n : named_columns(c)) {
        const Column* column = log.find(n.log);
        if (!column) {
            problems.add(
                -1, n.log,
                "no such column (given as " + std::string(n.option) + "=); " + columns_hint(n.log, found));
        } else if (account && column->size() != account->size()) {
            problems.add(-1, n.log,
                         "has " + std::to_string(column->size()) + " rows, the account column " +
                             quoted(c.account) + " has " + std::to_string(account->size()));
        }
    }
    if (account && std::holds_alternative<Column::Dates>(account->data())) {
        problems.add(-1, c.account, "expected integer, whole-number or text ids, got a date column");
    }
    const Column* region = c.region.empty() ? nullptr : log.find(c.region);
    if (region && !std::holds_alternative<Column::Texts>(region->data()) &&
        !std::holds_alternative<Column::Integers>(region->data())) {
        problems.add(-1, c.region,
                     "expected texts or integers, got a " + std::string(region->kind_name()) + " column");
    }
    return problems.total() == before;
}

/// The two tables of the log (nullopt when `columns_usable` finds a problem), with the problems of its ids.
std::optional<Derived> derive(const Table& log, const TransactionOptions& options, LogProblems& problems) {
    const TransactionColumns& c = options.columns;
    if (!columns_usable(log, c, problems)) return std::nullopt;
    LineAccounts accounts = line_accounts(*log.find(c.account), c.account, problems, options.build.threads);
    Derived out;
    if (accounts.ids.kind() == IdIndex::Kind::integer) {
        out.accounts.add("account_id", Column::integers(accounts.ids.integers()));
    } else {
        std::vector<std::int32_t> self(accounts.ids.size());
        std::iota(self.begin(), self.end(), 0);
        out.accounts.add("account_id", codes_column(std::move(self), accounts.ids.texts()));
    }
    if (!c.region.empty()) {
        out.accounts.add("region", account_regions(accounts, *log.find(c.region), *log.find(c.date),
                                                   options.region_rule, options.build.threads));
    }
    // The lines' accounts as dictionary codes into the ids' texts: the build looks each id up once, not
    // each line.
    out.revenue.add("account_id", codes_column(std::move(accounts.code), id_labels(accounts.ids)));
    for (const auto& n : named_columns(c)) {
        if (n.book != "account_id" && n.book != "region")
            out.revenue.add(std::string(n.book), *log.find(n.log));
    }
    return out;
}

BookBuilder builder_of(Derived tables, const BuildOptions& options) {
    BookBuilder builder(options);
    builder.add("accounts", std::move(tables.accounts)).add("revenue", std::move(tables.revenue));
    return builder;
}

}  // namespace

TransactionLog& TransactionLog::reject(Problem problem) {
    rejections_.push_back(std::move(problem));
    return *this;
}

Book TransactionLog::build() const {
    LogProblems problems;
    for (const auto& p : rejections_) problems.add(p);
    auto tables = derive(log_, options_, problems);
    if (!tables) problems.raise();
    const BookBuilder builder = builder_of(std::move(*tables), options_.build);
    std::optional<Book> book;
    try {
        book.emplace(builder.build());
    } catch (const ValidationError& e) {
        problems.merge(e, options_.columns);
        problems.raise();
    }
    if (problems.total() > 0) problems.raise();
    return std::move(*book);
}

LenientBuild TransactionLog::build_lenient() const {
    if (std::any_of(rejections_.begin(), rejections_.end(), [](const Problem& p) { return p.row < 0; })) {
        return {build(), {}};  // a whole column is bad: `build` raises, listing it with the lines' problems
    }
    LogProblems problems(std::numeric_limits<std::size_t>::max());
    for (const auto& p : rejections_) problems.add(p);
    auto tables = derive(log_, options_, problems);
    if (!tables) problems.raise();
    BookBuilder builder = builder_of(std::move(*tables), options_.build);
    for (const auto& p : problems.list()) builder.reject(in_revenue(p, options_.columns));
    try {
        LenientBuild out = builder.build_lenient();
        for (auto& p : out.rejected) p = in_log(std::move(p), options_.columns);
        return out;
    } catch (const ValidationError& e) {
        LogProblems listed;
        for (const auto& p : problems.list()) listed.add(p);
        listed.merge(e, options_.columns);
        listed.raise();
    }
}

std::string columns_hint(std::string_view given, std::span<const std::string> found) {
    std::string out;
    for (const auto& name : similar_names(given, found))
        out += (out.empty() ? "did you mean " : " or ") + quoted(name);
    if (!out.empty()) out += "? ";
    std::string list;
    for (const auto& name : found) list += (list.empty() ? "" : ", ") + quoted(name);
    return out + "(columns found: " + (list.empty() ? "none" : list) + ")";
}

}  // namespace accountkpi
