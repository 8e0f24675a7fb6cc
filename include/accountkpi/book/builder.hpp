#pragma once
/// \file
/// `BookBuilder`: validates input tables and builds a `Book`.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/book/errors.hpp"
#include "accountkpi/book/table.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/interrupt.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {
namespace detail {
class ProblemList;
}  // namespace detail

/// What `BookBuilder::build_lenient()` returns: the Book of the good rows and every rejected input row.
struct LenientBuild {
    Book book;
    /// One entry per problem of each rejected row, in schema table order then row: the row's own problems
    /// first, then (for a row rejected only because a row it depends on was) the reason naming that row.
    /// A row may have several entries; `rejected_rows()` counts rows.
    std::vector<Problem> rejected;
    /// The number of distinct rejected rows of `table`.
    [[nodiscard]] std::size_t rejected_rows(std::string_view table) const;
};

/// Collects the input tables, then validates all of them and builds the Book in one go.
///
/// `build()` walks every row of every table and either returns a complete Book or throws `ValidationError`
/// listing every problem found (table, 0-based row, column, reason); it never drops a row. Columns the schema
/// does not know are ignored, except those that look like a misspelt known column the table lacks (see
/// `BuildOptions::strict_columns`, which makes every unknown column a problem), and a target's KPI name must
/// be a KPI.
class BookBuilder {
  public:
    explicit BookBuilder(BuildOptions options = {}) : options_(options) {}

    /// Adds the table `name` (one of `schema()`); replaces an earlier one of the same name.
    BookBuilder& add(std::string_view name, Table table);

    /// Marks row `row` of `table` as bad before the build, for a problem found while converting the input
    /// (e.g. a cell that is not a number). `build()` lists it with its own problems; `build_lenient()`
    /// rejects the row (and its dependants).
    BookBuilder& reject(Problem problem);

    /// Validates everything and builds the Book. Throws `ValidationError` when the input has problems.
    /// Borrowed columns must stay alive until this returns. The Book owns all it holds, except number
    /// columns it keeps as given (see `Column`), whose owners it then shares.
    [[nodiscard]] Book build() const;

    /// Builds the Book from the rows without problems and lists the others (quarantine mode). A rejected
    /// row takes its dependants with it: a rejected account row rejects every row of that account id (its
    /// other spells), the accounts whose `parent_id` it is and every event, project and assignment of it;
    /// likewise for managers and projects. Each dependant is listed with the row it depended on. Every
    /// input row is either in the Book or in `rejected`.
    ///
    /// Throws `ValidationError` for problems that no row can be blamed for (a missing table or column, a
    /// column of the wrong kind or length, bad options): those list every problem found, as `build()`.
    [[nodiscard]] LenientBuild build_lenient() const;

    /// The Book of `book` with the rows of the event tables added here (revenue, interactions, requests,
    /// surveys) appended: the Book that building `book`'s input followed by these rows gives, with the same
    /// options (this builder's are not used). The rows are checked as a build checks them and may refer only
    /// to `book`'s accounts, projects and managers; any problem throws `ValidationError` naming the table,
    /// the row (0-based in the appended table), the column and the reason, and another table (accounts,
    /// projects, ...) is a problem. `book` is unchanged. Rows dated at or after `book`'s last row of their
    /// table are appended (the revenue's derived spells walked on from each account's open one); earlier
    /// rows are merged in date order and every derived spell derived again: the same Book, more slowly.
    /// Either way the cost grows with the new Book's rows (its arrays are its own), not with a validation
    /// of the old rows.
    [[nodiscard]] Book append_to(const Book& book) const;

  private:
    using Tables = std::vector<std::pair<std::string, Table>>;
    /// The Book, or nullopt with the problems in `problems`.
    [[nodiscard]] std::optional<Book> try_build(const Tables& tables, detail::ProblemList& problems) const;

    BuildOptions options_;
    Tables tables_;
    std::vector<Problem> rejections_;
};

/// The names among `names` that `given` likely misspells, in their order: the same but for case and spaces,
/// or within one edit (insert, delete, substitute, swap two neighbours; two edits for names of more than six
/// letters). The rule the builder uses to say "did you mean ...?" for unknown columns.
[[nodiscard]] std::vector<std::string> similar_names(std::string_view given,
                                                     std::span<const std::string> names);

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
