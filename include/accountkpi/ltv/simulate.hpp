#pragma once
/// \file
/// Draw data from the lifetime-value models with known parameters, for parameter-recovery checks and
/// examples. Deterministic: the same seed gives the same data with every compiler and standard library
/// (`accountkpi::detail::Random`).

#include <cstdint>
#include <span>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/bgbb.hpp"
#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/gamma_gamma.hpp"
#include "accountkpi/ltv/pareto_nbd.hpp"
#include "accountkpi/ltv/sbg.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// RFM summary of simulated customers (time unit of the `T` given to the simulator).
struct RfmSample {
    std::vector<double> frequency;  ///< repeat purchases x
    std::vector<double> recency;    ///< t_x: time of the last purchase since the first (0 when x = 0)
    std::vector<double> T;          ///< observation time since the first purchase
    std::vector<double> lambda;     ///< the customer's true purchase rate (per time unit)
    std::vector<double> p;          ///< the customer's true dropout probability after each repeat purchase
    std::vector<bool> alive;        ///< true when the customer is still active at T
};

/// Simulates BG/NBD customers, one per entry of `T` (> 0): lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b); the
/// first purchase is at 0; exponential gaps with mean 1/lambda; after each repeat purchase the customer drops
/// out with probability p. \throws std::invalid_argument when a parameter is not > 0 or a T is not > 0.
RfmSample simulate_bgnbd(const BgNbdParams& params, std::span<const double> T, std::uint64_t seed);

/// Simulates MBG/NBD customers (Batislam, Denizel & Filiztekin 2007) as `simulate_bgnbd`, except that a
/// customer may also drop out right after the first purchase (at time 0), with the same probability p.
RfmSample simulate_mbgnbd(const BgNbdParams& params, std::span<const double> T, std::uint64_t seed);

/// RFM summary of simulated Pareto/NBD customers (time unit of the `T` given to the simulator).
struct ParetoNbdSample {
    std::vector<double> frequency;  ///< repeat purchases x
    std::vector<double> recency;    ///< t_x: time of the last purchase since the first (0 when x = 0)
    std::vector<double> T;          ///< observation time since the first purchase
    std::vector<double> lambda;     ///< the customer's true purchase rate (per time unit)
    std::vector<double> mu;         ///< the customer's true dropout rate (per time unit)
    std::vector<bool> alive;        ///< true when the customer's lifetime lasts beyond T
};

/// Simulates Pareto/NBD customers, one per entry of `T` (>= 0): lambda ~ Gamma(r, rate alpha), mu ~ Gamma(s,
/// rate beta), a lifetime ~ Exponential(rate mu) from the first purchase at 0; while alive, exponential gaps
/// with mean 1/lambda, counted up to min(lifetime, T). \throws std::invalid_argument when a parameter is not
/// > 0 or a T is negative or not finite.
ParetoNbdSample simulate_pareto_nbd(const ParetoNbdParams& params, std::span<const double> T,
                                    std::uint64_t seed);

/// Simulated BG/BB customers: transactions at discrete opportunities.
struct BgBbSample {
    std::vector<double> frequency;  ///< transactions x in the n opportunities
    std::vector<double> recency;    ///< t_x: the opportunity of the last transaction (0 when x = 0)
    std::vector<double> n_periods;  ///< opportunities n
    std::vector<double> p;          ///< the customer's true chance of a transaction at an opportunity, alive
    std::vector<double> theta;      ///< the customer's true chance of dropping out before an opportunity
    std::vector<bool> alive;        ///< true when the customer is still alive after opportunity n
};

/// Simulates BG/BB customers (Fader, Hardie & Shang 2010), one per entry of `n_periods` (whole, >= 1): p ~
/// Beta(alpha, beta), theta ~ Beta(gamma, delta); at each opportunity 1..n an alive customer first drops out
/// with probability theta, and if still alive transacts with probability p. \throws std::invalid_argument
/// when a parameter is not > 0 or an n_periods is not a whole number >= 1.
BgBbSample simulate_bgbb(const BgBbParams& params, std::span<const double> n_periods, std::uint64_t seed);

/// Simulates the mean value of each customer's `frequency[i]` (> 0, whole) transactions under the Gamma-Gamma
/// model: nu ~ Gamma(q, rate v), values ~ Gamma(p, rate nu). Customers with frequency 0 get 0.
/// \throws std::invalid_argument when a parameter is not > 0 or a frequency is negative or not whole.
std::vector<double> simulate_gamma_gamma(const GammaGammaParams& params, std::span<const double> frequency,
                                         std::uint64_t seed);

/// Simulates a cohort of `cohort_size` contracts over `periods` periods under the sBG model: theta ~
/// Beta(alpha, beta), each customer churns at the end of each period with probability theta. Returns
/// survivors n_0 = cohort_size, n_1, ..., n_periods. \throws std::invalid_argument when a parameter is not >
/// 0, cohort_size < 1 or periods < 1.
std::vector<double> simulate_sbg(const SbgParams& params, int cohort_size, int periods, std::uint64_t seed);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
