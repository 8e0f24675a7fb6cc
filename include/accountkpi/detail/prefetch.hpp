#pragma once

#include "accountkpi/export.hpp"
// A hint to the processor to bring memory into the cache ahead of a random read or write. Compiles to the
// prefetch instruction with GCC and Clang and to nothing elsewhere: the answer never depends on it.

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::detail {

/// Fetches the cache line holding `*p` for a read soon.
inline void prefetch_read([[maybe_unused]] const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0);
#endif
}

/// Fetches the cache line holding `*p` for a write soon.
inline void prefetch_write([[maybe_unused]] const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 1);
#endif
}

}  // namespace accountkpi::detail
ACCOUNTKPI_EXPORT_END
