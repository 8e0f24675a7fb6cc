// The cache of per-period states (accountkpi/kpi/cache.hpp): a map from request signatures to states, and a
// list of them, most recently used first, to drop the oldest beyond the budget.
#include "accountkpi/kpi/cache.hpp"

#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::kpi {

std::shared_ptr<const State> StateCache::find(const std::string& key) {
    const std::lock_guard lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    ++hits_;
    return it->second->second;
}

void StateCache::put(const std::string& key, std::shared_ptr<const State> state) {
    const std::lock_guard lock(mutex_);
    if (const auto it = index_.find(key); it != index_.end()) {
        bytes_ -= it->second->second->bytes();
        lru_.erase(it->second);
        index_.erase(it);
    }
    bytes_ += state->bytes();
    lru_.emplace_front(key, std::move(state));
    index_.emplace(key, lru_.begin());
    while (bytes_ > max_bytes_ && !lru_.empty()) {
        bytes_ -= lru_.back().second->bytes();
        index_.erase(lru_.back().first);
        lru_.pop_back();
    }
}

void StateCache::clear() {
    const std::lock_guard lock(mutex_);
    index_.clear();
    lru_.clear();
    bytes_ = 0;
}

std::size_t StateCache::bytes() const {
    const std::lock_guard lock(mutex_);
    return bytes_;
}

std::size_t StateCache::size() const {
    const std::lock_guard lock(mutex_);
    return lru_.size();
}

std::pair<std::uint64_t, std::uint64_t> StateCache::hits_and_misses() const {
    const std::lock_guard lock(mutex_);
    return {hits_, misses_};
}

void StateCache::count_miss() {
    const std::lock_guard lock(mutex_);
    ++misses_;
}

}  // namespace accountkpi::kpi
