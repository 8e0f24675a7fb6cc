#pragma once
// The region rule on lines whose order is known: shared by `derive_regions` and the transaction log, which
// often knows its lines are in day order without converting every timestamp to a day.

#include <cstdint>
#include <span>
#include <vector>

#include "accountkpi/book/table.hpp"
#include "accountkpi/book/transactions.hpp"

namespace accountkpi::detail {

/// `derive_regions` of the lines taken in `order` (every line in turn when `order` is empty), line `i`'s
/// region being `region_of_code[region_codes[i]]` (none when the code is out of range): a log's dictionary
/// codes are read as they are, with no region code made per line. At most `threads` threads count the
/// lines (0: one per core; see `BuildOptions::threads`).
[[nodiscard]] std::vector<std::int32_t> regions_by_rule(std::span<const std::int32_t> account,
                                                        const Codes& region_codes,
                                                        std::span<const std::int32_t> region_of_code,
                                                        std::span<const std::uint32_t> order,
                                                        std::size_t accounts, std::size_t regions,
                                                        RegionRule rule, unsigned threads);

}  // namespace accountkpi::detail
