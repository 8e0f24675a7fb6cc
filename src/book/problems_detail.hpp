#pragma once
// The problems found by one build (private to src/book: the builder's and the transaction log's).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/book/builder.hpp"
#include "accountkpi/book/errors.hpp"

namespace accountkpi {

/// The problems found by one build: all counted, the first `limit` kept.
class detail::ProblemList {
  public:
    explicit ProblemList(std::size_t limit = ValidationError::max_listed) : limit_(limit) {}
    void add(std::string_view table, std::int64_t row, std::string_view column, std::string reason) {
        ++total_;
        if (list_.size() < limit_) {
            list_.push_back({std::string(table), row, std::string(column), std::move(reason)});
        }
    }
    void add(Problem p) {
        ++total_;
        if (list_.size() < limit_) list_.push_back(std::move(p));
    }
    /// Counts `n` problems found but not listed (beyond another list's limit).
    void add_unlisted(std::size_t n) noexcept { total_ += n; }
    /// Marks row `row` of `table` as superseded: another row of its id stands for it (`BuildOptions::keep`),
    /// so rejecting it (quarantine) takes nothing else with it.
    void supersede(std::string_view table, std::int64_t row) { superseded_.emplace_back(table, row); }
    [[nodiscard]] std::size_t total() const noexcept { return total_; }
    [[nodiscard]] const std::vector<Problem>& list() const noexcept { return list_; }
    [[nodiscard]] const std::vector<std::pair<std::string, std::int64_t>>& superseded() const noexcept {
        return superseded_;
    }
    [[noreturn]] void raise() {
        if (list_.size() > ValidationError::max_listed) list_.resize(ValidationError::max_listed);
        throw ValidationError(std::move(list_), total_);
    }

  private:
    std::size_t limit_;
    std::vector<Problem> list_;
    std::size_t total_ = 0;
    std::vector<std::pair<std::string, std::int64_t>> superseded_;
};

}  // namespace accountkpi
