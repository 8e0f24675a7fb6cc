// Large zeroed blocks: mapped from the operating system on huge pages, and kept from one request to the next.
#include "accountkpi/detail/zeroed.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <utility>
#include <vector>

#include "detail/machine.hpp"

#if defined(__linux__)
#include <pthread.h>
#include <sys/mman.h>

namespace accountkpi::detail {
namespace {

constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t kept_blocks_cap = 8;

std::size_t block_size(std::size_t bytes) noexcept {
    return (bytes + huge_page - 1) / huge_page * huge_page;
}

struct Kept {
    void* block = nullptr;
    std::size_t size = 0;
};

// The blocks kept, under a plain pthread mutex: a fork while another thread holds it would leave the child's
// copy locked for good, so the fork handlers take it around every fork.
pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
std::array<Kept, kept_blocks_cap> kept;
std::size_t kept_count = 0, kept_bytes = 0;

[[maybe_unused]] const int fork_handlers =
    pthread_atfork([] { pthread_mutex_lock(&kept_lock); }, [] { pthread_mutex_unlock(&kept_lock); },
                   [] { pthread_mutex_unlock(&kept_lock); });

// Whether a `DeferredZeroing` is alive on this thread, and whether a block was handed out uncleared since.
thread_local bool deferring = false;
thread_local bool handed_dirty = false;

}  // namespace

// A thirty-second of the machine's memory, from 256 MiB to 1 GiB (752 MiB on 23.5 GiB), so that a large
// request's memory (by project at 10^6 accounts, 740 MiB of result columns) is found again by the next one
// instead of faulted in afresh: on the virtual machine measured, numpy wrote 1 GB into new arrays at 8-9.5
// GB/s and into arrays whose pages were in at 25 GB/s, with stalls of a second now and then.
std::size_t kept_bytes_cap() noexcept {
    static const std::size_t cap = [] {
        constexpr std::size_t least = std::size_t{256} << 20, most = std::size_t{1} << 30;
        return std::clamp(physical_memory_bytes() / 32, least, most);
    }();
    return cap;
}

DeferredZeroing::DeferredZeroing() noexcept : outer_(deferring) {
    deferring = true;
    handed_dirty = false;
}
DeferredZeroing::~DeferredZeroing() {
    deferring = outer_;
}
bool DeferredZeroing::dirty() const noexcept {
    return handed_dirty;
}

void* zeroed_from_heap(std::size_t n, std::size_t size) {
    void* p = nullptr;
    if (deferring) {
        p = std::malloc(n * size);  // n * size cannot overflow: `ZeroedAllocator` checked
        handed_dirty = true;
    } else {
        p = std::calloc(n, size);
    }
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

void* zeroed_block(std::size_t bytes) {
    const std::size_t size = block_size(bytes);
    void* block = nullptr;
    pthread_mutex_lock(&kept_lock);
    for (std::size_t i = 0; i < kept_count; ++i) {
        if (kept[i].size == size) {
            block = kept[i].block;
            kept_bytes -= size;
            std::move(kept.begin() + static_cast<std::ptrdiff_t>(i + 1),
                      kept.begin() + static_cast<std::ptrdiff_t>(kept_count--),
                      kept.begin() + static_cast<std::ptrdiff_t>(i));  // the others in the order kept
            break;
        }
    }
    pthread_mutex_unlock(&kept_lock);
    if (block != nullptr) {
        if (deferring) {
            handed_dirty = true;
        } else {
            std::memset(block, 0, bytes);
        }
        return block;
    }
    block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) throw std::bad_alloc();
    (void)madvise(block, size, MADV_HUGEPAGE);  // a hint: without huge pages, 4 KiB pages
    return block;
}

namespace {

/// The whole pages of `page` bytes within the `bytes` at `p`, as their start and size; none (size 0) for an
/// array under 4 MiB, which the hints below leave alone.
std::pair<void*, std::size_t> whole_pages(const void* p, std::size_t bytes, std::uintptr_t page) noexcept {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t first = (at + page - 1) / page * page, end = (at + bytes) / page * page;
    if (bytes < ZeroedAllocator<char>::mapped_from || end <= first) return {nullptr, 0};
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the first whole page within the array
    return {reinterpret_cast<void*>(first), end - first};
}

}  // namespace

void advise_huge_pages(const void* p, std::size_t bytes) noexcept {
    const auto [from, size] = whole_pages(p, bytes, huge_page);
    if (size > 0) (void)madvise(from, size, MADV_HUGEPAGE);
}

void populate_for_writing(const void* p, std::size_t bytes) noexcept {
#if defined(MADV_POPULATE_WRITE)
    const auto [from, size] = whole_pages(p, bytes, 4096);
    // Memory the process has written before (freed and allocated again) is in already: populating it would
    // walk its pages for nothing.
    unsigned char in = 0;
    if (size == 0 || (mincore(from, 4096, &in) == 0 && (in & 1U) != 0)) return;
    (void)madvise(from, size, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

void release_block(void* block, std::size_t bytes) noexcept {
    const std::size_t size = block_size(bytes);
    if (size > kept_bytes_cap()) {
        munmap(block, size);
        return;
    }
    // The blocks kept longest make room for this one: a block of a size no request asks for again would
    // otherwise hold its room for good.
    std::array<Kept, kept_blocks_cap> dropped{};
    std::size_t n_dropped = 0;
    pthread_mutex_lock(&kept_lock);
    while (kept_count == kept_blocks_cap || kept_bytes + size > kept_bytes_cap()) {
        dropped[n_dropped++] = kept[0];
        kept_bytes -= kept[0].size;
        std::move(kept.begin() + 1, kept.begin() + static_cast<std::ptrdiff_t>(kept_count--), kept.begin());
    }
    kept[kept_count++] = {block, size};
    kept_bytes += size;
    pthread_mutex_unlock(&kept_lock);
    for (std::size_t i = 0; i < n_dropped; ++i) munmap(dropped[i].block, dropped[i].size);
}

namespace {

constexpr std::size_t kept_columns_cap = 16;
constexpr std::size_t kept_column_from = std::size_t{256} << 10;

/// A kept column: one of the two kinds, the other empty.
struct KeptColumn {
    std::vector<double> doubles;
    std::vector<std::int32_t> codes;
    [[nodiscard]] std::size_t bytes() const noexcept {
        return doubles.capacity() * sizeof(double) + codes.capacity() * sizeof(std::int32_t);
    }
};
std::vector<double>& of_kind(KeptColumn& k, double* /*kind*/) noexcept {
    return k.doubles;
}
std::vector<std::int32_t>& of_kind(KeptColumn& k, std::int32_t* /*kind*/) noexcept {
    return k.codes;
}

// The columns kept, in the order kept, under the blocks' lock. Never destroyed: numpy may free a result's
// arrays while the process exits, after the library's statics are gone.
std::size_t columns_bytes = 0;
std::vector<KeptColumn>& kept_columns() {
    // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): never freed, see above
    static auto* const columns = new std::vector<KeptColumn>();
    return *columns;
}

template <class T>
void keep(std::vector<T>&& column) noexcept {
    const std::size_t bytes = column.capacity() * sizeof(T);
    if (bytes < kept_column_from || bytes > kept_bytes_cap()) return;
    auto& columns = kept_columns();
    pthread_mutex_lock(&kept_lock);
    try {
        columns.reserve(kept_columns_cap);
    } catch (...) {  // no room to keep it: its owner frees it
        pthread_mutex_unlock(&kept_lock);
        return;
    }
    while (columns.size() == kept_columns_cap || columns_bytes + bytes > kept_bytes_cap()) {
        columns_bytes -= columns.front().bytes();  // the column kept longest makes room
        columns.erase(columns.begin());
    }
    KeptColumn& kept_now = columns.emplace_back();  // within the capacity reserved
    of_kind(kept_now, static_cast<T*>(nullptr)) = std::move(column);
    columns_bytes += bytes;
    pthread_mutex_unlock(&kept_lock);
}

template <class T>
bool reuse(std::vector<T>& column, std::size_t n) noexcept {
    if (n * sizeof(T) < kept_column_from) return false;
    auto& columns = kept_columns();
    bool found = false;
    pthread_mutex_lock(&kept_lock);
    for (auto it = columns.rbegin(); it != columns.rend(); ++it) {
        std::vector<T>& kept_one = of_kind(*it, static_cast<T*>(nullptr));
        const std::size_t room = kept_one.capacity();
        if (room < n || room / 2 > n) continue;  // the other kind has no room
        columns_bytes -= it->bytes();
        column.swap(kept_one);
        columns.erase(std::next(it).base());
        found = true;
        break;
    }
    pthread_mutex_unlock(&kept_lock);
    return found;
}

}  // namespace

void keep_column(std::vector<double>&& column) noexcept {
    keep(std::move(column));
}
void keep_column(std::vector<std::int32_t>&& column) noexcept {
    keep(std::move(column));
}
bool reuse_column(std::vector<double>& column, std::size_t n) noexcept {
    return reuse(column, n);
}
bool reuse_column(std::vector<std::int32_t>& column, std::size_t n) noexcept {
    return reuse(column, n);
}

std::size_t release_kept() noexcept {
    std::array<Kept, kept_blocks_cap> blocks{};
    std::vector<KeptColumn> columns;
    pthread_mutex_lock(&kept_lock);
    const std::size_t n = kept_count, bytes = kept_bytes + columns_bytes;
    std::copy_n(kept.begin(), n, blocks.begin());
    kept_count = kept_bytes = columns_bytes = 0;
    columns.swap(kept_columns());
    pthread_mutex_unlock(&kept_lock);
    for (std::size_t i = 0; i < n; ++i) munmap(blocks[i].block, blocks[i].size);
    return bytes;  // the columns freed as `columns` goes
}

}  // namespace accountkpi::detail
#else
namespace accountkpi::detail {
// Blocks are never kept, arrays from the heap always cleared: nothing is handed out uncleared.
DeferredZeroing::DeferredZeroing() noexcept : outer_(false) {}
DeferredZeroing::~DeferredZeroing() = default;
bool DeferredZeroing::dirty() const noexcept {
    return false;
}
void* zeroed_from_heap(std::size_t n, std::size_t size) {
    void* p = std::calloc(n, size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}
std::size_t kept_bytes_cap() noexcept {
    return 0;
}
std::size_t release_kept() noexcept {
    return 0;
}
void advise_huge_pages(const void* /*p*/, std::size_t /*bytes*/) noexcept {}
void populate_for_writing(const void* /*p*/, std::size_t /*bytes*/) noexcept {}
void keep_column(std::vector<double>&& /*column*/) noexcept {}
void keep_column(std::vector<std::int32_t>&& /*column*/) noexcept {}
bool reuse_column(std::vector<double>& /*column*/, std::size_t /*n*/) noexcept {
    return false;
}
bool reuse_column(std::vector<std::int32_t>& /*column*/, std::size_t /*n*/) noexcept {
    return false;
}
}  // namespace accountkpi::detail
#endif
