#pragma once
/// \file
/// Whether the Book's data can answer for a period: periods outside the data, partial periods and periods
/// whose churn the data cannot show give plausible but wrong numbers, so a request should say so (Python: a
/// `DataCoverageWarning`).
///
/// The data runs from the first to the last dated event of the Book (`Book::span`). A period is
/// - `outside` when none of its days is in that range;
/// - `partial` when more than `max(7, days / 10)` of its days lie before the first or after the last dated
/// day
///   (a quiet week-end at the end of a month is not a gap; data ending on 2011-12-09 leaves December
///   partial);
/// - `churn_unseen` when the request counts churn (clients_*, new_clients, churned_clients, reactivations,
///   retention_rate, churn_rate, revenue_churn_rate, churned_revenue, handover_churn_rate), some client
///   spells are derived from revenue and the period begins before the first dated day + `inactivity_days`: a
///   derived spell ends `inactivity_days` after its last revenue, so churn before that day cannot be seen
///   (clients whose revenue came before the data are missing) and churn and retention look better than they
///   were.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/kpis.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {
class Book;
}

namespace accountkpi::kpi {

/// What is wrong with a period's coverage.
enum class CoverageGap : std::uint8_t {
    outside,       ///< no day of the period has data
    partial,       ///< the data starts after the period begins or ends before it ends (beyond the allowance)
    churn_unseen,  ///< churn of derived spells cannot be seen in (part of) the period
};

/// The gap's name: "outside", "partial", "churn_unseen".
[[nodiscard]] std::string_view name(CoverageGap gap) noexcept;

/// One period with a gap.
struct CoverageNote {
    std::size_t period = 0;  ///< index into the periods given
    CoverageGap gap{};       ///< what is wrong
    std::int32_t days = 0;   ///< the period's days without data (outside, partial) or without visible churn
};

/// The coverage of a request's periods by a Book's data.
struct DataCoverage {
    std::optional<Period> data;       ///< first to last dated day; nullopt for a Book without events
    std::optional<Date> churn_from;   ///< the first day whose churn can be seen, when spells are derived
    std::vector<CoverageNote> notes;  ///< in period order, at most one note per gap and period
    /// One line per gap kind naming its periods (labels as `Period::label` gives them), empty without notes.
    [[nodiscard]] std::string describe(std::span<const Period> periods) const;
};

/// Whether `k` counts clients by their spells, so that churn the data cannot see changes it.
[[nodiscard]] bool counts_churn(Kpi k) noexcept;

/// The coverage of `periods` by `book`'s data for a request of `kpis` (empty: every KPI), as the file
/// describes.
[[nodiscard]] DataCoverage data_coverage(const Book& book, std::span<const Period> periods,
                                         std::span<const Kpi> kpis = {});

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
