#include "accountkpi/kpi/labels.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

#include "../detail/threads.hpp"

namespace accountkpi::kpi {
namespace {

template <class Words>
std::string word_at(const Words& words, std::int32_t code, std::string_view what) {
    if (code < 0 || static_cast<std::size_t>(code) >= words.size()) {
        throw std::out_of_range("no " + std::string(what) + " with code " + std::to_string(code));
    }
    return std::string(words[static_cast<std::size_t>(code)]);
}

std::string number_text(double x) {
    if (std::isnan(x)) return "nan";
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
    return ec == std::errc{} ? std::string(buf, end) : std::to_string(x);
}

}  // namespace

const IdIndex* key_ids(const Book& book, Key key) noexcept {
    switch (key) {
        case Key::account:
        case Key::account_group:
            return &book.accounts().ids;
        case Key::manager:
        case Key::team:
            return &book.managers().ids;
        case Key::unit:
            return &book.units().ids;
        case Key::project:
            return &book.projects().ids;
        default:
            return nullptr;
    }
}

bool write_key_ids(const Book& book, Key key, std::span<const std::int32_t> codes,
                   std::span<std::int64_t> out, std::size_t threads) {
    const IdIndex* index = key_ids(book, key);
    if (index == nullptr || index->kind() != IdIndex::Kind::integer)
        throw std::invalid_argument("the groups of key '" + std::string(name(key)) + "' have no integer ids");
    if (out.size() != codes.size())
        throw std::invalid_argument("write_key_ids: " + std::to_string(codes.size()) + " codes, room for " +
                                    std::to_string(out.size()) + " ids");
    const std::vector<std::int64_t>& ids = index->integers();
    const std::int64_t zero = 0;
    const std::int64_t* const id_at = ids.empty() ? &zero : ids.data();  // read at 0 for codes it has not
    const auto known_codes = static_cast<std::uint32_t>(ids.size());
    const std::size_t n = codes.size(), parts = detail::threads_for(threads, n, n);
    std::atomic<bool> missing{false}, unknown{false};
    detail::in_threads(parts, {}, [&](std::size_t t) {
        // Without a branch, the id read at 0 for a code beyond the ids and then dropped: a loop the compiler
        // vectorizes (three times faster than reading only the ids of the codes known).
        std::uint32_t none_here = 0, unknown_here = 0;
        for (std::size_t i = t * n / parts, end = (t + 1) * n / parts; i < end; ++i) {
            const auto code =
                static_cast<std::uint32_t>(codes[i]);  // `none` and below wrap to beyond the ids
            const bool known = code < known_codes;
            const std::int64_t id = id_at[known ? code : 0];
            out[i] = known ? id : 0;
            none_here |= static_cast<std::uint32_t>(code == static_cast<std::uint32_t>(accountkpi::none));
            unknown_here |=
                static_cast<std::uint32_t>(!known && code != static_cast<std::uint32_t>(accountkpi::none));
        }
        if (none_here != 0) missing.store(true, std::memory_order_relaxed);
        if (unknown_here != 0) unknown.store(true, std::memory_order_relaxed);
    });
    if (unknown.load()) {
        const auto bad = std::find_if(codes.begin(), codes.end(), [&](std::int32_t c) {
            return c != accountkpi::none && (c < 0 || static_cast<std::size_t>(c) >= ids.size());
        });
        throw std::out_of_range("no " + std::string(name(key)) + " with code " + std::to_string(*bad));
    }
    return missing.load();
}

std::string key_label(const Book& book, Key key, std::int32_t code, const Options& options) {
    if (code == none) return "";
    if (const IdIndex* ids = key_ids(book, key)) {
        if (code >= 0 && static_cast<std::size_t>(code) < ids->size()) return ids->label(code);
        throw std::out_of_range("no " + std::string(name(key)) + " with code " + std::to_string(code));
    }
    switch (key) {
        case Key::region:
            return word_at(book.accounts().regions.names, code, "region");
        case Key::domain:
            return word_at(book.accounts().domains.names, code, "domain");
        case Key::service_line:
            return word_at(book.projects().service_lines.names, code, "service line");
        case Key::tier:
            return word_at(tier_names, code, "tier");
        case Key::role:
            return word_at(role_names, code, "role");
        case Key::volume_band:
            return word_at(volume_band_labels(options.volume_thresholds), code, "volume band");
        default:  // the keys of ids, above
            break;
    }
    throw std::out_of_range("no " + std::string(name(key)) + " with code " + std::to_string(code));
}

std::string LabelledRow::label(std::size_t k) const {
    const Result& r = result_->result();
    return key_label(result_->book(), r.by.at(k), r.key_codes.at(k).at(row_), result_->request().options);
}

Period LabelledRow::period() const {
    return result_->request().periods.at(static_cast<std::size_t>(result_->result().period.at(row_)));
}

double LabelledRow::value(Kpi kpi) const {
    return result_->result().column(kpi).at(row_);
}

TextTable to_table(const LabelledResult& result) {
    const Result& r = result.result();
    TextTable table;
    for (const Key k : r.by) table.header.emplace_back(name(k));
    table.header.emplace_back("period");
    for (const Kpi k : r.kpis) table.header.emplace_back(name(k));
    table.rows.reserve(result.size());
    for (const LabelledRow row : result) {
        std::vector<std::string> cells;
        cells.reserve(table.header.size());
        for (std::size_t k = 0; k < r.by.size(); ++k) cells.push_back(row.label(k));
        cells.push_back(row.period().label());
        for (std::size_t k = 0; k < r.kpis.size(); ++k)
            cells.push_back(number_text(r.values[k][row.index()]));
        table.rows.push_back(std::move(cells));
    }
    return table;
}

}  // namespace accountkpi::kpi
