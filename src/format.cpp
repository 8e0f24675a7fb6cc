#include "accountkpi/format.hpp"

#include <cstdio>
#include <ostream>
#include <sstream>
#include <string>

#include "accountkpi/book/book.hpp"

namespace accountkpi {
namespace {

template <class T>
std::string streamed(const T& value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

/// `x` with `decimals` decimals, or "nan".
std::string fixed(double x, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    return buf;
}

}  // namespace

std::ostream& operator<<(std::ostream& out, Date d) {
    return out << (d.is_null() ? std::string("null") : d.iso());
}
std::ostream& operator<<(std::ostream& out, const Period& p) {
    return out << p.label();
}
std::ostream& operator<<(std::ostream& out, const Problem& p) {
    return out << p.describe();
}
std::string to_string(Date d) {
    return streamed(d);
}
std::string to_string(const Period& p) {
    return p.label();
}
std::string to_string(const Problem& p) {
    return p.describe();
}

namespace kpi {
std::ostream& operator<<(std::ostream& out, Kpi k) {
    return out << name(k);
}
std::string to_string(Kpi k) {
    return std::string(name(k));
}
}  // namespace kpi

namespace tiers {

namespace {

std::ostream& print(std::ostream& out, const Scorecard& card, const std::string& manager) {
    out << "scorecard " << card.period << ", manager " << manager << ": score " << fixed(card.score, 3)
        << '\n';
    for (const ScoreLine& line : card.lines) {
        out << "  " << line.kpi << ": actual " << fixed(line.actual, 3) << ", target "
            << fixed(line.target, 3) << ", attainment " << fixed(line.attainment, 3) << ", weight "
            << fixed(line.weight, 1) << '\n';
    }
    const auto unscored = card.unscored();
    if (!unscored.empty()) {
        out << "  unscored:";
        for (const kpi::Kpi k : unscored) out << ' ' << k;
        out << '\n';
    }
    return out;
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Scorecard& card) {
    return print(out, card, std::to_string(card.manager));
}
std::string to_string(const Scorecard& card) {
    return streamed(card);
}

std::ostream& operator<<(std::ostream& out, const LabelledScorecard& labelled) {
    const std::int32_t m = labelled.card.manager;
    return print(out, labelled.card,
                 m == none ? std::string("(none)") : labelled.book.managers().ids.label(m));
}
std::string to_string(const LabelledScorecard& labelled) {
    return streamed(labelled);
}

}  // namespace tiers
}  // namespace accountkpi
