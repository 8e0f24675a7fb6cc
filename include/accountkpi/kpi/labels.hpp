#pragma once
/// \file
/// Results in the Book's own words: the labels of group codes (account and manager ids, region, domain and
/// service-line names, tiers, roles, volume bands) and a view of a `Result` whose rows carry them, usable
/// with range-for and standard algorithms, convertible to a plain table of text cells.
///
/// \code
/// const kpi::Result result = kpi::compute(book, request);
/// for (const kpi::LabelledRow row : kpi::LabelledResult(book, request, result)) {
///     std::cout << row.label(0) << ' ' << row.period() << ' ' << row.value(kpi::Kpi::revenue) << '\n';
/// }
/// \endcode

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/engine.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::kpi {

/// The external ids of the codes of `key` in `book` when its groups are accounts, managers, units or projects
/// (`account`, `account_group`, `manager`, `team`, `unit`, `project`: code `i` is the id at index `i`); null
/// for the keys of categories (region, domain, service line, tier, role, volume band).
[[nodiscard]] const IdIndex* key_ids(const Book& book, Key key) noexcept;
/// Writes the external ids of `key`'s groups at `codes` (a key column of a `Result`) to `out`, 0 where a code
/// is `none`, when the key's groups have integer ids (`key_ids` is an index of `IdIndex::Kind::integer`), on
/// up to `threads` threads (0: one per core; a column under 50,000 rows on one); returns whether a code is
/// `none`. Throws `std::invalid_argument` when the key's ids are not integers or `out` is not as long as
/// `codes`, `std::out_of_range` for a code the Book does not have (`out` then holds some of the ids).
bool write_key_ids(const Book& book, Key key, std::span<const std::int32_t> codes,
                   std::span<std::int64_t> out, std::size_t threads = 0);

/// The label of group code `code` under `key` in `book`: the external id of an account or manager, the name
/// of a region, domain or service line, the word of a tier or role, a volume band's label under `options`; ""
/// for `none` (no owner, no tier, no region). Throws `std::out_of_range` for a code the Book does not have.
[[nodiscard]] std::string key_label(const Book& book, Key key, std::int32_t code,
                                    const Options& options = {});

class LabelledResult;

/// One row of a `LabelledResult`: a group in a period and its KPI values.
class LabelledRow {
  public:
    LabelledRow(const LabelledResult& result, std::size_t row) noexcept : result_(&result), row_(row) {}
    /// The label of the row's group under the request's `k`-th key (see `key_label`).
    [[nodiscard]] std::string label(std::size_t k) const;
    /// The period of the row.
    [[nodiscard]] Period period() const;
    /// The value of KPI `kpi` (NaN where undefined); throws `std::out_of_range` when it was not requested.
    [[nodiscard]] double value(Kpi kpi) const;
    [[nodiscard]] std::size_t index() const noexcept { return row_; }

  private:
    const LabelledResult* result_;
    std::size_t row_;
};

/// A view of a result with its labels; it refers to the Book, the request and the result, which must outlive
/// it.
class LabelledResult {
  public:
    LabelledResult(const Book& book, const Request& request, const Result& result) noexcept
        : book_(&book), request_(&request), result_(&result) {}

    class iterator {
      public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = LabelledRow;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = LabelledRow;
        iterator() = default;
        iterator(const LabelledResult* r, std::size_t i) noexcept : r_(r), i_(i) {}
        LabelledRow operator*() const noexcept { return {*r_, i_}; }
        LabelledRow operator[](difference_type n) const noexcept { return {*r_, advanced(n)}; }
        iterator& operator++() noexcept {
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept {
            auto t = *this;
            ++i_;
            return t;
        }
        iterator& operator--() noexcept {
            --i_;
            return *this;
        }
        iterator operator--(int) noexcept {
            auto t = *this;
            --i_;
            return t;
        }
        iterator& operator+=(difference_type n) noexcept {
            i_ = advanced(n);
            return *this;
        }
        iterator& operator-=(difference_type n) noexcept {
            i_ = advanced(-n);
            return *this;
        }
        friend iterator operator+(iterator it, difference_type n) noexcept { return it += n; }
        friend iterator operator+(difference_type n, iterator it) noexcept { return it += n; }
        friend iterator operator-(iterator it, difference_type n) noexcept { return it -= n; }
        friend difference_type operator-(iterator a, iterator b) noexcept {
            return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
        }
        friend bool operator==(iterator a, iterator b) noexcept { return a.i_ == b.i_; }
        friend auto operator<=>(iterator a, iterator b) noexcept { return a.i_ <=> b.i_; }

      private:
        [[nodiscard]] std::size_t advanced(difference_type n) const noexcept {
            return static_cast<std::size_t>(static_cast<difference_type>(i_) + n);
        }
        const LabelledResult* r_ = nullptr;
        std::size_t i_ = 0;
    };

    [[nodiscard]] std::size_t size() const noexcept { return result_->rows(); }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
    [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
    [[nodiscard]] iterator end() const noexcept { return {this, size()}; }
    [[nodiscard]] LabelledRow operator[](std::size_t row) const noexcept { return {*this, row}; }

    [[nodiscard]] const Book& book() const noexcept { return *book_; }
    [[nodiscard]] const Request& request() const noexcept { return *request_; }
    [[nodiscard]] const Result& result() const noexcept { return *result_; }

  private:
    const Book* book_;
    const Request* request_;
    const Result* result_;
};

/// A result as plain text cells: a header (the key names, "period", the KPI names) and one row per result
/// row (labels, the period's label, values in shortest round-trip form, "nan" where undefined).
struct TextTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
[[nodiscard]] TextTable to_table(const LabelledResult& result);

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
