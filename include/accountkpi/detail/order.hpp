#pragma once
/// \file
/// Stable orderings of date columns.

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::detail {

/// The permutation that sorts `dates` ascending, keeping equal days in input order. A counting sort (one pass
/// to count, one to place) when the days span a range not much larger than the column, else a stable sort.
inline std::vector<std::uint32_t> stable_order(std::span<const Date> dates) {
    const std::size_t n = dates.size();
    std::vector<std::uint32_t> order(n);
    if (n == 0) return order;
    const auto [lo_it, hi_it] = std::minmax_element(dates.begin(), dates.end());
    const std::int64_t lo = lo_it->days(), hi = hi_it->days();
    const auto range = static_cast<std::uint64_t>(hi - lo) + 1;
    if (range <= 4 * static_cast<std::uint64_t>(n) + 4096) {
        std::vector<std::uint32_t> start(range + 1, 0);
        for (const Date d : dates) ++start[static_cast<std::size_t>(d.days() - lo) + 1];
        std::partial_sum(start.begin(), start.end(), start.begin());
        for (std::size_t i = 0; i < n; ++i) {
            order[start[static_cast<std::size_t>(dates[i].days() - lo)]++] = static_cast<std::uint32_t>(i);
        }
    } else {
        std::iota(order.begin(), order.end(), 0U);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return dates[a] < dates[b]; });
    }
    return order;
}

}  // namespace accountkpi::detail
ACCOUNTKPI_EXPORT_END
