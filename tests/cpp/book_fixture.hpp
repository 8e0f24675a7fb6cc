#pragma once
// Small hand-made books for the tests.

#include <string>
#include <vector>

#include "accountkpi/book.hpp"

namespace fixture {

using accountkpi::Column;
using accountkpi::Date;
using accountkpi::Table;

inline Column days(const std::vector<std::string>& iso) {
    std::vector<Date> d;
    for (const auto& s : iso) d.push_back(s.empty() ? Date::null() : Date::parse(s));
    return Column::dates(d);
}
inline Column texts(const std::vector<std::string>& v) {
    return Column::texts(v);
}
inline Column numbers(const std::vector<double>& v) {
    return Column::numbers(v);
}

}  // namespace fixture
