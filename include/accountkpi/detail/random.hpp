#pragma once
/// \file
/// A small, fully specified random generator (xoshiro256** seeded by splitmix64) with distributions written
/// out here, so that the same seed gives the same numbers with every compiler and standard library (the
/// distributions of <random> are implementation-defined).

#include <cmath>
#include <cstdint>
#include <numbers>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::detail {

class Random {
  public:
    explicit Random(std::uint64_t seed) noexcept {
        for (auto& s : state_) {
            seed += 0x9E3779B97F4A7C15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            s = z ^ (z >> 31);
        }
    }
    /// 64 random bits.
    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }
    /// Uniform on [0, 1).
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
    /// Uniform integer on [lo, hi].
    int integer(int lo, int hi) noexcept {
        const auto span = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo + 1);
        return lo + static_cast<int>(next() % span);
    }
    bool chance(double p) noexcept { return uniform() < p; }
    /// Standard normal (Box-Muller).
    double normal() noexcept {
        const double u = 1.0 - uniform();
        return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * uniform());
    }
    double normal(double mean, double sd) noexcept { return mean + sd * normal(); }
    double lognormal(double mu, double sigma) noexcept { return std::exp(normal(mu, sigma)); }
    /// Exponential with the given mean.
    double exponential(double mean) noexcept { return -mean * std::log(1.0 - uniform()); }
    /// Poisson (Knuth's product method; fine for the small means used here).
    int poisson(double mean) noexcept {
        const double limit = std::exp(-mean);
        int k = 0;
        double p = uniform();
        while (p > limit) {
            ++k;
            p *= uniform();
        }
        return k;
    }

    /// Gamma with the given shape (> 0) and scale (> 0), mean shape * scale (Marsaglia & Tsang 2000; for
    /// shape < 1 a Gamma(shape + 1) draw times U^(1/shape)).
    double gamma(double shape, double scale) noexcept {
        if (shape < 1) {
            const double boost = std::pow(1.0 - uniform(), 1.0 / shape);
            return gamma(shape + 1, scale) * boost;
        }
        const double d = shape - 1.0 / 3.0;
        const double c = 1.0 / std::sqrt(9.0 * d);
        for (;;) {
            const double x = normal();
            const double v0 = 1.0 + c * x;
            if (v0 <= 0) continue;
            const double v = v0 * v0 * v0;
            const double u = 1.0 - uniform();
            if (u < 1.0 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v)))
                return d * v * scale;
        }
    }
    /// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    double beta(double a, double b) noexcept {
        const double x = gamma(a, 1.0);
        const double y = gamma(b, 1.0);
        return x + y > 0 ? x / (x + y) : (uniform() < a / (a + b) ? 1.0 : 0.0);
    }

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::uint64_t state_[4]{};
};

}  // namespace accountkpi::detail
ACCOUNTKPI_EXPORT_END
