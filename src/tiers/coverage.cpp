// Coverage checks over the assignments: one pass over each account's client spells and assignments.
#include "accountkpi/tiers/coverage.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace accountkpi::tiers {

std::string_view name(CoverageKind k) noexcept {
    switch (k) {
        case CoverageKind::no_owner:
            return "no_owner";
        case CoverageKind::two_owners:
            return "two_owners";
        case CoverageKind::over_load:
            return "over_load";
    }
    return "";
}

CoverageTable coverage(const Book& book, Period period, const CoverageOptions& options) {
    if (!(options.max_accounts > 0) || !(options.max_accounts_single_client > 0))
        throw std::invalid_argument("coverage: the load limits must be > 0");
    const auto& sp = book.spells();
    const auto& as = book.assignments();
    const auto& mg = book.managers();
    const std::size_t n_accounts = book.accounts().size();
    CoverageTable out;
    const auto add = [&](CoverageKind k, std::int32_t a, std::int32_t m, std::int32_t other, Date b, Date e,
                         std::int32_t n, std::int32_t limit) {
        out.kind.push_back(k);
        out.account.push_back(a);
        out.manager.push_back(m);
        out.other_manager.push_back(other);
        out.begin.push_back(b);
        out.end.push_back(e);
        out.accounts.push_back(n);
        out.limit.push_back(limit);
    };
    const bool has_assignments = !as.offsets.empty();
    const auto first_of = [&](std::size_t a) { return has_assignments ? as.offsets[a] : 0U; };
    const auto last_of = [&](std::size_t a) { return has_assignments ? as.offsets[a + 1] : 0U; };

    // Accounts that are clients with no owner: each spell's days in the period minus the union of the
    // account-level assignments (sorted by start within the account).
    std::vector<std::pair<Date, Date>> owned;
    for (std::size_t a = 0; a < n_accounts; ++a) {
        owned.clear();
        for (auto i = first_of(a); i < last_of(a); ++i) {
            if (as.project[i] == none) owned.emplace_back(as.start[i], as.end[i]);
        }
        std::sort(owned.begin(), owned.end());
        for (auto k = sp.offsets[a]; k < sp.offsets[a + 1]; ++k) {
            Date from = std::max(sp.begin[k], period.begin());
            const Date to = std::min(sp.end[k], period.end());
            for (const auto& [s, e] : owned) {
                if (!(from < to)) break;
                if (e <= from) continue;
                if (to <= s) break;
                if (from < s)
                    add(CoverageKind::no_owner, static_cast<std::int32_t>(a), none, none, from, s, 0, 0);
                from = std::max(from, e);
            }
            if (from < to)
                add(CoverageKind::no_owner, static_cast<std::int32_t>(a), none, none, from, to, 0, 0);
        }
    }
    // Two owners at once: overlapping account-level assignments of different managers.
    for (std::size_t a = 0; a < n_accounts; ++a) {
        for (auto i = first_of(a); i < last_of(a); ++i) {
            if (as.project[i] != none) continue;
            for (auto j = i + 1; j < last_of(a); ++j) {
                if (as.project[j] != none || as.manager[j] == as.manager[i]) continue;
                const Date from = std::max({as.start[i], as.start[j], period.begin()});
                const Date to = std::min({as.end[i], as.end[j], period.end()});
                if (from < to)
                    add(CoverageKind::two_owners, static_cast<std::int32_t>(a), as.manager[i], as.manager[j],
                        from, to, 0, 0);
            }
        }
    }
    // Managers over their load: distinct accounts with an account-level assignment overlapping the period.
    std::vector<std::int32_t> load(mg.size(), 0), last_account(mg.size(), none);
    for (std::size_t a = 0; a < n_accounts; ++a) {
        for (auto i = first_of(a); i < last_of(a); ++i) {
            if (as.project[i] != none || !(as.start[i] < period.end()) || !(period.begin() < as.end[i]))
                continue;
            const auto m = static_cast<std::size_t>(as.manager[i]);
            if (last_account[m] == static_cast<std::int32_t>(a)) continue;
            last_account[m] = static_cast<std::int32_t>(a);
            ++load[m];
        }
    }
    for (std::size_t m = 0; m < mg.size(); ++m) {
        const std::int32_t limit = mg.role[m] == Role::farmer && mg.tier[m] == Tier::single_client
                                       ? options.max_accounts_single_client
                                       : options.max_accounts;
        if (load[m] > limit)
            add(CoverageKind::over_load, none, static_cast<std::int32_t>(m), none, period.begin(),
                period.end(), load[m], limit);
    }
    return out;
}

}  // namespace accountkpi::tiers
