#pragma once
/// \file
/// A Book from one transaction log (customer, date, amount, maybe a cost and a region per line): the accounts
/// are derived from it, each customer's region by a documented rule.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/book/builder.hpp"
#include "accountkpi/book/errors.hpp"
#include "accountkpi/book/table.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// How an account's region is chosen when its lines name several (a customer seen in two countries).
enum class RegionRule {
    most_frequent,  ///< the region on most of its lines; a tie goes to the one on the latest line
    first,          ///< the region of its earliest line
    last,           ///< the region of its latest line
};

/// Parses "most_frequent", "first" or "last"; throws `std::invalid_argument` otherwise.
RegionRule parse_region_rule(std::string_view text);

/// The region code of each of `accounts` accounts by `rule`, -1 for an account without a region on any line.
///
/// `account` and `region` are the lines' dictionary codes (-1: missing; such lines do not count), `day` their
/// days (`Date::null()`: missing). Lines are ordered by day, then by position; lines without a day come
/// first. Linear in the lines after a counting sort by day: an account whose lines name one region has it;
/// the lines of the others are counted by (account, region) pair (in a table of those accounts x regions when
/// that is at most four times the lines, else a hash map of the pairs seen), a tie settled by walking the
/// lines back from the latest.
[[nodiscard]] std::vector<std::int32_t> derive_regions(std::span<const std::int32_t> account,
                                                       std::span<const std::int32_t> region,
                                                       std::span<const Date> day, std::size_t accounts,
                                                       std::size_t regions, RegionRule rule);

/// The log's own names of the columns a `TransactionLog` reads; an empty name: the log has no such column
/// (`cost` and `region` are optional).
struct TransactionColumns {
    std::string account = "account_id";  ///< the customer id: integers, whole numbers or texts
    std::string date = "date";           ///< dates or timestamps (any `Column::Dates` unit) or ISO 8601 texts
    std::string amount = "amount";       ///< the line's revenue, currency (negative: a credit note)
    std::string cost{};                  ///< the line's cost, currency; 0 where missing
    std::string region{};  ///< the customer's region (country...) on that line: texts or integers
};

/// How a `TransactionLog` reads the log and builds the Book.
struct TransactionOptions {
    TransactionColumns columns;
    /// An account's region when its lines name several.
    RegionRule region_rule = RegionRule::most_frequent;
    /// `inactivity_days` derives the client spells; `strict_columns` and `keep` do not apply (the accounts
    /// and revenue tables are derived, one account per distinct id).
    BuildOptions build;
};

/// A Book from one transaction log, as billing systems and shops export them: one line per invoice line.
///
/// The accounts are the distinct customer ids in order of first appearance, hashed once: the same pass gives
/// every line its account. Integer ids stay integers, and so do whole numbers in a numbers column (how pandas
/// holds integer ids with gaps: NaN is a missing id); texts stay texts. Each account's region is chosen by
/// `TransactionOptions::region_rule` (see `derive_regions`; texts that are empty do not count); its client
/// spells are derived from its revenue as for accounts without `acquired_on`. Every line is a revenue line.
///
/// Problems are named as the log has them: table "transactions", the row its 0-based position in the log,
/// the log's own column names. A column named in the options that the log lacks is a problem listing the
/// log's columns (with "did you mean ...?"). Only the named columns are read; the log's other columns may
/// be of any length (their names only serve that hint). A line without a customer id, with an id that is not
/// a whole number or is blank, or with a bad date or amount is a problem: `build()` lists them all,
/// `build_lenient()` rejects exactly those lines.
class TransactionLog {
  public:
    /// The table "transactions" of problems and rejected lines.
    static constexpr std::string_view table = "transactions";

    explicit TransactionLog(Table log, TransactionOptions options = {})
        : log_(std::move(log)), options_(std::move(options)) {}

    /// Marks a line as bad before the build, for a problem found while converting the log (table
    /// "transactions", the log's column name; row -1 for a whole column): listed by `build()` with the
    /// others, rejected by `build_lenient()` (a whole-column problem makes it raise).
    TransactionLog& reject(Problem problem);

    /// The Book of every line; throws `ValidationError` listing every problem when a line has one.
    [[nodiscard]] Book build() const;

    /// The Book of the lines without problems, and every rejected line's problems (quarantine mode). Throws
    /// `ValidationError` for problems no line can be blamed for (a missing column, one of the wrong kind).
    [[nodiscard]] LenientBuild build_lenient() const;

  private:
    Table log_;
    TransactionOptions options_;
    std::vector<Problem> rejections_;
};

/// The hint for a column name that is not among `found`: "did you mean 'X'? (columns found: 'a', 'b')"
/// (`similar_names`), or "(columns found: none)".
[[nodiscard]] std::string columns_hint(std::string_view given, std::span<const std::string> found);

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
