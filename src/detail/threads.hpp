#pragma once
// Private to the library (src/): a step split among threads, with the rules the engine and the build share
// (how many threads a step of some work gets; how they start, take the caller's interruption and pass on a
// task's exception). Nothing here is part of the public API.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "accountkpi/interrupt.hpp"
#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::detail {

/// Below this many revenue lines and account-periods (or cells and KPIs) per thread, a request runs on one
/// thread.
inline constexpr std::size_t min_work_per_thread = 50'000;
/// The threads of a step of `work` units that splits into at most `parts` pieces: one per
/// `min_work_per_thread` units, at most `requested` (0: one per core). The cores are counted only when more
/// than one thread could be used: glibc reads them from /sys on every call, which cost a small request more
/// than its whole computation.
[[nodiscard]] inline std::size_t threads_for(std::size_t requested, std::size_t parts, std::size_t work) {
    const std::size_t most = std::min(parts, work / min_work_per_thread);
    if (most <= 1) return 1;
    return std::min<std::size_t>(
        most, requested > 0 ? requested : std::max(1U, std::thread::hardware_concurrency()));
}
/// Where `parts` chunks of the items of `work` (each item's units of work) begin, in order, and the last
/// ends (`parts + 1` bounds, from 0 to `work.size()`): contiguous runs of about equal work, each of at
/// least one item; `parts` must be 1 to `work.size()`.
[[nodiscard]] std::vector<std::size_t> balanced_bounds(const std::vector<std::size_t>& work,
                                                       std::size_t parts);

/// Runs `task(0)` on this thread and `task(1 .. n - 1)` on the process's pool of threads (started when first
/// needed, kept and waiting between steps), returning when all are done; false, nothing run, when another
/// step holds the pool (callers on several threads, or a task that splits again). `task` must not throw
/// (`in_threads` passes one that keeps a task's exception for its caller).
bool run_on_pool(std::size_t n, const std::function<void(std::size_t)>& task);

/// While it lives (`yes`), the pool's threads and a caller waiting for them spin between steps rather than
/// block, and those blocked at its start are woken: for the span of work whose steps run on the pool with
/// work on one thread between them. A blocked thread can take milliseconds to run again (a virtual machine
/// whose other cores are idle), longer than a step; the spinning is bounded by the work's own time, on the
/// cores it was given.
class Pool;
class KeepAwake {
  public:
    explicit KeepAwake(bool yes);
    ~KeepAwake();
    KeepAwake(const KeepAwake&) = delete;
    KeepAwake& operator=(const KeepAwake&) = delete;
    KeepAwake(KeepAwake&&) = delete;
    KeepAwake& operator=(KeepAwake&&) = delete;

  private:
    Pool* pool_;  // the process's pool (the one it was made with, should the process fork), or none
};

/// Runs `task(t)` for t = 0 .. threads - 1 on `executor`, or when it is empty task 0 on this thread and the
/// others on the pool's threads (`run_on_pool`), or on threads of their own when another step holds the
/// pool; then rethrows the first exception of a task, if any.
template <class Task>
void in_threads(std::size_t threads, const kpi::Executor& executor, const Task& task) {
    std::vector<std::exception_ptr> errors(threads);
    Interruption* const interruption = detail::current_interruption;  // the caller's, on every thread
    const std::function<void(std::size_t)> guarded = [&](std::size_t t) {
        try {
            const InterruptionScope scope(interruption);
            task(t);
        } catch (...) {
            errors[t] = std::current_exception();
        }
    };
    if (threads == 1) {
        guarded(0);
    } else if (executor) {
        executor(threads, guarded);
    } else if (!run_on_pool(threads, guarded)) {
        std::vector<std::jthread> pool;
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
        guarded(0);
    }
    for (const auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

}  // namespace accountkpi::detail
