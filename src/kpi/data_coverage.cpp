// Whether the Book's data covers a request's periods (include/accountkpi/kpi/data_coverage.hpp).
#include "accountkpi/kpi/data_coverage.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <string_view>

#include "accountkpi/book/book.hpp"

namespace accountkpi::kpi {
namespace {

/// Days of `p` a gap may leave uncovered before the period counts as partial.
std::int32_t allowance(const Period& p) {
    return std::max<std::int32_t>(7, p.days() / 10);
}

bool has_derived_spells(const Book& book) {
    const auto& derived = book.spells().derived;
    return std::ranges::any_of(derived, [](std::uint8_t d) { return d != 0; });
}

}  // namespace

bool counts_churn(Kpi k) noexcept {
    switch (k) {
        case Kpi::clients_start:
        case Kpi::clients_end:
        case Kpi::active_clients:
        case Kpi::new_clients:
        case Kpi::churned_clients:
        case Kpi::reactivations:
        case Kpi::retention_rate:
        case Kpi::churn_rate:
        case Kpi::revenue_churn_rate:
        case Kpi::churned_revenue:
        case Kpi::handover_churn_rate:
            return true;
        default:
            return false;
    }
}

std::string_view name(CoverageGap gap) noexcept {
    switch (gap) {
        case CoverageGap::outside:
            return "outside";
        case CoverageGap::partial:
            return "partial";
        case CoverageGap::churn_unseen:
            return "churn_unseen";
    }
    return "?";
}

DataCoverage data_coverage(const Book& book, std::span<const Period> periods, std::span<const Kpi> kpis) {
    DataCoverage out;
    out.data = book.span();
    if (!out.data) return out;
    const Date first = out.data->begin();
    const Date end = out.data->end();  // the day after the last dated day
    const bool churn = kpis.empty() || std::ranges::any_of(kpis, counts_churn);
    if (churn && has_derived_spells(book)) out.churn_from = first + book.options().inactivity_days;
    for (std::size_t i = 0; i < periods.size(); ++i) {
        const Period& p = periods[i];
        const std::int32_t before = std::clamp(first - p.begin(), 0, p.days());
        const std::int32_t after = std::clamp(p.end() - end, 0, p.days());
        if (before + after >= p.days()) {
            out.notes.push_back({i, CoverageGap::outside, p.days()});
            continue;
        }
        if (before + after > allowance(p)) out.notes.push_back({i, CoverageGap::partial, before + after});
        if (out.churn_from && p.begin() < *out.churn_from) {
            const std::int32_t unseen = std::min(*out.churn_from, p.end()) - p.begin();
            out.notes.push_back({i, CoverageGap::churn_unseen, unseen});
        }
    }
    return out;
}

std::string DataCoverage::describe(std::span<const Period> periods) const {
    constexpr std::array gaps{CoverageGap::outside, CoverageGap::partial, CoverageGap::churn_unseen};
    const std::string first = data ? data->begin().iso() : "";
    const std::string last = data ? (data->end() - 1).iso() : "";
    const std::string from = churn_from ? churn_from->iso() : "";
    std::string text;
    const auto append = [&text](std::initializer_list<std::string_view> parts) {
        for (std::string_view part : parts) text += part;
    };
    for (CoverageGap gap : gaps) {
        std::string labels;
        for (const CoverageNote& n : notes) {
            if (n.gap != gap) continue;
            if (!labels.empty()) labels += ", ";
            labels += periods[n.period].label();
        }
        if (labels.empty()) continue;
        if (!text.empty()) text += '\n';
        switch (gap) {
            case CoverageGap::outside:
                append({"no data in ", labels, " (the data runs from ", first, " to ", last, ")"});
                break;
            case CoverageGap::partial:
                append({"partial data in ", labels, " (the data runs from ", first, " to ", last,
                        "): its figures cover part of the period"});
                break;
            case CoverageGap::churn_unseen:
                append({"churn before ", from, " cannot be seen in ", labels,
                        " (client spells derived from revenue end ",
                        "inactivity_days after the last revenue, and the data starts on ", first,
                        "): churn and retention look better than they were"});
                break;
        }
    }
    return text;
}

}  // namespace accountkpi::kpi
