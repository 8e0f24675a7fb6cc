#pragma once
/// \file
/// The engine's cells: what `kpi::State` accumulates per (group, period) and how it is laid out in memory.
/// Private to the engine (src/engine*.cpp): a user of the library merges, copies and ships states (see
/// accountkpi/kpi/engine.hpp) and never needs what is here; it is in a header only because the engine's
/// hottest calls (`add`, `group`, `prefetch`) must be inline.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <unordered_map>
#include <utility>
#include <vector>

#include "accountkpi/detail/prefetch.hpp"
#include "accountkpi/detail/sum.hpp"
#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/options.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::detail {

/// The cells of a `kpi::State`: per cell = (group, period), the measures its request needs (counts,
/// compensated or exact sums, value lists for exact medians and concentration), and the groups (key codes)
/// in use.
class StateCells {
  public:
    /// Measures: what is accumulated per cell.
    enum class Sum : std::uint8_t {
        revenue,
        cost,
        amount_hour,
        amount_day,
        amount_month,
        units_hour,
        units_day,
        units_month,
        upsell,
        cross_sell,
        new_business,
        deal_value,
        cohort_base,
        cohort_current,
        cohort_kept,
        expansion,
        contraction,
        churned_revenue,
        csat_sum,
        ces_sum,
        touch_days,
        ltv,
        predicted,
        // the revenue bridge (see accountkpi/kpi/bridge.hpp)
        opening,
        closing,
        new_revenue,
        reactivated_revenue,
        resumed_revenue,
        // projects
        backlog,
        mrr,
        renewal_value,
        due_value,
        count_
    };
    enum class Count : std::uint8_t {
        deals,
        renewals,
        due,
        emails,
        calls,
        meetings,
        internal,  ///< interactions with party `internal`
        requests,
        answered,
        unanswered,
        timely,
        converted,
        csat_n,
        csat_satisfied,
        nps_n,
        nps_promoters,
        nps_detractors,
        ces_n,
        ces_top,
        clients_start,
        clients_end,
        active,
        new_clients,
        churned,
        reactivated,
        retained,
        churned_new,
        touch_n,
        ltv_n,
        predicted_n,
        handovers,          ///< accounts handed from a closer to a farmer in the period
        handovers_churned,  ///< of them, those that churned within `Options::handover_days`
        count_
    };
    enum class List : std::uint8_t { deal_values, response_days, account_revenue, count_ };
    static constexpr std::size_t n_sums = static_cast<std::size_t>(Sum::count_);
    static constexpr std::size_t n_counts = static_cast<std::size_t>(Count::count_);
    static constexpr std::size_t n_lists = static_cast<std::size_t>(List::count_);

    StateCells() = default;
    /// `cardinalities[k]`: the number of distinct codes of key `by[k]` in the Book. With `narrow`, money
    /// sums are kept in 8 bytes (see `narrow`).
    StateCells(std::vector<kpi::Key> by, const std::vector<std::uint64_t>& cardinalities,
               std::size_t n_periods, std::array<bool, n_sums> sums, std::array<bool, n_counts> counts,
               bool account_level, bool narrow = false);
    /// The slots of a state of keys of these cardinalities when it is dense (see `dense`), else 0.
    [[nodiscard]] static std::size_t dense_slots_of(const std::vector<std::uint64_t>& cardinalities) noexcept;
    /// The bytes of a cell's record with these measures on (every sum a pair of doubles, every count 8
    /// bytes; with `narrow`, a money sum 8 bytes).
    [[nodiscard]] static std::size_t record_bytes(const std::array<bool, n_sums>& sums,
                                                  const std::array<bool, n_counts>& counts,
                                                  bool narrow = false) noexcept;

    /// Whether money sums are kept in 64-bit integers of millionths (8 bytes a sum, half the memory a cell
    /// and a pass reads), not 128-bit ones. An add that would overflow them (sums beyond 9.2 x 10^12 in
    /// the currency) is not made and marks the state `overflowed` (the engine then accumulates again into a
    /// state that is not narrow); merging widens the state that receives, first, when a sum would overflow.
    [[nodiscard]] bool narrow() const noexcept { return narrow_; }
    /// Whether an add into a narrow state was left out because its sum would have overflowed: the state's
    /// money sums are not to be used.
    [[nodiscard]] bool overflowed() const noexcept { return overflowed_.load(std::memory_order_relaxed); }
    /// Keeps money sums in 128 bits from now on (nothing when they are already).
    void widen();

    /// The group of the key codes `codes` (one per key of `by`; `none` for a missing value), added if new.
    std::uint32_t group(const std::array<std::int32_t, 8>& codes) {
        if (dense_) {  // one key: the group is the code's slot
            const std::size_t c = slot_of(codes[0]);
            if (!used_[c]) {
                used_[c] = 1;
                ++n_used_;
            }
            return static_cast<std::uint32_t>(c);
        }
        return add_group(codes);
    }
    /// The groups in use.
    [[nodiscard]] std::size_t groups() const noexcept { return dense_ ? n_used_ : n_groups_; }
    /// Group numbers run from 0 to `slots()`; those not `in_use` hold nothing. With one key of a small
    /// cardinality every code has its slot, in code order (no lookup, and states of the same request number
    /// their groups alike); otherwise groups are numbered as they appear and all are in use.
    [[nodiscard]] std::size_t slots() const noexcept { return n_groups_; }
    [[nodiscard]] bool in_use(std::size_t g) const noexcept { return !dense_ || used_[g] != 0; }
    /// The slot of key code `code` (`none`, the missing value, first) in a dense state.
    [[nodiscard]] static std::size_t slot_of(std::int32_t code) noexcept {
        return static_cast<std::size_t>(static_cast<std::int64_t>(code) + 1);
    }
    /// The key code of slot `g` of a dense state (`slot_of`'s inverse).
    [[nodiscard]] static std::int32_t code_of_slot(std::size_t g) noexcept {
        return static_cast<std::int32_t>(static_cast<std::int64_t>(g) - 1);
    }
    /// Whether the group of the key codes `codes` is in use already (known in a dense state only: false
    /// otherwise).
    [[nodiscard]] bool holds(const std::array<std::int32_t, 8>& codes) const noexcept {
        return dense_ && used_[slot_of(codes[0])] != 0;
    }
    /// Whether every code of the one key has its slot (groups need no lookup, and `use` applies).
    [[nodiscard]] bool dense() const noexcept { return dense_; }
    /// The slots of a dense state (see `slots`); 0 when groups are looked up.
    [[nodiscard]] std::size_t dense_slots() const noexcept { return dense_ ? n_groups_ : 0; }
    /// Whether a group in use is a row in every period of the state (it is).
    [[nodiscard]] static constexpr bool groups_span_periods() noexcept { return true; }
    /// Marks slot `g` of a dense state as in use (as `group` does) when `yes`.
    void use(std::size_t g, bool yes = true) noexcept {
        n_used_ += static_cast<std::size_t>(yes && used_[g] == 0);
        used_[g] |= static_cast<std::uint8_t>(yes);
    }
    /// Marks the slots of a dense state that `used` marks (a byte a slot, nonzero in use; `slots()` of them)
    /// as in use: `use` of each, in one pass the compiler vectorizes.
    void use_slots(const std::vector<std::uint8_t>& used) noexcept {
        // Through pointers held here: a byte written through the vector could be its own pointer, to be read
        // again a slot (no vectorized loop).
        std::uint8_t* const mine = used_.data();
        const std::uint8_t* const theirs = used.data();
        std::size_t n = 0;
        for (std::size_t g = 0, slots = used_.size(); g < slots; ++g) {
            mine[g] |= static_cast<std::uint8_t>(theirs[g] != 0);
            n += mine[g];
        }
        n_used_ = n;
    }
    /// Sets the cells of periods [`first`, `last`) to zero (for memory handed out uncleared: see
    /// `detail::DeferredZeroing`).
    void zero_periods(std::size_t first, std::size_t last) noexcept;
    /// Whether a dense state's records hold the sums `sums` and nothing else (no count): a pass that sets
    /// those of every slot of a period leaves no byte of its cells as it found them.
    [[nodiscard]] bool records_hold_only(std::initializer_list<Sum> sums) const noexcept {
        std::array<bool, n_sums> on{};
        for (const Sum m : sums) on[idx(m)] = true;
        return dense_ && on == sum_on_ && count_width_ == 0;
    }
    [[nodiscard]] std::size_t periods() const noexcept { return n_periods_; }
    [[nodiscard]] const std::vector<kpi::Key>& by() const noexcept { return by_; }
    /// Key code `k` of group `g`.
    [[nodiscard]] std::int32_t code(std::size_t g, std::size_t k) const noexcept {
        return group_codes_[g * by_.size() + k];
    }
    [[nodiscard]] bool account_level() const noexcept { return account_level_; }

    /// Where the cell (group `g`, period `p`) is stored: period-major, so that a pass over the groups of one
    /// period (the pass over the accounts) reads and writes memory in order. Valid until the next `group`
    /// call that adds a group.
    [[nodiscard]] std::size_t cell(std::size_t g, std::size_t p) const noexcept { return p * capacity_ + g; }
    /// Money (see `is_money`) is summed exactly in millionths; other sums are compensated.
    [[gnu::always_inline]] void add(Sum m, std::size_t cell, double x) noexcept {
        double* pair = &sums_[cell * sum_width_ + sum_at_[idx(m)]];
        if (is_money(m)) {
            add_money(pair, detail::to_millionths(x));
        } else {
            detail::neumaier_add(pair[0], pair[1], x);
        }
    }
    /// Adds `n` millionths to money measure `m`.
    [[gnu::always_inline]] void add_exact(Sum m, std::size_t cell, detail::Int128 n) noexcept {
        add_money(&sums_[cell * sum_width_ + sum_at_[idx(m)]], n);
    }
    /// Whether measure `m` is money, summed exactly (everything but units, scores, days and predicted
    /// values, which need not be whole millionths).
    [[nodiscard]] static constexpr bool is_money(Sum m) noexcept {
        return m != Sum::units_hour && m != Sum::units_day && m != Sum::units_month && m != Sum::csat_sum &&
               m != Sum::ces_sum && m != Sum::touch_days && m != Sum::predicted;
    }
    [[gnu::always_inline]] void add(Count m, std::size_t cell, std::int64_t n = 1) noexcept {
        counts_[cell * count_width_ + count_at_[idx(m)]] += n;
    }
    /// Tells the cache that the cell of the key codes `codes` in period `p` is about to be written (a dense
    /// state's cell is known before its group is used; otherwise nothing).
    void prefetch(const std::array<std::int32_t, 8>& codes, std::size_t p) const noexcept {
        if (dense_) {
            const std::size_t at = cell(slot_of(codes[0]), p);
            if (sum_width_ > 0) detail::prefetch_write(sums_.data() + at * sum_width_);
            if (count_width_ > 0) detail::prefetch_write(counts_.data() + at * count_width_);
        }
    }
    /// Whether asking the cache for cells ahead (`prefetch`) can pay: a dense state larger than a core's L2
    /// cache. A few groups' cells (by region) stay in the cache, and finding the cell of a line ahead costs a
    /// lookup of its own.
    [[nodiscard]] bool worth_prefetching() const noexcept {
        constexpr std::size_t cache_bytes = std::size_t{1} << 20;
        return dense_ && (sums_.size() + counts_.size()) * sizeof(double) > cache_bytes;
    }
    /// The records of period `p`'s cells, group `g`'s at `period_sums(p) + g * sum_width()`, its sum `m` at
    /// `sum_at(m)` within (a money sum 8 bytes when `narrow`, else 16; see `load_money`): for a pass that
    /// holds them in registers. Valid until the next `group` call that adds a group, or `widen`.
    [[nodiscard]] double* period_sums(std::size_t p) noexcept {
        return sums_.data() + cell(0, p) * sum_width_;
    }
    [[nodiscard]] const double* period_sums(std::size_t p) const noexcept {
        return sums_.data() + cell(0, p) * sum_width_;
    }
    [[nodiscard]] std::size_t sum_width() const noexcept { return sum_width_; }
    [[nodiscard]] std::size_t sum_at(Sum m) const noexcept { return sum_at_[idx(m)]; }
    /// Adds `x` to list `l` of the cell (group `g`, period `p`).
    void push(List l, std::size_t g, std::size_t p, double x) {
        lists_[static_cast<std::size_t>(l)].emplace_back(static_cast<std::uint32_t>(g * n_periods_ + p), x);
    }
    [[nodiscard]] bool has(Sum m) const noexcept { return sum_on_[idx(m)]; }
    [[nodiscard]] bool has(Count m) const noexcept { return count_on_[idx(m)]; }
    /// The value of measure `m` in the cell stored at `cell` (see `cell`).
    [[nodiscard]] double value(Sum m, std::size_t cell) const noexcept {
        const double* pair = &sums_[cell * sum_width_ + sum_at_[idx(m)]];
        return is_money(m) ? detail::from_millionths(load_money(pair)) : pair[0] + pair[1];
    }
    /// Money measure `m` of the cell stored at `cell`, in millionths (exact).
    [[nodiscard]] detail::Int128 millionths(Sum m, std::size_t cell) const noexcept {
        return load_money(&sums_[cell * sum_width_ + sum_at_[idx(m)]]);
    }
    [[nodiscard]] std::int64_t value(Count m, std::size_t cell) const noexcept {
        return counts_[cell * count_width_ + count_at_[idx(m)]];
    }
    /// The (g * periods() + p, value) pairs of a list, in no particular order.
    [[nodiscard]] const std::vector<std::pair<std::uint32_t, double>>& list(List l) const noexcept {
        return lists_[static_cast<std::size_t>(l)];
    }

    /// Whether this state has the shape that `accumulate` gives a request with these keys, key
    /// cardinalities, number of periods and measures (what `finalize` checks a state against).
    [[nodiscard]] bool fits(const std::vector<kpi::Key>& by, const std::vector<std::uint64_t>& cardinalities,
                            std::size_t n_periods, const std::array<bool, n_sums>& sums,
                            const std::array<bool, n_counts>& counts, bool account_level) const;
    /// The composite code of group `g`: sorting groups by it sorts them by their keys.
    [[nodiscard]] std::uint64_t composite(std::size_t g) const noexcept;
    /// The groups in use, in key order (the order of a result's rows).
    [[nodiscard]] std::vector<std::size_t> groups_in_key_order() const;

  protected:
    /// The number of composite codes of keys of these cardinalities (each with the missing value) when at
    /// most 2^26, so that a lookup table can hold them; 0 otherwise.
    static std::uint64_t codes_product(const std::vector<std::uint64_t>& cardinalities) noexcept;
    static constexpr std::size_t idx(Sum m) noexcept { return static_cast<std::size_t>(m); }
    /// The money sum stored at `at` (8 bytes when `narrow`, else 16).
    [[nodiscard, gnu::always_inline]] detail::Int128 load_money(const double* at) const noexcept {
        if (narrow_) {
            std::int64_t n = 0;
            std::memcpy(&n, at, sizeof n);
            return n;
        }
        return detail::load_exact(at);
    }
    /// Adds `n` millionths to the money sum stored at `at`; false, nothing added, when a narrow sum would
    /// overflow.
    [[nodiscard, gnu::always_inline]] bool add_money_checked(double* at, detail::Int128 n) noexcept {
        if (!narrow_) {
            detail::add_exact(at, n);
            return true;
        }
        std::int64_t sum = 0;
        std::memcpy(&sum, at, sizeof sum);
        const auto n64 = static_cast<std::int64_t>(n);
        if (n64 != n || __builtin_add_overflow(sum, n64, &sum)) return false;
        std::memcpy(at, &sum, sizeof sum);
        return true;
    }
    [[gnu::always_inline]] void add_money(double* at, detail::Int128 n) noexcept {
        if (!add_money_checked(at, n)) overflowed_.store(true, std::memory_order_relaxed);
    }
    static constexpr std::size_t idx(Count m) noexcept { return static_cast<std::size_t>(m); }
    void grow(std::size_t groups);
    void lay_out_records();
    /// Adds the sums of cell `from_cell` of `from` (a state of the same measures, narrow or not) into cell
    /// `cell`, widening this state first when a money sum would overflow.
    void add_sums(std::size_t cell, const StateCells& from, std::size_t from_cell);
    /// Marks this state `overflowed` when `other` is (a merge of a state whose sums are not all there).
    void take_overflow(const StateCells& other) noexcept;
    std::uint32_t add_group(const std::array<std::int32_t, 8>& codes);

    std::vector<kpi::Key> by_;
    std::size_t n_periods_ = 1;
    bool account_level_ = false;
    std::array<bool, n_sums> sum_on_{};
    std::array<bool, n_counts> count_on_{};
    // [period][group (capacity_ of them)][sum that is on] (sum, compensation): all the sums of a cell in one
    // record, so that a revenue line adding revenue and cost touches one cache line; counts alike.
    detail::ZeroedVector<double> sums_;
    detail::ZeroedVector<std::int64_t> counts_;
    std::array<std::uint8_t, n_sums> sum_at_{};  // where each sum that is on sits in a record
    // the sums that are on, in record order: where each sits and whether it is money
    std::array<std::uint8_t, n_sums> field_at_{};
    std::array<bool, n_sums> field_money_{};
    std::size_t n_fields_ = 0;
    std::array<std::uint8_t, n_counts> count_at_{};
    std::size_t sum_width_ = 0, count_width_ = 0;  // doubles and counts in a record
    std::array<std::vector<std::pair<std::uint32_t, double>>, n_lists> lists_;
    std::vector<std::int32_t> group_codes_;  // [group][key]
    std::vector<std::uint32_t> lut_;         // dense composite code -> group + 1 (0: none yet)
    std::vector<std::uint64_t> radix_;
    std::vector<std::uint64_t> extent_;  // per key: its cardinality + 1 (the missing value)
    std::unordered_map<std::uint64_t, std::uint32_t> overflow_;  // composite -> group, when no LUT
    std::size_t capacity_ = 0;                                   // groups with room in every period
    std::size_t n_groups_ = 0;                                   // slots
    bool dense_ = false;                                         // one slot per code of the one key
    bool narrow_ = false;                                        // money in 8 bytes (see `narrow`)
    /// An atomic flag that copies (threads of one request write cells of one state: see `overflowed`).
    struct Flag : std::atomic<bool> {
        Flag() noexcept : std::atomic<bool>(false) {}
        Flag(const Flag& o) noexcept : std::atomic<bool>(o.load(std::memory_order_relaxed)) {}
        Flag& operator=(const Flag& o) noexcept {
            store(o.load(std::memory_order_relaxed), std::memory_order_relaxed);
            return *this;
        }
    };
    Flag overflowed_;
    std::vector<std::uint8_t> used_;  // dense: whether a slot is in use
    std::size_t n_used_ = 0;
};

}  // namespace accountkpi::detail
ACCOUNTKPI_EXPORT_END
