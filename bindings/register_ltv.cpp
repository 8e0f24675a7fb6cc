// Bindings of the lifetime-value models (accountkpi._core.ltv). Filled in by the LTV work.
#include "pybind11.hpp"

namespace accountkpi::bindings {

void register_ltv(py::module_& /*m*/) {}

}  // namespace accountkpi::bindings
