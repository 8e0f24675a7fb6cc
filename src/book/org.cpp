// The organisation chart: depths by following the reporting lines, team sizes and team accounts by adding
// each manager's own figures into every manager above him.
#include "accountkpi/book/org.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "accountkpi/detail/sum.hpp"

namespace accountkpi {

OrgChart org_chart(const Book& book, Date at) {
    const auto& mg = book.managers();
    const std::size_t n = mg.size();
    OrgChart out{std::vector<std::int32_t>(n, 0), std::vector<std::int32_t>(n, 0),
                 std::vector<std::int32_t>(n, 0), std::vector<std::int32_t>(n, 0),
                 std::vector<std::int32_t>(n, 0)};
    for (std::size_t a = 0; a < book.accounts().size(); ++a) {
        const std::int32_t owner = book.owner(static_cast<std::int32_t>(a), none, at);
        if (owner != none) ++out.accounts_owned[static_cast<std::size_t>(owner)];
    }
    // The build rejects cycles: every line ends within n steps.
    for (std::size_t m = 0; m < n; ++m) {
        if (mg.reports_to[m] != none) ++out.direct_reports[static_cast<std::size_t>(mg.reports_to[m])];
        std::int32_t up = static_cast<std::int32_t>(m);
        for (std::size_t step = 0; step <= n && up != none; ++step) {
            const auto u = static_cast<std::size_t>(up);
            ++out.team_size[u];
            out.team_accounts[u] += out.accounts_owned[m];
            if (up != static_cast<std::int32_t>(m)) ++out.depth[m];
            up = mg.reports_to[u];
        }
    }
    return out;
}

std::vector<Handover> handovers_of(const Book& book, std::int32_t a, Period period) {
    const auto& t = book.assignments();
    const auto& role = book.managers().role;
    const auto ua = static_cast<std::size_t>(a);
    std::vector<Handover> out;
    for (auto k = t.offsets[ua]; k < t.offsets[ua + 1]; ++k) {
        const Date day = t.start[k];
        if (t.project[k] != none || !period.contains(day)) continue;
        const std::int32_t farmer = t.manager[k];
        if (role[static_cast<std::size_t>(farmer)] != Role::farmer || book.owner(a, none, day) != farmer)
            continue;
        const std::int32_t before = book.owner(a, none, day - 1);
        if (before != none && role[static_cast<std::size_t>(before)] == Role::closer)
            out.push_back({a, before, farmer, day});
    }
    return out;
}

bool churns_within(const Book& book, std::int32_t a, Date d, double days, Date* end) {
    const auto& sp = book.spells();
    const auto ua = static_cast<std::size_t>(a);
    for (auto k = sp.offsets[ua]; k < sp.offsets[ua + 1]; ++k) {
        if (!(sp.begin[k] <= d && d < sp.end[k])) continue;
        const bool churned = sp.end[k] != Date::max() && static_cast<double>(sp.end[k] - d) <= days;
        if (churned && end) *end = sp.end[k];
        return churned;
    }
    return false;
}

std::vector<HandoverFacts> handovers(const Book& book, Period period, int days) {
    if (days <= 0) throw std::invalid_argument("handovers: days must be > 0, got " + std::to_string(days));
    const auto& prj = book.projects();
    const auto& rev = book.revenue();
    std::vector<Date> first_signing(book.accounts().size(), Date::null());
    for (std::size_t i = 0; i < prj.size(); ++i) {  // sorted by signing: the first seen is the first signed
        auto& f = first_signing[static_cast<std::size_t>(prj.account[i])];
        if (f.is_null()) f = prj.signed_on[i];
    }
    std::vector<HandoverFacts> out;
    for (std::size_t a = 0; a < book.accounts().size(); ++a) {
        for (const Handover& h : handovers_of(book, static_cast<std::int32_t>(a), period)) {
            HandoverFacts f{h, std::numeric_limits<double>::quiet_NaN(), 0, false, Date::null()};
            if (!first_signing[a].is_null())
                f.days_from_signing = static_cast<double>(h.day - first_signing[a]);
            detail::Int128 revenue = 0;
            const auto [lo, hi] = rows_in(rev.date, Period{h.day, h.day + days});
            for (std::size_t i = lo; i < hi; ++i) {
                if (rev.account[i] == h.account) revenue += detail::to_millionths(rev.amount[i]);
            }
            f.revenue_after = detail::from_millionths(revenue);
            f.churned = churns_within(book, h.account, h.day, days, &f.churned_on);
            out.push_back(f);
        }
    }
    return out;
}

}  // namespace accountkpi
