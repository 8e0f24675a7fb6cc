// Calendar helpers for the Python Period: the calendar logic lives in C++ once.
#include "accountkpi/date.hpp"
#include "pybind11.hpp"

namespace accountkpi::bindings {
namespace {

py::tuple days_of(const Period& p) {
    return py::make_tuple(p.begin().days(), p.end().days());
}
Period period_of(Date::rep begin, Date::rep end) {
    return Period{Date{begin}, Date{end}};
}

}  // namespace

void register_dates(py::module_& m) {
    m.def("period_month", [](int y, unsigned month) { return days_of(Period::month(y, month)); });
    m.def("period_quarter", [](int y, unsigned q) { return days_of(Period::quarter(y, q)); });
    m.def("period_year", [](int y) { return days_of(Period::year(y)); });
    m.def("period_week", [](int y, unsigned week) { return days_of(Period::week(y, week)); });
    m.def("period_parse", [](std::string_view text) { return days_of(Period::parse(text)); });
    m.def("period_check", [](Date::rep b, Date::rep e) { return days_of(period_of(b, e)); });
    m.def("period_label", [](Date::rep b, Date::rep e) { return period_of(b, e).label(); });
    m.def("period_months", [](Date::rep b, Date::rep e) { return period_of(b, e).months(); });
    m.def("period_previous", [](Date::rep b, Date::rep e) { return days_of(period_of(b, e).previous()); });
    m.def("period_year_ago", [](Date::rep b, Date::rep e) { return days_of(period_of(b, e).year_ago()); });
    m.def("periods", [](Date::rep start, Date::rep end, std::string_view freq) {
        py::list out;
        for (const auto& p : periods(Date{start}, Date{end}, parse_frequency(freq))) out.append(days_of(p));
        return out;
    });
    m.def("date_parse", [](std::string_view iso) { return Date::parse(iso).days(); });
    m.def("date_iso", [](Date::rep d) { return Date{d}.iso(); });
}

}  // namespace accountkpi::bindings
