#pragma once
/// \file
/// What a shared libaccountkpi exports. The library is compiled with hidden visibility
/// (`-fvisibility=hidden`,
/// `-fvisibility-inlines-hidden`): a symbol is exported only when it is declared in a public header, between
/// `ACCOUNTKPI_EXPORT_BEGIN` and `ACCOUNTKPI_EXPORT_END`, which every header under `include/accountkpi/` puts
/// around its declarations. The code private to `src/` (and the Boost.Math, Eigen and LBFGS++ code compiled
/// into it) stays local; `cmake/accountkpi.map` is a second fence that keeps everything outside the
/// `accountkpi` namespace local. For a static library, and for consumers, the macros change nothing.

#if defined(__GNUC__) || defined(__clang__)
#define ACCOUNTKPI_EXPORT_BEGIN _Pragma("GCC visibility push(default)")
#define ACCOUNTKPI_EXPORT_END _Pragma("GCC visibility pop")
#else
#define ACCOUNTKPI_EXPORT_BEGIN
#define ACCOUNTKPI_EXPORT_END
#endif
