// The threads that split steps run on: a pool started once and kept, waiting between steps (see threads.hpp).
#include "threads.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace accountkpi::detail {

/// Threads waiting for the tasks of a step, kept for the life of the process (never destroyed: they only
/// wait between steps, and a thread blocked at exit costs nothing). One caller at a time hands them a step.
class Pool {
  public:
    /// Runs `task(0)` here and `task(1 .. n - 1)` on the pool's threads, taking back the tasks they have not
    /// started when this thread is done with its own; false, nothing run, when another caller holds the pool.
    bool run(std::size_t n, const std::function<void(std::size_t)>& task) {
        if (n < 2 || n > max_tasks || busy_.exchange(true, std::memory_order_acquire)) return false;
        const Release release{busy_};
        while (workers_ + 1 < n) {
            std::thread([this] { work(); }).detach();
            ++workers_;
        }
        task_ = &task;
        done_.store(0, std::memory_order_relaxed);
        generation_ = (generation_ + 1) & 0xffff'ffffU;
        open_.store(Claim{generation_, n, 1}.bits(), std::memory_order_release);
        open_.notify_all();
        task(0);
        while (take()) {
        }
        wait_done(n - 1);
        return true;
    }

    /// Keeps the threads spinning between steps until `let_sleep`, waking those blocked.
    void keep_awake() {
        if (awake_.fetch_add(1, std::memory_order_acq_rel) > 0) return;
        if (busy_.exchange(true, std::memory_order_acquire)) return;  // a step runs: its threads are awake
        const Release release{busy_};
        if (workers_ == 0) return;
        generation_ = (generation_ + 1) & 0xffff'ffffU;
        open_.store(Claim{generation_, 0, 0}.bits(), std::memory_order_release);  // a step of no tasks
        open_.notify_all();
    }
    void let_sleep() noexcept { awake_.fetch_sub(1, std::memory_order_release); }

  private:
    /// Lets the pool go at the end of a step (also when starting a thread throws).
    struct Release {
        std::atomic<bool>& busy;
        ~Release() { busy.store(false, std::memory_order_release); }
    };
    static constexpr std::size_t max_tasks = 0xffff;

    /// The tasks of the step being run: the step's generation (a late thread's claim on an earlier step
    /// fails), the number of tasks and the next one to start, in one word that a claim changes at once.
    struct Claim {
        std::uint64_t generation, n, next;
        static Claim of(std::uint64_t b) { return {b >> 32, (b >> 16) & 0xffff, b & 0xffff}; }
        [[nodiscard]] std::uint64_t bits() const { return generation << 32 | n << 16 | next; }
    };

    /// Starts the next task of the step, when one is left: false otherwise.
    bool take() {
        std::uint64_t bits = open_.load(std::memory_order_acquire);
        for (;;) {
            const Claim c = Claim::of(bits);
            if (c.next >= c.n) return false;
            if (open_.compare_exchange_weak(bits, Claim{c.generation, c.n, c.next + 1}.bits(),
                                            std::memory_order_acquire)) {
                (*task_)(c.next);  // the step cannot end before this task is done: `task_` is its own
                if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == c.n - 1) done_.notify_all();
                return true;
            }
        }
    }

    /// Waits until `tasks` tasks taken from the step are done: spinning a while (steps are short; all of
    /// the wait while the pool is kept awake), then blocked.
    void wait_done(std::size_t tasks) {
        if (spin([&] { return done_.load(std::memory_order_acquire) == tasks; })) return;
        for (std::size_t d = done_.load(std::memory_order_acquire); d != tasks;
             d = done_.load(std::memory_order_acquire))
            done_.wait(d, std::memory_order_acquire);
    }

    /// A pool thread: takes tasks while a step has some, then waits for the next step, spinning a while
    /// first (the steps of one request follow one another closely; all the while the pool is kept awake)
    /// and then blocked.
    [[noreturn]] void work() {
        for (;;) {
            while (take()) {
            }
            const std::uint64_t seen = open_.load(std::memory_order_acquire);
            if (Claim::of(seen).next < Claim::of(seen).n) continue;  // a step came meanwhile
            spin([&] { return open_.load(std::memory_order_relaxed) != seen; });
            open_.wait(seen, std::memory_order_acquire);  // returns at once when a step came while spinning
        }
    }

    /// Checks `ready()` until it holds (true) or, the pool not kept awake, `spin_time` has passed (false).
    template <class Ready>
    bool spin(const Ready& ready) const {
        const auto until = std::chrono::steady_clock::now() + spin_time;
        for (unsigned round = 1;; ++round) {
            for (int check = 0; check < 64; ++check) {
                if (ready()) return true;
                pause();
            }
            if (awake_.load(std::memory_order_relaxed) == 0) {
                if (std::chrono::steady_clock::now() >= until) return ready();
            } else if (round % 16 == 0) {  // kept awake: let a thread waiting for this core run, if any
                std::this_thread::yield();
            }
        }
    }
    static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#else
        std::this_thread::yield();
#endif
    }
    /// How long a thread spins before it blocks, outside a `KeepAwake`: about the gap between two steps of
    /// a small request.
    static constexpr std::chrono::microseconds spin_time{100};

    std::atomic<bool> busy_{false};  // whether a caller's step runs (a task may split again: no mutex)
    std::size_t workers_ = 0;
    std::uint64_t generation_ = 0;
    const std::function<void(std::size_t)>* task_ = nullptr;
    std::atomic<std::uint64_t> open_{0};
    std::atomic<std::size_t> done_{0};
    std::atomic<int> awake_{0};  // the `KeepAwake`s alive
};

namespace {

std::atomic<Pool*> the_pool{nullptr};

#if defined(__linux__)
// A child of fork has none of the pool's threads: it starts a pool of its own (the parent's is left as it
// was).
[[maybe_unused]] const int fork_handler =
    pthread_atfork(nullptr, nullptr, [] { the_pool.store(nullptr, std::memory_order_relaxed); });
#endif

Pool& pool() {
    Pool* p = the_pool.load(std::memory_order_acquire);
    if (p != nullptr) return *p;
    auto* made = new Pool;  // NOLINT(cppcoreguidelines-owning-memory): kept for the life of the process
    if (the_pool.compare_exchange_strong(p, made, std::memory_order_acq_rel)) return *made;
    delete made;  // NOLINT(cppcoreguidelines-owning-memory): another thread made it first (no thread started)
    return *p;
}

}  // namespace

KeepAwake::KeepAwake(bool yes) : pool_(yes ? &pool() : nullptr) {
    if (pool_ != nullptr) pool_->keep_awake();
}

KeepAwake::~KeepAwake() {
    if (pool_ != nullptr) pool_->let_sleep();
}

std::vector<std::size_t> balanced_bounds(const std::vector<std::size_t>& work, std::size_t parts) {
    const std::size_t n = work.size();
    std::vector<std::uint64_t> before(n + 1, 0);  // the work of the items before each
    for (std::size_t i = 0; i < n; ++i) before[i + 1] = before[i] + work[i];
    const std::uint64_t total = before[n];
    std::vector<std::size_t> bounds(parts + 1);
    bounds[parts] = n;
    for (std::size_t t = 1; t < parts; ++t) {
        std::size_t b = t * n / parts;  // as many items each, when there is no work to weigh
        if (total > 0) {
            const auto target =
                static_cast<double>(total) * static_cast<double>(t) / static_cast<double>(parts);
            b = static_cast<std::size_t>(
                std::lower_bound(before.begin(), before.end(), target,
                                 [](std::uint64_t w, double x) { return static_cast<double>(w) < x; }) -
                before.begin());
            if (b > 0 &&
                target - static_cast<double>(before[b - 1]) < static_cast<double>(before[b]) - target)
                --b;
        }
        bounds[t] = std::clamp(b, bounds[t - 1] + 1, n - (parts - t));  // at least one item each
    }
    return bounds;
}

bool run_on_pool(std::size_t n, const std::function<void(std::size_t)>& task) {
    return pool().run(n, task);
}

}  // namespace accountkpi::detail
