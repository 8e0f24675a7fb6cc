#include "accountkpi/book/schema.hpp"

namespace accountkpi {
namespace {

using R = ColumnRole;

// The vocabularies without their "not given" word, as the input may spell them.
constexpr std::array<std::string_view, 3> role_words{"farmer", "closer", "head"};
constexpr std::array<std::string_view, 3> tier_words{"single_client", "client_portfolio",
                                                     "revenue_portfolio"};
constexpr std::array<std::string_view, 4> kind_words{"new", "upsell", "cross_sell", "renewal"};
constexpr std::array<std::string_view, 4> billing_words{"fixed", "hour", "day", "month"};
constexpr std::array<std::string_view, 3> unit_words{"hour", "day", "month"};
constexpr std::array<std::string_view, 3> channel_words{"email", "call", "meeting"};
constexpr std::array<std::string_view, 3> survey_words{"csat", "nps", "ces"};
constexpr std::array<std::string_view, 2> party_words{"client", "internal"};
constexpr std::array<std::string_view, 3> unit_kind_words{"sales_department", "account_management",
                                                          "client_unit"};

constexpr ColumnSpec accounts[] = {
    {"account_id", R::key, true},   {"name", R::text, false},         {"region", R::category, false},
    {"domain", R::category, false}, {"parent_id", R::account, false}, {"acquired_on", R::date, false},
    {"churned_on", R::date, false},
};
constexpr ColumnSpec managers[] = {
    {"manager_id", R::key, true},
    {"name", R::text, false},
    {"role", R::vocabulary, true, role_words},
    {"tier", R::vocabulary, false, tier_words},
    {"reports_to", R::manager, false},
    {"unit_id", R::unit, false},
};
constexpr ColumnSpec units[] = {
    {"unit_id", R::key, true},
    {"name", R::text, false},
    {"kind", R::vocabulary, true, unit_kind_words},
    {"head_id", R::manager, false},
    {"parent_id", R::unit, false},
    {"account_id", R::account, false},
};
constexpr ColumnSpec assignments[] = {
    {"manager_id", R::manager, true}, {"account_id", R::account, true}, {"project_id", R::project, false},
    {"start", R::date, true},         {"end", R::date, false},
};
constexpr ColumnSpec projects[] = {
    {"project_id", R::key, true},
    {"account_id", R::account, true},
    {"service_line", R::category, false},
    {"kind", R::vocabulary, false, kind_words},
    {"signed_on", R::date, true},
    {"start", R::date, false},
    {"end", R::date, false},
    {"value", R::number, true},
    {"billing", R::vocabulary, false, billing_words},
};
constexpr ColumnSpec revenue[] = {
    {"account_id", R::account, true},
    {"project_id", R::project, false},
    {"date", R::date, true},
    {"amount", R::number, true},
    {"cost", R::number, false},
    {"units", R::number, false},
    {"unit", R::vocabulary, false, unit_words},
};
constexpr ColumnSpec interactions[] = {
    {"account_id", R::account, true},
    {"manager_id", R::manager, false},
    {"date", R::date, true},
    {"channel", R::vocabulary, true, channel_words},
    {"party", R::vocabulary, false, party_words},
};
constexpr ColumnSpec requests[] = {
    {"account_id", R::account, true},
    {"received_on", R::date, true},
    {"responded_on", R::date, false},
    {"project_id", R::project, false},
};
constexpr ColumnSpec surveys[] = {
    {"account_id", R::account, true},
    {"date", R::date, true},
    {"kind", R::vocabulary, true, survey_words},
    {"score", R::number, true},
};
constexpr ColumnSpec targets[] = {
    {"manager_id", R::manager, true}, {"kpi", R::text, true},      {"begin", R::date, true},
    {"end", R::date, true},           {"target", R::number, true},
};

constexpr TableSpec tables[] = {
    {"accounts", true, accounts},          {"managers", false, managers},       {"units", false, units},
    {"projects", false, projects},         {"assignments", false, assignments}, {"revenue", true, revenue},
    {"interactions", false, interactions}, {"requests", false, requests},       {"surveys", false, surveys},
    {"targets", false, targets},
};

}  // namespace

const ColumnSpec* TableSpec::find(std::string_view column) const noexcept {
    for (const auto& c : columns) {
        if (c.name == column) return &c;
    }
    return nullptr;
}

std::span<const TableSpec> schema() noexcept {
    return tables;
}

const TableSpec* find_table(std::string_view name) noexcept {
    for (const auto& t : tables) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

}  // namespace accountkpi
