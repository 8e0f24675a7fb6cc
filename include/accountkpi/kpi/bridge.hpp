#pragma once
/// \file
/// The revenue bridge: how revenue moved from a base period to each period, per group, exactly to the
/// millionth. Every account's change of revenue falls in exactly one movement, so that
/// `opening + new + reactivated + resumed + expansion + contraction + churned == closing` (contraction and
/// churned carry their sign) holds exactly. Definitions: docs/kpis.md, "The revenue bridge".

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::kpi {

/// The columns of a bridge, in the order a waterfall shows them.
enum class Movement : std::uint8_t {
    opening,      ///< revenue in the base period (the NRR base period) of the accounts of the group
    new_,         ///< change of accounts without base revenue whose first spell starts in the period
    reactivated,  ///< change of accounts without base revenue that come back (a later spell starts in it)
    resumed,      ///< change of the other accounts without base revenue (billed nothing, or a net credit)
    expansion,    ///< growth of accounts with base revenue that are clients at the period's end (>= 0)
    contraction,  ///< shrinkage of accounts with base revenue that are clients at the end (<= 0)
    churned,      ///< change of accounts with base revenue that are not clients at the end (usually < 0)
    closing,      ///< revenue in the period of the accounts of the group
};
inline constexpr std::array movements{Movement::opening, Movement::new_,      Movement::reactivated,
                                      Movement::resumed, Movement::expansion, Movement::contraction,
                                      Movement::churned, Movement::closing};
/// "opening", "new", "reactivated", ...
[[nodiscard]] std::string_view name(Movement m) noexcept;

/// A bridge: one row per (group, period), groups in key order, one column of millionths per movement.
struct Bridge {
    std::vector<Key> by;
    std::vector<std::vector<std::int32_t>> key_codes;  ///< [key][row], as in `Result`
    std::vector<std::int32_t> period;                  ///< [row]: index into the request's periods
    /// [movement][row]: whole millionths of the currency unit, exact (so the movements add up exactly).
    std::array<std::vector<std::int64_t>, movements.size()> millionths;
    [[nodiscard]] std::size_t rows() const noexcept { return period.size(); }
    /// Movement `m` of row `row` in currency units (the nearest double).
    [[nodiscard]] double value(Movement m, std::size_t row) const noexcept {
        return static_cast<double>(millionths[static_cast<std::size_t>(m)][row]) / 1e6;
    }
};

/// The revenue bridge of each period from its base period (`Options::NrrBase`: the period just before, or a
/// year earlier), by the account-level keys `by` (an account counts in the group it has in the period, as
/// for `nrr`; not by service line, which an account's change does not belong to). The existing KPIs are
/// columns of it: `expansion_revenue` = expansion, `contraction_revenue` = −contraction,
/// `churned_revenue` = −churned, and NRR = (opening of the NRR cohort + expansion + contraction + churned) /
/// that opening. Throws `std::invalid_argument` for a bad request (as `compute` does) or a key
/// `service_line`, and `std::overflow_error` for a movement beyond 2^63 millionths (9.2 trillion).
[[nodiscard]] Bridge revenue_bridge(const Book& book, const std::vector<Period>& periods,
                                    const std::vector<Key>& by = {},
                                    Options::NrrBase base = Options::NrrBase::previous,
                                    const Scope& scope = {}, unsigned threads = 0);

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
