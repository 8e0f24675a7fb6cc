// Mandates of the three tiers, their evaluation through the KPI engine, the revenue-portfolio status and the
// scorecards of every farmer in one grouped request.
#include "accountkpi/tiers/mandate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "accountkpi/book/lookup.hpp"
#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::tiers {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using kpi::Kpi;

void check_goals(const std::vector<Goal>& goals) {
    for (std::size_t i = 0; i < goals.size(); ++i) {
        if (!(goals[i].weight > 0) || !std::isfinite(goals[i].weight)) {
            throw std::invalid_argument("scorecard: the weight of '" + std::string(kpi::name(goals[i].kpi)) +
                                        "' must be a finite number > 0");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (goals[j].kpi == goals[i].kpi)
                throw std::invalid_argument("scorecard: '" + std::string(kpi::name(goals[i].kpi)) +
                                            "' appears twice");
        }
    }
}

std::string who(const Book& book, std::int32_t manager) {
    return manager == none ? std::string("the accounts") : "manager " + book.managers().ids.label(manager);
}

/// The target of each goal over `period` (pro-rated by days for a flow with a target period): a target the
/// user set on the goal wins; else the Book's rows for `manager` where they cover the period; else the tier's
/// default. Every target is checked against its KPI's unit; all problems are reported in one exception.
std::vector<double> targets_of(const Book& book, std::int32_t manager, const std::vector<Goal>& goals,
                               Period period, const ScoreOptions& options) {
    std::vector<double> out;
    std::string problems;
    for (const Goal& g : goals) {
        double t = g.target;
        if (g.target_period && is_flow(g.kpi)) t = prorate(t, *g.target_period, period);
        const char* source = g.default_target ? "the tier's default" : "the goal";
        if ((std::isnan(g.target) || g.default_target) && options.book_targets && manager != none) {
            const double from_book = book_target(book, manager, g.kpi, period);
            if (!std::isnan(from_book)) {
                t = from_book;
                source = "the targets table";
            }
        }
        const std::string why = target_problem(g.kpi, t, options.kpi);
        if (!why.empty()) {
            problems += "\n  " + std::string(kpi::name(g.kpi)) + ", target from " + source + ": " + why;
        }
        out.push_back(t);
    }
    if (!problems.empty()) {
        throw std::invalid_argument("scorecard of " + who(book, manager) + " over " + period.label() +
                                    ": targets not in their KPI's unit:" + problems);
    }
    return out;
}

/// Throws `std::invalid_argument` naming every account of `accounts` that `manager` owns no assignment of
/// (account or project level) on any day of `period`.
void check_owned(const Book& book, std::int32_t manager, const std::vector<std::int32_t>& accounts,
                 Period period) {
    if (manager == none) return;
    const auto& as = book.assignments();
    std::string missing;
    for (const auto a : accounts) {
        if (static_cast<std::size_t>(a) >= book.accounts().size())
            throw std::out_of_range("mandate: account index " + std::to_string(a) + " out of range");
        const auto u = static_cast<std::size_t>(a);
        bool owned = false;
        for (std::size_t i = u + 1 < as.offsets.size() ? as.offsets[u] : 0;
             u + 1 < as.offsets.size() && i < as.offsets[u + 1] && !owned; ++i)
            owned = as.manager[i] == manager && as.start[i] < period.end() && period.begin() < as.end[i];
        if (!owned) missing += (missing.empty() ? "" : ", ") + book.accounts().ids.label(a);
    }
    if (!missing.empty()) {
        throw std::invalid_argument("mandate: " + who(book, manager) + " owns no assignment of account(s) " +
                                    missing + " during " + period.label() +
                                    " (assignments table); a mandate covers only what its manager owns");
    }
}

/// `goals` plus a goal of weight 1 (default direction, no own target) for each KPI that the Book's `targets`
/// table sets for `manager` beyond them.
std::vector<Goal> with_book_goals(const Book& book, std::int32_t manager, std::vector<Goal> goals) {
    if (manager == none) return goals;
    const auto& tg = book.targets();
    for (std::size_t i = 0; i < tg.size(); ++i) {
        if (tg.manager[i] != manager) continue;
        const auto k = kpi::parse_kpi(tg.kpi[i]);
        if (!k) {
            throw std::invalid_argument("targets row " + std::to_string(i) + ", column kpi: '" + tg.kpi[i] +
                                        "' is not a KPI of the engine");
        }
        if (std::none_of(goals.begin(), goals.end(), [&](const Goal& g) { return g.kpi == *k; }))
            goals.push_back(goal(*k, nan, 1));
    }
    return goals;
}

std::vector<Kpi> kpis_of(const std::vector<Goal>& goals) {
    std::vector<Kpi> out;
    out.reserve(goals.size());
    for (const auto& g : goals) out.push_back(g.kpi);
    return out;
}

}  // namespace

namespace {
std::vector<Goal> default_goals(Tier tier) {
    switch (tier) {
        case Tier::single_client:
            return {goal(Kpi::retention_rate, 1.0, 3),
                    goal(Kpi::renewal_rate, 1.0, 1),
                    goal(Kpi::nps, 30, 2),
                    goal(Kpi::timely_response_rate, 0.9, 2),
                    goal(Kpi::avg_project_size, nan, 1),
                    goal(Kpi::touches_per_account_month, 2, 1),
                    goal(Kpi::nrr, 1.1, 2),
                    goal(Kpi::gross_margin, 0.3, 2)};
        case Tier::client_portfolio:
            return {goal(Kpi::retention_rate, 0.9, 2),
                    goal(Kpi::nrr, 1.05, 2),
                    goal(Kpi::grr, 0.9, 1),
                    goal(Kpi::gross_margin, 0.3, 2),
                    goal(Kpi::largest_client_share, 0.35, 1),
                    goal(Kpi::nps, 30, 1),
                    goal(Kpi::timely_response_rate, 0.9, 1)};
        case Tier::revenue_portfolio:
            return {goal(Kpi::revenue, nan, 3), goal(Kpi::gross_profit, nan, 2),
                    goal(Kpi::gross_margin, 0.3, 1), goal(Kpi::nrr, 1.05, 1)};
        case Tier::none:
            break;
    }
    return {};
}

}  // namespace

std::vector<Goal> default_scorecard(Tier tier) {
    std::vector<Goal> goals = default_goals(tier);
    for (auto& g : goals) g.default_target = true;
    return goals;
}

std::vector<std::string> default_authority(Tier tier) {
    std::vector<std::string> out;
    if (tier == Tier::none) return out;
    out = {"propose new projects and upsells at the accounts owned",
           "set the communication cadence with the client", "escalate client requests to delivery"};
    if (tier == Tier::single_client) return out;
    out.emplace_back("rank the portfolio's accounts or projects and share time between them");
    out.emplace_back("propose dropping loss-making or shrinking accounts or projects");
    if (tier == Tier::client_portfolio) return out;
    out.emplace_back("set prices and discounts above the margin floor");
    out.emplace_back("choose which accounts to grow, keep or drop to meet the revenue target");
    return out;
}

Mandate::Mandate(Tier tier, std::int32_t manager, std::vector<std::int32_t> accounts)
    : tier_(tier), manager_(manager), goals_(default_scorecard(tier)), authority_(default_authority(tier)) {
    if (manager < none) throw std::invalid_argument("mandate: manager index must be >= 0 (or none)");
    for (auto a : accounts) {
        if (a < 0) throw std::invalid_argument("mandate: account indices must be >= 0");
    }
    if (manager == none && accounts.empty())
        throw std::invalid_argument("mandate: give a manager or at least one account");
    scope_.accounts = std::move(accounts);
    if (manager != none) scope_.managers = {manager};
}

void Mandate::set_scorecard(std::vector<Goal> goals) {
    check_goals(goals);
    goals_ = std::move(goals);
}

Scorecard Mandate::evaluate(const Book& book, Period period, const ScoreOptions& options) const {
    if (manager_ != none && static_cast<std::size_t>(manager_) >= book.managers().size())
        throw std::out_of_range("mandate: manager index " + std::to_string(manager_) + " out of range");
    check_owned(book, manager_, scope_.accounts, period);
    const std::vector<Goal> goals = options.book_targets ? with_book_goals(book, manager_, goals_) : goals_;
    std::vector<double> actuals;
    if (!goals.empty()) {
        kpi::Request rq;
        rq.periods = {period};
        rq.kpis = kpis_of(goals);
        rq.options = options.kpi;
        rq.scope = scope_;
        const kpi::Result r = kpi::compute(book, rq);
        for (const auto& column : r.values) actuals.push_back(column[0]);
    }
    Scorecard card =
        score(goals, actuals, targets_of(book, manager_, goals, period, options), period, options.cap);
    card.tier = tier_;
    card.manager = manager_;
    return card;
}

SingleClient::SingleClient(std::int32_t account, std::int32_t manager)
    : Mandate(Tier::single_client, manager, [&] {
          if (account < 0) throw std::invalid_argument("SingleClient: the account index must be >= 0");
          return std::vector<std::int32_t>{account};
      }()) {}

namespace {

std::int32_t manager_or_none(const Book& book, std::string_view manager) {
    return manager.empty() ? none : resolve(book, Lookup::manager, manager);
}

}  // namespace

SingleClient::SingleClient(const Book& book, std::string_view account, std::string_view manager)
    : SingleClient(resolve(book, Lookup::account, account), manager_or_none(book, manager)) {}

ClientPortfolio::ClientPortfolio(std::int32_t manager, std::vector<std::int32_t> accounts)
    : Mandate(Tier::client_portfolio, manager, std::move(accounts)) {}

ClientPortfolio::ClientPortfolio(const Book& book, std::string_view manager,
                                 const std::vector<std::string>& accounts)
    : ClientPortfolio(manager_or_none(book, manager), resolve(book, Lookup::account, accounts)) {}

RevenuePortfolio::RevenuePortfolio(const Book& book, std::string_view manager,
                                   const std::vector<std::string>& accounts, double revenue_target,
                                   std::optional<Period> target_period)
    : RevenuePortfolio(manager_or_none(book, manager), resolve(book, Lookup::account, accounts),
                       revenue_target, target_period) {}

RevenuePortfolio::RevenuePortfolio(std::int32_t manager, std::vector<std::int32_t> accounts,
                                   double revenue_target, std::optional<Period> target_period)
    : Mandate(Tier::revenue_portfolio, manager, std::move(accounts)),
      revenue_target_(revenue_target),
      target_period_(target_period) {
    if (!std::isnan(revenue_target) && !target_period)
        throw std::invalid_argument("RevenuePortfolio: a revenue target needs its target period");
    if (!std::isnan(revenue_target) && !std::isfinite(revenue_target))
        throw std::invalid_argument("RevenuePortfolio: the revenue target must be finite");
}

RevenueStatus RevenuePortfolio::status(const Book& book, Period period, const kpi::Options& options) const {
    const Date last = period.end() - 1;
    std::optional<Period> tp = target_period_;
    double target = revenue_target_;
    bool from_book = false;
    if (!tp && manager() != none) {
        const auto& t = book.targets();
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t.manager[i] == manager() && t.kpi[i] == "revenue" && t.begin[i] <= last && last < t.end[i]) {
                tp = Period{t.begin[i], t.end[i]};
                target = t.target[i];
                from_book = true;
                break;
            }
        }
    }
    if (!tp) tp = Period::year(last.year());  // no target: forecast to the end of the calendar year
    if (!(tp->begin() < period.end()) || !(period.begin() < tp->end())) {
        throw std::invalid_argument("RevenuePortfolio: the period " + period.label() +
                                    " does not overlap the target period " + tp->label());
    }
    const Period to_date{tp->begin(), std::min(period.end(), tp->end())};
    kpi::Request rq;
    rq.periods = {period, to_date};
    rq.kpis = {Kpi::revenue, Kpi::cost, Kpi::gross_profit, Kpi::gross_margin, Kpi::new_business_revenue};
    rq.options = options;
    rq.scope = scope();
    const kpi::Result r = kpi::compute(book, rq);
    const auto at = [&](Kpi k, std::size_t p) { return r.column(k)[p]; };
    RevenueStatus s{period,
                    *tp,
                    target,
                    nan,
                    at(Kpi::revenue, 0),
                    nan,
                    at(Kpi::revenue, 1),
                    nan,
                    nan,
                    nan,
                    at(Kpi::cost, 0),
                    at(Kpi::gross_profit, 0),
                    at(Kpi::gross_margin, 0),
                    at(Kpi::new_business_revenue, 0),
                    nan};
    s.existing_business_revenue = s.revenue - s.new_business_revenue;
    s.target_to_date =
        from_book ? book_target(book, manager(), Kpi::revenue, period) : prorate(target, *tp, period);
    s.attainment = attainment(s.revenue, s.target_to_date, true, std::numeric_limits<double>::infinity());
    s.run_rate = s.revenue / static_cast<double>(period.days());
    const auto remaining = static_cast<double>(std::max(0, tp->end() - period.end()));
    s.forecast = s.revenue_to_date + s.run_rate * remaining;
    s.gap = target - s.forecast;
    return s;
}

ScorecardTable scorecards(const Book& book, Period period, const ScoreOptions& options) {
    const auto& mg = book.managers();
    std::vector<std::vector<Goal>> cards(mg.size());
    std::vector<Kpi> all;
    const auto add_kpi = [&](Kpi k) {
        if (std::find(all.begin(), all.end(), k) == all.end()) all.push_back(k);
    };
    bool heads = false;  // heads are scored on their teams' figures
    for (std::size_t m = 0; m < mg.size(); ++m) {
        if (mg.role[m] != Role::farmer && mg.role[m] != Role::head) continue;
        heads = heads || mg.role[m] == Role::head;
        cards[m] = default_scorecard(mg.tier[m]);
        if (options.book_targets) cards[m] = with_book_goals(book, static_cast<std::int32_t>(m), cards[m]);
    }
    for (const auto& card : cards) {
        for (const auto& g : card) add_kpi(g.kpi);
    }
    ScorecardTable out;
    if (all.empty()) return out;

    kpi::Request rq;
    rq.periods = {period};
    rq.by = {kpi::Key::manager};
    rq.kpis = all;
    rq.options = options.kpi;
    const kpi::Result own = kpi::compute(book, rq);
    kpi::Result team;
    if (heads) {
        rq.by = {kpi::Key::team};
        team = kpi::compute(book, rq);
    }
    const auto rows_of = [&](const kpi::Result& r) {
        std::vector<std::int64_t> row_of(mg.size(), -1);
        for (std::size_t i = 0; i < r.rows(); ++i) {
            const auto m = r.key_codes[0][i];
            if (m != none) row_of[static_cast<std::size_t>(m)] = static_cast<std::int64_t>(i);
        }
        return row_of;
    };
    const std::vector<std::int64_t> own_row = rows_of(own), team_row = rows_of(team);
    for (std::size_t m = 0; m < mg.size(); ++m) {
        const auto& card = cards[m];
        if (card.empty()) continue;
        const auto mi = static_cast<std::int32_t>(m);
        const bool head = mg.role[m] == Role::head;
        const kpi::Result& r = head ? team : own;
        const std::int64_t row = head ? team_row[m] : own_row[m];
        std::vector<double> actuals;
        for (const auto& g : card) {
            const auto column =
                static_cast<std::size_t>(std::find(all.begin(), all.end(), g.kpi) - all.begin());
            // A manager without any row in the period: flows are 0, ratios undefined.
            actuals.push_back(row >= 0         ? r.values[column][static_cast<std::size_t>(row)]
                              : is_flow(g.kpi) ? 0.0
                                               : nan);
        }
        const Scorecard c =
            score(card, actuals, targets_of(book, mi, card, period, options), period, options.cap);
        for (const auto& l : c.lines) {
            out.manager.push_back(mi);
            out.tier.push_back(mg.tier[m]);
            out.kpi.push_back(l.kpi);
            out.actual.push_back(l.actual);
            out.target.push_back(l.target);
            out.attainment.push_back(l.attainment);
            out.weight.push_back(l.weight);
            out.score.push_back(l.score);
            out.gap.push_back(l.gap);
            out.points_lost.push_back(l.points_lost);
        }
    }
    return out;
}

}  // namespace accountkpi::tiers
