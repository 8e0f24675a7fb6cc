#pragma once
/// \file
/// The tables a Book holds, their columns, and the closed vocabularies (enumerations) of the domain.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// An account manager's role: farmers keep and grow existing clients, closers win new ones, heads lead people
/// (the owner, a head of sales or of accounting) and may own accounts too.
enum class Role : std::uint8_t { farmer, closer, head };
/// The management tier of a farmer; `none` when not given.
enum class Tier : std::uint8_t { none, single_client, client_portfolio, revenue_portfolio };
/// What a project (deal) is to its account; `unspecified` when not given.
enum class ProjectKind : std::uint8_t { unspecified, new_business, upsell, cross_sell, renewal };
/// How a project or a revenue line is billed; `none` when not given.
enum class Billing : std::uint8_t { none, fixed, hour, day, month };
/// The channel of a communication.
enum class Channel : std::uint8_t { email, call, meeting };
/// Whom a communication was with: the client, or the company's own people on the client's behalf.
enum class Party : std::uint8_t { client, internal };
/// Where account managers sit: in the sales department, in a dedicated account-management unit, or in a unit
/// dedicated to one client.
enum class UnitKind : std::uint8_t { sales_department, account_management, client_unit };
/// The kind of a survey answer: CSAT on 1-5, NPS on 0-10, CES on 1-7.
enum class SurveyKind : std::uint8_t { csat, nps, ces };

/// The words of each vocabulary, in enumerator order (the empty word stands for the "not given" enumerator).
inline constexpr std::array<std::string_view, 3> role_names{"farmer", "closer", "head"};
inline constexpr std::array<std::string_view, 4> tier_names{"", "single_client", "client_portfolio",
                                                            "revenue_portfolio"};
inline constexpr std::array<std::string_view, 5> project_kind_names{"", "new", "upsell", "cross_sell",
                                                                    "renewal"};
inline constexpr std::array<std::string_view, 5> billing_names{"", "fixed", "hour", "day", "month"};
inline constexpr std::array<std::string_view, 3> channel_names{"email", "call", "meeting"};
inline constexpr std::array<std::string_view, 3> survey_kind_names{"csat", "nps", "ces"};
inline constexpr std::array<std::string_view, 2> party_names{"client", "internal"};
inline constexpr std::array<std::string_view, 3> unit_kind_names{"sales_department", "account_management",
                                                                 "client_unit"};

/// The lowest and highest valid score of a survey kind.
struct ScoreScale {
    double low;
    double high;
};
[[nodiscard]] constexpr ScoreScale score_scale(SurveyKind k) noexcept {
    switch (k) {
        case SurveyKind::csat:
            return {1, 5};
        case SurveyKind::nps:
            return {0, 10};
        case SurveyKind::ces:
            return {1, 7};
    }
    return {0, 0};
}

/// What a column holds, for validation and conversion.
enum class ColumnRole : std::uint8_t {
    key,         ///< the table's own id (integers or texts), never missing
    account,     ///< a reference to accounts.account_id
    manager,     ///< a reference to managers.manager_id
    project,     ///< a reference to projects.project_id
    text,        ///< free text (names)
    category,    ///< a low-cardinality text, dictionary-encoded (region, domain, service_line)
    vocabulary,  ///< one word of a closed vocabulary (role, tier, kind, billing, unit, channel)
    date,        ///< a calendar day
    number,      ///< a finite number (money, units, scores, targets)
    unit,        ///< a reference to units.unit_id
};

/// One column of a table's schema.
struct ColumnSpec {
    std::string_view name;
    ColumnRole role;
    bool required;
    std::span<const std::string_view> words{};  ///< for `vocabulary`: the accepted words
};

/// One table of the schema.
struct TableSpec {
    std::string_view name;
    bool required;
    std::span<const ColumnSpec> columns;
    [[nodiscard]] const ColumnSpec* find(std::string_view column) const noexcept;
};

/// Every table a Book can hold, in the order they are validated (dimensions before the events that refer to
/// them).
[[nodiscard]] std::span<const TableSpec> schema() noexcept;
/// The table `name`, or nullptr.
[[nodiscard]] const TableSpec* find_table(std::string_view name) noexcept;

/// The enumerator whose word is `word`, among `names`; nullopt when none.
template <class Enum, std::size_t N>
[[nodiscard]] constexpr std::optional<Enum> from_word(const std::array<std::string_view, N>& names,
                                                      std::string_view word) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        if (!names[i].empty() && names[i] == word) return static_cast<Enum>(i);
    }
    return std::nullopt;
}

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
