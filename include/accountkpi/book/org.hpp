#pragma once
/// \file
/// The organisation chart of a Book: each manager's place in the reporting lines and the size of his team.

#include <cstdint>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// Per manager (by manager index): where he sits and what his team holds on one day. A manager's team is
/// himself and everyone below him in the reporting lines, directly or not (as `kpi::Key::team`).
struct OrgChart {
    std::vector<std::int32_t> depth;           ///< 0 at the top of a line (no `reports_to`), 1 below, ...
    std::vector<std::int32_t> direct_reports;  ///< managers reporting to him directly
    std::vector<std::int32_t> team_size;       ///< managers in his team, himself included
    std::vector<std::int32_t> accounts_owned;  ///< accounts he owns on the day (the account's owner)
    std::vector<std::int32_t> team_accounts;   ///< accounts his team owns on the day
    [[nodiscard]] std::size_t size() const noexcept { return depth.size(); }
};

/// The organisation chart on day `at`: an account counts for the manager who owns the whole account that
/// day (`Book::owner` without a project); accounts without an owner count for nobody.
[[nodiscard]] OrgChart org_chart(const Book& book, Date at);

/// The handover of an account from the closer who won it to the farmer who keeps it.
struct Handover {
    std::int32_t account;
    std::int32_t closer;  ///< the owner the day before
    std::int32_t farmer;  ///< the owner from `day`
    Date day;             ///< the first day the farmer owns the account
};

/// The handovers of account `a` on days of `period`, by day: each assignment of the whole account (no
/// project) to a farmer that starts in `period` and makes him the owner that day, when a closer owned the
/// account the day before.
[[nodiscard]] std::vector<Handover> handovers_of(const Book& book, std::int32_t a, Period period);

/// What followed a handover, over the `days` days from its day.
struct HandoverFacts {
    Handover handover;
    double days_from_signing;  ///< days from the account's first project's signing; NaN without projects
    double revenue_after;      ///< the account's revenue in [day, day + days) (currency, exact to the cent)
    bool churned;              ///< the client spell holding `day` ends within `days` days of it
    Date churned_on;           ///< that spell's end when `churned`, else `Date::null()`
};

/// Every handover in `period`, by account then day, with what followed in the `days` days after (> 0, else
/// `std::invalid_argument`). A handover whose `days` are not over yet counts what is known so far.
[[nodiscard]] std::vector<HandoverFacts> handovers(const Book& book, Period period, int days = 90);

/// Whether the client spell of account `a` that holds day `d` ends within `days` days of it (on day
/// `d + days` at the latest); its end in `end` when it does.
[[nodiscard]] bool churns_within(const Book& book, std::int32_t a, Date d, double days, Date* end = nullptr);

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
