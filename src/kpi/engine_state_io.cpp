// The byte form of kpi::State: what a worker sends back so that states of disjoint scopes can be merged
// elsewhere (pickling in Python, a Dask tree reduction). Only the cells in use are written; the group lookup
// is rebuilt (hashed). The bytes may come from anywhere: everything read is checked against the rest and
// against the bytes' length before memory is set aside for it, so that a state read from bytes is safe to
// merge and finalize (which check it against what they meet).
//
// Layout, all little-endian (the writer's byte order is checked by a marker), version 4:
//   "AKST" u32(4) u32(0x01020304)
//   u8 n_keys, n_keys × u8 key, n_keys × u64 extent (the key's cardinality + 1); u64 periods; u8
//   account_level u8 n_sums, n_sums × u8 on; u8 n_counts, n_counts × u8 on; u8 n_lists u64 groups; groups ×
//   n_keys × i32 codes (-1: missing; below the key's cardinality) sums: period by period, group by group,
//   each sum that is on: money as a 128-bit integer of millionths (a narrow state's too),
//         others f64 sum, f64 compensation;
//   counts: period by period, group by group, each count that is on: i64
//   per list: u64 n, n × u32 cells (group × periods + period), n × f64 values
//   u64 checksum of every byte before it (State::checksum)
// Version 3 had no extents or checksum and kept the money sums as compensated doubles.
#include <bit>
#include <cmath>
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
constexpr std::uint32_t format_version = 4;
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
    /// The bytes written, followed by their checksum.
    std::string finish() {
        put(State::checksum(out_));
        return std::move(out_);
    }

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
    n += 1 + by_.size() + extent_.size() * sizeof(std::uint64_t) + sizeof(std::uint64_t) + 1;
    n += 1 + n_sums + 1 + n_counts + 1;
    n += 2 * sizeof(std::uint64_t);  // groups, checksum
    n += groups() * by_.size() * sizeof(std::int32_t);
    n += cells * record_bytes(sum_on_, count_on_);  // money in 16 bytes, narrow or not
    for (const auto& l : lists_)
        n += sizeof(std::uint64_t) + l.size() * (sizeof(std::uint32_t) + sizeof(double));
    return n;
}

std::string State::to_bytes() const {
    if constexpr (std::endian::native != std::endian::little) {
        throw std::runtime_error("kpi::State::to_bytes: only little-endian machines are supported");
    }
    if (overflowed()) throw std::logic_error("kpi::State::to_bytes: the state's money sums overflowed");
    Writer w(serialized_size());
    for (char c : magic) w.put(c);
    w.put(format_version);
    w.put(byte_order_mark);
    w.put(static_cast<std::uint8_t>(by_.size()));
    for (Key k : by_) w.put(static_cast<std::uint8_t>(k));
    w.put_array(extent_.data(), extent_.size());
    w.put(static_cast<std::uint64_t>(n_periods_));
    w.put(static_cast<std::uint8_t>(account_level_));
    w.put(static_cast<std::uint8_t>(n_sums));
    for (bool on : sum_on_) w.put(static_cast<std::uint8_t>(on));
    w.put(static_cast<std::uint8_t>(n_counts));
    for (bool on : count_on_) w.put(static_cast<std::uint8_t>(on));
    w.put(static_cast<std::uint8_t>(n_lists));
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
    w.put(static_cast<std::uint64_t>(used.size()));
    for (std::size_t g : used) {
        for (std::size_t k = 0; k < by_.size(); ++k) w.put(code(g, k));
    }
    // Period-major like the cells in memory, a record of sums (then of counts) per group; a narrow state's
    // money in 128 bits, as any other's (one form of the bytes).
    const auto put_sums = [&](const double* record) {
        if (!narrow_) {
            w.put_array(record, sum_width_);
            return;
        }
        for (std::size_t f = 0; f < n_fields_; ++f) {
            if (field_money_[f]) {
                w.put(load_money(record + field_at_[f]));
            } else {
                w.put_array(record + field_at_[f], 2);
            }
        }
    };
    for (std::size_t p = 0; p < n_periods_; ++p) {
        const double* block = sums_.data() + cell(0, p) * sum_width_;
        if (all && !narrow_) {
            w.put_array(block, n_groups_ * sum_width_);
        } else {
            for (std::size_t g : used) put_sums(block + g * sum_width_);
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
    return w.finish();
}

std::uint64_t State::checksum(std::string_view bytes) noexcept {
    // Word by word: xor, multiply, fold (a mix in the manner of MurmurHash3's finaliser); not cryptographic,
    // but any change of a bit or of the length changes it with near certainty.
    constexpr std::uint64_t k = 0xff51afd7ed558ccdULL;
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ (bytes.size() * k);
    const auto mix = [&](std::uint64_t w) {
        h = (h ^ w) * k;
        h ^= h >> 32;
    };
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, bytes.data() + i, 8);
        mix(w);
    }
    if (i < bytes.size()) {
        std::uint64_t w = 0;
        std::memcpy(&w, bytes.data() + i, bytes.size() - i);
        mix(w);
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

// A reader of the format above: one check per field, in the order of the fields, each throwing before
// anything is allocated for what a field claims; split, the order of the checks would be spread over
// functions that share the half-read state.
// NOLINTNEXTLINE(readability-function-size)
State State::from_bytes(std::string_view bytes) {
    constexpr std::size_t tail = sizeof(std::uint64_t);
    if (bytes.size() < sizeof(magic) + 2 * sizeof(std::uint32_t) + tail ||
        std::memcmp(bytes.data(), magic, sizeof(magic)) != 0)
        corrupt("not a KPI state (bad magic)");
    Reader r(bytes.substr(0, bytes.size() - tail));
    for (std::size_t i = 0; i < sizeof(magic); ++i) (void)r.get<char>();
    if (r.get<std::uint32_t>() != format_version) corrupt("unsupported format version");
    if (r.get<std::uint32_t>() != byte_order_mark) corrupt("written with another byte order");
    std::uint64_t stored;
    std::memcpy(&stored, bytes.data() + bytes.size() - tail, tail);
    if (stored != checksum(bytes.substr(0, bytes.size() - tail)))
        corrupt("checksum mismatch (the bytes were changed or cut short)");

    State st;
    const std::size_t n_keys = r.get<std::uint8_t>();
    if (n_keys > 7) corrupt("more than 7 group keys");
    for (std::size_t k = 0; k < n_keys; ++k) {
        const auto key = r.get<std::uint8_t>();
        if (key > static_cast<std::uint8_t>(Key::account_group)) corrupt("unknown group key");
        st.by_.push_back(static_cast<Key>(key));
    }
    st.extent_.resize(n_keys);
    r.get_array(st.extent_.data(), n_keys);
    std::uint64_t product = 1;
    for (auto e : st.extent_) {  // the composite code of a group: its codes + 1 in mixed radix
        if (e == 0 || e > (std::uint64_t{1} << 31)) corrupt("bad key cardinality");
        if (product > std::numeric_limits<std::uint64_t>::max() / e) corrupt("key cardinalities too large");
        st.radix_.push_back(product);
        product *= e;
    }
    st.n_periods_ = static_cast<std::size_t>(r.get<std::uint64_t>());
    if (st.n_periods_ == 0 || st.n_periods_ > std::numeric_limits<std::uint32_t>::max())
        corrupt("bad periods");
    const auto level = r.get<std::uint8_t>();
    if (level > 1) corrupt("bad account level");
    st.account_level_ = level != 0;
    const auto flag = [&] {
        const auto b = r.get<std::uint8_t>();
        if (b > 1) corrupt("bad measure flag");
        return b != 0;
    };
    if (r.get<std::uint8_t>() != n_sums) corrupt("another set of sums (another library version)");
    for (auto& on : st.sum_on_) on = flag();
    if (r.get<std::uint8_t>() != n_counts) corrupt("another set of counts (another library version)");
    for (auto& on : st.count_on_) on = flag();
    st.lay_out_records();
    if (r.get<std::uint8_t>() != n_lists) corrupt("another set of lists (another library version)");

    const auto groups = r.get<std::uint64_t>();
    if (n_keys == 0 && groups > 1) corrupt("more than one group without keys");
    r.need(static_cast<std::size_t>(groups), std::max<std::size_t>(n_keys, 1) * sizeof(std::int32_t));
    if (groups > std::numeric_limits<std::uint32_t>::max() / st.n_periods_) corrupt("too many cells");
    const std::size_t n_groups = static_cast<std::size_t>(groups);
    const std::size_t cells = n_groups * st.n_periods_;
    st.group_codes_.resize(n_groups * n_keys);
    r.get_array(st.group_codes_.data(), st.group_codes_.size());
    for (std::size_t i = 0; i < st.group_codes_.size(); ++i) {
        const std::int64_t c = st.group_codes_[i];
        if (c < -1 || static_cast<std::uint64_t>(c + 1) >= st.extent_[i % n_keys])
            corrupt("key code out of range");
    }

    // The group lookup, rebuilt from the codes (hashed: its size is that of the groups given); a group that
    // appears twice is corruption.
    st.n_groups_ = n_groups;
    st.overflow_.reserve(n_groups);
    for (std::size_t g = 0; g < n_groups; ++g) {
        if (!st.overflow_.emplace(st.composite(g), static_cast<std::uint32_t>(g)).second)
            corrupt("a group appears twice");
    }
    const std::size_t record = (st.sum_width_ + st.count_width_) * sizeof(double);
    if (record > 0) r.need(cells, record);  // the cells are there before room is made for them
    st.grow(n_groups);  // room for exactly these groups: the cells are stored as they were written
    r.get_array(st.sums_.data(), cells * st.sum_width_);
    r.get_array(st.counts_.data(), cells * st.count_width_);
    // Values that no accumulation makes (so that merging many states can never overflow): counts are in
    // [0, 2^48], money below 2^100 millionths, list values finite.
    for (std::size_t i = 0; i < cells * st.count_width_; ++i) {
        if (st.counts_[i] < 0 || st.counts_[i] > (std::int64_t{1} << 48)) corrupt("implausible count");
    }
    constexpr detail::Int128 money_limit = detail::Int128{1} << 100;
    for (std::size_t c = 0; c < cells; ++c) {
        for (std::size_t f = 0; f < st.n_fields_; ++f) {
            if (!st.field_money_[f]) continue;
            const detail::Int128 n = detail::load_exact(&st.sums_[c * st.sum_width_ + st.field_at_[f]]);
            if (n >= money_limit || n <= -money_limit) corrupt("implausible money sum");
        }
    }
    for (auto& l : st.lists_) {
        const auto n = r.get<std::uint64_t>();
        r.need(static_cast<std::size_t>(n), sizeof(std::uint32_t) + sizeof(double));
        l.resize(static_cast<std::size_t>(n));
        for (auto& item : l) {
            item.first = r.get<std::uint32_t>();
            if (item.first >= cells) corrupt("list cell out of range");
        }
        for (auto& item : l) {
            item.second = r.get<double>();
            if (!std::isfinite(item.second)) corrupt("list value not finite");
        }
    }
    if (!r.done()) corrupt("trailing bytes");
    return st;
}

}  // namespace accountkpi::kpi
