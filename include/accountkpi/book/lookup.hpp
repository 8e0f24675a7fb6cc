#pragma once
/// \file
/// Looking up a Book's external ids and category names: `find` (on `IdIndex`, `Categories`) returns
/// `std::nullopt` when there is none; `resolve` throws `NotFound` naming every one missing.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

class Book;

/// What an id or name is looked up as.
enum class Lookup : std::uint8_t { account, manager, project, region, domain, service_line };

/// "account", "manager", "project", "region", "domain", "service_line".
[[nodiscard]] std::string_view to_string(Lookup what) noexcept;

/// Ids or names that the Book does not have: "no account 'A9' in the book", "no regions 'Mars', 'Venus' in
/// the book".
class NotFound : public std::out_of_range {
  public:
    NotFound(Lookup what, std::vector<std::string> missing);
    [[nodiscard]] Lookup what_kind() const noexcept { return what_; }
    /// Every id or name not found, in the order given.
    [[nodiscard]] const std::vector<std::string>& missing() const noexcept { return missing_; }

  private:
    Lookup what_;
    std::vector<std::string> missing_;
};

/// The index (account, manager, project) or code (region, domain, service line) of each of `ids`, in order.
/// Ids are matched as `IdIndex::find` matches text ("17" finds the integer id 17).
/// \throws NotFound listing every one missing.
[[nodiscard]] std::vector<std::int32_t> resolve(const Book& book, Lookup what,
                                                std::span<const std::string> ids);
/// The index or code of one id or name. \throws NotFound when it is missing.
[[nodiscard]] std::int32_t resolve(const Book& book, Lookup what, std::string_view id);

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
