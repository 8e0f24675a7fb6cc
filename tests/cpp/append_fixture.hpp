#pragma once
// The demo's input split into a Book built and event rows appended to it (tests/cpp/test_book_append.cpp,
// test_kpi_cache.cpp), and a comparison of results bit for bit.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"

namespace accountkpi::appending {

using Tables = std::vector<std::pair<std::string, Table>>;

inline const Table& table_of(const Tables& tables, std::string_view name) {
    for (const auto& [n, t] : tables) {
        if (n == name) return t;
    }
    throw std::invalid_argument(std::string(name));
}

/// The date column that orders each event table.
inline std::string date_column(std::string_view table) {
    return table == "requests" ? "received_on" : "date";
}

inline bool is_event_table(std::string_view name) {
    return name == "revenue" || name == "interactions" || name == "requests" || name == "surveys";
}

/// The demo's accounts one row each, the even ones with their first spell given, the odd ones with spells
/// derived from revenue.
inline Table mixed_accounts(const Table& accounts) {
    const auto& id = std::get<Column::Integers>(accounts.find("account_id")->data()).values;
    std::vector<std::uint32_t> first;
    for (std::uint32_t i = 0; i < id.size(); ++i) {
        if (i == 0 || id[i] != id[i - 1]) first.push_back(i);
    }
    Table out;
    out.add("account_id", accounts.find("account_id")->take(first));
    out.add("region", accounts.find("region")->take(first));
    std::vector<Date> acquired, churned;
    const auto& acq = std::get<Column::Dates>(accounts.find("acquired_on")->data());
    const auto& chu = std::get<Column::Dates>(accounts.find("churned_on")->data());
    for (std::size_t k = 0; k < first.size(); ++k) {
        const bool given = k % 2 == 0;
        const auto day = [&](const Column::Dates& d) {
            const auto v = d.day(first[k]);
            return !given || v == Column::nat ? Date::null() : Date{static_cast<Date::rep>(v)};
        };
        acquired.push_back(day(acq));
        churned.push_back(day(chu));
    }
    out.add("acquired_on", Column::dates(acquired));
    out.add("churned_on", Column::dates(churned));
    return out;
}

/// The demo's input split in two: the base (every table, the event rows not `later`) and the event rows
/// `later`; `whole`: the base's rows followed by the later ones, what a build of everything reads.
struct Split {
    Tables base, later, whole;
};

template <class Later>
Split split(bool derived_spells, const Later& later) {
    demo::Options o;
    o.seed = 3;
    Split s;
    for (auto& [name, table] : demo::tables(o)) {
        if (name == "accounts" && derived_spells) table = mixed_accounts(table);
        if (!is_event_table(name)) {
            s.base.emplace_back(name, table);
            s.whole.emplace_back(name, table);
            continue;
        }
        const auto& dates = std::get<Column::Dates>(table.find(date_column(name))->data());
        std::vector<std::uint32_t> early, late;
        for (std::uint32_t i = 0; i < table.rows(); ++i) {
            const Date d{static_cast<Date::rep>(dates.day(i))};
            bool is_later = false;
            if constexpr (std::is_invocable_v<Later, std::string_view, const Table&, std::size_t, Date>) {
                is_later = later(std::string_view(name), table, i, d);
            } else {
                is_later = later(i, d);
            }
            (is_later ? late : early).push_back(i);
        }
        std::vector<std::uint32_t> both = early;
        both.insert(both.end(), late.begin(), late.end());
        s.base.emplace_back(name, table.take(early));
        s.later.emplace_back(name, table.take(late));
        s.whole.emplace_back(name, table.take(both));
    }
    return s;
}

inline Book built(const Tables& tables) {
    BookBuilder b;
    for (const auto& [name, table] : tables) b.add(name, table);
    return b.build();
}

inline Book appended(const Book& base, const Tables& later) {
    BookBuilder b;
    for (const auto& [name, table] : later) b.add(name, table);
    return b.append_to(base);
}

inline void expect_same_bits(const kpi::Result& a, const kpi::Result& b, const std::string& what) {
    ASSERT_EQ(a.rows(), b.rows()) << what;
    EXPECT_EQ(a.key_codes, b.key_codes) << what;
    EXPECT_EQ(a.period, b.period) << what;
    ASSERT_EQ(a.values.size(), b.values.size());
    for (std::size_t k = 0; k < a.values.size(); ++k) {
        for (std::size_t i = 0; i < a.rows(); ++i) {
            ASSERT_EQ(std::bit_cast<std::uint64_t>(a.values[k][i]),
                      std::bit_cast<std::uint64_t>(b.values[k][i]))
                << what << ": " << kpi::name(a.kpis[k]) << " row " << i;
        }
    }
}

}  // namespace accountkpi::appending
