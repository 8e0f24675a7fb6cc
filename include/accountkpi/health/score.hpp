#pragma once
/// \file
/// Account health, 0-100, with the reasons behind it: a weighted composite of five components, each scored
/// 0-100 over the period (NaN when undefined, then left out and the other weights renormalised by
/// `tiers::weighted_score`):
///
/// - `satisfaction`: NPS mapped to `(nps + 100) / 2`; without NPS answers, the CSAT share × 100;
/// - `cadence`: `min(1, touches_per_account_month / cadence_target) × 100`;
/// - `responsiveness`: `timely_response_rate × 100` (answered within `sla_days`; unanswered count as late);
/// - `trend`: `clip(50 + 100 × (nrr − 1), 0, 100)`: flat revenue scores 50, −50% or worse 0, +50% or better
///   100;
/// - `margin`: `clip(100 × gross_margin / margin_target, 0, 100)`.
///
/// The health is the composite less `unanswered_penalty` points per request still unanswered, clipped to
/// [0, 100]. Bands: `at_risk` below `at_risk_below`, `watch` below `watch_below`, else `healthy`.
///
/// One score per account and period, whatever the scope: the evidence is every event of the account, whoever
/// owned it; a scope only selects the accounts listed. No score from one component alone: an account needs
/// `min_components` defined components (at most the number with a weight), else its health is NaN, it has
/// no band, and its reason is "not scored: only <components> known".

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::health {

/// The components of the health score, in the order of `HealthOptions::weights` and `AccountHealth`.
enum class Component : std::uint8_t { satisfaction, cadence, responsiveness, trend, margin };
inline constexpr std::size_t n_components = 5;
/// "satisfaction", "cadence", "responsiveness", "trend", "margin".
[[nodiscard]] std::string_view name(Component c) noexcept;

/// The band of a health score.
enum class HealthBand : std::uint8_t { at_risk, watch, healthy, unscored };
/// "at_risk", "watch", "healthy", "unscored".
[[nodiscard]] std::string_view name(HealthBand b) noexcept;

/// The parameters of the health score (defaults as documented in docs/health.md).
struct HealthOptions {
    /// Weights by `Component` (finite, >= 0, not all 0; any scale): responsiveness weighs most.
    std::array<double, n_components> weights{0.2, 0.15, 0.35, 0.2, 0.1};
    double at_risk_below = 40;  ///< below: `at_risk`
    double watch_below = 70;  ///< below (and not at risk): `watch`; 0 <= at_risk_below <= watch_below <= 100
    double cadence_target = 2;       ///< touches a month that score 100 (> 0)
    double margin_target = 0.3;      ///< a fraction in (0, 1]: the gross margin that scores 100
    double unanswered_penalty = 15;  ///< points off per request still unanswered (>= 0)
    int min_components = 2;          ///< 1 to 5
    kpi::Options kpi;                ///< options of the KPIs read (e.g. `sla_days`)
};

/// Throws `std::invalid_argument` naming the first option out of its range (see `HealthOptions`).
void check(const HealthOptions& options);

/// What the engine says of one account over the period: the KPIs the health score reads (NaN: undefined).
struct Evidence {
    double nps = std::numeric_limits<double>::quiet_NaN();
    double csat = std::numeric_limits<double>::quiet_NaN();  ///< the share satisfied, 0-1
    double touches_per_account_month = std::numeric_limits<double>::quiet_NaN();
    double request_count = 0;
    double timely_response_rate = std::numeric_limits<double>::quiet_NaN();
    double unanswered_requests = 0;
    double nrr = std::numeric_limits<double>::quiet_NaN();
    double gross_margin = std::numeric_limits<double>::quiet_NaN();
};

/// The health of one account.
struct AccountHealth {
    double health = std::numeric_limits<double>::quiet_NaN();  ///< 0-100; NaN when not scored
    HealthBand band = HealthBand::unscored;
    std::array<double, n_components> components{};  ///< 0-100 each, by `Component`; NaN when undefined
    /// The low components and unanswered requests, "; "-joined ("1 request(s) unanswered; NPS 20"); or
    /// "not scored: only cadence known".
    std::string reasons;
};

/// The health of an account with evidence `e` (the rule itself; `health` runs it over a Book). Options are
/// not checked here (see `check`).
[[nodiscard]] AccountHealth score(const Evidence& e, const HealthOptions& options = {});

/// The health of every account that is a client in a period, one row per account.
struct HealthTable {
    std::vector<std::int32_t> account;  ///< account index
    std::vector<double> health;
    std::vector<HealthBand> band;
    std::array<std::vector<double>, n_components> components;  ///< by `Component`
    std::vector<std::int64_t> requests;                        ///< requests received in the period
    std::vector<std::int64_t> unanswered;                      ///< of them, still unanswered
    std::vector<std::string> reasons;
    [[nodiscard]] std::size_t rows() const noexcept { return account.size(); }
};

/// The health of every account that is a client over `period` and in `listed` (empty: the whole Book), worst
/// first (NaN last; ties by account id). One engine request by account over the whole Book (every event of
/// the account counts, whoever owned it), and one more to list a non-empty scope's clients. Throws
/// `std::invalid_argument` on options out of range (`check`).
[[nodiscard]] HealthTable health(const Book& book, Period period, const kpi::Scope& listed = {},
                                 const HealthOptions& options = {});

/// The rows of `table` in band `at_risk`, in the same order.
[[nodiscard]] HealthTable at_risk(const HealthTable& table);

}  // namespace accountkpi::health
ACCOUNTKPI_EXPORT_END
