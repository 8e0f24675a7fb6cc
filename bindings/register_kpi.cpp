// Bindings of the KPI engine (accountkpi._core.kpi).
#include "pybind11.hpp"

namespace accountkpi::bindings {

void register_kpi(py::module_& /*m*/) {}

}  // namespace accountkpi::bindings
