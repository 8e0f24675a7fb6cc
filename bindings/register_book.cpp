// Bindings of the Book: building it from numpy columns (no copies of the input), the validation error, and
// exporting its tables as numpy views that keep the Book alive.
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi/labels.hpp"
#include "pybind11.hpp"

namespace accountkpi::bindings {
namespace {

using I64 = py::array_t<std::int64_t, py::array::c_style>;
using F64 = py::array_t<double, py::array::c_style>;

/// Shared ownership of a Python object, for memory that a Book may share: the last owner to go (on any
/// thread) releases the object under the GIL.
std::shared_ptr<const void> owner_of(py::object o) {
    return {new py::object(std::move(o)), [](const void* p) {
                if (!Py_IsInitialized())
                    return;  // at exit: leave it rather than touch a finished interpreter
                py::gil_scoped_acquire gil;
                delete static_cast<py::object*>(const_cast<void*>(p));
            }};
}

/// Dictionary codes of any signed integer width, as given (no widening).
Codes codes_of(const py::handle& h, std::vector<py::object>& keep) {
    const auto a = py::reinterpret_borrow<py::array>(h);
    const auto typed = [&](auto zero) -> Codes {
        auto c = h.cast<py::array_t<decltype(zero), py::array::c_style>>();
        keep.push_back(c);
        return span_of(c);
    };
    if (py::isinstance<py::array>(h) && a.dtype().kind() == 'i') {
        switch (a.dtype().itemsize()) {
            case 1:
                return typed(std::int8_t{});
            case 2:
                return typed(std::int16_t{});
            case 4:
                return typed(std::int32_t{});
            default:
                break;
        }
    }
    return typed(std::int64_t{});
}

TimeUnit time_unit_of(const std::string& unit) {
    if (unit == "D") return TimeUnit::day;
    if (unit == "s") return TimeUnit::second;
    if (unit == "ms") return TimeUnit::millisecond;
    if (unit == "us") return TimeUnit::microsecond;
    if (unit == "ns") return TimeUnit::nanosecond;
    throw py::value_error("unknown date unit '" + unit + "' (D, s, ms, us or ns)");
}

/// Converts one column description from Python: ("integers", a) | ("numbers", a[, owner]) |
/// ("dates", a[, unit]) | ("texts", codes, categories). The arrays must already have the exact dtype (the
/// Python layer converts; codes may be int8 to int64, dates int64 counts of `unit`, "D" by default); they are
/// viewed, not copied, and kept alive in `keep`. A numbers column is shared with the Book where it can be
/// (see `Column`), which then keeps the array and `owner` (e.g. the pandas Series it views) alive; with
/// `owner` None the array's memory may change after the build (a frame's column), so the Book never shares
/// it: it copies the values it keeps.
Column column_of(const py::tuple& spec, std::vector<py::object>& keep) {
    const auto kind = spec[0].cast<std::string>();
    if (kind == "texts")
        return Column::texts(codes_of(spec[1], keep), spec[2].cast<std::vector<std::string>>());
    if (kind == "integers" || kind == "dates") {
        auto a = spec[1].cast<I64>();
        keep.push_back(a);
        if (kind == "integers") return Column::integers(span_of(a));
        const auto unit = spec.size() > 2 ? time_unit_of(spec[2].cast<std::string>()) : TimeUnit::day;
        return Column::dates(span_of(a), unit);
    }
    if (kind == "numbers") {
        auto a = spec[1].cast<F64>();
        keep.push_back(a);
        if (spec.size() > 2 && spec[2].is_none()) return Column::numbers(span_of(a));
        const py::object owner = spec.size() > 2 ? py::make_tuple(a, spec[2]) : py::object(a);
        return Column::numbers(span_of(a), owner_of(owner));
    }
    throw py::value_error("unknown column kind '" + kind + "'");
}

/// A builder over the tables {name: {column: spec}}; the input arrays are appended to `keep`, which must
/// outlive the build.
BookBuilder builder_of(const py::dict& tables, const BuildOptions& options, std::vector<py::object>& keep) {
    BookBuilder builder(options);
    for (const auto& [name, columns] : tables) {
        Table table;
        for (const auto& [column, spec] : columns.cast<py::dict>()) {
            table.add(column.cast<std::string>(), column_of(spec.cast<py::tuple>(), keep));
        }
        builder.add(name.cast<std::string>(), std::move(table));
    }
    return builder;
}

/// The build options of the Python API: `keep_row` is "first" or "last" (`BuildOptions::keep`).
BuildOptions options_of(int inactivity_days, bool strict_columns, std::string_view keep_row) {
    if (keep_row != "first" && keep_row != "last") {
        throw py::value_error("keep must be 'first' or 'last', got '" + std::string(keep_row) + "'");
    }
    return {.inactivity_days = inactivity_days,
            .strict_columns = strict_columns,
            .keep = keep_row == "first" ? KeepRow::first : KeepRow::last};
}

Book build(const py::dict& tables, int inactivity_days, bool strict_columns, std::string_view keep_row) {
    std::vector<py::object> keep;  // the input arrays, alive until the build is done
    const BookBuilder builder =
        builder_of(tables, options_of(inactivity_days, strict_columns, keep_row), keep);
    Interruption stop(python_signals);
    const InterruptionScope scope(&stop);
    py::gil_scoped_release release;
    return builder.build();
}

/// `book` with the event tables {name: {column: spec}} appended (`BookBuilder::append_to`).
Book append(const Book& book, const py::dict& tables) {
    std::vector<py::object> keep;  // the input arrays, alive until the append is done
    const BookBuilder builder = builder_of(tables, book.options(), keep);
    Interruption stop(python_signals);
    const InterruptionScope scope(&stop);
    py::gil_scoped_release release;
    return builder.append_to(book);
}

/// Quarantine mode: (Book, [(table, row, column, reason)]) of the good rows and the rejected ones.
py::tuple build_lenient(
    const py::dict& tables, int inactivity_days,
    const std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>>& rejected,
    bool strict_columns, std::string_view keep_row) {
    std::vector<py::object> keep;
    BookBuilder builder = builder_of(tables, options_of(inactivity_days, strict_columns, keep_row), keep);
    for (const auto& [table, row, column, reason] : rejected) builder.reject({table, row, column, reason});
    std::optional<LenientBuild> out;
    {
        Interruption stop(python_signals);
        const InterruptionScope scope(&stop);
        py::gil_scoped_release release;
        out.emplace(builder.build_lenient());
    }
    py::list problems;
    for (const auto& p : out->rejected) problems.append(py::make_tuple(p.table, p.row, p.column, p.reason));
    return py::make_tuple(std::move(out->book), problems);
}

/// A Book from one transaction log (`TransactionLog`): `columns` = {log column: spec}, the named ones
/// converted and the others zero-length (their names serve the hint for a misnamed column); `account` ...
/// `region` name the log's columns ("" for none); `rejected` lists the problems found converting them, under
/// the log's names. The Book, or with `lenient` (Book, [(table, row, column, reason)]).
py::object from_transactions(
    const py::dict& columns, const TransactionColumns& names, std::string_view region_rule,
    int inactivity_days, bool lenient,
    const std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>>& rejected) {
    std::vector<py::object> keep;  // the input arrays, alive until the build is done
    Table log;
    for (const auto& [name, spec] : columns)
        log.add(name.cast<std::string>(), column_of(spec.cast<py::tuple>(), keep));
    TransactionLog transactions(std::move(log), {.columns = names,
                                                 .region_rule = parse_region_rule(region_rule),
                                                 .build = options_of(inactivity_days, false, "first")});
    for (const auto& [table, row, column, reason] : rejected)
        transactions.reject({table, row, column, reason});
    Interruption stop(python_signals);
    const InterruptionScope scope(&stop);
    if (!lenient) {
        std::optional<Book> book;
        {
            py::gil_scoped_release release;
            book.emplace(transactions.build());
        }
        return py::cast(std::move(*book));
    }
    std::optional<LenientBuild> out;
    {
        py::gil_scoped_release release;
        out.emplace(transactions.build_lenient());
    }
    py::list problems;
    for (const auto& p : out->rejected) problems.append(py::make_tuple(p.table, p.row, p.column, p.reason));
    return py::make_tuple(std::move(out->book), problems);
}

template <class Codes, std::size_t N>  // a vector or an Array of a one-byte enum
py::tuple enum_column(const Codes& codes, const std::array<std::string_view, N>& words, py::handle owner) {
    static_assert(sizeof(typename Codes::value_type) == 1);
    py::list names;
    for (auto w : words) names.append(py::str(std::string(w)));
    py::array_t<std::uint8_t> a({static_cast<py::ssize_t>(codes.size())}, {py::ssize_t{1}},
                                reinterpret_cast<const std::uint8_t*>(codes.data()), owner);
    return py::make_tuple("enum", a, names);
}

py::object ids_of(const IdIndex& ids) {
    if (ids.kind() == IdIndex::Kind::integer)
        return py::array_t<std::int64_t>(static_cast<py::ssize_t>(ids.size()), ids.integers().data());
    return py::cast(ids.texts());
}

py::tuple dates(std::span<const Date> d, py::handle owner) {
    static_assert(sizeof(Date) == sizeof(std::int32_t));
    py::array_t<std::int32_t> a({static_cast<py::ssize_t>(d.size())}, {py::ssize_t{4}},
                                reinterpret_cast<const std::int32_t*>(d.data()), owner);
    return py::make_tuple("days", a);
}
template <class T>
py::tuple numbers(const std::vector<T>& v, py::handle owner) {
    return py::make_tuple("numbers", view(v, owner));
}
template <class T>
py::tuple numbers(const Array<T>& v, py::handle owner) {
    return py::make_tuple("numbers", view(v.span(), owner));
}
/// A column that the Book may hold absent (see `RevenueTable`) with a value per row: read-only, kept alive by
/// the array itself (a view of the Book's memory when present).
template <class T>
py::array_t<T> held(Array<T> column) {
    auto* heap = new Array<T>(std::move(column));
    py::capsule free_when_done(heap, [](void* p) { delete static_cast<Array<T>*>(p); });
    return view(heap->span(), free_when_done);
}
py::tuple refs(std::span<const std::int32_t> codes, const IdIndex& ids, py::handle owner) {
    return py::make_tuple("ids", view(codes, owner), ids_of(ids));
}
py::tuple category(std::span<const std::int32_t> codes, const Categories& c, py::handle owner) {
    return py::make_tuple("category", view(codes, owner), py::cast(c.names));
}

/// The columns of table `name` in schema order, as views of the Book (kept alive by `owner`, the Python
/// Book).
py::dict export_table(const Book& book, std::string_view name, py::handle owner) {
    py::dict out;
    if (name == "accounts") {
        // One row per given spell (the input's shape), one row for an account without given spells.
        const auto& a = book.accounts();
        const auto& s = book.spells();
        std::vector<std::int32_t> account, region, domain, parent;
        std::vector<Date> acquired, churned;
        py::list names;
        for (std::size_t i = 0; i < a.size(); ++i) {
            bool any = false;
            for (auto k = s.offsets[i]; k < s.offsets[i + 1]; ++k) {
                if (s.derived[k]) continue;
                any = true;
                account.push_back(static_cast<std::int32_t>(i));
                acquired.push_back(s.begin[k]);
                churned.push_back(s.end[k] == Date::max() ? Date::null() : s.end[k]);
            }
            if (!any) {
                account.push_back(static_cast<std::int32_t>(i));
                acquired.push_back(Date::null());
                churned.push_back(Date::null());
            }
        }
        for (auto i : account) {
            const auto ui = static_cast<std::size_t>(i);
            names.append(a.name[ui]);
            region.push_back(a.region[ui]);
            domain.push_back(a.domain[ui]);
            parent.push_back(a.parent[ui]);
        }
        out["account_id"] = py::make_tuple("ids", adopt(std::vector<std::int32_t>(account)), ids_of(a.ids));
        out["name"] = py::make_tuple("texts", names);
        out["region"] = py::make_tuple("category", adopt(std::move(region)), py::cast(a.regions.names));
        out["domain"] = py::make_tuple("category", adopt(std::move(domain)), py::cast(a.domains.names));
        out["parent_id"] = py::make_tuple("ids", adopt(std::move(parent)), ids_of(a.ids));
        static_assert(sizeof(Date) == sizeof(std::int32_t));
        std::vector<std::int32_t> acq(acquired.size()), chu(churned.size());
        for (std::size_t k = 0; k < acquired.size(); ++k) {
            acq[k] = acquired[k].days();
            chu[k] = churned[k].days();
        }
        out["acquired_on"] = py::make_tuple("days", adopt(std::move(acq)));
        out["churned_on"] = py::make_tuple("days", adopt(std::move(chu)));
    } else if (name == "spells") {
        const auto& s = book.spells();
        out["account_id"] = refs(s.account, book.accounts().ids, owner);
        out["acquired_on"] = dates(s.begin, owner);
        out["churned_on"] = dates(s.end, owner);
        out["derived"] = py::make_tuple("bool", view(s.derived, owner));
    } else if (name == "managers") {
        const auto& m = book.managers();
        std::vector<std::int32_t> self(m.size());
        for (std::size_t i = 0; i < self.size(); ++i) self[i] = static_cast<std::int32_t>(i);
        out["manager_id"] = py::make_tuple("ids", adopt(std::move(self)), ids_of(m.ids));
        out["name"] = py::make_tuple("texts", py::cast(m.name));
        out["role"] = enum_column(m.role, role_names, owner);
        out["tier"] = enum_column(m.tier, tier_names, owner);
        out["reports_to"] = refs(m.reports_to, m.ids, owner);
        out["unit_id"] = refs(m.unit, book.units().ids, owner);
    } else if (name == "units") {
        const auto& u = book.units();
        std::vector<std::int32_t> self(u.size());
        for (std::size_t i = 0; i < self.size(); ++i) self[i] = static_cast<std::int32_t>(i);
        out["unit_id"] = py::make_tuple("ids", adopt(std::move(self)), ids_of(u.ids));
        out["name"] = py::make_tuple("texts", py::cast(u.name));
        out["kind"] = enum_column(u.kind, unit_kind_names, owner);
        out["head_id"] = refs(u.head, book.managers().ids, owner);
        out["parent_id"] = refs(u.parent, u.ids, owner);
        out["account_id"] = refs(u.account, book.accounts().ids, owner);
    } else if (name == "assignments") {
        const auto& t = book.assignments();
        out["manager_id"] = refs(t.manager, book.managers().ids, owner);
        out["account_id"] = refs(t.account, book.accounts().ids, owner);
        out["project_id"] = refs(t.project, book.projects().ids, owner);
        out["start"] = dates(t.start, owner);
        out["end"] = dates(t.end, owner);
    } else if (name == "projects") {
        const auto& t = book.projects();
        std::vector<std::int32_t> self(t.size());
        for (std::size_t i = 0; i < self.size(); ++i) self[i] = static_cast<std::int32_t>(i);
        out["project_id"] = py::make_tuple("ids", adopt(std::move(self)), ids_of(t.ids));
        out["account_id"] = refs(t.account, book.accounts().ids, owner);
        out["service_line"] = category(t.service_line, t.service_lines, owner);
        out["kind"] = enum_column(t.kind, project_kind_names, owner);
        out["signed_on"] = dates(t.signed_on, owner);
        out["start"] = dates(t.start, owner);
        out["end"] = dates(t.end, owner);
        out["value"] = numbers(t.value, owner);
        out["billing"] = enum_column(t.billing, billing_names, owner);
        out["manager_id"] = refs(t.manager, book.managers().ids, owner);
    } else if (name == "revenue") {
        const auto& t = book.revenue();
        out["account_id"] = refs(t.account, book.accounts().ids, owner);
        out["project_id"] = py::make_tuple("ids", held(t.every_project()), ids_of(book.projects().ids));
        out["date"] = dates(t.date, owner);
        out["amount"] = numbers(t.amount, owner);
        out["cost"] = numbers(t.cost, owner);
        out["units"] = py::make_tuple("numbers", held(t.every_units()));
        out["unit"] = enum_column(t.unit, billing_names, owner);
        out["manager_id"] = py::make_tuple("ids", held(t.every_manager()), ids_of(book.managers().ids));
    } else if (name == "interactions") {
        const auto& t = book.interactions();
        out["account_id"] = refs(t.account, book.accounts().ids, owner);
        out["manager_id"] = refs(t.manager, book.managers().ids, owner);
        out["date"] = dates(t.date, owner);
        out["channel"] = enum_column(t.channel, channel_names, owner);
        out["party"] = enum_column(t.party, party_names, owner);
    } else if (name == "requests") {
        const auto& t = book.requests();
        out["account_id"] = refs(t.account, book.accounts().ids, owner);
        out["received_on"] = dates(t.received_on, owner);
        out["responded_on"] = dates(t.responded_on, owner);
        out["project_id"] = refs(t.project, book.projects().ids, owner);
        out["manager_id"] = refs(t.manager, book.managers().ids, owner);
    } else if (name == "surveys") {
        const auto& t = book.surveys();
        out["account_id"] = refs(t.account, book.accounts().ids, owner);
        out["date"] = dates(t.date, owner);
        out["kind"] = enum_column(t.kind, survey_kind_names, owner);
        out["score"] = numbers(t.score, owner);
        out["manager_id"] = refs(t.manager, book.managers().ids, owner);
    } else if (name == "targets") {
        const auto& t = book.targets();
        out["manager_id"] = refs(t.manager, book.managers().ids, owner);
        out["kpi"] = py::make_tuple("texts", py::cast(t.kpi));
        out["begin"] = dates(t.begin, owner);
        out["end"] = dates(t.end, owner);
        out["target"] = numbers(t.target, owner);
    } else {
        throw py::key_error(
            "no table '" + std::string(name) +
            "' (accounts, spells, managers, units, assignments, projects, revenue, interactions, "
            "requests, surveys, targets)");
    }
    return out;
}

}  // namespace

void register_book(py::module_& m) {
    // The type lives as long as the module; a plain handle avoids destroying a Python object at exit.
    static const py::handle validation_error =
        py::exception<ValidationError>(m, "ValidationError", PyExc_ValueError).release();
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const ValidationError& e) {
            py::list problems;
            for (const auto& q : e.problems())
                problems.append(py::make_tuple(q.table, q.row, q.column, q.reason));
            py::object error = py::reinterpret_borrow<py::object>(validation_error)(e.what());
            error.attr("problems") = problems;
            error.attr("total") = e.total();
            py::set_error(validation_error, error);
        } catch (const NotFound& e) {  // an std::out_of_range, which pybind11 would make an IndexError
            PyErr_SetString(PyExc_KeyError, e.what());
        } catch (const Interrupted&) {
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        }
    });

    py::list schema_list;
    static constexpr const char* role_words[] = {"key",      "account",    "manager", "project", "text",
                                                 "category", "vocabulary", "date",    "number",  "unit"};
    for (const auto& t : schema()) {
        py::list columns;
        for (const auto& c : t.columns) {
            py::list words;
            for (auto w : c.words) words.append(py::str(std::string(w)));
            columns.append(
                py::make_tuple(std::string(c.name), role_words[static_cast<int>(c.role)], c.required, words));
        }
        schema_list.append(py::make_tuple(std::string(t.name), t.required, columns));
    }
    m.attr("schema") = schema_list;

    py::class_<Book>(m, "Book", "The validated, immutable, columnar book of accounts (C++ core).")
        .def_property_readonly("n_accounts", [](const Book& b) { return b.accounts().size(); })
        .def("rows",
             [](const Book& b, std::string_view table) -> std::size_t {
                 if (table == "accounts") return b.accounts().size();
                 if (table == "spells") return b.spells().size();
                 if (table == "managers") return b.managers().size();
                 if (table == "units") return b.units().size();
                 if (table == "assignments") return b.assignments().size();
                 if (table == "projects") return b.projects().size();
                 if (table == "revenue") return b.revenue().size();
                 if (table == "interactions") return b.interactions().size();
                 if (table == "requests") return b.requests().size();
                 if (table == "surveys") return b.surveys().size();
                 if (table == "targets") return b.targets().size();
                 throw py::key_error("no table '" + std::string(table) + "'");
             })
        .def("has_table", &Book::has_table)
        .def_property_readonly("inactivity_days", [](const Book& b) { return b.options().inactivity_days; })
        .def_property_readonly("span",
                               [](const Book& b) -> py::object {
                                   const auto s = b.span();
                                   if (!s) return py::none();
                                   return py::make_tuple(s->begin().days(), s->end().days());
                               })
        .def("export_table", [](py::object self, std::string_view name) {
            return export_table(self.cast<const Book&>(), name, self);
        });

    m.def(
        "resolve_ids",
        [](const Book& book, std::string_view table, const py::list& ids) {
            const Lookup what = table == "accounts"   ? Lookup::account
                                : table == "managers" ? Lookup::manager
                                : table == "projects"
                                    ? Lookup::project
                                    : throw py::key_error("no id table '" + std::string(table) + "'");
            std::vector<std::string> texts;
            texts.reserve(ids.size());
            for (const auto& id : ids) texts.push_back(py::str(id).cast<std::string>());
            return resolve(book, what, texts);
        },
        py::arg("book"), py::arg("table"), py::arg("ids"),
        "Indices of external ids (integers matched through their text); KeyError naming every one missing.");
    m.def(
        "resolve_categories",
        [](const Book& book, std::string_view column, const std::vector<std::string>& names) {
            const Lookup what = column == "region"   ? Lookup::region
                                : column == "domain" ? Lookup::domain
                                : column == "service_line"
                                    ? Lookup::service_line
                                    : throw py::key_error("no category column '" + std::string(column) + "'");
            return resolve(book, what, names);
        },
        py::arg("book"), py::arg("column"), py::arg("names"),
        "Codes of category names; KeyError naming every one missing.");
    m.def(
        "key_labels",
        [](const Book& book, std::string_view key) -> py::object {
            const auto unknown = [&] { return py::key_error("unknown key '" + std::string(key) + "'"); };
            kpi::Key k{};
            try {
                k = kpi::parse_key(key);
            } catch (const std::invalid_argument&) {
                throw unknown();
            }
            if (const IdIndex* ids = kpi::key_ids(book, k)) return ids_of(*ids);
            const auto words = [](const auto& names) {
                py::list l;
                for (auto w : names) l.append(py::str(std::string(w)));
                return l;
            };
            switch (k) {
                case kpi::Key::region:
                    return py::cast(book.accounts().regions.names);
                case kpi::Key::domain:
                    return py::cast(book.accounts().domains.names);
                case kpi::Key::service_line:
                    return py::cast(book.projects().service_lines.names);
                case kpi::Key::tier:
                    return words(tier_names);
                case kpi::Key::role:
                    return words(role_names);
                default:
                    throw unknown();
            }
        },
        py::arg("book"), py::arg("key"));
    m.def(
        "org_chart",
        [](const Book& book, Date::rep at) {
            OrgChart chart;
            {
                py::gil_scoped_release release;
                chart = org_chart(book, Date{at});
            }
            py::dict out;
            out["depth"] = adopt(std::move(chart.depth));
            out["direct_reports"] = adopt(std::move(chart.direct_reports));
            out["team_size"] = adopt(std::move(chart.team_size));
            out["accounts_owned"] = adopt(std::move(chart.accounts_owned));
            out["team_accounts"] = adopt(std::move(chart.team_accounts));
            return out;
        },
        py::arg("book"), py::arg("at"),
        "Per manager (by index): depth in the reporting lines, direct reports, team size, accounts owned and "
        "team accounts on day `at` (days since 1970-01-01).");
    m.def(
        "build_book_lenient", &build_lenient, py::arg("tables"), py::arg("inactivity_days"),
        py::arg("rejected"), py::arg("strict_columns") = false, py::arg("keep") = "first",
        "Builds a Book from the rows without problems: (Book, [(table, row, column, reason)]) listing every "
        "rejected row (with its dependants); raises ValidationError for problems no row can be blamed for.");
    m.def(
        "derive_regions",
        [](const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& account,
           const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& region,
           const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& day,
           std::size_t accounts, std::size_t regions, std::string_view rule) {
            const RegionRule r = parse_region_rule(rule);
            std::vector<std::int32_t> out;
            {
                py::gil_scoped_release release;
                std::vector<Date> days(static_cast<std::size_t>(day.size()));
                for (std::size_t i = 0; i < days.size(); ++i) days[i] = Date{day.data()[i]};
                out = derive_regions({account.data(), static_cast<std::size_t>(account.size())},
                                     {region.data(), static_cast<std::size_t>(region.size())}, days, accounts,
                                     regions, r);
            }
            return adopt(std::move(out));
        },
        py::arg("account"), py::arg("region"), py::arg("day"), py::arg("accounts"), py::arg("regions"),
        py::arg("rule"),
        "The region code of each account of a transaction log by `rule` (see accountkpi::derive_regions).");
    m.def(
        "from_transactions",
        [](const py::dict& columns, std::string account, std::string date, std::string amount,
           std::optional<std::string> cost, std::optional<std::string> region, std::string_view region_rule,
           int inactivity_days, bool lenient,
           const std::vector<std::tuple<std::string, std::int64_t, std::string, std::string>>& rejected) {
            const TransactionColumns names{.account = std::move(account),
                                           .date = std::move(date),
                                           .amount = std::move(amount),
                                           .cost = cost.value_or(""),
                                           .region = region.value_or("")};
            return from_transactions(columns, names, region_rule, inactivity_days, lenient, rejected);
        },
        py::arg("columns"), py::arg("account"), py::arg("date"), py::arg("amount"),
        py::arg("cost") = py::none(), py::arg("region") = py::none(),
        py::arg("region_rule") = "most_frequent", py::arg("inactivity_days") = 365,
        py::arg("lenient") = false, py::arg("rejected") = py::list(),
        "A Book from one transaction log {log column: spec} (accountkpi::TransactionLog): the Book, or with "
        "`lenient` (Book, [(table, row, column, reason)]); raises ValidationError naming the log's columns.");
    m.def(
        "columns_hint",
        [](std::string_view given, const std::vector<std::string>& found) {
            return columns_hint(given, found);
        },
        py::arg("given"), py::arg("found"),
        "\"did you mean 'X'? (columns found: 'a', 'b')\" for a column name not among `found`.");
    m.def(
        "similar_names",
        [](std::string_view given, const std::vector<std::string>& names) {
            return similar_names(given, names);
        },
        py::arg("given"), py::arg("names"),
        "The names among `names` that `given` likely misspells (case, spaces, one or two edits), in order.");
    m.def(
        "append_book", &append, py::arg("book"), py::arg("tables"),
        "The Book of `book` with the event tables {table: {column: spec}} (revenue, interactions, requests, "
        "surveys) appended, as a build of both inputs; raises ValidationError listing every problem.");
    m.def("build_book", &build, py::arg("tables"), py::arg("inactivity_days") = 365,
          py::arg("strict_columns") = false, py::arg("keep") = "first",
          "Validates and builds a Book from {table: {column: spec}}; raises ValidationError listing every "
          "problem.");
    m.def(
        "demo_book",
        [](std::uint64_t seed, int accounts, int years, int start_year, int lines_per_month, bool events) {
            demo::Options o;
            o.events = events;
            o.seed = seed;
            o.accounts = accounts;
            o.years = years;
            o.start_year = start_year;
            o.lines_per_month = lines_per_month;
            py::gil_scoped_release release;
            return demo::book(o);
        },
        py::arg("seed") = 0, py::arg("accounts") = 300, py::arg("years") = 3, py::arg("start_year") = 2023,
        py::arg("lines_per_month") = 1, py::arg("events") = true);
}

}  // namespace accountkpi::bindings
