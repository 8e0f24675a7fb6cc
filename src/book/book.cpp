#include "accountkpi/book/book.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <string>

#include "owner_detail.hpp"

namespace accountkpi {

namespace {

/// A well-mixed 64-bit hash of an integer id (ids are often consecutive).
std::uint64_t mixed(std::int64_t id) noexcept {
    auto x = static_cast<std::uint64_t>(id);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

std::shared_ptr<const BookVersion> BookVersion::fresh() {
    static std::atomic<std::uint64_t> last{0};
    auto v = std::make_shared<BookVersion>();
    v->id = ++last;
    return v;
}

std::size_t IdIndex::slot_of(std::int64_t id) const noexcept {
    const std::uint64_t h = mixed(id);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t k = static_cast<std::size_t>(h) & mask;; k = (k + 1) & mask) {
        const Slot s = slots_[k];
        if (s.index1 == 0) return k;
        if (s.tag == tag && integers_[static_cast<std::size_t>(s.index1 - 1)] == id) return k;
    }
}

void IdIndex::rehash(std::size_t capacity) {
    std::size_t size = 16;
    while (size < capacity) size *= 2;
    slots_.assign(size, Slot{0, 0});
    std::vector<std::int32_t>().swap(dense_);
    for (std::size_t i = 0; i < integers_.size(); ++i) {
        const std::int64_t id = integers_[i];
        slots_[slot_of(id)] =
            Slot{static_cast<std::uint32_t>(mixed(id) >> 32), static_cast<std::int32_t>(i + 1)};
    }
}

void IdIndex::reserve(std::size_t n, std::int64_t lo, std::int64_t hi) {
    if (kind_ != Kind::integer || !integers_.empty() || hi < lo) return;
    const auto range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    integers_.reserve(n);
    if (range < 4 * static_cast<std::uint64_t>(n) + 1024) {
        lo_ = lo;
        dense_.assign(static_cast<std::size_t>(range) + 1, 0);
        slots_.clear();
    } else {
        rehash(2 * n);
    }
}

std::optional<std::int32_t> IdIndex::insert(std::int64_t id) {
    if (kind_ == Kind::text) return insert(std::string_view(std::to_string(id)));
    const auto next = static_cast<std::int32_t>(integers_.size());
    if (!dense_.empty()) {
        const std::size_t off = dense_offset(id);
        if (off < dense_.size()) {
            if (dense_[off] != 0) return std::nullopt;
            integers_.push_back(id);
            dense_[off] = next + 1;
            return next;
        }
        rehash(2 * (integers_.size() + 1));  // an id outside the range: hash them all from now on
    }
    if (2 * (integers_.size() + 1) > slots_.size()) rehash(2 * slots_.size());
    const std::size_t k = slot_of(id);
    if (slots_[k].index1 != 0) return std::nullopt;
    integers_.push_back(id);
    slots_[k] = Slot{static_cast<std::uint32_t>(mixed(id) >> 32), next + 1};
    return next;
}

std::optional<std::int32_t> IdIndex::insert(std::string_view id) {
    if (kind_ == Kind::integer) {
        // Only the builder inserts; it makes a text index for text ids, so this is never reached with text.
        return std::nullopt;
    }
    const auto next = static_cast<std::int32_t>(texts_.size());
    if (!text_map_.try_emplace(std::string(id), next).second) return std::nullopt;
    texts_.emplace_back(id);
    return next;
}

std::optional<std::int32_t> IdIndex::find(std::int64_t id) const {
    if (kind_ == Kind::text) return find(std::string_view(std::to_string(id)));
    if (!dense_.empty()) {
        const std::size_t off = dense_offset(id);
        if (off == dense_.size() || dense_[off] == 0) return std::nullopt;
        return dense_[off] - 1;
    }
    if (slots_.empty()) return std::nullopt;
    const Slot s = slots_[slot_of(id)];
    if (s.index1 == 0) return std::nullopt;
    return s.index1 - 1;
}

std::optional<std::int32_t> IdIndex::find(std::string_view id) const {
    if (kind_ == Kind::integer) {
        // "17" finds the integer id 17: only the integer's own decimal form ("017", "+17", " 17" find
        // nothing), so that a text matches at most one integer and an integer at most one text.
        std::int64_t v = 0;
        const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), v);
        if (error != std::errc{} || end != id.data() + id.size() || std::to_string(v) != id)
            return std::nullopt;
        return find(v);
    }
    const auto it = text_map_.find(id);
    if (it == text_map_.end()) return std::nullopt;
    return it->second;
}

std::string IdIndex::label(std::int32_t i) const {
    if (i < 0 || static_cast<std::size_t>(i) >= size()) return "?";
    const auto k = static_cast<std::size_t>(i);
    return kind_ == Kind::integer ? std::to_string(integers_[k]) : texts_[k];
}

std::pair<std::size_t, std::size_t> rows_in(std::span<const Date> sorted_dates, Period period) noexcept {
    const auto first = std::lower_bound(sorted_dates.begin(), sorted_dates.end(), period.begin());
    const auto last = std::lower_bound(first, sorted_dates.end(), period.end());
    return {static_cast<std::size_t>(first - sorted_dates.begin()),
            static_cast<std::size_t>(last - sorted_dates.begin())};
}

bool Book::has_table(std::string_view name) const noexcept {
    const auto& given = data_->tables_given;
    return std::find(given.begin(), given.end(), name) != given.end();
}

bool Book::is_client(std::int32_t a, Date d) const noexcept {
    const auto& s = *data_->spells;
    const auto ua = static_cast<std::size_t>(a);
    for (auto k = s.offsets[ua]; k < s.offsets[ua + 1]; ++k) {
        if (s.begin[k] <= d && d < s.end[k]) return true;
    }
    return false;
}

std::int32_t Book::owner(std::int32_t a, std::int32_t p, Date d) const noexcept {
    const auto& t = *data_->assignments;
    if (a < 0 || t.offsets.empty()) return none;
    const auto ua = static_cast<std::size_t>(a);
    struct Assignment {
        Date start, end;
        std::int32_t project, manager;
    };
    return detail::owner_among(t.offsets[ua], t.offsets[ua + 1], p, d, [&](std::uint32_t k) {
        return Assignment{t.start[k], t.end[k], t.project[k], t.manager[k]};
    });
}

std::optional<Period> Book::span() const noexcept {
    Date lo = Date::max(), hi = Date::min();
    const auto widen = [&](std::span<const Date> sorted) {
        if (sorted.empty()) return;
        lo = std::min(lo, sorted.front());
        hi = std::max(hi, sorted.back());
    };
    widen(data_->revenue->date);
    widen(data_->projects->signed_on);
    widen(data_->interactions->date);
    widen(data_->requests->received_on);
    widen(data_->surveys->date);
    if (hi < lo) return std::nullopt;
    return Period{lo, hi + 1};
}

}  // namespace accountkpi
