// Coverage-guided fuzz target (libFuzzer): builds a Book from raw columns or from CSV-like text, strictly and
// leniently, then computes every KPI on what was built. Any crash, sanitizer report, hang or broken invariant
// is a finding; a ValidationError is the expected answer to bad input.
//
// Input: the first byte chooses the mode.
//   even: raw columns. The rest is a stream of small records: table (schema index), column (schema index or
//         a made-up name), kind (integers, numbers, dates, texts), row count, then the values as raw bytes
//         (codes may be out of range, days may be NaT or far away, numbers may be NaN or infinite).
//   odd:  text. "#<table>" lines start a table, the next line is its header, then comma-separated records;
//         number columns are parsed with strtod, everything else is passed as text (ids, words, ISO dates).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;

namespace {

class Bytes {
  public:
    Bytes(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
    [[nodiscard]] bool empty() const { return p_ >= end_; }
    std::uint8_t byte() { return empty() ? 0 : *p_++; }
    template <class T>
    T raw() {
        T v{};
        const auto n = std::min<std::size_t>(sizeof(T), static_cast<std::size_t>(end_ - p_));
        if (n > 0) std::memcpy(&v, p_, n);
        p_ += n;
        return v;
    }
    std::string text(std::size_t max) {
        const std::size_t n = std::min<std::size_t>(byte() % (max + 1), static_cast<std::size_t>(end_ - p_));
        std::string s(reinterpret_cast<const char*>(p_), n);
        p_ += n;
        return s;
    }

  private:
    const std::uint8_t* p_;
    const std::uint8_t* end_;
};

std::string column_name(Bytes& in, const TableSpec& spec) {
    const std::uint8_t c = in.byte();
    if (c < 240) return std::string(spec.columns[c % spec.columns.size()].name);
    if (c < 248) return " " + std::string(spec.columns[c % spec.columns.size()].name) + " ";  // misnamed
    return in.text(8);                                                                        // unknown
}

Column raw_column(Bytes& in, std::size_t rows) {
    switch (in.byte() % 4) {
        case 0: {
            std::vector<std::int64_t> v(rows);
            const bool small = in.byte() % 2;
            for (auto& x : v) x = small ? static_cast<std::int64_t>(in.byte() % 8) : in.raw<std::int64_t>();
            return Column::integers(std::move(v));
        }
        case 1: {
            std::vector<double> v(rows);
            for (auto& x : v) {
                const std::uint8_t k = in.byte();
                x = k < 200 ? static_cast<double>(k) - 50 : in.raw<double>();
            }
            return Column::numbers(std::move(v));
        }
        case 2: {
            std::vector<Date> v(rows);
            for (auto& d : v) {
                const std::uint8_t k = in.byte();
                d = k == 255 ? Date::null() : Date(2023, 1, 1) + static_cast<Date::rep>(k) * 7 - 200;
            }
            return Column::dates(v);
        }
        default: {
            std::vector<std::string> words;
            const std::size_t n = in.byte() % 6;
            static constexpr std::string_view dictionary[] = {
                "A",          "B",          "C",     "1",      "2",      "farmer",  "closer",
                "hour",       "day",        "month", "fixed",  "email",  "call",    "meeting",
                "csat",       "nps",        "ces",   "new",    "upsell", "renewal", "2024-01-01",
                "2024-02-29", "2023-13-01", " ",     "revenue"};
            for (std::size_t k = 0; k < n; ++k) {
                const std::uint8_t w = in.byte();
                words.emplace_back(w < 200 ? std::string(dictionary[w % std::size(dictionary)])
                                           : in.text(12));
            }
            auto codes = std::make_shared<std::vector<std::int64_t>>(rows);
            for (auto& c : *codes) {
                const std::uint8_t k = in.byte();
                c = k < 250 ? static_cast<std::int64_t>(k % (n + 1)) - 1 : static_cast<std::int64_t>(k) - 252;
            }
            return Column::texts(std::span<const std::int64_t>(*codes), std::move(words), codes);
        }
    }
}

BookBuilder from_raw(Bytes& in) {
    BookBuilder b(BuildOptions{in.byte() % 8 == 0 ? 0 : 1 + in.byte() % 400});
    const auto tables = schema();
    const std::size_t n_tables = 1 + in.byte() % 6;
    for (std::size_t t = 0; t < n_tables && !in.empty(); ++t) {
        const std::uint8_t which = in.byte();
        const TableSpec& spec = tables[which % tables.size()];
        Table table;
        const std::size_t rows = in.byte() % 12;
        const std::size_t n_columns = in.byte() % 8;
        for (std::size_t c = 0; c < n_columns && !in.empty(); ++c) {
            std::string name = column_name(in, spec);
            const std::size_t len = in.byte() % 16 == 0 ? rows + 1 : rows;  // now and then a ragged column
            table.add(std::move(name), raw_column(in, len));
        }
        b.add(which >= 250 ? "invoices" : spec.name, std::move(table));
    }
    return b;
}

std::vector<std::string> split(std::string_view line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out.emplace_back();
        } else {
            out.back().push_back(c);
        }
    }
    return out;
}

BookBuilder from_text(std::string_view text) {
    BookBuilder b;
    struct Pending {
        std::string name;
        std::vector<std::string> header;
        std::vector<std::vector<std::string>> cells;  // per column
    };
    std::vector<Pending> tables;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t nl = std::min(text.find('\n', pos), text.size());
        const std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.front() == '#') {
            tables.push_back({std::string(line.substr(1)), {}, {}});
        } else if (!tables.empty() && tables.back().header.empty()) {
            tables.back().header = split(line);
            tables.back().cells.resize(tables.back().header.size());
        } else if (!tables.empty()) {
            auto fields = split(line);
            auto& t = tables.back();
            for (std::size_t c = 0; c < t.cells.size(); ++c)
                t.cells[c].push_back(c < fields.size() ? fields[c] : "");
        }
    }
    for (auto& t : tables) {
        const TableSpec* spec = find_table(t.name);
        Table table;
        for (std::size_t c = 0; c < t.header.size(); ++c) {
            const ColumnSpec* col = spec ? spec->find(t.header[c]) : nullptr;
            if (col && col->role == ColumnRole::number) {
                std::vector<double> v;
                for (const auto& s : t.cells[c])
                    v.push_back(s.empty() ? std::nan("") : std::strtod(s.c_str(), nullptr));
                table.add(t.header[c], Column::numbers(std::move(v)));
            } else {
                table.add(t.header[c], Column::texts(t.cells[c]));
            }
        }
        b.add(t.name, std::move(table));
    }
    return b;
}

void exercise(const Book& book) {
    kpi::Request rq;
    rq.periods = {Period::year(2023), Period::quarter(2024, 1), Period(Date(2022, 12, 31), Date(2024, 3, 1))};
    (void)kpi::compute(book, rq);
    for (kpi::Key k :
         {kpi::Key::account, kpi::Key::manager, kpi::Key::region, kpi::Key::tier, kpi::Key::volume_band}) {
        rq.by = {k};
        (void)kpi::compute(book, rq);
    }
    (void)book.span();
}

void check(bool ok) {
    if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    Bytes in(data + 1, size - 1);
    const BookBuilder b =
        data[0] % 2 == 0 ? from_raw(in)
                         : from_text(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    bool strict_ok = false;
    try {
        const Book book = b.build();
        strict_ok = true;
        exercise(book);
    } catch (const ValidationError& e) {
        check(e.total() > 0 && !e.problems().empty() && e.problems().size() <= ValidationError::max_listed);
        for (const auto& p : e.problems()) check(!p.reason.empty());  // a table may be named ""
    }
    try {
        const LenientBuild out = b.build_lenient();
        // A valid input rejects nothing; the lenient Book holds every row not rejected.
        if (strict_ok && !out.rejected.empty()) {
            for (const auto& p : out.rejected) std::fprintf(stderr, "rejected: %s\n", p.describe().c_str());
            check(false);
        }
        check(out.book.revenue().size() <= size);
        exercise(out.book);
    } catch (const ValidationError& e) {
        check(!strict_ok);
        for (const auto& p : e.problems()) check(!p.reason.empty());
    }
    return 0;
}
