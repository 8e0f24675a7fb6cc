#pragma once
/// \file
/// The KPIs the engine computes: their names, and what each needs.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::kpi {

/// The list of KPIs, as X(name, higher_is_better): one place that the enum, the names and the free functions
/// are made from. Definitions: docs/kpis.md.
// clang-format off
#define ACCOUNTKPI_KPIS(X) \
    /* keeping clients */ \
    X(clients_start, true) \
    X(clients_end, true) \
    X(active_clients, true) \
    X(new_clients, true) \
    X(churned_clients, false) \
    X(reactivations, true) \
    X(retention_rate, true) \
    X(churn_rate, false) \
    X(revenue_churn_rate, false) \
    X(nrr, true) \
    X(grr, true) \
    X(expansion_revenue, true) \
    X(contraction_revenue, false) \
    X(churned_revenue, false) \
    X(csat, true) \
    X(nps, true) \
    X(ces, true) \
    X(renewal_rate, true) \
    /* the revenue bridge: opening + new + reactivated + resumed + expansion - contraction - churned = closing */ \
    X(opening_revenue, true) \
    X(new_revenue, true) \
    X(reactivated_revenue, true) \
    X(resumed_revenue, true) \
    X(closing_revenue, true) \
    X(quick_ratio, true) \
    X(backlog, true) \
    X(mrr, true) \
    X(arr, true) \
    X(handover_churn_rate, false) \
    /* strengthening the relationship */ \
    X(request_count, true) \
    X(requests_per_account, true) \
    X(request_response_days, false) \
    X(unanswered_requests, false) \
    X(timely_response_rate, true) \
    X(request_conversion_rate, true) \
    X(avg_project_size, true) \
    X(median_project_size, true) \
    X(projects_per_account, true) \
    X(communications, true) \
    X(emails, true) \
    X(calls, true) \
    X(meetings, true) \
    X(internal_communications, true) \
    X(client_communications, true) \
    X(touches_per_account_month, true) \
    X(days_since_last_touch, false) \
    /* growing profit */ \
    X(revenue, true) \
    X(cost, false) \
    X(gross_profit, true) \
    X(gross_margin, true) \
    X(deals, true) \
    X(avg_deal_size, true) \
    X(median_deal_size, true) \
    X(avg_rate_hour, true) \
    X(avg_rate_day, true) \
    X(avg_rate_month, true) \
    X(avg_rate_normalised_hour, true) \
    X(arpa, true) \
    X(upsell_revenue, true) \
    X(cross_sell_revenue, true) \
    X(new_business_revenue, true) \
    X(ltv_historical, true) \
    X(ltv_predicted, true) \
    /* concentration */ \
    X(top_share, false) \
    X(pareto_ratio, true) \
    X(gini, false) \
    X(hhi, false) \
    X(largest_client_share, false)
// clang-format on

/// Every KPI.
enum class Kpi : std::uint8_t {
#define ACCOUNTKPI_ENUM(name, hib) name,
    ACCOUNTKPI_KPIS(ACCOUNTKPI_ENUM)
#undef ACCOUNTKPI_ENUM
};

/// The KPIs in enum order.
inline constexpr std::array all_kpis{
#define ACCOUNTKPI_ALL(name, hib) Kpi::name,
    ACCOUNTKPI_KPIS(ACCOUNTKPI_ALL)
#undef ACCOUNTKPI_ALL
};

/// The KPI's name, as in the output columns and the Python API ("retention_rate").
[[nodiscard]] constexpr std::string_view name(Kpi k) noexcept {
    constexpr std::array names{
#define ACCOUNTKPI_NAME(name, hib) std::string_view{#name},
        ACCOUNTKPI_KPIS(ACCOUNTKPI_NAME)
#undef ACCOUNTKPI_NAME
    };
    return names[static_cast<std::size_t>(k)];
}

/// Whether more is better (retention) or worse (churn); scorecards use it as the default direction.
[[nodiscard]] constexpr bool higher_is_better(Kpi k) noexcept {
    constexpr std::array hib{
#define ACCOUNTKPI_HIB(name, h) h,
        ACCOUNTKPI_KPIS(ACCOUNTKPI_HIB)
#undef ACCOUNTKPI_HIB
    };
    return hib[static_cast<std::size_t>(k)];
}

/// The KPI named `text`, or nullopt.
[[nodiscard]] constexpr std::optional<Kpi> parse_kpi(std::string_view text) noexcept {
    for (Kpi k : all_kpis) {
        if (name(k) == text) return k;
    }
    return std::nullopt;
}

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
