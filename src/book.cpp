#include "accountkpi/book/book.hpp"

#include <algorithm>

namespace accountkpi {

std::optional<std::int32_t> IdIndex::insert(std::int64_t id) {
    if (kind_ == Kind::text) return insert(std::string_view(std::to_string(id)));
    const auto next = static_cast<std::int32_t>(integers_.size());
    if (!integer_map_.try_emplace(id, next).second) return std::nullopt;
    integers_.push_back(id);
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
    const auto it = integer_map_.find(id);
    if (it == integer_map_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::int32_t> IdIndex::find(std::string_view id) const {
    if (kind_ == Kind::integer) {
        // "17" finds the integer id 17: only a plain decimal integer, nothing else.
        if (id.empty() || id.size() > 19) return std::nullopt;
        std::int64_t v = 0;
        std::size_t i = 0;
        const bool negative = id[0] == '-';
        if (negative) i = 1;
        if (i == id.size()) return std::nullopt;
        for (; i < id.size(); ++i) {
            if (id[i] < '0' || id[i] > '9') return std::nullopt;
            v = v * 10 + (id[i] - '0');
        }
        return find(negative ? -v : v);
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
    const auto& s = data_->spells;
    const auto ua = static_cast<std::size_t>(a);
    for (auto k = s.offsets[ua]; k < s.offsets[ua + 1]; ++k) {
        if (s.begin[k] <= d && d < s.end[k]) return true;
    }
    return false;
}

std::int32_t Book::owner(std::int32_t a, std::int32_t p, Date d) const noexcept {
    const auto& t = data_->assignments;
    if (a < 0 || t.offsets.empty()) return none;
    const auto ua = static_cast<std::size_t>(a);
    std::int32_t account_owner = none, project_owner = none;
    for (auto k = t.offsets[ua]; k < t.offsets[ua + 1]; ++k) {
        if (d < t.start[k]) break;  // sorted by start: none further can cover d
        if (!(d < t.end[k])) continue;
        if (t.project[k] == none) {
            account_owner = t.manager[k];
        } else if (t.project[k] == p) {
            project_owner = t.manager[k];
        }
    }
    return project_owner != none ? project_owner : account_owner;
}

std::optional<Period> Book::span() const noexcept {
    Date lo = Date::max(), hi = Date::min();
    const auto widen = [&](const std::vector<Date>& sorted) {
        if (sorted.empty()) return;
        lo = std::min(lo, sorted.front());
        hi = std::max(hi, sorted.back());
    };
    widen(data_->revenue.date);
    widen(data_->projects.signed_on);
    widen(data_->interactions.date);
    widen(data_->requests.received_on);
    widen(data_->surveys.date);
    if (hi < lo) return std::nullopt;
    return Period{lo, hi + 1};
}

}  // namespace accountkpi
