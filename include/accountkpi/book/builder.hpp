#pragma once
/// \file
/// `BookBuilder`: validates input tables and builds a `Book`.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/book/errors.hpp"
#include "accountkpi/book/table.hpp"

namespace accountkpi {

/// Collects the input tables, then validates all of them and builds the Book in one go.
///
/// `build()` walks every row of every table and either returns a complete Book or throws `ValidationError`
/// listing every problem found (table, 0-based row, column, reason); it never drops a row. Columns the schema
/// does not know are ignored, except those that differ from a known column only in case or surrounding spaces
/// (likely misnamed), which are problems.
class BookBuilder {
  public:
    explicit BookBuilder(BuildOptions options = {}) : options_(options) {}

    /// Adds the table `name` (one of `schema()`); replaces an earlier one of the same name.
    BookBuilder& add(std::string_view name, Table table);

    /// Validates everything and builds the Book. Throws `ValidationError` when the input has problems.
    /// Borrowed columns must stay alive until this returns; the Book owns all it holds.
    [[nodiscard]] Book build() const;

  private:
    BuildOptions options_;
    std::vector<std::pair<std::string, Table>> tables_;
};

}  // namespace accountkpi
