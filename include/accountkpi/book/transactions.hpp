#pragma once
/// \file
/// From one transaction log to the accounts table: each customer's region by a documented rule.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

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
/// first. One pass after a counting sort by day: linear in the lines (plus accounts x regions when that is
/// at most four times the lines, else a hash map of the pairs seen).
[[nodiscard]] std::vector<std::int32_t> derive_regions(std::span<const std::int32_t> account,
                                                       std::span<const std::int32_t> region,
                                                       std::span<const Date> day, std::size_t accounts,
                                                       std::size_t regions, RegionRule rule);

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
