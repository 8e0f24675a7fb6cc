#pragma once
/// \file
/// A cache of the per-period states of KPI requests, so that a request over periods already computed (on
/// this Book, or on the Book it was appended to where nothing changed) reads them instead of the tables.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::kpi {

class State;

/// The states of single periods of requests already computed, at most `max_bytes` of them (least recently
/// used first out). A caller passes one in `Request::cache`; `accumulate` then reads each period it holds
/// for the request (same keys, measures, options and scope) and computes only the others, in one pass,
/// adding them here. A period computed for a Book is reused for a Book appended to it (directly or through
/// several appends) when nothing it reads changed (see `BookVersion`): it ends, with every day its KPIs look
/// at (the base period before it, the handover window after it), before the first appended event; and, for
/// requests keyed by accounts, before the day after an account's last sighting that an append moved later.
/// The answer is the same, bit for bit, as without a cache. Safe to share among threads.
class StateCache {
  public:
    /// A cache of at most `max_bytes` of states (see `State::bytes`); 0 keeps nothing.
    explicit StateCache(std::size_t max_bytes = std::size_t{256} << 20) : max_bytes_(max_bytes) {}

    /// The state of one period stored under `key` (a request's signature, see src/kpi/engine.cpp), or
    /// null.
    [[nodiscard]] std::shared_ptr<const State> find(const std::string& key);
    /// Stores `state` under `key`, then drops the least recently used states beyond the budget (`state`
    /// itself when it alone exceeds it).
    void put(const std::string& key, std::shared_ptr<const State> state);
    /// Drops every state.
    void clear();

    [[nodiscard]] std::size_t max_bytes() const noexcept { return max_bytes_; }
    /// The bytes of the states held.
    [[nodiscard]] std::size_t bytes() const;
    /// The states held (one per period and request signature).
    [[nodiscard]] std::size_t size() const;
    /// Periods found (`hits`) and computed (`misses`) since the cache was made.
    [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> hits_and_misses() const;
    /// Counts a period computed (`accumulate` does, for each period it does not find).
    void count_miss();

  private:
    using Entry = std::pair<std::string, std::shared_ptr<const State>>;
    mutable std::mutex mutex_;
    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::uint64_t hits_ = 0, misses_ = 0;
    std::list<Entry> lru_;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
