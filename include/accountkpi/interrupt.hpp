#pragma once
/// \file
/// Stopping long calls: building a Book and computing KPIs check, every so many rows, whether their caller
/// asked them to stop, and then throw `Interrupted`. Nothing is left half-built: the call has no result.
///
/// A caller makes an `Interruption` (optionally with a poll, such as the Python bindings' check for Ctrl-C)
/// and puts it in scope on its thread with `InterruptionScope` around the long call; `request()` from any
/// thread, or a poll that returns true, stops the call. Long loops call `detail::interruption_point(i)` (a
/// check every 2^16 rows) or `detail::check_interruption()`; threads that a call starts inherit its
/// interruption with `InterruptionScope`.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// Thrown by a long call that was asked to stop.
class Interrupted : public std::runtime_error {
  public:
    Interrupted() : std::runtime_error("interrupted") {}
};

/// A request to stop, shared by a call and the threads it starts.
class Interruption {
  public:
    Interruption() = default;
    /// `poll` is asked, on the thread that made the Interruption and at most every `every`, whether to stop
    /// (true: stop); it may block briefly (the Python bindings take the GIL to check for signals).
    explicit Interruption(std::function<bool()> poll,
                          std::chrono::milliseconds every = std::chrono::milliseconds(20))
        : poll_(std::move(poll)), every_(every), owner_(std::this_thread::get_id()) {}
    Interruption(const Interruption&) = delete;
    Interruption& operator=(const Interruption&) = delete;

    /// Asks the call to stop (from any thread; lock-free, so also from a signal handler).
    void request() noexcept { stop_.store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool requested() const noexcept { return stop_.load(std::memory_order_relaxed); }
    /// Throws `Interrupted` when a stop was requested or the poll (when due, on its own thread) asks for one.
    void check() {
        if (requested()) throw Interrupted();
        if (!poll_ || std::this_thread::get_id() != owner_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < every_) return;
        last_ = now;
        if (poll_()) {
            request();
            throw Interrupted();
        }
    }

  private:
    std::atomic<bool> stop_{false};
    std::function<bool()> poll_;
    std::chrono::milliseconds every_{0};
    std::thread::id owner_;
    std::chrono::steady_clock::time_point last_{};
};

namespace detail {

/// The interruption in scope on this thread, or null.
inline thread_local Interruption* current_interruption = nullptr;

/// Throws `Interrupted` when the interruption in scope on this thread asks for a stop.
inline void check_interruption() {
    if (Interruption* i = current_interruption) i->check();
}

/// `check_interruption()` once every 2^16 rows (`row` = 0, 65536, ...): cheap enough for any loop.
[[gnu::always_inline]] inline void interruption_point(std::size_t row) {
    if ((row & 0xffff) == 0) [[unlikely]]
        check_interruption();
}

}  // namespace detail

/// Puts `i` in scope on this thread for the calls made while the guard lives (the previous one after).
class InterruptionScope {
  public:
    explicit InterruptionScope(Interruption* i) noexcept : previous_(detail::current_interruption) {
        detail::current_interruption = i;
    }
    ~InterruptionScope() { detail::current_interruption = previous_; }
    InterruptionScope(const InterruptionScope&) = delete;
    InterruptionScope& operator=(const InterruptionScope&) = delete;

  private:
    Interruption* previous_;
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
