#pragma once
/// \file
/// `Array`: an immutable column of the Book, either its own memory or memory shared with the input it was
/// built from (no copy), kept alive by shared ownership.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// An immutable 1-d array of `T`. It owns its values (moved in from a `std::vector`) or views memory owned
/// by someone else, whose owner it holds: copies share the same values, so copying an `Array` (and the Book
/// that holds it) never copies the values, and reading it from many threads at once is safe. `appended`
/// makes a longer array that shares this one's values, writing the new ones in room left after them.
template <class T>
class Array {
  public:
    using value_type = T;
    using const_iterator = const T*;
    using iterator = const T*;

    /// An empty array.
    Array() = default;
    /// Takes `values` (no copy), and the room the vector has after them (its capacity) for `appended`.
    Array(std::vector<T>&& values)  // NOLINT(google-explicit-constructor): a move, as for the vector it was
        : Array(std::make_shared<Buffer>(std::move(values))) {}
    /// `n` values whose bits are all zero (0.0, 0, an enumeration's zero), the array's own, with room after
    /// them (see `with_room`): a column the input lacks, at no cost until it is read (a large `calloc` maps
    /// the kernel's zero page instead of writing zeros).
    [[nodiscard]] static Array zeros(std::size_t n) {
        return Array(std::make_shared<Buffer>(with_room(n), n, Buffer::zeroed), n);
    }
    /// `n` copies of `value`, the array's own, with room after them (see `with_room`).
    [[nodiscard]] static Array filled(std::size_t n, const T& value) {
        return written(n, [&](T* out) { std::fill_n(out, n, value); });
    }
    /// `n` values that `write(T* out)` writes at `out`, the array's own, with room after them (see
    /// `with_room`).
    template <class Write>
    [[nodiscard]] static Array written(std::size_t n, const Write& write) {
        auto buffer = std::make_shared<Buffer>(with_room(n), n, Buffer::unwritten);
        write(buffer->data);
        return Array(std::move(buffer), n);
    }
    /// The room an array of `n` values is given for appends (`written`, `zeros`, a copy made by `appended`,
    /// the Book's revenue columns): half as many again, left unwritten (its pages cost nothing until an
    /// append writes there), so that a run of appends copies each value a bounded number of times.
    [[nodiscard]] static constexpr std::size_t with_room(std::size_t n) noexcept { return n + n / 2; }
    /// Views `values`, keeping `owner` alive as long as any copy of the array lives. The memory must not
    /// change while the array lives.
    Array(std::span<const T> values, std::shared_ptr<const void> owner) noexcept
        : owner_(std::move(owner)), data_(values.data()), size_(values.size()), own_(false) {}

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] const T* data() const noexcept { return data_; }
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    [[nodiscard]] const T* begin() const noexcept { return data_; }
    [[nodiscard]] const T* end() const noexcept { return data_ + size_; }
    [[nodiscard]] std::span<const T> span() const noexcept { return {data_, size_}; }
    operator std::span<const T>() const noexcept { return span(); }  // NOLINT(google-explicit-constructor)
    /// Whether the values are memory shared with the owner given at construction (as opposed to moved in).
    [[nodiscard]] bool shared() const noexcept { return !own_; }

    /// This array followed by `more`, as a new array; this one is unchanged. It shares this array's memory
    /// when this array owns memory with room after its values that no array made from it has taken yet:
    /// `more` is written there (the cost of `more` alone). Otherwise the values are copied into new memory
    /// with room (see `with_room`). Safe to call from several threads on arrays sharing memory (one of them
    /// gets the room).
    [[nodiscard]] Array appended(std::span<const T> more) const {
        if (more.empty()) return *this;
        const std::size_t n = size_ + more.size();
        if (buffer_ && data_ == buffer_->data && n <= buffer_->capacity) {
            std::size_t expected = size_;
            if (buffer_->used.compare_exchange_strong(expected, n)) {
                std::copy(more.begin(), more.end(), buffer_->grown_to(n) + size_);
                return Array(buffer_, n);
            }
        }
        return written(n, [&](T* out) {
            detail::populate_for_writing(out, n * sizeof(T));
            std::copy(begin(), end(), out);
            std::copy(more.begin(), more.end(), out + size_);
        });
    }

    friend bool operator==(const Array& a, const Array& b) { return std::ranges::equal(a, b); }
    friend bool operator==(const Array& a, const std::vector<T>& b) { return std::ranges::equal(a, b); }

  private:
    /// Owned memory for `capacity` values: the first `used` are taken (by the arrays sharing them), the rest
    /// is room to append.
    struct Buffer {
        enum Start : bool { unwritten, zeroed };
        /// The values of `v`, with the room its capacity leaves after them.
        explicit Buffer(std::vector<T>&& v)
            : values(std::move(v)), data(values.data()), capacity(values.capacity()), used(values.size()) {}
        /// Memory for `n` values of which the first `taken` are used: left `unwritten` (its pages cost
        /// nothing until written) or `zeroed` (all bits zero, the kernel's zero page until written).
        Buffer(std::size_t n, std::size_t taken, Start start)
            : room(start == zeroed ? std::calloc(std::max<std::size_t>(n, 1), sizeof(T))
                                   : std::malloc(std::max<std::size_t>(n, 1) * sizeof(T)),
                   std::free),
              data(static_cast<T*>(room.get())),
              capacity(n),
              used(taken) {
            static_assert(std::is_trivially_copyable_v<T>);
            if (!room) throw std::bad_alloc();
        }
        /// The memory of the first `n` values, `n` within `capacity`, for the one appender that took them:
        /// the vector moved in is resized (within its capacity: it stays where it is).
        T* grown_to(std::size_t n) {
            if (!room) values.resize(n);
            return data;
        }
        std::vector<T> values;                                            // the values moved in
        std::unique_ptr<void, void (*)(void*)> room{nullptr, std::free};  // or the memory allocated
        T* data;
        std::size_t capacity;
        std::atomic<std::size_t> used;
    };
    explicit Array(std::shared_ptr<Buffer> buffer) noexcept : Array(buffer, buffer->used) {}
    Array(std::shared_ptr<Buffer> buffer, std::size_t size) noexcept
        : data_(buffer->data), size_(size), buffer_(std::move(buffer)) {}

    std::shared_ptr<const void> owner_;  // the owner of viewed memory
    const T* data_ = nullptr;
    std::size_t size_ = 0;
    bool own_ = true;
    std::shared_ptr<Buffer> buffer_;  // owned memory
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
