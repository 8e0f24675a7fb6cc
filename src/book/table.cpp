#include "accountkpi/book/table.hpp"

#include <memory>
#include <type_traits>
#include <unordered_map>
#include <variant>

#include "accountkpi/book/errors.hpp"

namespace accountkpi {
namespace {

template <class T>
std::shared_ptr<const std::vector<T>> own(std::vector<T> v) {
    return std::make_shared<const std::vector<T>>(std::move(v));
}

}  // namespace

Column Column::integers(std::span<const std::int64_t> v, std::shared_ptr<const void> keep_alive) {
    return {Integers{v}, std::move(keep_alive)};
}
Column Column::numbers(std::span<const double> v, std::shared_ptr<const void> keep_alive) {
    return {Numbers{v}, std::move(keep_alive)};
}
Column Column::dates(std::span<const std::int64_t> days, std::shared_ptr<const void> keep_alive) {
    return {Dates{days, TimeUnit::day}, std::move(keep_alive)};
}
Column Column::dates(std::span<const std::int64_t> values, TimeUnit unit,
                     std::shared_ptr<const void> keep_alive) {
    return {Dates{values, unit}, std::move(keep_alive)};
}
Column Column::texts(Codes codes, std::vector<std::string> categories,
                     std::shared_ptr<const void> keep_alive) {
    return {Texts{codes, std::move(categories)}, std::move(keep_alive)};
}

Column Column::integers(std::vector<std::int64_t> v) {
    auto owned = own(std::move(v));
    return integers(std::span<const std::int64_t>(*owned), owned);
}
Column Column::numbers(std::vector<double> v) {
    auto owned = own(std::move(v));
    return numbers(std::span<const double>(*owned), owned);
}
Column Column::dates(const std::vector<Date>& v) {
    std::vector<std::int64_t> days(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) days[i] = v[i].is_null() ? nat : v[i].days();
    auto owned = own(std::move(days));
    return dates(std::span<const std::int64_t>(*owned), owned);
}
Column Column::texts(const std::vector<std::string>& v) {
    std::vector<std::int64_t> codes(v.size());
    std::vector<std::string> categories;
    std::unordered_map<std::string, std::int64_t> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i].empty()) {
            codes[i] = -1;
            continue;
        }
        auto [it, added] = seen.try_emplace(v[i], static_cast<std::int64_t>(categories.size()));
        if (added) categories.push_back(v[i]);
        codes[i] = it->second;
    }
    auto owned = own(std::move(codes));
    return texts(std::span<const std::int64_t>(*owned), std::move(categories), owned);
}

std::size_t Column::size() const noexcept {
    return std::visit(
        [](const auto& d) -> std::size_t {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, Integers> || std::is_same_v<T, Numbers>) {
                return d.values.size();
            } else if constexpr (std::is_same_v<T, Dates>) {
                return d.values.size();
            } else {
                return d.codes.size();
            }
        },
        data_);
}

std::string_view Column::kind_name() const noexcept {
    static constexpr std::string_view names[] = {"integer", "number", "date", "text"};
    return names[data_.index()];
}

Column Column::take(std::span<const std::uint32_t> keep) const {
    const auto take = [&](auto v) {
        using T = typename decltype(v)::value_type;
        auto out = std::make_shared<std::vector<T>>(keep.size());
        for (std::size_t k = 0; k < keep.size(); ++k) (*out)[k] = v[keep[k]];
        return out;
    };
    return std::visit(
        [&](const auto& d) -> Column {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, Column::Numbers>) {
                std::vector<double> out(keep.size());
                for (std::size_t k = 0; k < keep.size(); ++k) out[k] = d.values[keep[k]];
                return Column::numbers(std::move(out));
            } else if constexpr (std::is_same_v<T, Column::Integers>) {
                auto out = take(d.values);
                return Column::integers(std::span<const std::int64_t>(*out), out);
            } else if constexpr (std::is_same_v<T, Column::Dates>) {
                auto out = take(d.values);
                return Column::dates(std::span<const std::int64_t>(*out), d.unit, out);
            } else {
                return d.codes.visit([&](auto codes) {
                    auto out = take(codes);
                    using C = typename decltype(codes)::value_type;
                    return Column::texts(std::span<const C>(*out), d.categories, out);
                });
            }
        },
        data_);
}

Table Table::take(std::span<const std::uint32_t> rows) const {
    Table out;
    for (const auto& [name, column] : columns_) out.add(name, column.take(rows));
    return out;
}

Table& Table::add(std::string name, Column column) {
    for (auto& [n, c] : columns_) {
        if (n == name) {
            c = std::move(column);
            return *this;
        }
    }
    columns_.emplace_back(std::move(name), std::move(column));
    return *this;
}

const Column* Table::find(std::string_view name) const noexcept {
    for (const auto& [n, c] : columns_) {
        if (n == name) return &c;
    }
    return nullptr;
}

namespace {

/// `text` with control characters written as escapes ("\x1b" for ESC): C0 but for the line break, DEL, and
/// C1 (U+0080-U+009F, two bytes in UTF-8), so that text from the data never moves a terminal's cursor or
/// rings its bell. The same set as the Python layer escapes.
std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    const auto escape = [&](unsigned c) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0U;
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            escape(c);
        } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
            escape(next);
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace

std::string Problem::describe() const {
    std::string s = printable(table);
    if (row >= 0) s += " row " + std::to_string(row);
    if (!column.empty()) s += (row >= 0 ? ", column " : " column ") + printable(column);
    return s + ": " + printable(reason);
}

namespace {
std::string summarise(const std::vector<Problem>& problems, std::size_t total) {
    std::string s = std::to_string(total) + (total == 1 ? " problem" : " problems") + " in the input:";
    const std::size_t shown = std::min<std::size_t>(problems.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) s += "\n  " + problems[i].describe();
    if (total > shown) s += "\n  ... and " + std::to_string(total - shown) + " more";
    return s;
}
}  // namespace

ValidationError::ValidationError(std::vector<Problem> problems, std::size_t total)
    : std::invalid_argument(summarise(problems, total)), problems_(std::move(problems)), total_(total) {}

}  // namespace accountkpi
