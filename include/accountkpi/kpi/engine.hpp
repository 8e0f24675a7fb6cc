#pragma once
/// \file
/// The grouped KPI engine: any KPIs, over any periods, by any keys, in one pass over each table it needs.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/interrupt.hpp"
#include "accountkpi/kpi/cache.hpp"
#include "accountkpi/kpi/detail/state.hpp"
#include "accountkpi/kpi/kpis.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::kpi {

/// Runs `task(0)` .. `task(n - 1)` and returns when every one has finished. The tasks are independent (none
/// waits for another), so an executor may run them on any threads, in any order, or one after another on the
/// calling thread; they never throw (the engine catches their exceptions and rethrows the first after the
/// executor returns). A host with its own thread pool passes one that posts the tasks there and waits.
using Executor = std::function<void(std::size_t n, const std::function<void(std::size_t)>& task)>;

/// 256 MiB, or a quarter of the machine's physical memory where that is less.
[[nodiscard]] std::size_t default_state_budget() noexcept;

/// Gives back to the operating system the memory that requests keep for the next ones (states' blocks and, in
/// Python, answers' columns that numpy freed: up to a thirty-second of the machine's memory each, from 256
/// MiB to 1 GiB; see docs/kpis.md), and returns its bytes: for a long-lived process done with large requests.
/// Requests after it fault their memory in afresh. Safe while other threads compute.
std::size_t release_memory() noexcept;

/// What to compute.
struct Request {
    std::vector<Period> periods;  ///< one or more; may overlap
    /// Empty: one group, the whole scope. Keyed by accounts (no `project` or `service_line`), the groups are
    /// the same whatever the KPIs: those of every account on the book in a period (docs/kpis.md, "Rows").
    std::vector<Key> by;
    std::vector<Kpi> kpis;  ///< empty: all KPIs
    Options options;
    Scope scope;
    /// At most this many parallel tasks (0: one per core, `std::thread::hardware_concurrency()`). Only large
    /// requests split (their periods, or the groups of a large table, with at least 50,000 lines or
    /// account-periods of work per task), so small ones stay on the calling thread; the answer is the same,
    /// bit for bit, whatever the number. A back end serving many callers at once usually wants 1 (each
    /// request on its caller's thread) or its own `executor`.
    unsigned threads = 0;
    /// Where the parallel tasks run; empty: on the calling thread and `threads - 1` threads of the library's
    /// own, started by the first request that splits and kept, waiting, for the later ones (a task none has
    /// started when the calling thread is done with its own runs there); while another caller's request
    /// uses them, threads started for the request. Either way all tasks are done before the call returns.
    Executor executor;
    /// A value per period and account, period-major (`[p * accounts + a]`), such as each account's predicted
    /// lifetime value at the end of period `p`; `ltv_predicted` is its mean over the group's active clients,
    /// NaN values left out. Empty: `ltv_predicted` is NaN.
    std::vector<double> account_values;
    /// Where the states of single periods are kept and looked up (see `StateCache`): periods it holds for
    /// this request on this Book (or on the Book this one was appended to, where nothing they read changed)
    /// are not computed again. Null: no cache. Requests with `account_values` do not use it.
    std::shared_ptr<StateCache> cache;
    /// The most memory in bytes that the cells of a state of all the periods may take in `compute` (not in
    /// `accumulate`, whose answer is that state). By one key with a slot per code (account, project, manager,
    /// region, ...; not the organisation's trees) and more than one period, a request whose cells would take
    /// more is accumulated and finalized one period at a time, each thread holding one period's cells (by
    /// account over 12 months, 1/12 of them), with a `cache` each period read from it or put in it: the same
    /// answer, bit for bit. Unset (the default): with a `cache`, always one period at a time (the cache holds
    /// each period's state apart anyway); without, above `default_state_budget()` and only where that holds
    /// less memory (a state of one period a thread and every period's values of the KPIs, 8 bytes each,
    /// against the cells of all periods): by account at 10^6 accounts, six KPIs over 12 months, 1.2 GiB of
    /// cells become 0.6, while sums of revenue and cost stay all at once, their cells no larger than their
    /// values (measured, with the time, in benchmarks/README.md).
    std::optional<std::size_t> state_budget;
};

/// The base period of `p` for NRR and its family: the k whole months before a period of k whole calendar
/// months, else as many days just before; with `NrrBase::year_ago`, the same period one year earlier.
[[nodiscard]] Period base_period(Period p, Options::NrrBase base);

/// The raw, mergeable accumulations of a request (counts, compensated sums, value lists for exact medians and
/// concentration), per cell = (group, period). Two states of the same Book and request whose scopes share no
/// account merge into the state of the union of the scopes (see `merge`).
///
/// Its cells (the measures of each cell, their layout, the groups in use) are the engine's own, in
/// `detail::StateCells` (accountkpi/kpi/detail/state.hpp); what a user calls is here and `groups()`,
/// `periods()` and `by()`.
class State : public detail::StateCells {
  public:
    using StateCells::StateCells;

    /// Adds `other` (same Book, same request, scopes without a common account) into this state; throws
    /// `std::invalid_argument`, changing nothing, when `other` has other keys, key cardinalities, periods or
    /// measures.
    void merge(const State& other);
    /// Adds `part`, the state of the periods `first_period` to `first_period + part.periods()` of the same
    /// request, into this state. When those cells are still empty here, their values become exactly those of
    /// `part` (how a request split by periods among threads is put together).
    void adopt(const State& part, std::size_t first_period);
    /// Adds each group `g` in use of `own` (a state of the same periods and measures; its keys may differ)
    /// into each group of this state listed in `into[g]`, in every period, list items included: how the own
    /// cells of the organisation's keys are merged up their trees (see `Key::team`).
    void add_into(const State& own, const std::vector<std::vector<std::uint32_t>>& into);
    /// A state of the same keys, key cardinalities, periods and measures, without groups.
    [[nodiscard]] State empty_like() const;
    /// The same with `periods` periods.
    [[nodiscard]] State empty_like(std::size_t periods) const;
    /// The bytes of memory it holds (cells, lists, groups and their lookup table).
    [[nodiscard]] std::size_t bytes() const noexcept;
    /// The state as a self-describing byte string (little-endian, versioned) for shipping between processes;
    /// only the cells in use are written. Defined in src/kpi/engine_state_io.cpp.
    [[nodiscard]] std::string to_bytes() const;
    /// The exact size of `to_bytes()` in bytes, without writing it.
    [[nodiscard]] std::size_t serialized_size() const noexcept;
    /// The state that `to_bytes` wrote; throws `std::invalid_argument` on a truncated, corrupt or foreign
    /// byte string (another format version or a big-endian writer, a checksum that does not match, a key
    /// code beyond its key's cardinality, sizes that the bytes do not hold). Memory is allocated in
    /// proportion to the bytes given, never to the sizes they claim; the groups are looked up by hash.
    [[nodiscard]] static State from_bytes(std::string_view bytes);
    /// The checksum that `to_bytes` appends (8 bytes, little-endian) to the bytes before it.
    [[nodiscard]] static std::uint64_t checksum(std::string_view bytes) noexcept;

  private:
    /// The group here of each group in use of `other` (a state of the same request), added where new.
    std::vector<std::uint32_t> groups_of(const State& other);
};

/// The engine's answer: one row per (group, period), groups in key order, a column per KPI.
struct Result {
    std::vector<Key> by;
    std::vector<std::vector<std::int32_t>>
        key_codes;  ///< [key][row]: account or manager index, category code or enum value; `none` = missing
    std::vector<std::int32_t> period;  ///< [row]: index into the request's periods
    std::vector<Kpi> kpis;
    std::vector<std::vector<double>> values;  ///< [kpi][row]; NaN where undefined
    [[nodiscard]] std::size_t rows() const noexcept { return period.size(); }
    /// The column of `k`; throws `std::out_of_range` when it was not requested.
    [[nodiscard]] const std::vector<double>& column(Kpi k) const;
};

/// Accumulates the request into a state: one pass over each table slice it needs. Like `finalize` and
/// `compute`, it checks the interruption in scope (see accountkpi/interrupt.hpp) and throws `Interrupted`.
[[nodiscard]] State accumulate(const Book& book, const Request& request);
/// Turns a state into KPI values (ratios NaN where the denominator is 0).
[[nodiscard]] Result finalize(const Book& book, const Request& request, const State& state);
/// `finalize(book, request, accumulate(book, request))`.
[[nodiscard]] Result compute(const Book& book, const Request& request);

/// One KPI over one period for one scope, ungrouped: the free-function form.
[[nodiscard]] double value(const Book& book, Kpi kpi, Period period, const Scope& scope = {},
                           const Options& options = {});

/// `1 − (1 − c)^k`: churn of one period compounded over `k` periods (12 for monthly to yearly); never `k c`.
[[nodiscard]] double compound_churn(double churn, double k) noexcept;
/// The per-period churn whose compounding over `k` periods is `churn`: `1 − (1 − churn)^(1/k)`.
[[nodiscard]] double periodic_churn(double churn, double k) noexcept;

/// Free functions, one per KPI: `kpi::retention_rate(book, period, scope, options)`.
#define ACCOUNTKPI_FREE_FUNCTION(kpi_name, ...)                                                    \
    [[nodiscard]] inline double kpi_name(const Book& book, Period period, const Scope& scope = {}, \
                                         const Options& options = {}) {                            \
        return value(book, Kpi::kpi_name, period, scope, options);                                 \
    }
ACCOUNTKPI_KPIS(ACCOUNTKPI_FREE_FUNCTION)
#undef ACCOUNTKPI_FREE_FUNCTION

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
