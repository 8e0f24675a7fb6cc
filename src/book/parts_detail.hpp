#pragma once
// Private to the build (builder.cpp, transactions.cpp): a pass over a build's lines or accounts split into
// contiguous parts, each on a thread of its own, with the engine's thread rules (`threads_for`: at least
// 100,000 lines per thread, at most `BuildOptions::threads`) and its way of starting them
// (`in_threads`).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "detail/threads.hpp"

namespace accountkpi::detail {

/// The results of `part(from, to)` on the parts of [0, n) in order, one part per thread, with `work` units of
/// work in all (lines read) and at most `requested` threads (0: one per core). The parts are the same
/// whatever the order the threads run in, so a pass whose parts write disjoint cells, and whose results are
/// folded in order, gives the same answer on any number of threads.
template <class Part>
auto in_parts(std::size_t n, std::size_t work, unsigned requested, const Part& part) {
    using Result = decltype(part(std::size_t{}, std::size_t{}));
    const std::size_t threads = threads_for(requested, n, work);
    std::vector<std::optional<Result>> done(threads);
    in_threads(threads, {}, [&](std::size_t t) { done[t] = part(t * n / threads, (t + 1) * n / threads); });
    std::vector<Result> out;
    out.reserve(threads);
    for (auto& d : done) out.push_back(std::move(*d));  // every part ran: `in_threads` rethrows otherwise
    return out;
}

/// Whether `part(from, to)` returns true on every part of [0, n) (see `in_parts`).
template <class Part>
bool true_in_parts(std::size_t n, std::size_t work, unsigned requested, const Part& part) {
    const std::vector<bool> done = in_parts(n, work, requested, part);
    return std::all_of(done.begin(), done.end(), [](bool d) { return d; });
}

/// Whether `v` is in ascending order, checked in parts (see `in_parts`).
template <class T>
bool sorted_in_parts(std::span<const T> v, unsigned requested) {
    return true_in_parts(v.size(), v.size(), requested, [&](std::size_t from, std::size_t to) {
        return std::is_sorted(v.begin() + static_cast<std::ptrdiff_t>(from),
                              v.begin() + static_cast<std::ptrdiff_t>(std::min(to + 1, v.size())));
    });
}

/// The smallest and the largest value of `v` (not empty), found in parts (see `in_parts`).
template <class T>
std::pair<T, T> bounds_in_parts(std::span<const T> v, unsigned requested) {
    const auto parts = in_parts(v.size(), v.size(), requested, [&](std::size_t from, std::size_t to) {
        T lo = v[from], hi = v[from];
        for (std::size_t i = from; i < to; ++i) {  // values, not iterators: no branch per value
            lo = std::min(lo, v[i]);
            hi = std::max(hi, v[i]);
        }
        return std::pair{lo, hi};
    });
    std::pair<T, T> out = parts.front();
    for (const auto& [lo, hi] : parts) out = {std::min(out.first, lo), std::max(out.second, hi)};
    return out;
}

}  // namespace accountkpi::detail
