// Looking up a Book's external ids and category names, with one kind of "not found".
#include "accountkpi/book/lookup.hpp"

#include <optional>

#include "accountkpi/book/book.hpp"
#include "accountkpi/kpi/options.hpp"

namespace accountkpi {

std::string_view to_string(Lookup what) noexcept {
    switch (what) {
        case Lookup::account:
            return "account";
        case Lookup::manager:
            return "manager";
        case Lookup::project:
            return "project";
        case Lookup::region:
            return "region";
        case Lookup::domain:
            return "domain";
        case Lookup::service_line:
            return "service_line";
    }
    return "id";
}

namespace {

std::string message(Lookup what, const std::vector<std::string>& missing) {
    std::string text = "no " + std::string(to_string(what)) + (missing.size() == 1 ? " " : "s ");
    for (std::size_t i = 0; i < missing.size(); ++i) {
        if (i == 20) {
            text += ", ... (" + std::to_string(missing.size()) + " in all)";
            break;
        }
        text += (i ? ", '" : "'") + missing[i] + "'";
    }
    return text + " in the book";
}

std::optional<std::int32_t> find(const Book& book, Lookup what, std::string_view id) {
    switch (what) {
        case Lookup::account:
            return book.accounts().ids.find(id);
        case Lookup::manager:
            return book.managers().ids.find(id);
        case Lookup::project:
            return book.projects().ids.find(id);
        case Lookup::region:
            return book.accounts().regions.find(id);
        case Lookup::domain:
            return book.accounts().domains.find(id);
        case Lookup::service_line:
            return book.projects().service_lines.find(id);
    }
    return std::nullopt;
}

}  // namespace

NotFound::NotFound(Lookup what, std::vector<std::string> missing)
    : std::out_of_range(message(what, missing)), what_(what), missing_(std::move(missing)) {}

std::vector<std::int32_t> resolve(const Book& book, Lookup what, std::span<const std::string> ids) {
    std::vector<std::int32_t> out;
    out.reserve(ids.size());
    std::vector<std::string> missing;
    for (const auto& id : ids) {
        if (const auto k = find(book, what, id)) {
            out.push_back(*k);
        } else {
            missing.push_back(id);
        }
    }
    if (!missing.empty()) throw NotFound(what, std::move(missing));
    return out;
}

std::int32_t resolve(const Book& book, Lookup what, std::string_view id) {
    const auto k = find(book, what, id);
    if (!k) throw NotFound(what, {std::string(id)});
    return *k;
}

}  // namespace accountkpi

namespace accountkpi::kpi {

Scope resolve(const Book& book, const ScopeIds& ids) {
    return Scope{.accounts = accountkpi::resolve(book, Lookup::account, ids.accounts),
                 .managers = accountkpi::resolve(book, Lookup::manager, ids.managers),
                 .regions = accountkpi::resolve(book, Lookup::region, ids.regions),
                 .domains = accountkpi::resolve(book, Lookup::domain, ids.domains),
                 .volume_bands = ids.volume_bands};
}

}  // namespace accountkpi::kpi
