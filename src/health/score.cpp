// Account health with its reasons (docs/health.md): the components, the weighted composite
// (tiers::weighted_score), the bands and the texts; over a Book, one engine request by account.
#include "accountkpi/health/score.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../tiers/rules_detail.hpp"
#include "accountkpi/kpi/engine.hpp"
#include "accountkpi/tiers/score.hpp"

namespace accountkpi::health {
namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr auto satisfaction = static_cast<std::size_t>(Component::satisfaction);
constexpr auto cadence = static_cast<std::size_t>(Component::cadence);
constexpr auto responsiveness = static_cast<std::size_t>(Component::responsiveness);
constexpr auto trend = static_cast<std::size_t>(Component::trend);
constexpr auto margin = static_cast<std::size_t>(Component::margin);

/// `x` clipped to [0, 100]; NaN stays NaN.
double clip100(double x) noexcept {
    return std::isnan(x) ? x : std::clamp(x, 0.0, 100.0);
}

std::array<double, n_components> components(const Evidence& e, const HealthOptions& o) noexcept {
    const double ratio = e.touches_per_account_month / o.cadence_target;
    return {
        std::isnan(e.nps) ? e.csat * 100 : (e.nps + 100) / 2,
        std::isnan(ratio) ? nan : std::min(1.0, ratio) * 100,
        e.timely_response_rate * 100,
        clip100(50 + 100 * (e.nrr - 1)),
        clip100(100 * e.gross_margin / o.margin_target),
    };
}

void add(std::string& reasons, const std::string& text) {
    if (!reasons.empty()) reasons += "; ";
    reasons += text;
}

/// The low components and unanswered requests, in the order the reasons are listed.
std::string reasons_of(const Evidence& e, const std::array<double, n_components>& c, const HealthOptions& o) {
    using detail::whole_text;
    std::string out;
    if (e.unanswered_requests > 0)
        add(out, whole_text(std::trunc(e.unanswered_requests)) + " request(s) unanswered");
    if (c[responsiveness] < 80) {
        add(out, whole_text(e.timely_response_rate * e.request_count) + " of " +
                     whole_text(std::trunc(e.request_count)) + " requests answered within " +
                     detail::number_text(o.kpi.sla_days) + " days");
    }
    if (c[satisfaction] < 50) {
        add(out, std::isnan(e.nps) ? "CSAT " + whole_text(e.csat * 100) + "% satisfied"
                                   : "NPS " + whole_text(e.nps));
    }
    if (c[cadence] < 50) {
        add(out, detail::float_text(detail::round_to(e.touches_per_account_month, 2)) +
                     " touches a month (target " + detail::number_text(o.cadence_target) + ")");
    }
    if (c[trend] < 40) add(out, "revenue " + whole_text((e.nrr - 1) * 100) + "% on the previous period");
    if (c[margin] < 50) {
        add(out, "margin " + whole_text(e.gross_margin * 100) + "% (target " +
                     detail::percent_text(o.margin_target) + ")");
    }
    return out;
}

std::string not_scored(const std::array<double, n_components>& c) {
    std::string known;
    for (std::size_t i = 0; i < n_components; ++i) {
        if (std::isnan(c[i])) continue;
        known += (known.empty() ? "" : ", ") + std::string(name(static_cast<Component>(i)));
    }
    return "not scored: only " + (known.empty() ? std::string("nothing") : known) + " known";
}

HealthBand band_of(double health, const HealthOptions& o) noexcept {
    if (std::isnan(health)) return HealthBand::unscored;
    if (health < o.at_risk_below) return HealthBand::at_risk;
    return health < o.watch_below ? HealthBand::watch : HealthBand::healthy;
}

/// The evidence of every account (by account index) over `period`, and whether it is a client then.
struct BookEvidence {
    std::vector<Evidence> evidence;
    std::vector<std::uint8_t> client;
};

BookEvidence evidence_of(const Book& book, Period period, const kpi::Options& options) {
    using kpi::Kpi;
    kpi::Request rq;
    rq.periods = {period};
    rq.by = {kpi::Key::account};
    rq.kpis = {Kpi::active_clients,
               Kpi::nps,
               Kpi::csat,
               Kpi::touches_per_account_month,
               Kpi::request_count,
               Kpi::timely_response_rate,
               Kpi::unanswered_requests,
               Kpi::nrr,
               Kpi::gross_margin};
    rq.options = options;
    const kpi::Result r = kpi::compute(book, rq);
    BookEvidence out{std::vector<Evidence>(book.accounts().size()),
                     std::vector<std::uint8_t>(book.accounts().size(), 0)};
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const std::int32_t a = r.key_codes[0][i];
        if (a < 0) continue;
        const auto at = static_cast<std::size_t>(a);
        out.client[at] = r.column(Kpi::active_clients)[i] > 0 ? 1 : 0;
        out.evidence[at] = Evidence{r.column(Kpi::nps)[i],
                                    r.column(Kpi::csat)[i],
                                    r.column(Kpi::touches_per_account_month)[i],
                                    r.column(Kpi::request_count)[i],
                                    r.column(Kpi::timely_response_rate)[i],
                                    r.column(Kpi::unanswered_requests)[i],
                                    r.column(Kpi::nrr)[i],
                                    r.column(Kpi::gross_margin)[i]};
    }
    return out;
}

/// Which accounts are clients over `period` within `scope` (by account index).
std::vector<std::uint8_t> clients_in(const Book& book, Period period, const kpi::Scope& scope,
                                     const kpi::Options& options) {
    kpi::Request rq;
    rq.periods = {period};
    rq.by = {kpi::Key::account};
    rq.kpis = {kpi::Kpi::active_clients};
    rq.options = options;
    rq.scope = scope;
    const kpi::Result r = kpi::compute(book, rq);
    std::vector<std::uint8_t> out(book.accounts().size(), 0);
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const std::int32_t a = r.key_codes[0][i];
        if (a >= 0 && r.values[0][i] > 0) out[static_cast<std::size_t>(a)] = 1;
    }
    return out;
}

/// A count the engine gives as a double, as an integer (0 when undefined).
std::int64_t count_of(double x) noexcept {
    return std::isnan(x) ? 0 : static_cast<std::int64_t>(x);
}

void append(HealthTable& t, std::int32_t account, const Evidence& e, AccountHealth&& h) {
    t.account.push_back(account);
    t.health.push_back(h.health);
    t.band.push_back(h.band);
    for (std::size_t c = 0; c < n_components; ++c) t.components[c].push_back(h.components[c]);
    t.requests.push_back(count_of(e.request_count));
    t.unanswered.push_back(count_of(e.unanswered_requests));
    t.reasons.push_back(std::move(h.reasons));
}

/// The rows of `t` in `order`.
HealthTable take(const HealthTable& t, const std::vector<std::size_t>& order) {
    HealthTable out;
    for (std::size_t i : order) {
        out.account.push_back(t.account[i]);
        out.health.push_back(t.health[i]);
        out.band.push_back(t.band[i]);
        for (std::size_t c = 0; c < n_components; ++c) out.components[c].push_back(t.components[c][i]);
        out.requests.push_back(t.requests[i]);
        out.unanswered.push_back(t.unanswered[i]);
        out.reasons.push_back(t.reasons[i]);
    }
    return out;
}

}  // namespace

std::string_view name(Component c) noexcept {
    switch (c) {
        case Component::satisfaction:
            return "satisfaction";
        case Component::cadence:
            return "cadence";
        case Component::responsiveness:
            return "responsiveness";
        case Component::trend:
            return "trend";
        case Component::margin:
            return "margin";
    }
    return "satisfaction";
}

std::string_view name(HealthBand b) noexcept {
    switch (b) {
        case HealthBand::at_risk:
            return "at_risk";
        case HealthBand::watch:
            return "watch";
        case HealthBand::healthy:
            return "healthy";
        case HealthBand::unscored:
            return "unscored";
    }
    return "unscored";
}

void check(const HealthOptions& o) {
    double total = 0;
    for (double w : o.weights) {
        if (!std::isfinite(w) || w < 0)
            throw std::invalid_argument("health weights must be finite, >= 0 and not all 0");
        total += w;
    }
    if (!(total > 0)) throw std::invalid_argument("health weights must be finite, >= 0 and not all 0");
    if (!(0 <= o.at_risk_below && o.at_risk_below <= o.watch_below && o.watch_below <= 100)) {
        throw std::invalid_argument("bands must satisfy 0 <= at_risk <= watch <= 100, got (" +
                                    detail::number_text(o.at_risk_below) + ", " +
                                    detail::number_text(o.watch_below) + ")");
    }
    if (!(o.cadence_target > 0 && o.unanswered_penalty >= 0))
        throw std::invalid_argument("cadence_target must be > 0, unanswered_penalty >= 0");
    detail::check_fraction("margin_target", o.margin_target);
    if (o.min_components < 1 || o.min_components > static_cast<int>(n_components)) {
        throw std::invalid_argument("min_components is 1 to " + std::to_string(n_components) + ", got " +
                                    std::to_string(o.min_components));
    }
}

AccountHealth score(const Evidence& e, const HealthOptions& o) {
    AccountHealth h;
    h.components = components(e, o);
    const tiers::WeightedScore composite = tiers::weighted_score(
        h.components, o.weights, static_cast<std::size_t>(std::max(o.min_components, 1)));
    h.health = clip100(composite.value - o.unanswered_penalty * e.unanswered_requests);
    h.band = band_of(h.health, o);
    h.reasons = composite.scored() ? reasons_of(e, h.components, o) : not_scored(h.components);
    return h;
}

HealthTable health(const Book& book, Period period, const kpi::Scope& listed, const HealthOptions& options) {
    check(options);
    const BookEvidence all = evidence_of(book, period, options.kpi);
    const std::vector<std::uint8_t> in_scope =
        listed.empty() ? all.client : clients_in(book, period, listed, options.kpi);
    HealthTable t;
    for (std::size_t a = 0; a < all.client.size(); ++a) {
        if (!all.client[a] || !in_scope[a]) continue;
        append(t, static_cast<std::int32_t>(a), all.evidence[a], score(all.evidence[a], options));
    }
    std::vector<std::size_t> order(t.rows());
    std::iota(order.begin(), order.end(), std::size_t{0});
    const IdIndex& ids = book.accounts().ids;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const double hx = t.health[x], hy = t.health[y];
        if (std::isnan(hx) != std::isnan(hy)) return std::isnan(hy);
        if (hx != hy && !std::isnan(hx)) return hx < hy;
        return detail::id_less(ids, t.account[x], t.account[y]);
    });
    return take(t, order);
}

HealthTable at_risk(const HealthTable& table) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < table.rows(); ++i) {
        if (table.band[i] == HealthBand::at_risk) rows.push_back(i);
    }
    return take(table, rows);
}

}  // namespace accountkpi::health
