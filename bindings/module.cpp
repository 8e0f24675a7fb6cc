// The compiled module accountkpi._core: creates the submodules and registers each area.
#include "accountkpi/version.hpp"
#include "pybind11.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "accountkpi's compiled core; use the package accountkpi instead of this module.";
    m.attr("__version__") = std::string(accountkpi::version());
    accountkpi::bindings::register_dates(m);
    accountkpi::bindings::register_book(m);
    auto kpi = m.def_submodule("kpi", "KPI engine");
    accountkpi::bindings::register_kpi(kpi);
    auto ltv = m.def_submodule("ltv", "Lifetime-value models");
    accountkpi::bindings::register_ltv(ltv);
    auto tiers = m.def_submodule("tiers", "Management tiers: mandates, scorecards, coverage");
    accountkpi::bindings::register_tiers(tiers);
    auto health = m.def_submodule("health", "Account health: its backtest against churn and fitted weights");
    accountkpi::bindings::register_health(health);
}
