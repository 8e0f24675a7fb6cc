#pragma once
/// \file
/// An allocator for large arrays that start as zeros (the engine's per-cell sums and counts): memory mapped
/// from the operating system, which is zero on first touch, so no pass writes the zeros, on huge pages where
/// the kernel offers them (a page fault per 2 MiB instead of per 4 KiB). Blocks freed by one request are
/// kept, up to `kept_bytes_cap()` in all (the blocks kept longest make room for the last one freed), and
/// handed to the next request that asks for as much, cleared (on several threads: see `DeferredZeroing`):
/// writing zeros over memory the process holds is faster than faulting fresh pages in (on virtual machines
/// that hand freed memory back to the host, several times faster). Small arrays come from calloc (from
/// malloc, uncleared, for a caller that clears them itself: see `DeferredZeroing`).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::detail {

/// The most bytes of blocks kept (`release_block`), and of columns kept besides (`keep_column`): a
/// thirty-second of the machine's memory, from 256 MiB to 1 GiB (nothing is kept off Linux). Defined in
/// src/detail/zeroed.cpp.
[[nodiscard]] std::size_t kept_bytes_cap() noexcept;
/// `bytes` of zeros in a block of whole huge pages: one kept from an earlier request of that size, cleared,
/// or new memory from the operating system. Throws `std::bad_alloc`. Defined in src/detail/zeroed.cpp.
[[nodiscard]] void* zeroed_block(std::size_t bytes);
/// While one is alive on a thread, `zeroed_block` hands out a block it reuses as it is, not cleared, arrays
/// from the heap are not cleared either (`zeroed_from_heap`), and `dirty` tells: for a caller that clears
/// the parts of such a block on several threads at once, each the parts it then writes (clearing is
/// otherwise one thread's memset of the whole). New memory from the operating system is zeros either way.
class DeferredZeroing {
  public:
    DeferredZeroing() noexcept;
    ~DeferredZeroing();
    DeferredZeroing(const DeferredZeroing&) = delete;
    DeferredZeroing& operator=(const DeferredZeroing&) = delete;
    DeferredZeroing(DeferredZeroing&&) = delete;
    DeferredZeroing& operator=(DeferredZeroing&&) = delete;
    /// Whether a block handed out on this thread since this was made is not cleared.
    [[nodiscard]] bool dirty() const noexcept;

  private:
    bool outer_;  // the state of the thread before this (one may be made inside another)
};
/// `n` zeroed values of `size` bytes from the heap (calloc), or, while a `DeferredZeroing` is alive on this
/// thread, not cleared (malloc; `dirty` then tells). Throws `std::bad_alloc`.
[[nodiscard]] void* zeroed_from_heap(std::size_t n, std::size_t size);
/// Gives back a block of `zeroed_block(bytes)`: kept for the next request, the blocks kept longest returned
/// to the operating system as needed to stay within `kept_bytes_cap()` and 8 blocks (a block larger than that
/// is returned at once).
void release_block(void* block, std::size_t bytes) noexcept;

/// Keeps a column of a result that its last owner gives back (the bindings, once numpy frees the array made
/// of it), up to `kept_bytes_cap()` and 16 columns besides the blocks above (the columns kept longest freed
/// first), for the next result that reserves room for as many values (`reserve_on_huge_pages`): its pages are
/// in memory already, where memory new to the process is faulted in afresh, page by page (several times
/// slower on virtual machines that hand freed memory back to the host). A column under 256 KiB is left to its
/// owner to free (not moved from). Defined in src/detail/zeroed.cpp; nothing is kept off Linux.
void keep_column(std::vector<double>&& column) noexcept;
void keep_column(std::vector<std::int32_t>&& column) noexcept;
/// Gives `column` (which has no room) the memory of a kept column with room for `n` to `2 n` values, with the
/// values it held (up to its capacity), the one kept last; false, `column` untouched, when none is kept.
[[nodiscard]] bool reuse_column(std::vector<double>& column, std::size_t n) noexcept;
[[nodiscard]] bool reuse_column(std::vector<std::int32_t>& column, std::size_t n) noexcept;

/// Gives the blocks and columns kept back to the operating system (the next requests fault theirs in afresh);
/// returns their bytes.
std::size_t release_kept() noexcept;

/// Asks the kernel to back the whole huge pages (2 MiB) within the `bytes` at `p` with huge pages when they
/// are first written: a page fault per 2 MiB instead of per 4 KiB. A hint, for arrays of 4 MiB and more
/// (smaller ones are left alone); nothing off Linux. Defined in src/detail/zeroed.cpp.
void advise_huge_pages(const void* p, std::size_t bytes) noexcept;

/// Faults in the pages within the `bytes` at `p` for writing, in one call, instead of a page fault per 4 KiB
/// as they are first written (the traps cost more than the copy on virtual machines): for fresh memory that
/// is about to be written whole, of 4 MiB and more (smaller is left alone), unless its first page is in
/// already (memory the process wrote before). A hint: nothing off Linux or on kernels before 5.14. Defined in
/// src/detail/zeroed.cpp.
void populate_for_writing(const void* p, std::size_t bytes) noexcept;

template <class T>
struct ZeroedAllocator {
    static_assert(std::is_arithmetic_v<T>, "for numbers, whose all-zero bits are 0");
    using value_type = T;
    /// From this many bytes on, memory is mapped from the operating system rather than taken from the heap.
    static constexpr std::size_t mapped_from = std::size_t{4} << 20;

    ZeroedAllocator() noexcept = default;
    template <class U>
    ZeroedAllocator(const ZeroedAllocator<U>& /*other*/) noexcept {}

    [[nodiscard]] T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
#if defined(__linux__)
        if (n * sizeof(T) >= mapped_from) return static_cast<T*>(zeroed_block(n * sizeof(T)));
#endif
        return static_cast<T*>(zeroed_from_heap(n == 0 ? 1 : n, sizeof(T)));
    }

    void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__)
        if (n * sizeof(T) >= mapped_from) {
            release_block(p, n * sizeof(T));
            return;
        }
#endif
        std::free(p);
    }

    /// Value-initialisation keeps the zeros the memory already holds.
    template <class U>
    void construct(U* /*p*/) noexcept {}
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }

    friend bool operator==(const ZeroedAllocator& /*a*/, const ZeroedAllocator& /*b*/) noexcept {
        return true;
    }
};

/// A vector of numbers that start as zeros, see `ZeroedAllocator`.
template <class T>
using ZeroedVector = std::vector<T, ZeroedAllocator<T>>;

/// Room for `n` values in `v`, empty; when large, the memory of a kept column (see `keep_column`) or new
/// memory on huge pages (see `advise_huge_pages`): for a result's columns, which a caller such as numpy owns
/// and frees, and the Book's per-line arrays.
template <class T>
void reserve_on_huge_pages(std::vector<T>& v, std::size_t n) {
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int32_t>) {
        if (v.capacity() == 0 && reuse_column(v, n)) {  // a kept column's memory (see `keep_column`)
            v.clear();
            return;
        }
    }
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
}
/// `v`, empty, made `n` copies of `x` on huge pages (see `reserve_on_huge_pages`).
template <class T>
void assign_on_huge_pages(std::vector<T>& v, std::size_t n, const T& x) {
    reserve_on_huge_pages(v, n);
    v.assign(n, x);
}
/// `v`, empty, made `n` values that the caller then overwrites, every one: a kept column's values as they are
/// (see `keep_column`; its pages are in, so no pass need write them first), otherwise `n` copies of `x` on
/// huge pages (that pass faults the pages in, on the calling thread).
template <class T>
void size_for_overwrite(std::vector<T>& v, std::size_t n, const T& x) {
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int32_t>) {
        if (v.capacity() == 0 && reuse_column(v, n)) {
            v.resize(n);  // a shorter kept column's values, then zeros
            return;
        }
    }
    assign_on_huge_pages(v, n, x);
}
/// `n` copies of `value` on huge pages (see `reserve_on_huge_pages`), with room for `capacity` values in all
/// when it is more than `n`.
template <class T>
[[nodiscard]] std::vector<T> vector_on_huge_pages(std::size_t n, const T& value, std::size_t capacity = 0) {
    std::vector<T> out;
    reserve_on_huge_pages(out, std::max(n, capacity));
    out.assign(n, value);
    return out;
}

}  // namespace accountkpi::detail
ACCOUNTKPI_EXPORT_END
