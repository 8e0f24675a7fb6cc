// The engine's states: the layout of their cells and their groups (accountkpi/kpi/detail/state.hpp), and how
// states of one request are put together (merge, adopt).
#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::detail {

StateCells::StateCells(std::vector<kpi::Key> by, const std::vector<std::uint64_t>& cardinalities,
                       std::size_t n_periods, std::array<bool, n_sums> sums,
                       std::array<bool, n_counts> counts, bool account_level, bool narrow)
    : by_(std::move(by)),
      n_periods_(n_periods),
      account_level_(account_level),
      sum_on_(sums),
      count_on_(counts),
      narrow_(narrow) {
    lay_out_records();
    const std::uint64_t product = codes_product(cardinalities);
    for (auto c : cardinalities) {
        radix_.push_back(radix_.empty() ? 1 : radix_.back() * extent_.back());
        extent_.push_back(c + 1);  // + 1: the missing value
    }
    if (product == 0) return;  // too many: groups are looked up by hash
    if (const std::size_t slots = dense_slots_of(cardinalities); slots > 0) {
        // one slot per code, in code order; room for all of them from the start
        dense_ = true;
        n_groups_ = slots;
        group_codes_.resize(n_groups_);
        std::iota(group_codes_.begin(), group_codes_.end(), -1);
        used_.assign(n_groups_, 0);
        grow(n_groups_);
    } else {
        lut_.assign(product, 0);
    }
}

std::uint64_t StateCells::codes_product(const std::vector<std::uint64_t>& cardinalities) noexcept {
    std::uint64_t product = 1;
    for (auto c : cardinalities) {
        if (product > (std::uint64_t{1} << 40) / (c + 1)) return 0;
        product *= c + 1;  // + 1: the missing value
    }
    return product <= (std::uint64_t{1} << 26) ? product : 0;
}

std::size_t StateCells::dense_slots_of(const std::vector<std::uint64_t>& cardinalities) noexcept {
    return cardinalities.size() == 1 ? static_cast<std::size_t>(codes_product(cardinalities)) : 0;
}

std::size_t StateCells::record_bytes(const std::array<bool, n_sums>& sums,
                                     const std::array<bool, n_counts>& counts, bool narrow) noexcept {
    std::size_t bytes = 0;
    for (std::size_t m = 0; m < n_sums; ++m) {
        if (sums[m])
            bytes += narrow && is_money(static_cast<Sum>(m)) ? sizeof(std::int64_t) : 2 * sizeof(double);
    }
    return bytes +
           static_cast<std::size_t>(std::count(counts.begin(), counts.end(), true)) * sizeof(std::int64_t);
}

std::uint64_t StateCells::composite(std::size_t g) const noexcept {
    std::uint64_t c = 0;
    for (std::size_t k = 0; k < by_.size(); ++k) {
        c += static_cast<std::uint64_t>(group_codes_[g * by_.size() + k] + 1) * radix_[k];
    }
    return c;
}

std::vector<std::size_t> StateCells::groups_in_key_order() const {
    std::vector<std::size_t> order;
    order.reserve(groups());
    for (std::size_t g = 0; g < slots(); ++g) {
        if (in_use(g)) order.push_back(g);
    }
    if (dense_) return order;  // every code's slot, in code order: key order
    std::vector<std::uint64_t> keys(slots());
    for (std::size_t g : order) keys[g] = composite(g);
    const auto by_key = [&](std::size_t x, std::size_t y) { return keys[x] < keys[y]; };
    if (!std::is_sorted(order.begin(), order.end(), by_key)) std::sort(order.begin(), order.end(), by_key);
    return order;
}

std::uint32_t StateCells::add_group(const std::array<std::int32_t, 8>& codes) {
    std::uint64_t c = 0;
    for (std::size_t k = 0; k < by_.size(); ++k) c += static_cast<std::uint64_t>(codes[k] + 1) * radix_[k];
    std::uint32_t* slot = nullptr;
    if (!lut_.empty()) {
        slot = &lut_[c];
        if (*slot != 0) return *slot - 1;
    } else if (auto it = overflow_.find(c); it != overflow_.end()) {
        return it->second;
    }
    const auto g = static_cast<std::uint32_t>(n_groups_++);
    for (std::size_t k = 0; k < by_.size(); ++k) group_codes_.push_back(codes[k]);
    if (slot) {
        *slot = g + 1;
    } else {
        overflow_.emplace(c, g);
    }
    grow(g + 1);
    return g;
}

namespace {

/// `v`, `width` values per (period, group) stored period-major with room for `from` groups a period, laid out
/// again with room for `to` >= `from` groups; the new cells are 0.
template <class Vector>
void relayout(Vector& v, std::size_t width, std::size_t periods, std::size_t from, std::size_t to) {
    Vector out(width * to * periods);
    if (!v.empty()) {
        for (std::size_t p = 0; p < periods; ++p) {
            std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(width * from * p), width * from,
                        out.begin() + static_cast<std::ptrdiff_t>(width * to * p));
        }
    }
    v = std::move(out);
}

}  // namespace

void StateCells::lay_out_records() {
    sum_width_ = count_width_ = n_fields_ = 0;
    for (std::size_t m = 0; m < n_sums; ++m) {
        sum_at_[m] = static_cast<std::uint8_t>(sum_width_);
        if (sum_on_[m]) {
            const bool money = is_money(static_cast<Sum>(m));
            field_at_[n_fields_] = static_cast<std::uint8_t>(sum_width_);
            field_money_[n_fields_++] = money;
            sum_width_ += narrow_ && money ? 1 : 2;
        }
    }
    for (std::size_t m = 0; m < n_counts; ++m) {
        count_at_[m] = static_cast<std::uint8_t>(count_width_);
        if (count_on_[m]) ++count_width_;
    }
}

void StateCells::add_sums(std::size_t cell, const StateCells& from, std::size_t from_cell) {
    const double* there = from.sums_.data() + from_cell * from.sum_width_;
    for (std::size_t f = 0; f < n_fields_; ++f) {
        const double* x = there + from.field_at_[f];
        if (field_money_[f]) {
            const detail::Int128 n = from.load_money(x);
            if (!add_money_checked(sums_.data() + cell * sum_width_ + field_at_[f], n)) {
                widen();  // the cells move: found again
                (void)add_money_checked(sums_.data() + cell * sum_width_ + field_at_[f], n);
            }
            continue;
        }
        double* into = sums_.data() + cell * sum_width_ + field_at_[f];
        if (into[0] == 0 && into[1] == 0) {  // an empty cell: a copy, the same bits
            into[0] = x[0];
            into[1] = x[1];
        } else {
            detail::neumaier_add(into[0], into[1], x[0]);
            detail::neumaier_add(into[0], into[1], x[1]);
        }
    }
}

void StateCells::take_overflow(const StateCells& other) noexcept {
    if (other.overflowed()) overflowed_.store(true, std::memory_order_relaxed);
}

void StateCells::widen() {
    if (!narrow_) return;
    const detail::ZeroedVector<double> narrow = std::move(sums_);
    const auto narrow_at = field_at_;
    const std::size_t narrow_width = sum_width_;
    narrow_ = false;
    lay_out_records();
    sums_ = detail::ZeroedVector<double>(capacity_ * n_periods_ * sum_width_);
    for (std::size_t c = 0; c < capacity_ * n_periods_; ++c) {
        const double* from = narrow.data() + c * narrow_width;
        double* to = sums_.data() + c * sum_width_;
        for (std::size_t f = 0; f < n_fields_; ++f) {
            if (field_money_[f]) {
                std::int64_t n = 0;
                std::memcpy(&n, from + narrow_at[f], sizeof n);
                const detail::Int128 wide = n;
                std::memcpy(to + field_at_[f], &wide, sizeof wide);
            } else {
                std::copy_n(from + narrow_at[f], 2, to + field_at_[f]);
            }
        }
    }
}

void StateCells::grow(std::size_t groups) {
    if (groups <= capacity_) return;
    const std::size_t from = capacity_;
    capacity_ = std::max(groups, 2 * capacity_);
    relayout(sums_, sum_width_, n_periods_, from, capacity_);
    relayout(counts_, count_width_, n_periods_, from, capacity_);
}

void StateCells::zero_periods(std::size_t first, std::size_t last) noexcept {
    const auto zero = [&](auto& v, std::size_t width) {
        const std::size_t per_period = width * capacity_;
        std::fill(v.begin() + static_cast<std::ptrdiff_t>(first * per_period),
                  v.begin() + static_cast<std::ptrdiff_t>(last * per_period), 0);
    };
    zero(sums_, sum_width_);
    zero(counts_, count_width_);
}

bool StateCells::fits(const std::vector<kpi::Key>& by, const std::vector<std::uint64_t>& cardinalities,
                      std::size_t n_periods, const std::array<bool, n_sums>& sums,
                      const std::array<bool, n_counts>& counts, bool account_level) const {
    if (by != by_ || cardinalities.size() != extent_.size() || n_periods != n_periods_ || sums != sum_on_ ||
        counts != count_on_ || account_level != account_level_)
        return false;
    for (std::size_t k = 0; k < extent_.size(); ++k) {
        if (cardinalities[k] + 1 != extent_[k]) return false;
    }
    return true;
}

}  // namespace accountkpi::detail

namespace accountkpi::kpi {

std::size_t State::bytes() const noexcept {
    std::size_t n = sizeof(State) + sums_.size() * sizeof(double) + counts_.size() * sizeof(std::int64_t) +
                    group_codes_.size() * sizeof(std::int32_t) + lut_.size() * sizeof(std::uint32_t) +
                    used_.size() + overflow_.size() * 4 * sizeof(std::uint64_t);
    for (const auto& l : lists_) n += l.size() * sizeof(l[0]);
    return n;
}

std::vector<std::uint32_t> State::groups_of(const State& other) {
    std::vector<std::uint32_t> here(other.slots());
    for (std::size_t g = 0; g < other.slots(); ++g) {
        if (!other.in_use(g)) continue;
        std::array<std::int32_t, 8> codes{};
        for (std::size_t k = 0; k < by_.size(); ++k) codes[k] = other.code(g, k);
        here[g] = group(codes);
    }
    return here;
}

void State::adopt(const State& part, std::size_t first_period) {
    if (part.by_ != by_ || part.extent_ != extent_ || part.sum_on_ != sum_on_ ||
        part.count_on_ != count_on_ || part.account_level_ != account_level_ ||
        first_period + part.n_periods_ > n_periods_) {
        throw std::invalid_argument("adopt: the states come from different requests or books");
    }
    take_overflow(part);
    const std::size_t np = n_periods_, pp = part.n_periods_;
    const std::size_t slots = part.slots();
    const std::vector<std::uint32_t> to = groups_of(part);
    for (std::size_t p = 0; p < pp; ++p) {
        for (std::size_t g = 0; g < slots; ++g) {
            if (!part.in_use(g)) continue;
            const std::size_t here = cell(to[g], first_period + p), there = part.cell(g, p);
            add_sums(here, part, there);
            for (std::size_t j = 0; j < count_width_; ++j)
                counts_[here * count_width_ + j] += part.counts_[there * count_width_ + j];
        }
    }
    for (std::size_t l = 0; l < n_lists; ++l) {
        for (const auto& [at, x] : part.lists_[l]) {
            lists_[l].emplace_back(static_cast<std::uint32_t>(to[at / pp] * np + first_period + at % pp), x);
        }
    }
}

void State::merge(const State& other) {
    if (&other == this) {  // its own cells and lists would change under the loops: merge a copy
        merge(State(other));
        return;
    }
    if (other.by_ != by_ || other.n_periods_ != n_periods_ || other.extent_ != extent_ ||
        other.sum_on_ != sum_on_ || other.count_on_ != count_on_ || other.account_level_ != account_level_) {
        throw std::invalid_argument("merge: the states come from different requests or books");
    }
    take_overflow(other);
    const std::size_t np = n_periods_;
    const std::size_t slots = other.slots();
    const std::vector<std::uint32_t> map = groups_of(other);
    for (std::size_t p = 0; p < np; ++p) {
        for (std::size_t g = 0; g < slots; ++g) {
            if (!other.in_use(g)) continue;
            const std::size_t from = other.cell(g, p), to = cell(map[g], p);
            add_sums(to, other, from);
            for (std::size_t j = 0; j < count_width_; ++j)
                counts_[to * count_width_ + j] += other.counts_[from * count_width_ + j];
        }
    }
    for (std::size_t l = 0; l < n_lists; ++l) {
        for (const auto& [at, x] : other.lists_[l]) {
            lists_[l].emplace_back(static_cast<std::uint32_t>(map[at / np] * np + at % np), x);
        }
    }
}

}  // namespace accountkpi::kpi
