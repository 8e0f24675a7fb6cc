#pragma once
// The first include of every binding source: pybind11, its numpy and STL support, and shared helpers.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/health/score.hpp"
#include "accountkpi/interrupt.hpp"
#include "accountkpi/kpi/options.hpp"

namespace py = pybind11;

namespace accountkpi::bindings {

/// A read-only 1-d numpy array that views `values` (no copy) and keeps `owner` alive as long as the array
/// lives.
template <class T>
py::array_t<T> view(std::span<const T> values, py::handle owner) {
    py::array_t<T> a({static_cast<py::ssize_t>(values.size())}, {static_cast<py::ssize_t>(sizeof(T))},
                     values.data(), owner);
    a.attr("setflags")(py::arg("write") = false);
    return a;
}
template <class T>
py::array_t<T> view(const std::vector<T>& values, py::handle owner) {
    return view(std::span<const T>(values), owner);
}

/// A 1-d numpy array that takes ownership of `values` (moved, no copy). Once numpy frees it, a large column
/// of doubles or int32 codes is kept for the next result (`detail::keep_column`).
template <class T, class Allocator>
py::array_t<T> adopt(std::vector<T, Allocator>&& values) {
    using Vector = std::vector<T, Allocator>;
    auto* heap = new Vector(std::move(values));
    py::capsule free_when_done(heap, [](void* p) {
        auto* column = static_cast<Vector*>(p);
        if constexpr (std::is_same_v<Vector, std::vector<double>> ||
                      std::is_same_v<Vector, std::vector<std::int32_t>>)
            detail::keep_column(std::move(*column));
        delete column;
    });
    return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, {static_cast<py::ssize_t>(sizeof(T))},
                          heap->data(), free_when_done);
}

/// A read-only 1-d view of a contiguous numpy array of exactly dtype T (the caller converts first).
template <class T>
std::span<const T> span_of(const py::array_t<T, py::array::c_style>& a) {
    if (a.ndim() != 1) throw py::value_error("expected a 1-d array");
    return {a.data(), static_cast<std::size_t>(a.shape(0))};
}

/// The poll of an `Interruption` for calls made without the GIL: takes the GIL briefly and runs Python's
/// signal handlers; true (stop) when one raised (Ctrl-C). The call then throws `Interrupted`, which Python
/// sees as KeyboardInterrupt (the translator in register_book.cpp). Use it as
///     Interruption stop(python_signals);
///     const InterruptionScope scope(&stop);
///     py::gil_scoped_release release;
///     ... the long C++ call, which checks `detail::check_interruption()` in its loops ...
inline bool python_signals() {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() == 0) return false;
    PyErr_Clear();  // raised again as KeyboardInterrupt when the call unwinds
    return true;
}

/// The KPI options of a Python dict of engine option names (defined in register_kpi.cpp); raises TypeError
/// on an unknown name and ValueError on an unknown choice.
kpi::Options kpi_options(const py::dict& options);
/// The scope of a dict of index lists ("accounts", "managers", "regions", "domains", "volume_bands"), as
/// the Python layer resolves it (defined in register_kpi.cpp).
kpi::Scope kpi_scope(const py::dict& scope);
/// The health score's options: `rule` holds `weights` (five, by component), `bands` (two),
/// `cadence_target`, `margin_target`, `unanswered_penalty` and `min_components`; `options` the KPI options
/// (defined in register_health.cpp).
health::HealthOptions health_options(const py::dict& rule, const py::dict& options);

void register_dates(py::module_& m);
void register_book(py::module_& m);
void register_kpi(py::module_& m);
void register_ltv(py::module_& m);
void register_tiers(py::module_& m);
void register_health(py::module_& m);

}  // namespace accountkpi::bindings
