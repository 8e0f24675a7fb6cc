#include "accountkpi/version.hpp"

namespace accountkpi {

std::string_view version() noexcept {
    return ACCOUNTKPI_VERSION;
}

}  // namespace accountkpi
