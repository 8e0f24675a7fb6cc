#pragma once
/// \file
/// `Array`: an immutable column of the Book, either its own memory or memory shared with the input it was
/// built from (no copy), kept alive by shared ownership.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// An immutable 1-d array of `T`. It owns its values (moved in from a `std::vector`) or views memory owned
/// by someone else, whose owner it holds: copies share the same values, so copying an `Array` (and the Book
/// that holds it) never copies the values, and reading it from many threads at once is safe.
template <class T>
class Array {
  public:
    using value_type = T;
    using const_iterator = const T*;
    using iterator = const T*;

    /// An empty array.
    Array() = default;
    /// Takes `values` (no copy).
    Array(std::vector<T>&& values)  // NOLINT(google-explicit-constructor): a move, as for the vector it was
        : Array(std::make_shared<const std::vector<T>>(std::move(values))) {}
    /// Views `values`, keeping `owner` alive as long as any copy of the array lives. The memory must not
    /// change while the array lives.
    Array(std::span<const T> values, std::shared_ptr<const void> owner) noexcept
        : owner_(std::move(owner)), data_(values.data()), size_(values.size()), own_(false) {}

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] const T* data() const noexcept { return data_; }
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    [[nodiscard]] const T* begin() const noexcept { return data_; }
    [[nodiscard]] const T* end() const noexcept { return data_ + size_; }
    [[nodiscard]] std::span<const T> span() const noexcept { return {data_, size_}; }
    operator std::span<const T>() const noexcept { return span(); }  // NOLINT(google-explicit-constructor)
    /// Whether the values are memory shared with the owner given at construction (as opposed to moved in).
    [[nodiscard]] bool shared() const noexcept { return !own_; }

    friend bool operator==(const Array& a, const Array& b) { return std::ranges::equal(a, b); }
    friend bool operator==(const Array& a, const std::vector<T>& b) { return std::ranges::equal(a, b); }

  private:
    explicit Array(std::shared_ptr<const std::vector<T>> owned) noexcept
        : owner_(owned), data_(owned->data()), size_(owned->size()), own_(true) {}

    std::shared_ptr<const void> owner_;
    const T* data_ = nullptr;
    std::size_t size_ = 0;
    bool own_ = true;
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
