// Bindings of the KPI engine (accountkpi._core.kpi): the grouped table, the mergeable state, concentration
// over arrays. Arguments are converted first; the computation runs without the GIL.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/detail/zeroed.hpp"
#include "accountkpi/kpi.hpp"
#include "accountkpi/kpi/labels.hpp"
#include "pybind11.hpp"

namespace accountkpi::bindings {
namespace {

using kpi::Options;

template <class Enum>
Enum choose(const py::dict& options, const char* key,
            std::initializer_list<std::pair<const char*, Enum>> choices, Enum fallback) {
    if (!options.contains(key)) return fallback;
    const py::object given = options[key];
    std::string allowed;
    for (const auto& [word, value] : choices) allowed += (allowed.empty() ? "" : ", ") + std::string(word);
    if (!py::isinstance<py::str>(given))
        throw py::type_error(std::string("option ") + key + " must be one of: " + allowed + " (got a " +
                             py::str(py::type::of(given).attr("__name__")).cast<std::string>() + ")");
    const auto text = given.cast<std::string>();
    for (const auto& [word, value] : choices) {
        if (text == word) return value;
    }
    throw py::value_error(std::string("option ") + key + "=" + py::repr(given).cast<std::string>() +
                          " is not one of: " + allowed);
}

/// Whether `v` is a real number (a Python or numpy int or float; not a bool, not text).
bool is_number(const py::handle& v) {
    return !py::isinstance<py::bool_>(v) && !py::isinstance<py::str>(v) && !py::isinstance<py::bytes>(v) &&
           py::hasattr(v, "__float__");
}

std::string type_name(const py::handle& v) {
    return py::str(py::type::of(v).attr("__name__")).cast<std::string>();
}

/// A number of the options, or `fallback` when absent; a TypeError naming the option otherwise.
double number(const py::dict& options, const char* key, double fallback) {
    if (!options.contains(key)) return fallback;
    const py::object value = options[key];
    if (!is_number(value))
        throw py::type_error(std::string("option ") + key + " must be a number, got " + type_name(value));
    return value.cast<double>();
}

Options options_of(const py::dict& d) {
    constexpr std::string_view thresholds = "volume_thresholds";  // of grouping, no KPI's option
    for (const auto& [k, v] : d) {
        const auto key = k.cast<std::string>();
        const auto is_key = [&](const kpi::OptionInfo& o) { return o.key == key; };
        if (key != thresholds && std::none_of(kpi::option_table.begin(), kpi::option_table.end(), is_key)) {
            std::string list;
            for (const kpi::OptionInfo& o : kpi::option_table) list += std::string(o.key) + ", ";
            throw py::type_error("unknown KPI option '" + key + "' (known: " + list +
                                 std::string(thresholds) + ")");
        }
    }
    Options o;
    o.retention = choose<Options::Retention>(
        d, "retention_method", {{"set", Options::Retention::set}, {"textbook", Options::Retention::textbook}},
        o.retention);
    o.churn = choose<Options::Churn>(
        d, "churn_method",
        {{"start_cohort", Options::Churn::start_cohort}, {"include_new", Options::Churn::include_new}},
        o.churn);
    o.revenue_churn = choose<Options::RevenueChurn>(
        d, "revenue_churn_method",
        {{"gross", Options::RevenueChurn::gross}, {"net", Options::RevenueChurn::net}}, o.revenue_churn);
    o.nrr_base = choose<Options::NrrBase>(
        d, "nrr_base", {{"previous", Options::NrrBase::previous}, {"year_ago", Options::NrrBase::year_ago}},
        o.nrr_base);
    o.csat = choose<Options::Satisfaction>(
        d, "csat_method", {{"share", Options::Satisfaction::share}, {"mean", Options::Satisfaction::mean}},
        o.csat);
    o.ces = choose<Options::Satisfaction>(
        d, "ces_method", {{"mean", Options::Satisfaction::mean}, {"top_box", Options::Satisfaction::share}},
        o.ces);
    o.sla_days = number(d, "sla_days", o.sla_days);
    o.top_p = number(d, "top_p", o.top_p);
    o.pareto_threshold = number(d, "pareto_threshold", o.pareto_threshold);
    o.hours_per_day = number(d, "hours_per_day", o.hours_per_day);
    o.days_per_month = number(d, "days_per_month", o.days_per_month);
    o.handover_days = number(d, "handover_days", o.handover_days);
    o.ltv_revenue = choose<bool>(d, "ltv_measure", {{"gross_profit", false}, {"revenue", true}}, false);
    o.renewal = choose<Options::RenewalWeight>(
        d, "renewal_weight",
        {{"count", Options::RenewalWeight::count}, {"value", Options::RenewalWeight::value}}, o.renewal);
    if (d.contains("volume_thresholds")) {
        const py::object given = d["volume_thresholds"];
        if (py::isinstance<py::str>(given) || !py::isinstance<py::iterable>(given))
            throw py::type_error("option volume_thresholds must be a list of numbers, got " +
                                 type_name(given));
        o.volume_thresholds.clear();
        for (const auto& t : given) {
            if (!is_number(t))
                throw py::type_error("option volume_thresholds must be a list of numbers, got a " +
                                     type_name(t));
            o.volume_thresholds.push_back(t.cast<double>());
        }
    }
    return o;
}

kpi::Request request_of(const std::vector<std::pair<Date::rep, Date::rep>>& periods,
                        const std::vector<std::string>& by, const std::vector<std::string>& kpis,
                        const py::dict& options, const py::dict& scope) {
    kpi::Request rq;
    for (const auto& [b, e] : periods) rq.periods.emplace_back(Date{b}, Date{e});
    for (const auto& k : by) rq.by.push_back(kpi::parse_key(k));
    for (const auto& k : kpis) {
        const auto parsed = kpi::parse_kpi(k);
        if (!parsed) throw py::value_error("unknown KPI '" + k + "'");
        rq.kpis.push_back(*parsed);
    }
    rq.options = options_of(options);
    rq.scope = kpi_scope(scope);
    return rq;
}

/// A key column of a result as the Python layer shows it: the codes and, for a key of integer ids (see
/// `kpi::key_ids`), the ids themselves (0 where the code is missing) and whether one is missing, gathered
/// without the GIL (`kpi::write_key_ids`) so that Python does not gather them again.
struct KeyColumn {
    kpi::Key key{};
    std::vector<std::int32_t> codes;
    std::optional<detail::ZeroedVector<std::int64_t>> ids;
    bool missing = false;
};

/// The key columns of the codes `codes` of the keys `by` (moved), the ids gathered on up to `threads`.
std::vector<KeyColumn> key_columns(const Book& book, const std::vector<kpi::Key>& by,
                                   std::vector<std::vector<std::int32_t>>&& codes, std::size_t threads) {
    std::vector<KeyColumn> out(by.size());
    for (std::size_t k = 0; k < by.size(); ++k) {
        KeyColumn& c = out[k];
        c.key = by[k];
        c.codes = std::move(codes[k]);
        const IdIndex* index = kpi::key_ids(book, c.key);
        if (index == nullptr || index->kind() != IdIndex::Kind::integer) continue;
        detail::ZeroedVector<std::int64_t>& at = c.ids.emplace();
        {
            const detail::DeferredZeroing every_row_written_below;  // memory kept from before: not cleared
            at.resize(c.codes.size());
        }
        c.missing = kpi::write_key_ids(book, c.key, c.codes, at, threads);
    }
    return out;
}

/// The key columns as a list of (key, codes, ids or None, whether a code is missing).
py::list key_list(std::vector<KeyColumn>&& columns) {
    py::list keys;
    for (KeyColumn& c : columns) {
        const py::object ids = c.ids ? py::object(adopt(std::move(*c.ids))) : py::object(py::none());
        keys.append(py::make_tuple(std::string(kpi::name(c.key)), adopt(std::move(c.codes)), ids, c.missing));
    }
    return keys;
}

/// A result as the Python layer reads it: "keys" (see `key_list`), "period" (the codes of the request's
/// periods) and "values" (a column per KPI).
py::dict result_dict(kpi::Result&& r, std::vector<KeyColumn>&& keys) {
    py::dict out;
    out["keys"] = key_list(std::move(keys));
    out["period"] = adopt(std::move(r.period));
    py::dict values;
    for (std::size_t k = 0; k < r.kpis.size(); ++k)
        values[py::str(std::string(kpi::name(r.kpis[k])))] = adopt(std::move(r.values[k]));
    out["values"] = values;
    return out;
}

using Values = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::vector<double> values_of(const Values& a) {
    if (a.ndim() != 1) throw py::value_error("expected a 1-d array of values");
    return {a.data(), a.data() + a.shape(0)};
}

/// The KPI registry as columns (name, definition, formula, unit, higher_is_better, level, flow, options: the
/// keys of the options that change each KPI), one item per KPI in enum order.
py::dict registry_columns() {
    py::list names, definitions, formulas, units, hib, levels, flows, options;
    for (const kpi::KpiInfo& i : kpi::registry) {
        names.append(py::str(std::string(i.name)));
        definitions.append(py::str(std::string(i.definition)));
        formulas.append(py::str(std::string(i.formula)));
        units.append(py::str(std::string(kpi::name(i.unit))));
        hib.append(i.higher_is_better);
        levels.append(py::str(std::string(kpi::name(i.level))));
        flows.append(i.flow);
        py::list keys;
        for (const kpi::OptionInfo& o : kpi::option_table) {
            if (i.options.contains(o.option)) keys.append(py::str(std::string(o.key)));
        }
        options.append(keys);
    }
    py::dict out;
    out["name"] = names;
    out["definition"] = definitions;
    out["formula"] = formulas;
    out["unit"] = units;
    out["higher_is_better"] = hib;
    out["level"] = levels;
    out["flow"] = flows;
    out["options"] = options;
    return out;
}

}  // namespace

void register_kpi(py::module_& m) {
    m.def("release_memory", &kpi::release_memory,
          "Gives back the memory that requests keep for the next ones; returns its bytes.");
    m.def("registry", &registry_columns,
          "The KPI registry as columns: name, definition, formula, unit, higher_is_better, level, flow, "
          "options "
          "(the option keys that change each KPI), one item per KPI in the engine's order.");
    m.def(
        "options",
        [] {
            py::list rows;
            for (const kpi::OptionInfo& o : kpi::option_table)
                rows.append(py::make_tuple(std::string(o.field), std::string(o.key), std::string(o.keyword)));
            return rows;
        },
        "The KPI options as (field of kpi::Options, key of a request's options, keyword of the one-value "
        "functions).");

    py::class_<kpi::StateCache, std::shared_ptr<kpi::StateCache>>(
        m, "StateCache",
        "The per-period states of KPI requests already computed, reused for the same periods of the same "
        "Book or of a Book appended to it where nothing they read changed; at most max_bytes, least recently "
        "used dropped first.")
        .def(py::init<std::size_t>(), py::arg("max_bytes") = std::size_t{256} << 20)
        .def_property_readonly("max_bytes", &kpi::StateCache::max_bytes)
        .def_property_readonly("bytes", &kpi::StateCache::bytes, "The bytes of the states held.")
        .def_property_readonly("size", &kpi::StateCache::size,
                               "The states held (one per period and request).")
        .def_property_readonly("hits_and_misses", &kpi::StateCache::hits_and_misses,
                               "Periods found and periods computed since the cache was made.")
        .def("clear", &kpi::StateCache::clear, "Drops every state.");
    py::class_<kpi::State>(m, "State", "Mergeable partial accumulations of a KPI request.")
        .def("merge", &kpi::State::merge, py::arg("other"), py::call_guard<py::gil_scoped_release>())
        .def_property_readonly("groups", &kpi::State::groups)
        .def_property_readonly("nbytes", &kpi::State::serialized_size,
                               "Size of the pickled form in bytes (what a worker ships for a merge).")
        .def("__copy__", [](const kpi::State& s) { return kpi::State(s); })
        .def(
            "__deepcopy__", [](const kpi::State& s, const py::dict&) { return kpi::State(s); },
            py::arg("memo"))
        .def(py::pickle(
            [](const kpi::State& s) {
                std::string bytes;
                {
                    py::gil_scoped_release release;
                    bytes = s.to_bytes();
                }
                return py::make_tuple(py::bytes(bytes));
            },
            [](const py::tuple& t) {
                if (t.size() != 1) throw py::value_error("not a pickled kpi.State");
                const auto bytes = t[0].cast<std::string_view>();
                py::gil_scoped_release release;
                return kpi::State::from_bytes(bytes);
            }));

    m.def(
        "state_checksum", [](const py::bytes& b) { return kpi::State::checksum(b.cast<std::string_view>()); },
        py::arg("data"), "The checksum that a pickled State ends with (8 bytes, little-endian).");
    m.def(
        "accumulate",
        [](const Book& book, const std::vector<std::pair<Date::rep, Date::rep>>& periods,
           const std::vector<std::string>& by, const std::vector<std::string>& kpis, const py::dict& options,
           const py::dict& scope, const std::optional<Values>& account_values,
           std::shared_ptr<kpi::StateCache> cache) {
            auto rq = request_of(periods, by, kpis, options, scope);
            if (account_values) rq.account_values = values_of(*account_values);
            rq.cache = std::move(cache);
            Interruption stop(python_signals);
            const InterruptionScope in_scope(&stop);
            py::gil_scoped_release release;
            return kpi::accumulate(book, rq);
        },
        py::arg("book"), py::arg("periods"), py::arg("by"), py::arg("kpis"), py::arg("options"),
        py::arg("scope"), py::arg("account_values") = py::none(), py::arg("cache") = py::none());
    m.def(
        "finalize",
        [](const Book& book, const std::vector<std::pair<Date::rep, Date::rep>>& periods,
           const std::vector<std::string>& by, const std::vector<std::string>& kpis, const py::dict& options,
           const kpi::State& state) {
            const auto rq = request_of(periods, by, kpis, options, py::dict());
            kpi::Result r;
            std::vector<KeyColumn> keys;
            {
                Interruption stop(python_signals);
                const InterruptionScope in_scope(&stop);
                py::gil_scoped_release release;
                r = kpi::finalize(book, rq, state);
                keys = key_columns(book, r.by, std::move(r.key_codes), rq.threads);
            }
            return result_dict(std::move(r), std::move(keys));
        },
        py::arg("book"), py::arg("periods"), py::arg("by"), py::arg("kpis"), py::arg("options"),
        py::arg("state"));
    m.def(
        "compute",
        [](const Book& book, const std::vector<std::pair<Date::rep, Date::rep>>& periods,
           const std::vector<std::string>& by, const std::vector<std::string>& kpis, const py::dict& options,
           const py::dict& scope, const std::optional<Values>& account_values,
           std::shared_ptr<kpi::StateCache> cache) {
            auto rq = request_of(periods, by, kpis, options, scope);
            if (account_values) rq.account_values = values_of(*account_values);
            rq.cache = std::move(cache);
            kpi::Result r;
            std::vector<KeyColumn> keys;
            {
                Interruption stop(python_signals);
                const InterruptionScope in_scope(&stop);
                py::gil_scoped_release release;
                r = kpi::compute(book, rq);
                keys = key_columns(book, r.by, std::move(r.key_codes), rq.threads);
            }
            return result_dict(std::move(r), std::move(keys));
        },
        py::arg("book"), py::arg("periods"), py::arg("by"), py::arg("kpis"), py::arg("options"),
        py::arg("scope"), py::arg("account_values") = py::none(), py::arg("cache") = py::none());
    m.def(
        "revenue_bridge",
        [](const Book& book, const std::vector<std::pair<Date::rep, Date::rep>>& periods,
           const std::vector<std::string>& by, const std::string& base, const py::dict& scope) {
            py::dict options;
            options["nrr_base"] = base;
            const auto rq = request_of(periods, by, {}, options, scope);
            kpi::Bridge b;
            std::vector<KeyColumn> keys;
            {
                Interruption stop(python_signals);
                const InterruptionScope in_scope(&stop);
                py::gil_scoped_release release;
                b = kpi::revenue_bridge(book, rq.periods, rq.by, rq.options.nrr_base, rq.scope);
                keys = key_columns(book, b.by, std::move(b.key_codes), rq.threads);
            }
            py::dict out;
            out["keys"] = key_list(std::move(keys));
            out["period"] = adopt(std::move(b.period));
            py::dict values;
            for (const kpi::Movement movement : kpi::movements)
                values[py::str(std::string(kpi::name(movement)))] =
                    adopt(std::move(b.millionths[static_cast<std::size_t>(movement)]));
            out["millionths"] = values;
            return out;
        },
        py::arg("book"), py::arg("periods"), py::arg("by"), py::arg("base"), py::arg("scope"),
        "The revenue bridge per (group, period): key codes, periods and each movement in exact millionths.");
    m.def("base_period", [](Date::rep b, Date::rep e, const std::string& base) {
        py::dict d;
        d["nrr_base"] = base;
        const Period p = kpi::base_period(Period{Date{b}, Date{e}}, options_of(d).nrr_base);
        return py::make_tuple(p.begin().days(), p.end().days());
    });

    m.def("top_share", [](py::array_t<double, py::array::c_style | py::array::forcecast> v, double p) {
        return kpi::top_share(values_of(v), p);
    });
    m.def("pareto_ratio", [](py::array_t<double, py::array::c_style | py::array::forcecast> v, double t) {
        return kpi::pareto_ratio(values_of(v), t);
    });
    m.def("gini", [](py::array_t<double, py::array::c_style | py::array::forcecast> v) {
        return kpi::gini(values_of(v));
    });
    m.def("hhi", [](py::array_t<double, py::array::c_style | py::array::forcecast> v) {
        return kpi::hhi(values_of(v));
    });
    m.def("largest_share", [](py::array_t<double, py::array::c_style | py::array::forcecast> v) {
        return kpi::largest_share(values_of(v));
    });
    m.def("lorenz", [](py::array_t<double, py::array::c_style | py::array::forcecast> v) {
        auto c = kpi::lorenz(values_of(v));
        return py::make_tuple(adopt(std::move(c.population)), adopt(std::move(c.revenue)));
    });
    m.def("volume_band_labels", &kpi::volume_band_labels, py::arg("thresholds"));
    m.def("compound_churn", &kpi::compound_churn, py::arg("churn"), py::arg("periods"));
    m.def("periodic_churn", &kpi::periodic_churn, py::arg("churn"), py::arg("periods"));
    m.def(
        "data_coverage",
        [](const Book& book, const std::vector<std::pair<Date::rep, Date::rep>>& days,
           const std::vector<std::string>& kpi_names) {
            std::vector<Period> periods;
            periods.reserve(days.size());
            for (const auto& [b, e] : days) periods.emplace_back(Date{b}, Date{e});
            std::vector<kpi::Kpi> kpis;
            for (const std::string& n : kpi_names) {
                const auto k = kpi::parse_kpi(n);
                if (!k) throw py::value_error("unknown KPI '" + n + "'");
                kpis.push_back(*k);
            }
            const kpi::DataCoverage c = kpi::data_coverage(book, periods, kpis);
            py::list notes;
            for (const kpi::CoverageNote& n : c.notes)
                notes.append(py::make_tuple(n.period, std::string(kpi::name(n.gap)), n.days));
            return py::make_tuple(notes, c.describe(periods));
        },
        py::arg("book"), py::arg("periods"), py::arg("kpis") = std::vector<std::string>{},
        "The periods the Book's data does not cover, as (period index, gap, days) and a description.");
}

}  // namespace accountkpi::bindings

namespace accountkpi::bindings {

kpi::Scope kpi_scope(const py::dict& scope) {
    const auto list = [&](const char* key) {
        return scope.contains(key) ? scope[key].cast<std::vector<std::int32_t>>()
                                   : std::vector<std::int32_t>{};
    };
    kpi::Scope s;
    s.accounts = list("accounts");
    s.managers = list("managers");
    s.regions = list("regions");
    s.domains = list("domains");
    s.volume_bands = list("volume_bands");
    return s;
}

kpi::Options kpi_options(const py::dict& options) {
    return options_of(options);
}

}  // namespace accountkpi::bindings
