// The byte form of kpi::State: what a worker sends back so that states of disjoint scopes can be merged
// elsewhere (pickling in Python, a Dask tree reduction). Only the cells in use are written; the group lookup
// is rebuilt.
//
// Layout, all little-endian (the writer's byte order is checked by a marker), version 3:
//   "AKST" u32(3) u32(0x01020304)
//   u8 n_keys, n_keys × u8 key; u64 periods; u8 account_level
//   u8 n_sums, n_sums × u8 on; u8 n_counts, n_counts × u8 on; u8 n_lists
//   n_keys × u64 radix; u64 lut size (0: hashed groups); u64 groups; groups × n_keys × i32 codes
//   sums: period by period, group by group, each sum that is on: f64 sum, f64 compensation;
//   counts: period by period, group by group, each count that is on: i64
//   per list: u64 n, n × u32 cells (group × periods + period), n × f64 values
// Version 2 stored the cells measure by measure, group by group; version 3 as State holds them.
#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::kpi {
namespace {

constexpr char magic[4] = {'A', 'K', 'S', 'T'};
constexpr std::uint32_t format_version = 3;
constexpr std::uint32_t byte_order_mark = 0x01020304;

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big);

class Writer {
  public:
    explicit Writer(std::size_t capacity) { out_.reserve(capacity); }
    template <class T>
    void put(T x) {
        static_assert(std::is_trivially_copyable_v<T>);
        char raw[sizeof(T)];
        std::memcpy(raw, &x, sizeof(T));
        out_.append(raw, sizeof(T));
    }
    template <class T>
    void put_array(const T* data, std::size_t n) {
        static_assert(std::is_trivially_copyable_v<T>);
        if (n != 0) out_.append(reinterpret_cast<const char*>(data), n * sizeof(T));
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

class Reader {
  public:
    explicit Reader(std::string_view in) : in_(in) {}
    template <class T>
    T get() {
        need(1, sizeof(T));
        T x;
        std::memcpy(&x, in_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return x;
    }
    template <class T>
    void get_array(T* data, std::size_t n) {
        need(n, sizeof(T));
        if (n != 0) std::memcpy(data, in_.data() + at_, n * sizeof(T));
        at_ += n * sizeof(T);
    }
    /// Throws unless `n` items of `size` bytes remain (checked before anything is allocated for them).
    void need(std::size_t n, std::size_t size) const {
        if (n > (in_.size() - at_) / size)
            throw std::invalid_argument("kpi::State::from_bytes: truncated state");
    }
    [[nodiscard]] bool done() const noexcept { return at_ == in_.size(); }

  private:
    std::string_view in_;
    std::size_t at_ = 0;
};

[[noreturn]] void corrupt(const char* what) {
    throw std::invalid_argument(std::string("kpi::State::from_bytes: ") + what);
}

}  // namespace

std::size_t State::serialized_size() const noexcept {
    const std::size_t cells = groups() * n_periods_;
    std::size_t n = sizeof(magic) + 2 * sizeof(std::uint32_t);
    n += 1 + by_.size() + sizeof(std::uint64_t) + 1;
    n += 1 + n_sums + 1 + n_counts + 1;
    n += radix_.size() * sizeof(std::uint64_t) + 2 * sizeof(std::uint64_t);
    n += groups() * by_.size() * sizeof(std::int32_t);
    n += cells * (sum_width_ * sizeof(double) + count_width_ * sizeof(std::int64_t));
    for (const auto& l : lists_)
        n += sizeof(std::uint64_t) + l.size() * (sizeof(std::uint32_t) + sizeof(double));
    return n;
}

std::string State::to_bytes() const {
    if constexpr (std::endian::native != std::endian::little) {
        throw std::runtime_error("kpi::State::to_bytes: only little-endian machines are supported");
    }
    Writer w(serialized_size());
    for (char c : magic) w.put(c);
    w.put(format_version);
    w.put(byte_order_mark);
    w.put(static_cast<std::uint8_t>(by_.size()));
    for (Key k : by_) w.put(static_cast<std::uint8_t>(k));
    w.put(static_cast<std::uint64_t>(n_periods_));
    w.put(static_cast<std::uint8_t>(account_level_));
    w.put(static_cast<std::uint8_t>(n_sums));
    for (bool on : sum_on_) w.put(static_cast<std::uint8_t>(on));
    w.put(static_cast<std::uint8_t>(n_counts));
    for (bool on : count_on_) w.put(static_cast<std::uint8_t>(on));
    w.put(static_cast<std::uint8_t>(n_lists));
    w.put_array(radix_.data(), radix_.size());
    // The groups in use, numbered again from 0 in slot order (a dense state has slots not in use).
    std::vector<std::size_t> used;
    used.reserve(groups());
    std::vector<std::uint32_t> number(n_groups_);
    for (std::size_t g = 0; g < n_groups_; ++g) {
        if (!in_use(g)) continue;
        number[g] = static_cast<std::uint32_t>(used.size());
        used.push_back(g);
    }
    const bool all = used.size() == n_groups_;
    w.put(static_cast<std::uint64_t>(dense_ ? n_groups_ : lut_.size()));
    w.put(static_cast<std::uint64_t>(used.size()));
    for (std::size_t g : used) {
        for (std::size_t k = 0; k < by_.size(); ++k) w.put(code(g, k));
    }
    // Period-major like the cells in memory, a record of sums (then of counts) per group.
    for (std::size_t p = 0; p < n_periods_; ++p) {
        const double* block = sums_.data() + cell(0, p) * sum_width_;
        if (all) {
            w.put_array(block, n_groups_ * sum_width_);
        } else {
            for (std::size_t g : used) w.put_array(block + g * sum_width_, sum_width_);
        }
    }
    for (std::size_t p = 0; p < n_periods_; ++p) {
        const std::int64_t* block = counts_.data() + cell(0, p) * count_width_;
        if (all) {
            w.put_array(block, n_groups_ * count_width_);
        } else {
            for (std::size_t g : used) w.put_array(block + g * count_width_, count_width_);
        }
    }
    for (const auto& l : lists_) {
        w.put(static_cast<std::uint64_t>(l.size()));
        for (const auto& item : l) {
            w.put(static_cast<std::uint32_t>(number[item.first / n_periods_] * n_periods_ +
                                             item.first % n_periods_));
        }
        for (const auto& item : l) w.put(item.second);
    }
    return w.take();
}

State State::from_bytes(std::string_view bytes) {
    Reader r(bytes);
    for (char c : magic) {
        if (r.get<char>() != c) corrupt("not a KPI state (bad magic)");
    }
    if (r.get<std::uint32_t>() != format_version) corrupt("unsupported format version");
    if (r.get<std::uint32_t>() != byte_order_mark) corrupt("written with another byte order");

    State st;
    const std::size_t n_keys = r.get<std::uint8_t>();
    if (n_keys > 8) corrupt("more than 8 group keys");
    for (std::size_t k = 0; k < n_keys; ++k) {
        const auto key = r.get<std::uint8_t>();
        if (key > static_cast<std::uint8_t>(Key::volume_band)) corrupt("unknown group key");
        st.by_.push_back(static_cast<Key>(key));
    }
    st.n_periods_ = static_cast<std::size_t>(r.get<std::uint64_t>());
    if (st.n_periods_ == 0 || st.n_periods_ > std::numeric_limits<std::uint32_t>::max())
        corrupt("bad periods");
    st.account_level_ = r.get<std::uint8_t>() != 0;
    if (r.get<std::uint8_t>() != n_sums) corrupt("another set of sums (another library version)");
    for (auto& on : st.sum_on_) on = r.get<std::uint8_t>() != 0;
    if (r.get<std::uint8_t>() != n_counts) corrupt("another set of counts (another library version)");
    for (auto& on : st.count_on_) on = r.get<std::uint8_t>() != 0;
    st.lay_out_records();
    if (r.get<std::uint8_t>() != n_lists) corrupt("another set of lists (another library version)");
    st.radix_.resize(n_keys);
    r.get_array(st.radix_.data(), n_keys);
    for (std::size_t k = 0; k < n_keys; ++k) {  // radix[k]: the product of the cardinalities + 1 before key k
        if (k == 0 ? st.radix_[0] != 1
                   : st.radix_[k] < st.radix_[k - 1] || st.radix_[k] % st.radix_[k - 1] != 0)
            corrupt("bad key radix");
    }
    const auto lut_size = r.get<std::uint64_t>();
    if (lut_size > (std::uint64_t{1} << 26)) corrupt("group table too large");
    if (lut_size != 0 && n_keys > 0 && (lut_size % st.radix_.back() != 0 || lut_size < st.radix_.back()))
        corrupt("group table does not match the keys");
    const auto groups = r.get<std::uint64_t>();
    r.need(static_cast<std::size_t>(groups), std::max<std::size_t>(n_keys, 1) * sizeof(std::int32_t));
    if (groups > std::numeric_limits<std::uint32_t>::max() / st.n_periods_) corrupt("too many cells");
    const std::size_t n_groups = static_cast<std::size_t>(groups);
    const std::size_t cells = n_groups * st.n_periods_;
    st.group_codes_.resize(n_groups * n_keys);
    r.get_array(st.group_codes_.data(), st.group_codes_.size());
    for (auto c : st.group_codes_) {
        if (c < -1) corrupt("bad key code");
    }

    // The group lookup, rebuilt from the codes; a group that appears twice is corruption.
    st.lut_.assign(static_cast<std::size_t>(lut_size), 0);
    st.n_groups_ = n_groups;
    for (std::size_t g = 0; g < n_groups; ++g) {
        const std::uint64_t c = st.composite(g);
        if (!st.lut_.empty()) {
            if (c >= st.lut_.size()) corrupt("key code out of range");
            if (st.lut_[c] != 0) corrupt("a group appears twice");
            st.lut_[c] = static_cast<std::uint32_t>(g + 1);
        } else if (!st.overflow_.emplace(c, static_cast<std::uint32_t>(g)).second) {
            corrupt("a group appears twice");
        }
    }
    const std::size_t record = (st.sum_width_ + st.count_width_) * sizeof(double);
    if (record > 0) r.need(cells, record);  // the cells are there before room is made for them
    st.grow(n_groups);  // room for exactly these groups: the cells are stored as they were written
    r.get_array(st.sums_.data(), cells * st.sum_width_);
    r.get_array(st.counts_.data(), cells * st.count_width_);
    for (auto& l : st.lists_) {
        const auto n = r.get<std::uint64_t>();
        r.need(static_cast<std::size_t>(n), sizeof(std::uint32_t) + sizeof(double));
        l.resize(static_cast<std::size_t>(n));
        for (auto& item : l) {
            item.first = r.get<std::uint32_t>();
            if (item.first >= cells) corrupt("list cell out of range");
        }
        for (auto& item : l) item.second = r.get<double>();
    }
    if (!r.done()) corrupt("trailing bytes");
    return st;
}

}  // namespace accountkpi::kpi
