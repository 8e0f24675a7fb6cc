// Bindings of the management tiers (accountkpi._core.tiers): mandates evaluated into scorecards, the revenue
// status, every farmer's scorecard, the portfolio's prioritisation. Arguments are converted first; the
// computation runs without the GIL.
#include <array>
#include <optional>
#include <string>

#include "accountkpi/book.hpp"
#include "accountkpi/tiers.hpp"
#include "pybind11.hpp"

namespace accountkpi::bindings {
namespace {

using DayPair = std::pair<Date::rep, Date::rep>;
using GoalTuple = std::tuple<std::string, double, double, bool, std::optional<DayPair>, bool>;

Period period_of(const DayPair& p) {
    return Period{Date{p.first}, Date{p.second}};
}

Tier tier_of(const std::string& word) {
    const auto t = from_word<Tier>(tier_names, word);
    if (!t) {
        throw py::value_error("unknown tier '" + word +
                              "' (expected single_client, client_portfolio or revenue_portfolio)");
    }
    return *t;
}

std::vector<tiers::Goal> goals_of(const std::vector<GoalTuple>& goals) {
    std::vector<tiers::Goal> out;
    for (const auto& [name, target, weight, hib, tp, default_target] : goals) {
        const auto k = kpi::parse_kpi(name);
        if (!k) throw py::value_error("unknown KPI '" + name + "' in the scorecard");
        out.push_back(tiers::Goal{*k, target, weight, hib,
                                  tp ? std::optional<Period>{period_of(*tp)} : std::optional<Period>{},
                                  default_target});
    }
    return out;
}

py::list goal_tuples(const std::vector<tiers::Goal>& goals) {
    py::list out;
    for (const auto& g : goals) {
        out.append(py::make_tuple(std::string(kpi::name(g.kpi)), g.target, g.weight, g.higher_is_better,
                                  g.default_target));
    }
    return out;
}

std::unique_ptr<tiers::Mandate> mandate_of(const std::string& tier, std::int32_t manager,
                                           std::vector<std::int32_t> accounts) {
    switch (tier_of(tier)) {
        case Tier::single_client:
            if (accounts.size() != 1) throw py::value_error("SingleClient: give exactly one account");
            return std::make_unique<tiers::SingleClient>(accounts.front(), manager);
        case Tier::client_portfolio:
            return std::make_unique<tiers::ClientPortfolio>(manager, std::move(accounts));
        default:
            return std::make_unique<tiers::RevenuePortfolio>(manager, std::move(accounts));
    }
}

tiers::PriorityLevel level_of(const std::string& word) {
    if (word == "account") return tiers::PriorityLevel::account;
    if (word == "project") return tiers::PriorityLevel::project;
    throw py::value_error("level must be 'account' or 'project', got '" + word + "'");
}

py::dict priority_dict(tiers::PriorityTable&& t) {
    py::dict d;
    d["item"] = adopt(std::move(t.item));
    d["account"] = adopt(std::move(t.account));
    d["revenue"] = adopt(std::move(t.revenue));
    d["base_revenue"] = adopt(std::move(t.base_revenue));
    d["growth"] = adopt(std::move(t.growth));
    d["gross_profit"] = adopt(std::move(t.gross_profit));
    d["margin"] = adopt(std::move(t.margin));
    d["health"] = adopt(std::move(t.health));
    d["ltv_historical"] = adopt(std::move(t.ltv_historical));
    d["priority"] = adopt(std::move(t.priority));
    d["drop_candidate"] = adopt(std::move(t.drop_candidate));
    d["risk_flags"] = py::cast(t.risk_flags);
    d["reasons"] = py::cast(t.reasons);
    return d;
}

}  // namespace

void register_tiers(py::module_& m) {
    py::list parts, defaults;
    const tiers::PriorityOptions standard;
    for (std::size_t p = 0; p < standard.weights.size(); ++p) {
        parts.append(py::str(std::string(tiers::name(static_cast<tiers::PriorityPart>(p)))));
        defaults.append(standard.weights[p]);
    }
    m.attr("priority_parts") = py::tuple(parts);
    m.attr("default_priority_weights") = py::tuple(defaults);
    m.def(
        "prioritise",
        [](const Book& book, const DayPair& period, const py::dict& portfolio, const std::string& level,
           const std::array<double, 4>& weights, double shrink, double margin_floor, double health_floor,
           const py::dict& health_rule, const py::dict& options) {
            tiers::PriorityOptions o;
            o.level = level_of(level);
            o.weights = weights;
            o.shrink = shrink;
            o.margin_floor = margin_floor;
            o.health_floor = health_floor;
            o.health = health_options(health_rule, options);
            const kpi::Scope scope = kpi_scope(portfolio);
            Interruption stop(python_signals);
            const InterruptionScope in_scope(&stop);
            tiers::PriorityTable t;
            {
                py::gil_scoped_release release;
                t = tiers::prioritise(book, period_of(period), scope, o);
            }
            return priority_dict(std::move(t));
        },
        py::arg("book"), py::arg("period"), py::arg("portfolio"), py::arg("level"), py::arg("weights"),
        py::arg("shrink"), py::arg("margin_floor"), py::arg("health_floor"), py::arg("health_rule"),
        py::arg("options"),
        "The portfolio's accounts or projects ranked by priority (value, growth, margin, health), flagged, "
        "with their reasons; item: account or project index.");
    m.def(
        "default_scorecard",
        [](const std::string& tier) { return goal_tuples(tiers::default_scorecard(tier_of(tier))); },
        py::arg("tier"));
    m.def(
        "default_authority", [](const std::string& tier) { return tiers::default_authority(tier_of(tier)); },
        py::arg("tier"));
    m.def("is_flow", [](const std::string& name) {
        const auto k = kpi::parse_kpi(name);
        if (!k) throw py::value_error("unknown KPI '" + name + "'");
        return tiers::is_flow(*k);
    });
    m.def(
        "unit",
        [](const std::string& name, const py::dict& options) {
            const auto k = kpi::parse_kpi(name);
            if (!k) throw py::value_error("unknown KPI '" + name + "'");
            return std::string(tiers::name(tiers::unit(*k, kpi_options(options))));
        },
        py::arg("kpi"), py::arg("options"));
    m.def(
        "target_problem",
        [](const std::string& name, double target, const py::dict& options) {
            const auto k = kpi::parse_kpi(name);
            if (!k) throw py::value_error("unknown KPI '" + name + "'");
            return tiers::target_problem(*k, target, kpi_options(options));
        },
        py::arg("kpi"), py::arg("target"), py::arg("options"));
    m.def(
        "retention_uplift",
        [](std::int64_t clients_start, std::int64_t churned, double gross_profit, double active,
           double period_years, double points, double horizon_years, double discount) {
            const tiers::RetentionUplift r =
                tiers::retention_uplift({clients_start, churned, gross_profit, active, period_years}, points,
                                        horizon_years, discount);
            py::dict d;
            d["extra_clients_kept"] = r.extra_clients_kept;
            d["churn_rate"] = r.churn_rate;
            d["new_churn_rate"] = r.new_churn_rate;
            d["gross_profit_per_client"] = r.gross_profit_per_client;
            d["profit_next_period"] = r.profit_next_period;
            d["periods"] = r.periods;
            d["period_discount"] = r.period_discount;
            d["lifetime_profit_per_client"] = r.lifetime_profit_per_client;
            d["new_lifetime_profit_per_client"] = r.new_lifetime_profit_per_client;
            d["horizon_profit"] = r.horizon_profit;
            d["new_horizon_profit"] = r.new_horizon_profit;
            d["lifetime_uplift"] = r.lifetime_uplift;
            d["profit_uplift"] = r.profit_uplift;
            return d;
        },
        py::arg("clients_start"), py::arg("churned_clients"), py::arg("gross_profit"),
        py::arg("active_clients"), py::arg("period_years"), py::arg("points"), py::arg("horizon_years"),
        py::arg("discount"));
    m.def(
        "retention_inputs",
        [](const Book& book, const DayPair& period, const py::dict& scope, const py::dict& options) {
            const kpi::Scope s = kpi_scope(scope);
            const kpi::Options o = kpi_options(options);
            const tiers::RetentionInputs in = [&] {
                py::gil_scoped_release release;
                return tiers::retention_inputs(book, period_of(period), s, o);
            }();
            py::dict d;
            d["clients_start"] = in.clients_start;
            d["churned_clients"] = in.churned_clients;
            d["gross_profit"] = in.gross_profit;
            d["active_clients"] = in.active_clients;
            d["period_years"] = in.period_years;
            return d;
        },
        py::arg("book"), py::arg("period"), py::arg("scope"), py::arg("options"),
        "What the book says over the period for the retention what-if: clients at the start, churned, "
        "active, the gross profit, and the period's length in years.");
    m.def("attainment", &tiers::attainment, py::arg("actual"), py::arg("target"), py::arg("higher_is_better"),
          py::arg("cap"));
    m.def(
        "book_target",
        [](const Book& book, std::int32_t manager, const std::string& name, const DayPair& period) {
            const auto k = kpi::parse_kpi(name);
            if (!k) throw py::value_error("unknown KPI '" + name + "'");
            if (manager < 0 || static_cast<std::size_t>(manager) >= book.managers().size())
                throw py::index_error("manager index out of range");
            py::gil_scoped_release release;
            return tiers::book_target(book, manager, *k, period_of(period));
        },
        py::arg("book"), py::arg("manager"), py::arg("kpi"), py::arg("period"));
    m.def(
        "evaluate",
        [](const Book& book, const std::string& tier, std::int32_t manager,
           std::vector<std::int32_t> accounts, const std::vector<GoalTuple>& goals, const DayPair& period,
           double cap, bool book_targets, const py::dict& options) {
            auto mandate = mandate_of(tier, manager, std::move(accounts));
            mandate->set_scorecard(goals_of(goals));
            tiers::ScoreOptions o;
            o.cap = cap;
            o.book_targets = book_targets;
            o.kpi = kpi_options(options);
            tiers::Scorecard c = [&] {
                py::gil_scoped_release release;
                return mandate->evaluate(book, period_of(period), o);
            }();
            py::list lines;
            for (const auto& l : c.lines) {
                lines.append(py::make_tuple(std::string(kpi::name(l.kpi)), l.actual, l.target, l.attainment,
                                            l.weight, l.score, l.higher_is_better, l.gap, l.points_lost));
            }
            return py::make_tuple(lines, c.score);
        },
        py::arg("book"), py::arg("tier"), py::arg("manager"), py::arg("accounts"), py::arg("goals"),
        py::arg("period"), py::arg("cap"), py::arg("book_targets"), py::arg("options"));
    m.def(
        "revenue_status",
        [](const Book& book, std::int32_t manager, std::vector<std::int32_t> accounts, double target,
           const std::optional<DayPair>& target_period, const DayPair& period, const py::dict& options) {
            const tiers::RevenuePortfolio mandate(
                manager, std::move(accounts), target,
                target_period ? std::optional<Period>{period_of(*target_period)} : std::optional<Period>{});
            const kpi::Options o = kpi_options(options);
            const tiers::RevenueStatus s = [&] {
                py::gil_scoped_release release;
                return mandate.status(book, period_of(period), o);
            }();
            py::dict d;
            d["target_period"] = py::make_tuple(s.target_period.begin().days(), s.target_period.end().days());
            d["target"] = s.target;
            d["target_to_date"] = s.target_to_date;
            d["revenue"] = s.revenue;
            d["attainment"] = s.attainment;
            d["revenue_to_date"] = s.revenue_to_date;
            d["run_rate"] = s.run_rate;
            d["forecast"] = s.forecast;
            d["gap"] = s.gap;
            d["cost"] = s.cost;
            d["gross_profit"] = s.gross_profit;
            d["gross_margin"] = s.gross_margin;
            d["new_business_revenue"] = s.new_business_revenue;
            d["existing_business_revenue"] = s.existing_business_revenue;
            return d;
        },
        py::arg("book"), py::arg("manager"), py::arg("accounts"), py::arg("target"), py::arg("target_period"),
        py::arg("period"), py::arg("options"));
    m.def(
        "scorecards",
        [](const Book& book, const DayPair& period, double cap, bool book_targets, const py::dict& options) {
            tiers::ScoreOptions o;
            o.cap = cap;
            o.book_targets = book_targets;
            o.kpi = kpi_options(options);
            tiers::ScorecardTable t = [&] {
                py::gil_scoped_release release;
                return tiers::scorecards(book, period_of(period), o);
            }();
            std::vector<std::int32_t> tier(t.rows()), kpi_code(t.rows());
            for (std::size_t i = 0; i < t.rows(); ++i) {
                tier[i] = static_cast<std::int32_t>(t.tier[i]);
                kpi_code[i] = static_cast<std::int32_t>(t.kpi[i]);
            }
            py::dict d;
            d["manager"] = adopt(std::move(t.manager));
            d["tier"] = adopt(std::move(tier));
            d["kpi"] = adopt(std::move(kpi_code));
            d["actual"] = adopt(std::move(t.actual));
            d["target"] = adopt(std::move(t.target));
            d["attainment"] = adopt(std::move(t.attainment));
            d["weight"] = adopt(std::move(t.weight));
            d["score"] = adopt(std::move(t.score));
            d["gap"] = adopt(std::move(t.gap));
            d["points_lost"] = adopt(std::move(t.points_lost));
            return d;
        },
        py::arg("book"), py::arg("period"), py::arg("cap"), py::arg("book_targets"), py::arg("options"));
    m.def(
        "coverage",
        [](const Book& book, const DayPair& period, std::int32_t max_accounts, std::int32_t max_single) {
            tiers::CoverageOptions o;
            o.max_accounts = max_accounts;
            o.max_accounts_single_client = max_single;
            tiers::CoverageTable t = [&] {
                py::gil_scoped_release release;
                return tiers::coverage(book, period_of(period), o);
            }();
            py::list kinds;
            for (auto k : t.kind) kinds.append(py::str(std::string(tiers::name(k))));
            std::vector<Date::rep> begin(t.rows()), end(t.rows());
            for (std::size_t i = 0; i < t.rows(); ++i) {
                begin[i] = t.begin[i].days();
                end[i] = t.end[i].days();
            }
            py::dict d;
            d["kind"] = kinds;
            d["account"] = adopt(std::move(t.account));
            d["manager"] = adopt(std::move(t.manager));
            d["other_manager"] = adopt(std::move(t.other_manager));
            d["begin"] = adopt(std::move(begin));
            d["end"] = adopt(std::move(end));
            d["accounts"] = adopt(std::move(t.accounts));
            d["limit"] = adopt(std::move(t.limit));
            return d;
        },
        py::arg("book"), py::arg("period"), py::arg("max_accounts"), py::arg("max_accounts_single_client"));
    m.def(
        "handovers",
        [](const Book& book, const DayPair& period, int days) {
            const auto facts = [&] {
                py::gil_scoped_release release;
                return handovers(book, period_of(period), days);
            }();
            const std::size_t n = facts.size();
            std::vector<std::int32_t> account(n), closer(n), farmer(n);
            std::vector<Date::rep> day(n), churned_on(n);
            std::vector<double> since_signing(n), revenue(n);
            std::vector<std::uint8_t> churned(n);
            for (std::size_t i = 0; i < n; ++i) {
                const auto& f = facts[i];
                account[i] = f.handover.account;
                closer[i] = f.handover.closer;
                farmer[i] = f.handover.farmer;
                day[i] = f.handover.day.days();
                churned_on[i] = f.churned_on.days();
                since_signing[i] = f.days_from_signing;
                revenue[i] = f.revenue_after;
                churned[i] = f.churned ? 1 : 0;
            }
            py::dict d;
            d["account"] = adopt(std::move(account));
            d["closer"] = adopt(std::move(closer));
            d["farmer"] = adopt(std::move(farmer));
            d["day"] = adopt(std::move(day));
            d["days_from_signing"] = adopt(std::move(since_signing));
            d["revenue_after"] = adopt(std::move(revenue));
            d["churned"] = adopt(std::move(churned));
            d["churned_on"] = adopt(std::move(churned_on));
            return d;
        },
        py::arg("book"), py::arg("period"), py::arg("days"),
        "Every handover of an account from a closer to a farmer in the period, with what followed in "
        "`days`.");
}

}  // namespace accountkpi::bindings
