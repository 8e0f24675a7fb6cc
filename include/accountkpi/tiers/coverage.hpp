#pragma once
/// \file
/// Coverage checks: gaps in the organisation. Accounts that are clients with nobody owning them, accounts
/// owned by two managers at once, managers owning more accounts than their load allows.

#include <cstdint>
#include <string_view>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::tiers {

/// What a coverage row reports.
enum class CoverageKind : std::uint8_t {
    no_owner,    ///< the account is a client on `[begin, end)` and no account-level assignment covers it
    two_owners,  ///< two account-level assignments of different managers overlap on `[begin, end)`
    over_load,   ///< the manager owns `accounts` accounts during the period, more than allowed
};
/// "no_owner", "two_owners", "over_load".
[[nodiscard]] std::string_view name(CoverageKind k) noexcept;

/// Options of the coverage checks.
struct CoverageOptions {
    /// Most accounts a manager may own during the period (distinct accounts with an account-level assignment
    /// overlapping it); > 0.
    std::int32_t max_accounts = 25;
    /// Most accounts a single-client farmer may own during the period; > 0.
    std::int32_t max_accounts_single_client = 1;
};

/// The coverage problems of a period, as rows.
struct CoverageTable {
    std::vector<CoverageKind> kind;
    std::vector<std::int32_t> account;        ///< `none` for `over_load`
    std::vector<std::int32_t> manager;        ///< the (first) owner; `none` for `no_owner`
    std::vector<std::int32_t> other_manager;  ///< the second owner of `two_owners`, else `none`
    std::vector<Date> begin;                  ///< the days concerned `[begin, end)`, within the period
    std::vector<Date> end;
    std::vector<std::int32_t> accounts;  ///< `over_load`: accounts owned; else 0
    std::vector<std::int32_t> limit;     ///< `over_load`: the load allowed; else 0
    [[nodiscard]] std::size_t rows() const noexcept { return kind.size(); }
};

/// Coverage problems over `period`, ordered by kind, then account (or manager), then begin. Only
/// account-level assignments (without a project) count as owning an account. Throws `std::invalid_argument`
/// when a limit is not > 0.
[[nodiscard]] CoverageTable coverage(const Book& book, Period period, const CoverageOptions& options = {});

}  // namespace accountkpi::tiers
ACCOUNTKPI_EXPORT_END
