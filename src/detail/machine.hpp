#pragma once
// Private to the library (src/): what the machine offers, read once, for the rules that size memory by it
// (the engine's default state budget, the memory kept for the next request). Not part of the public API.

#include <cstddef>

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

namespace accountkpi::detail {

/// The machine's physical memory in bytes, read once; 0 where the system does not say.
[[nodiscard]] inline std::size_t physical_memory_bytes() noexcept {
    static const std::size_t bytes = []() -> std::size_t {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGE_SIZE)
        const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
        if (pages > 0 && page > 0) return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page);
#endif
        return 0;
    }();
    return bytes;
}

}  // namespace accountkpi::detail
