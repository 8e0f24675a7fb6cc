#pragma once
// Private to the engine (src/kpi/engine.cpp, src/kpi/engine_finalize.cpp): what accumulating and finalizing a
// request share. Nothing here is part of the public API.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <limits>
#include <thread>
#include <utility>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/detail/sum.hpp"
#include "accountkpi/interrupt.hpp"
#include "accountkpi/kpi/engine.hpp"
#include "detail/threads.hpp"

// A vector loop compiled twice, for CPUs with AVX2 (twice the lanes a vector) and without, the clone chosen
// when the library loads. ACCOUNTKPI_NO_DISPATCH (ThreadSanitizer builds): the portable clone only, since the
// resolver of the clones runs before TSan's runtime starts.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang_analyzer__) && \
    !defined(ACCOUNTKPI_NO_DISPATCH)
#define ACCOUNTKPI_VECTOR_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define ACCOUNTKPI_VECTOR_CLONES
#endif

namespace accountkpi::kpi {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using detail::in_threads;
using detail::threads_for;
using S = State::Sum;
using C = State::Count;
using L = State::List;

[[nodiscard]] inline double ratio(double num, double den) noexcept {
    return den == 0 ? nan : num / den;
}
/// The ratio of two exact money sums (the millionths cancel).
[[nodiscard]] inline double ratio(detail::Int128 num, detail::Int128 den) noexcept {
    return den == 0 ? nan : detail::to_double(num) / detail::to_double(den);
}

/// What a set of KPIs needs accumulated.
struct Needs {
    std::array<bool, State::n_sums> sums{};
    std::array<bool, State::n_counts> counts{};
    std::array<bool, State::n_lists> lists{};
    void operator()(S m) { sums[static_cast<std::size_t>(m)] = true; }
    void operator()(C m) { counts[static_cast<std::size_t>(m)] = true; }
    void operator()(L m) { lists[static_cast<std::size_t>(m)] = true; }
    [[nodiscard]] bool any(std::initializer_list<S> ms) const {
        return std::any_of(ms.begin(), ms.end(), [&](S m) { return sums[static_cast<std::size_t>(m)]; });
    }
    [[nodiscard]] bool any(std::initializer_list<C> ms) const {
        return std::any_of(ms.begin(), ms.end(), [&](C m) { return counts[static_cast<std::size_t>(m)]; });
    }
    [[nodiscard]] bool has(L m) const { return lists[static_cast<std::size_t>(m)]; }
};

/// `n[0..m)` millionths as doubles into `out` (each the nearest double to n / 10^6, as `from_millionths`).
void from_millionths(const std::int64_t* n, std::size_t m, double* out) noexcept;
/// The ratios `num[q] / den[q]` of exact sums for q in [0, m) into `out` (NaN where `den[q]` is 0, as
/// `ratio`).
void ratios(const std::int64_t* num, const std::int64_t* den, std::size_t m, double* out) noexcept;
/// Sets `out[q]` to `a[q] - b[q]` for q in [0, m); false when one of them overflows 64 bits.
bool differences(const std::int64_t* a, const std::int64_t* b, std::size_t m, std::int64_t* out) noexcept;

/// The request's KPIs (all of them when it names none).
[[nodiscard]] std::vector<Kpi> kpis_of(const Request& rq);
/// What a request accumulates: its measures, and whether it makes the pass over the accounts.
[[nodiscard]] std::pair<Needs, bool> needs_of(const Request& rq);
/// Throws `std::invalid_argument` when the request cannot be served (no period, repeated keys, options out of
/// range).
void check(const Request& rq);
/// A request's answer by one key of a dense state (a slot per code), made one period at a time from states of
/// that period alone (see `Request::state_budget`): each period's values of every slot, in slot order
/// (written in the order of memory), until `finish` makes the rows of the slots in use in some period. A
/// slot's cells in a period where it is not in use are empty, as they are in a state of all the periods, so
/// its values there are the same. `add` may run on several threads at once for different periods.
class PeriodColumns {
  public:
    PeriodColumns(const Request& rq, std::size_t slots);
    /// Writes period `p`'s values from `st`, a state of that period alone.
    void add(const State& st, std::size_t p);
    /// The answer: the rows of the slots with `used` set.
    [[nodiscard]] Result finish(const std::vector<std::uint8_t>& used) &&;

  private:
    const Request& rq_;
    std::vector<Kpi> kpis_;
    std::size_t slots_;
    std::vector<std::size_t> all_;                                   // 0 .. slots - 1
    std::vector<std::vector<detail::ZeroedVector<double>>> values_;  // [kpi][period][slot]
};

/// The number of distinct codes of each key of `by` in `book` (`n_bands` volume bands).
[[nodiscard]] std::vector<std::uint64_t> key_cardinalities(const Book& book, const std::vector<Key>& by,
                                                           std::size_t n_bands);

}  // namespace accountkpi::kpi
