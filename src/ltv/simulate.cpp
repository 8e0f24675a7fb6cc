// Simulators of the lifetime-value models, with the library's deterministic generator.
#include "accountkpi/ltv/simulate.hpp"

#include <algorithm>
#include <cmath>

#include "accountkpi/detail/random.hpp"
#include "ltv_detail.hpp"

namespace accountkpi::ltv {

namespace {

/// A sample of `T.size()` customers: `T` copied, the columns every continuous-time model draws sized.
template <class Sample>
Sample sized(std::span<const double> T) {
    Sample out;
    const std::size_t n = T.size();
    out.frequency.resize(n);
    out.recency.resize(n);
    out.T.assign(T.begin(), T.end());
    out.lambda.resize(n);
    out.alive.resize(n);
    return out;
}

/// BG/NBD customers, or MBG/NBD ones when `drop_at_first` (a dropout chance right after the first purchase).
RfmSample simulate_bgnbd_family(std::string_view where, const BgNbdParams& params, std::span<const double> T,
                                std::uint64_t seed, bool drop_at_first) {
    detail::require_parameter(where, "r", params.r);
    detail::require_parameter(where, "alpha", params.alpha);
    detail::require_parameter(where, "a", params.a);
    detail::require_parameter(where, "b", params.b);
    detail::require_values(where, "T", T, detail::Bound::positive);
    accountkpi::detail::Random random(seed);
    auto out = sized<RfmSample>(T);
    const std::size_t n = T.size();
    out.p.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double lambda = random.gamma(params.r, 1 / params.alpha);
        const double p = random.beta(params.a, params.b);
        double now = 0, last = 0, x = 0;
        bool alive = !(drop_at_first && random.chance(p));
        while (alive) {
            now += random.exponential(1 / lambda);
            if (!(now < T[i])) break;  // also ends when lambda underflowed to 0 (infinite gap)
            x += 1;
            last = now;
            if (random.chance(p)) {  // drops out right after this repeat purchase
                alive = false;
                break;
            }
        }
        out.frequency[i] = x;
        out.recency[i] = last;
        out.lambda[i] = lambda;
        out.p[i] = p;
        out.alive[i] = alive;
    }
    return out;
}

}  // namespace

RfmSample simulate_bgnbd(const BgNbdParams& params, std::span<const double> T, std::uint64_t seed) {
    return simulate_bgnbd_family("simulate_bgnbd", params, T, seed, false);
}

RfmSample simulate_mbgnbd(const BgNbdParams& params, std::span<const double> T, std::uint64_t seed) {
    return simulate_bgnbd_family("simulate_mbgnbd", params, T, seed, true);
}

ParetoNbdSample simulate_pareto_nbd(const ParetoNbdParams& params, std::span<const double> T,
                                    std::uint64_t seed) {
    constexpr std::string_view where = "simulate_pareto_nbd";
    detail::require_parameter(where, "r", params.r);
    detail::require_parameter(where, "alpha", params.alpha);
    detail::require_parameter(where, "s", params.s);
    detail::require_parameter(where, "beta", params.beta);
    detail::require_values(where, "T", T, detail::Bound::non_negative);
    accountkpi::detail::Random random(seed);
    auto out = sized<ParetoNbdSample>(T);
    const std::size_t n = T.size();
    out.mu.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double lambda = random.gamma(params.r, 1 / params.alpha);
        const double mu = random.gamma(params.s, 1 / params.beta);
        const double lifetime = random.exponential(1 / mu);  // infinite when mu underflowed to 0
        const double end = std::min(lifetime, T[i]);
        double now = 0, last = 0, x = 0;
        for (;;) {
            now += random.exponential(1 / lambda);
            if (!(now < end)) break;  // also ends when lambda underflowed to 0 (infinite gap)
            x += 1;
            last = now;
        }
        out.frequency[i] = x;
        out.recency[i] = last;
        out.lambda[i] = lambda;
        out.mu[i] = mu;
        out.alive[i] = lifetime > T[i];
    }
    return out;
}

BgBbSample simulate_bgbb(const BgBbParams& params, std::span<const double> n_periods, std::uint64_t seed) {
    constexpr std::string_view where = "simulate_bgbb";
    detail::require_parameter(where, "alpha", params.alpha);
    detail::require_parameter(where, "beta", params.beta);
    detail::require_parameter(where, "gamma", params.gamma);
    detail::require_parameter(where, "delta", params.delta);
    detail::require_values(where, "n_periods", n_periods, detail::Bound::positive, /*whole=*/true);
    accountkpi::detail::Random random(seed);
    BgBbSample out;
    const std::size_t n = n_periods.size();
    out.frequency.resize(n);
    out.recency.resize(n);
    out.n_periods.assign(n_periods.begin(), n_periods.end());
    out.p.resize(n);
    out.theta.resize(n);
    out.alive.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double p = random.beta(params.alpha, params.beta);
        const double theta = random.beta(params.gamma, params.delta);
        double x = 0, last = 0;
        bool alive = true;
        const auto opportunities = static_cast<long>(n_periods[i]);  // whole, checked above
        for (long t = 1; t <= opportunities; ++t) {
            if (random.chance(theta)) {
                alive = false;
                break;
            }
            if (random.chance(p)) {
                x += 1;
                last = static_cast<double>(t);
            }
        }
        out.frequency[i] = x;
        out.recency[i] = last;
        out.p[i] = p;
        out.theta[i] = theta;
        out.alive[i] = alive;
    }
    return out;
}

std::vector<double> simulate_gamma_gamma(const GammaGammaParams& params, std::span<const double> frequency,
                                         std::uint64_t seed) {
    constexpr std::string_view where = "simulate_gamma_gamma";
    detail::require_parameter(where, "p", params.p);
    detail::require_parameter(where, "q", params.q);
    detail::require_parameter(where, "v", params.v);
    detail::require_values(where, "frequency", frequency, detail::Bound::non_negative, /*whole=*/true);
    accountkpi::detail::Random random(seed);
    std::vector<double> out(frequency.size(), 0.0);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double nu = random.gamma(params.q, 1 / params.v);  // rate of the customer's spend
        const auto x = static_cast<long>(frequency[i]);
        double sum = 0;
        for (long k = 0; k < x; ++k) sum += random.gamma(params.p, 1 / nu);
        out[i] = x > 0 ? sum / static_cast<double>(x) : 0.0;
    }
    return out;
}

std::vector<double> simulate_sbg(const SbgParams& params, int cohort_size, int periods, std::uint64_t seed) {
    constexpr std::string_view where = "simulate_sbg";
    detail::require_parameter(where, "alpha", params.alpha);
    detail::require_parameter(where, "beta", params.beta);
    if (cohort_size < 1)
        detail::fail(where, "cohort_size = " + std::to_string(cohort_size) + " must be >= 1");
    if (periods < 1) detail::fail(where, "periods = " + std::to_string(periods) + " must be >= 1");
    accountkpi::detail::Random random(seed);
    std::vector<double> survivors(static_cast<std::size_t>(periods) + 1, 0.0);
    for (int c = 0; c < cohort_size; ++c) {
        const double theta = random.beta(params.alpha, params.beta);
        survivors[0] += 1;
        for (std::size_t t = 1; t < survivors.size(); ++t) {
            if (random.chance(theta)) break;  // churns at the end of period t
            survivors[t] += 1;
        }
    }
    return survivors;
}

}  // namespace accountkpi::ltv
