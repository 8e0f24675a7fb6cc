// Scorecards: attainment, pro-rating, targets from the Book, and the weighted score (kpi-definitions §6).
#include "accountkpi/tiers/scorecard.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "accountkpi/tiers/score.hpp"
#include "detail/text.hpp"

namespace accountkpi::tiers {
namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

Goal goal(kpi::Kpi k, double target, double weight) {
    return Goal{k, target, weight, kpi::higher_is_better(k), std::nullopt, false};
}

std::string target_problem(kpi::Kpi k, double target, const kpi::Options& options) {
    if (std::isnan(target)) return {};
    const std::string value = detail::number_text(target);
    if (!std::isfinite(target)) return value + " is not finite";
    const auto outside = [&](double lo, double hi, const std::string& hint) {
        return target < lo || target > hi
                   ? value + " is outside [" + detail::number_text(lo) + ", " + detail::number_text(hi) +
                         "] for a " + std::string(name(unit(k, options))) + hint
                   : std::string{};
    };
    switch (unit(k, options)) {
        case Unit::fraction:
            return outside(-1, 1, " (0.9 is 90%)");
        case Unit::ratio:
            return outside(0, 10, " (1.1 is 110%)");
        case Unit::nps:
            return outside(-100, 100, "");
        case Unit::currency:
            return {};
        default:
            return target < 0 ? value + " is negative for a " + std::string(name(unit(k, options)))
                              : std::string{};
    }
}

double attainment(double actual, double target, bool higher_is_better, double cap) noexcept {
    if (std::isnan(actual) || std::isnan(target) || target == 0) return nan;
    const double a = higher_is_better ? actual / target : target / actual;  // actual 0 -> +inf -> cap
    return std::min(a, cap);
}

double prorate(double target, Period target_period, Period period) noexcept {
    return target * static_cast<double>(period.days()) / static_cast<double>(target_period.days());
}

double book_target(const Book& book, std::int32_t m, kpi::Kpi k, Period period) {
    const auto& t = book.targets();
    const std::string_view want = kpi::name(k);
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t.manager[i] == m && t.kpi[i] == want && t.begin[i] < period.end() && period.begin() < t.end[i])
            rows.push_back(i);
    }
    if (rows.empty()) return nan;
    std::sort(rows.begin(), rows.end(),
              [&](std::size_t x, std::size_t y) { return t.begin[x] < t.begin[y]; });
    for (std::size_t j = 1; j < rows.size(); ++j) {
        if (t.begin[rows[j]] < t.end[rows[j - 1]]) {
            throw std::invalid_argument("targets: rows " + std::to_string(rows[j - 1]) + " and " +
                                        std::to_string(rows[j]) + " set '" + std::string(want) +
                                        "' for manager " + book.managers().ids.label(m) +
                                        " over overlapping days");
        }
    }
    Date covered = period.begin();
    double total = 0, weighted = 0;
    for (std::size_t i : rows) {
        if (covered < t.begin[i]) return nan;  // a day of the period without a target
        const Date from = std::max(t.begin[i], period.begin()), to = std::min(t.end[i], period.end());
        const auto overlap = static_cast<double>(to - from);
        const auto row_days = static_cast<double>(t.end[i] - t.begin[i]);
        total += t.target[i] * overlap / row_days;
        weighted += t.target[i] * overlap;
        covered = to;
    }
    if (covered < period.end()) return nan;
    return is_flow(k) ? total : weighted / static_cast<double>(period.days());
}

std::vector<kpi::Kpi> Scorecard::unscored() const {
    std::vector<kpi::Kpi> out;
    for (const auto& l : lines) {
        if (!l.scored()) out.push_back(l.kpi);
    }
    return out;
}

Scorecard score(const std::vector<Goal>& goals, const std::vector<double>& actuals,
                const std::vector<double>& targets, Period period, double cap) {
    if (actuals.size() != goals.size() || targets.size() != goals.size())
        throw std::invalid_argument("score: one actual and one target per goal");
    if (!(cap > 0)) throw std::invalid_argument("the attainment cap must be > 0, got " + std::to_string(cap));
    Scorecard card{Tier::none, none, period, {}, nan};
    std::vector<double> attained, weights;
    for (std::size_t i = 0; i < goals.size(); ++i) {
        const Goal& g = goals[i];
        if (!(g.weight > 0) || !std::isfinite(g.weight)) {
            throw std::invalid_argument("scorecard: the weight of '" + std::string(kpi::name(g.kpi)) +
                                        "' must be a finite number > 0, got " + std::to_string(g.weight));
        }
        const double a = attainment(actuals[i], targets[i], g.higher_is_better, cap);
        const double gap = g.higher_is_better ? targets[i] - actuals[i] : actuals[i] - targets[i];
        card.lines.push_back(
            ScoreLine{g.kpi, actuals[i], targets[i], a, g.weight, nan, g.higher_is_better, gap, nan});
        attained.push_back(a);
        weights.push_back(g.weight);
    }
    const WeightedScore total = weighted_score(attained, weights);
    card.score = total.value;
    if (total.scored()) {
        for (auto& l : card.lines) {
            if (!l.scored()) continue;
            l.score = l.weight * l.attainment / total.weight;
            l.points_lost = l.weight * std::max(0.0, 1.0 - l.attainment) / total.weight;
        }
    }
    return card;
}

}  // namespace accountkpi::tiers
