#include "accountkpi/accountkpi.hpp"

int odr_b() {
    return static_cast<int>(accountkpi::version().size());
}
