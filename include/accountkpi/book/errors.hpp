#pragma once
/// \file
/// The one exception that bad input raises: every problem found, each with its table, row, column and reason.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// One problem in the input.
struct Problem {
    std::string table;   ///< e.g. "revenue"
    std::int64_t row;    ///< 0-based row of the input table; -1 when the problem concerns the whole table
    std::string column;  ///< e.g. "account_id"; empty when the problem concerns a whole row or table
    std::string reason;  ///< what is wrong, in words
    /// "revenue row 3, column account_id: unknown account 'A9'"
    [[nodiscard]] std::string describe() const;
};

/// Thrown by `BookBuilder::build()` when the input has problems; nothing is built then. Holds the first
/// `max_listed` problems and the total count.
class ValidationError : public std::invalid_argument {
  public:
    static constexpr std::size_t max_listed = 1000;
    ValidationError(std::vector<Problem> problems, std::size_t total);
    [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }
    /// All problems found, including those beyond `max_listed`.
    [[nodiscard]] std::size_t total() const noexcept { return total_; }

  private:
    std::vector<Problem> problems_;
    std::size_t total_;
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
